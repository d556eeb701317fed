"""Runs against a real server: remote agents called as if local, progress, questions, approvals, cancel, pools,
failures, cards and sessions, with the host side of this client on the other end."""

import asyncio

import pytest

from workspace_client import ErrorKind, WorkspaceError


async def test_arun_returns_the_result_and_sends_no_progress_unasked(connect):
    alice, bob = await connect("alice"), await connect("bob")
    other = []
    bob.register_event_handler(lambda e: other.append(e), "agent.task")

    @bob.host
    async def work(run):
        await run.thinking("hmm")
        return f"done: {run.text} for {run.caller}"

    result = await alice.remote_agent("bob").arun("sum 1 2")
    assert result.text == "done: sum 1 2 for alice" and result.agent_id == "bob"
    assert result.event.event_name == "run.completed" and result.payload["seq"] == 1
    state = await alice.get_run(result.run_id)
    assert state["state"] == "completed" and state["requester"] == "alice" and state["target"] == "bob"
    assert other == []


async def test_stream_yields_progress_in_order_then_the_result(connect):
    alice, bob = await connect("alice"), await connect("bob")

    @bob.host
    async def work(run):
        await run.thinking("planning")
        call = await run.tool_call("search", {"q": run.text})
        await run.tool_result(call, ["a", "b"])
        await run.text_chunk("the answer ")
        await run.text_chunk("is 42")
        await run.complete({"text": "the answer is 42", "data": {"n": 42}})

    run = alice.remote_agent("bob").arun("what?", stream=True)
    events = [e async for e in run]
    assert [e.event_name for e in events] == ["run.progress.thinking", "run.progress.tool_call",
                                             "run.progress.tool_result", "run.progress.text", "run.progress.text"]
    assert [e.payload["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert events[1].payload["args"] == {"q": "what?"} and events[2].payload["result"] == ["a", "b"]
    result = await run
    assert result.text == "the answer is 42" and result.payload["data"] == {"n": 42} and run.state == "completed"


async def test_questions_and_session_approvals(connect):
    alice, bob = await connect("alice"), await connect("bob")
    asked = []

    @bob.host
    async def work(run):
        colour = await run.ask_user("which colour?", options=["red", "blue"])
        approval = await run.request_approval("deploy", {"env": "prod"})
        asked.append(run.run_id)
        return f"{colour.answer}, approved={approval.is_approved} ({approval.scope})"

    agent = alice.remote_agent("bob").session("s1")
    run = agent.arun("paint", stream=True)
    answers = iter([("respond", "blue"), ("approve", "session")])
    async for event in run:
        assert event.event_name == "run.input_required" and run.pending_input is event
        how, value = next(answers)
        await (run.respond(value) if how == "respond" else run.approve(value))
    assert (await run).text == "blue, approved=True (session)"
    second = agent.arun("paint again", stream=True)
    kinds = []
    async for event in second:
        kinds.append(event.payload["kind"])
        await second.respond("red")
    assert kinds == ["ask_user"]
    assert (await second).text == "red, approved=True (session)"


async def test_cancel_ends_the_run_canceled(connect):
    alice, bob = await connect("alice"), await connect("bob")
    started = asyncio.Event()

    @bob.host
    async def work(run):
        stop = asyncio.Event()
        run.on_cancel(lambda reason: stop.set())
        started.set()
        await asyncio.wait_for(stop.wait(), 20)
        await run.canceled("asked to")

    run = alice.remote_agent("bob").arun("long job", stream=True)
    await asyncio.wait_for(started.wait(), 10)
    assert await run.cancel() is True
    with pytest.raises(WorkspaceError) as e:
        await run
    assert e.value.kind is ErrorKind.CANCELED and run.state == "canceled"
    with pytest.raises(WorkspaceError) as e:
        async for _ in run:
            pass
    assert e.value.kind is ErrorKind.CANCELED


async def test_failures_absent_agents_and_a_host_that_goes_away(connect, server, ws_name):
    alice, bob = await connect("alice"), await connect("bob")

    @bob.host
    def work(run):
        if run.text == "boom":
            raise ValueError("it broke")
        return None

    with pytest.raises(WorkspaceError) as e:
        await alice.remote_agent("bob").arun("boom")
    assert e.value.kind is ErrorKind.FAILED and e.value.code == "handler_error" and "it broke" in str(e.value)
    with pytest.raises(WorkspaceError) as e:
        await alice.remote_agent("nobody").arun("hello?")
    assert e.value.kind is ErrorKind.NOT_FOUND
    run = alice.remote_agent("bob").arun("never answered", stream=True)
    assert await run.accepted() == "bob"
    await bob.disconnect()
    pending = run.result()
    with pytest.raises(WorkspaceError) as e:
        await pending
    assert e.value.kind is ErrorKind.UNAVAILABLE and e.value.code == "agent_disconnected"
    with pytest.raises(WorkspaceError) as e:
        await alice.pool("nobody-serves").arun("x")
    assert e.value.kind is ErrorKind.NOT_FOUND


async def test_pool_runs_go_to_its_members_and_sessions_keep_memory(connect):
    alice = await connect("alice")
    workers = [await connect(w, metadata={"capabilities": ["sum"]}) for w in ("w1", "w2")]
    for w in workers:
        @w.host
        async def work(run, w=w):
            run.session["count"] = run.session.get("count", 0) + 1
            total = sum(int(x) for x in run.text.split())
            return {"text": str(total), "by": w.agent_id, "count": run.session["count"]}

    results = await asyncio.gather(*(alice.pool("sum").arun(f"{i} {i}") for i in range(6)))
    assert [r.text for r in results] == [str(2 * i) for i in range(6)]
    assert sorted({r.agent_id for r in results}) == ["w1", "w2"]
    assert all(r.payload["by"] == r.agent_id for r in results)
    w1 = alice.remote_agent("w1", session_id="chat")
    counts = [(await w1.arun("1 1")).payload["count"] for _ in range(3)]
    assert counts == [1, 2, 3]
    assert (await w1.arun("1 1", session_id="other")).payload["count"] == 1


async def test_config_is_cached_and_dropped_on_agent_updated(connect):
    alice = await connect("alice")
    bob = await connect("bob", metadata={"name": "Bob", "capabilities": ["sum"]})
    remote = alice.remote_agent("bob", config_ttl=300)
    card = await remote.config()
    assert card.name == "Bob" and card.capabilities == ["sum"]
    assert await remote.config() is card
    await bob.update_metadata({"name": "Robert", "capabilities": ["sum", "mul"]})
    await alice.wait_event(lambda e: e.event_name == "agent.updated", timeout=10)
    fresh = await remote.config()
    assert fresh.name == "Robert" and fresh.capabilities == ["sum", "mul"]
    with pytest.raises(WorkspaceError) as e:
        await alice.pool("sum").config()
    assert e.value.kind is ErrorKind.INVALID
