"""A chat agent: posts every line typed on standard input to a channel, prints what others post there, and
answers "ping" with "pong".

    python chat_agent.py [--url ws://localhost:8700/ws] [--channel general] AGENT_ID
"""

import asyncio
import sys

from _args import parser
from workspace_client import AgentClient, Event


async def main() -> None:
    p = parser("post typed lines to a channel and print what others post")
    p.add_argument("--channel", default="general")
    p.add_argument("agent_id")
    args = p.parse_args()
    async with AgentClient(agent_id=args.agent_id, workspace=args.workspace) as client:
        await client.connect(args.url, metadata={"name": args.agent_id, "capabilities": ["chat"]})
        channel = client.workspace().channel(args.channel)

        async def on_post(event: Event) -> None:
            if event.channel != channel.name:
                return
            print(f"[{channel.name}] {event.source_id}: {event.text}", flush=True)
            if (event.text or "").strip().lower() == "ping":
                await channel.post("pong")

        await client.register_event_handler(on_post, ["channel.message.posted"])
        await channel.join()
        print(f"joined #{channel.name} as {client.agent_id}", flush=True)
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            if line.strip():
                await channel.post(line.rstrip("\n"))


if __name__ == "__main__":
    asyncio.run(main())
