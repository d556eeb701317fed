"""A bot that answers only the posts that mention it. It subscribes to nothing but its mentions, so a busy
channel costs it no traffic.

    python mention_bot.py [--url ws://localhost:8700/ws] [--channel general] AGENT_ID
"""

import asyncio

from _args import parser
from workspace_client import AgentClient


async def main() -> None:
    p = parser("answer the posts that mention this agent")
    p.add_argument("--channel", default="general")
    p.add_argument("agent_id")
    args = p.parse_args()
    client = AgentClient(agent_id=args.agent_id, workspace=args.workspace,
                         subscriptions=["channel.message.mentioned"])
    await client.connect(args.url, metadata={"name": f"{args.agent_id} (bot)", "capabilities": ["answers"]})
    await client.workspace().channel(args.channel).join()
    print(f"{client.agent_id} is listening for mentions in #{args.channel}", flush=True)
    try:
        async for mention in client.events("channel.message.mentioned"):
            question = mention.payload.get("text", "")
            print(f"mentioned by {mention.source_id}: {question}", flush=True)
            await client.workspace().channel(mention.channel).post(
                f"@{mention.source_id} you said: {question}", mentions=[mention.source_id])
    finally:
        await client.disconnect()


if __name__ == "__main__":
    asyncio.run(main())
