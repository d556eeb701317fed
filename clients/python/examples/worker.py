"""A worker: announces the capability "work" and answers every request sent to it with the result of its task.

    python worker.py [--url ws://localhost:8700/ws] AGENT_ID
"""

import asyncio

from _args import parser
from workspace_client import AgentClient, Event


async def main() -> None:
    p = parser("answer work requests")
    p.add_argument("agent_id")
    args = p.parse_args()
    async with AgentClient(agent_id=args.agent_id, workspace=args.workspace) as client:
        await client.connect(args.url, metadata={"name": args.agent_id, "capabilities": ["work"]})

        async def work(request: Event) -> None:
            if request.requires_response:
                task = request.payload.get("task", request.text)
                await client.reply(request, {"text": f"{task}: done by {client.agent_id}", "task": task})

        await client.register_event_handler(work, "agent.message")
        print(f"{client.agent_id} ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
