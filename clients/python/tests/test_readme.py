"""The ten-line Python agent of the repository's README, run as written (only the port differs)."""

import asyncio
import pathlib
import re
import sys

from workspace_client import AgentClient

README = pathlib.Path(__file__).resolve().parents[3] / "README.md"


def snippet() -> str:
    text = README.read_text()
    section = text[text.index("## Python and TypeScript"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


async def test_the_readme_agent_runs(server, tmp_path):
    code = snippet()
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    script = tmp_path / "agent.py"
    script.write_text(code.replace('"localhost", 8700', f'"127.0.0.1", {server.port}'))
    bob = AgentClient(agent_id="bob")
    await bob.connect(server.url)
    await bob.workspace().channel("general").join()

    async def answer(event):
        if event.requires_response:
            await bob.reply(event, "4")
    await bob.register_event_handler(answer, "agent.message")
    try:
        proc = await asyncio.create_subprocess_exec(sys.executable, str(script), stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 30)
        assert proc.returncode == 0, err.decode()
        assert out.decode().splitlines() == ["4"]
        posted = await bob.wait_event(lambda e: e.event_name == "channel.message.posted", timeout=10)
        assert (posted.source_id, posted.text) == ("alice", "hello @bob")
    finally:
        await bob.disconnect()
