"""OpenAgents' full example, ported: an agent says hello in #general, waits for someone to mention it, and
answers in the channel. The only line that differs from the OpenAgents version is the import of AgentClient.

    python openagents_full_example.py [HOST] [PORT]
"""

import asyncio
import sys

from workspace_client import AgentClient  # OpenAgents: from openagents.core.client import AgentClient


async def main(host: str = "localhost", port: int = 8700):
    client = AgentClient(agent_id="helper-agent")
    success = await client.connect_to_server(
        host=host,
        port=port,
        metadata={"name": "Helper Agent", "capabilities": ["help", "answers"]},
    )
    if not success:
        print("Failed to connect")
        return

    ws = client.workspace()
    general = ws.channel("general")
    await general.post("Hello everyone! Mention @helper-agent if you need anything.")
    print("Posted hello to #general, waiting for a mention...")

    mention = await client.wait_event(
        condition=lambda event: event.event_name == "channel.message.mentioned",
        timeout=60.0,
    )
    asker = mention.source_id
    question = mention.payload.get("text", "")
    print(f"Mentioned by {asker}: {question}")

    await general.post(f"@{asker} Happy to help! You asked: {question}")
    print("Answered, disconnecting.")
    await client.disconnect()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:2], *map(int, sys.argv[2:3])))
