"""An orchestrator: finds the agents that can "work", hands each task to one of them (round robin), waits for
every answer and prints it.

    python orchestrator.py [--url ws://localhost:8700/ws] TASK...
"""

import asyncio
import sys

from _args import parser
from workspace_client import AgentClient, WorkspaceError


async def main() -> int:
    p = parser("hand tasks to workers and collect their answers")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each answer")
    p.add_argument("tasks", nargs="+")
    args = p.parse_args()
    async with AgentClient(agent_id="orchestrator", workspace=args.workspace) as client:
        await client.connect(args.url, metadata={"name": "Orchestrator"})
        workers = sorted(a.agent_id for a in await client.list_agents(capability="work"))
        if not workers:
            print("no agent with the capability 'work' is connected", file=sys.stderr)
            return 1
        print(f"workers: {', '.join(workers)}", flush=True)

        async def hand_out(i: int, task: str) -> str:
            worker = client.workspace().agent(workers[i % len(workers)])
            answer = await worker.send_and_wait({"text": task, "task": task}, timeout=args.timeout)
            return answer.text or ""

        results = await asyncio.gather(*(hand_out(i, t) for i, t in enumerate(args.tasks)),
                                       return_exceptions=True)
        failed = 0
        for task, result in zip(args.tasks, results):
            if isinstance(result, BaseException):
                failed += 1
                kind = result.kind.value if isinstance(result, WorkspaceError) else type(result).__name__
                print(f"{task}: failed ({kind}: {result})", flush=True)
            else:
                print(result, flush=True)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
