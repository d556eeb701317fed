"""The examples, run for real: OpenAgents' full example as a module, the others as processes."""

import asyncio
import importlib.util
import pathlib
import sys

from recorder import Recorder
from workspace_client import AgentClient

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


class Process:
    """An example run as a process of its own; its standard output is read line by line."""

    def __init__(self, proc):
        self.proc = proc

    @classmethod
    async def start(cls, script, *args):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(EXAMPLES / script), *args, stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=str(EXAMPLES))
        return cls(proc)

    async def line(self, timeout=20.0):
        raw = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        assert raw, "the example ended early"
        return raw.decode().rstrip("\n")

    async def expect(self, prefix, timeout=20.0):
        seen = []
        while True:
            line = await self.line(timeout)
            if line.startswith(prefix):
                return line, seen
            seen.append(line)

    async def send(self, text):
        self.proc.stdin.write((text + "\n").encode())
        await self.proc.stdin.drain()

    async def stop(self):
        if self.proc.returncode is None:
            self.proc.terminate()
            await self.proc.wait()


def common(server, ws_name):
    return ["--url", server.url, "--workspace", ws_name]


async def test_openagents_full_example_runs_as_written(server):
    spec = importlib.util.spec_from_file_location("openagents_full_example", EXAMPLES / "openagents_full_example.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    human = AgentClient(agent_id="human")
    await human.connect_to_server("127.0.0.1", server.port)
    posts = Recorder()
    human.register_event_handler(posts, "channel.message.posted")
    await human.workspace().channel("general").join()
    try:
        agent = asyncio.ensure_future(example.main("127.0.0.1", server.port))
        [hello] = await posts.count(1)
        assert hello.source_id == "helper-agent" and "@helper-agent" in hello.text
        await human.workspace().channel("general").post("@helper-agent how do I page history?")
        answer = (await posts.count(2))[1]
        assert answer.source_id == "helper-agent"
        assert answer.text == "@human Happy to help! You asked: @helper-agent how do I page history?"
        await asyncio.wait_for(agent, 20)
        assert [a.agent_id for a in await human.list_agents()] == ["human"]
    finally:
        await human.disconnect()


async def test_chat_agents_talk_and_answer_ping(server, ws_name):
    alice = await Process.start("chat_agent.py", *common(server, ws_name), "alice")
    bob = await Process.start("chat_agent.py", *common(server, ws_name), "bob")
    try:
        await alice.expect("joined #general as alice")
        await bob.expect("joined #general as bob")
        await alice.send("hello bob")
        assert await bob.line() == "[general] alice: hello bob"
        await alice.send("ping")
        assert await bob.line() == "[general] alice: ping"
        assert await alice.line() == "[general] bob: pong"
    finally:
        await alice.stop()
        await bob.stop()


async def test_mention_bot_answers_mentions_only(server, ws_name):
    bot = await Process.start("mention_bot.py", *common(server, ws_name), "helper")
    human = AgentClient(agent_id="human", workspace=ws_name)
    try:
        await bot.expect("helper is listening")
        await human.connect(server.url)
        posts = Recorder()
        human.register_event_handler(posts, "channel.message.posted")
        general = human.workspace().channel("general")
        await general.join()
        await general.post("just chatting, no bot wanted")
        await general.post("@helper what now?")
        assert await bot.line() == "mentioned by human: @helper what now?"
        await general.post("thanks @helper")
        assert await bot.line() == "mentioned by human: thanks @helper"
        events = await posts.count(2)
        assert [(e.source_id, e.text) for e in events] == [
            ("helper", "@human you said: @helper what now?"), ("helper", "@human you said: thanks @helper")]
    finally:
        await human.disconnect()
        await bot.stop()


async def test_orchestrator_hands_tasks_to_workers(server, ws_name):
    workers = [await Process.start("worker.py", *common(server, ws_name), w) for w in ("w1", "w2")]
    try:
        for w, name in zip(workers, ("w1", "w2")):
            await w.expect(f"{name} ready")
        orchestrator = await Process.start("orchestrator.py", *common(server, ws_name),
                                           "summarize the logs", "draft the reply", "check the build")
        out = (await orchestrator.proc.communicate())[0].decode().splitlines()
        assert orchestrator.proc.returncode == 0, out
        assert out == ["workers: w1, w2", "summarize the logs: done by w1", "draft the reply: done by w2",
                       "check the build: done by w1"]
    finally:
        for w in workers:
            await w.stop()
