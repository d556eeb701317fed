"""Request/response, wildcard handlers, waiting for events, event streams and typed errors."""

import asyncio

import pytest

from conftest import settle
from recorder import Recorder
from workspace_client import AgentClient, ErrorKind, Event, WorkspaceError


async def answer_requests(client, prefix="answer to "):
    async def handler(event):
        if event.requires_response:
            await client.reply(event, prefix + (event.text or ""))
    return await client.register_event_handler(handler, "agent.message")


async def test_send_and_wait_gets_the_correlated_reply_and_hands_it_to_no_handler(connect):
    alice = await connect("alice")
    everything = Recorder()
    alice.register_event_handler(everything, "*")
    bob = await connect("bob")
    # Bob's arrival reaches alice on her own connection, in no fixed order with bob's connect: wait for it.
    await everything.until(lambda es: any(e.event_name == "agent.joined" and e.source_id == "bob" for e in es))
    everything.events.clear()
    await answer_requests(bob)
    await bob.workspace().agent("alice").send("unrelated, first")
    reply = await alice.workspace().agent("bob").send_and_wait("what is 2+2?", timeout=10)
    assert reply.event_name == "agent.response" and reply.source_id == "bob"
    assert reply.text == "answer to what is 2+2?"
    replies = await asyncio.gather(*(alice.workspace().agent("bob").send_and_wait(f"q{i}", timeout=10)
                                     for i in range(20)))
    assert [r.text for r in replies] == [f"answer to q{i}" for i in range(20)]
    await settle(alice)
    await bob.workspace().agent("alice").send("marker")
    await everything.until(lambda es: es and es[-1].text == "marker")
    assert [e.text for e in everything.events] == ["unrelated, first", "marker"]


async def test_send_and_wait_times_out_and_fails_at_once_for_an_absent_agent(connect):
    alice = await connect("alice")
    await connect("silent")
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(WorkspaceError) as e:
        await alice.workspace().agent("silent").send_and_wait("anyone?", timeout=0.5)
    assert e.value.kind is ErrorKind.TIMEOUT and "no reply from agent:silent within 0.5 s" in str(e.value)
    assert loop.time() - started >= 0.5
    started = loop.time()
    with pytest.raises(WorkspaceError) as e:
        await alice.workspace().agent("gone").send_and_wait("hello?", timeout=30)
    assert e.value.kind is ErrorKind.NOT_FOUND
    assert loop.time() - started < 10


async def test_wildcard_handlers_receive_exactly_what_they_match(connect):
    alice, bob = await connect("alice"), await connect("bob")
    recs = {p: Recorder() for p in ("channel.message.*", "channel.>", "*.message.*", "agent.message", "team.*",
                                    "*")}
    for pattern, rec in recs.items():
        await bob.register_event_handler(rec, pattern)
    both = Recorder()
    await bob.register_event_handler(both, ["agent.message", "agent.>"])
    for c in (alice, bob):
        await c.workspace().channel("general").join()
    await alice.workspace().channel("general").post("post")
    await alice.workspace().agent("bob").send("direct")
    await alice.send_event(Event("team.update", "agent:bob", {"text": "team"}))
    await alice.send_event(Event("team.update.deep", "agent:bob", {"text": "deep"}))
    await alice.workspace().broadcast("broadcast")
    await recs["*"].count(5)
    await settle(bob)
    await alice.workspace().agent("bob").send("end")
    await recs["*"].until(lambda es: es[-1].text == "end")
    got = {p: [e.text for e in r.events] for p, r in recs.items()}
    assert got == {
        "channel.message.*": ["post"],
        "channel.>": ["post"],
        "*.message.*": ["post"],
        "agent.message": ["direct", "end"],
        "team.*": ["team"],
        "*": ["post", "direct", "team", "deep", "broadcast", "end"],
    }
    assert [e.text for e in both.events] == ["direct", "broadcast", "end"]


async def test_unregistered_handlers_get_nothing_more_and_plain_functions_work(connect):
    alice, bob = await connect("alice"), await connect("bob")
    seen = []
    registration = bob.register_event_handler(lambda e: seen.append(e.text), "agent.message")
    await registration
    last = Recorder()
    bob.register_event_handler(last, "agent.message")
    await alice.workspace().agent("bob").send("one")
    await last.count(1)
    await registration.unregister()
    assert not registration.active
    await alice.workspace().agent("bob").send("two")
    await last.count(2)
    assert seen == ["one"]


async def test_handler_patterns_are_subscribed_on_the_server(connect):
    alice = await connect("alice")
    bob = await connect("bob", subscriptions=[])
    rec = Recorder()
    await bob.register_event_handler(rec, "agent.message")
    await alice.send_event(Event("other.thing", "agent:bob", {"text": "filtered by the server"}))
    await alice.workspace().agent("bob").send("wanted")
    await rec.count(1)
    assert bob.session.subscriptions == ()
    assert await bob.subscribe("other.*") == ["agent.message", "other.*"]
    await alice.send_event(Event("other.thing", "agent:bob", {"text": "now wanted"}))
    other = await bob.wait_event(lambda e: e.event_name == "other.thing", timeout=10)
    assert other.text == "now wanted"
    assert [e.text for e in rec.events] == ["wanted"]


async def test_wait_event_sees_an_answer_that_came_before_the_wait_started(connect):
    alice, bob = await connect("alice"), await connect("bob")

    async def echo(event):
        await bob.workspace().agent(event.source_id).send("echo: " + event.text)
    await bob.register_event_handler(echo, "agent.message")
    for i in range(20):
        await alice.workspace().agent("bob").send(f"ping {i}")
        await asyncio.sleep(0.01) if i % 5 == 0 else None
        answer = await alice.wait_event(lambda e, i=i: e.text == f"echo: ping {i}", timeout=10)
        assert answer.source_id == "bob"
    with pytest.raises(WorkspaceError) as e:
        await alice.wait_event(lambda e: e.text == "never", timeout=0.2)
    assert e.value.kind is ErrorKind.TIMEOUT


async def test_events_iterates_matching_events_until_closed(connect):
    alice, bob = await connect("alice"), await connect("bob")
    await bob.workspace().channel("general").join()
    await alice.workspace().channel("general").join()
    stream = bob.events("channel.message.*")
    for i in range(3):
        await alice.workspace().channel("general").post(f"m{i}")
    await alice.workspace().agent("bob").send("not a channel message")
    got = []
    async for event in stream:
        got.append(event.text)
        if len(got) == 3:
            break
    await stream.aclose()
    assert got == ["m0", "m1", "m2"]
    async with bob.events("agent.message") as direct:
        await alice.workspace().agent("bob").send("second")
        assert (await direct.__anext__()).text == "second"


async def test_typed_errors(connect, server, ws_name):
    alice = await connect("alice")
    alice = await connect("alice2", auto_join=False)
    cases = [
        (lambda: alice.send_event(Event("Bad Name", "agent:bob")), ErrorKind.INVALID, "invalid_name"),
        (lambda: alice.send_event(Event("agent.message", "group:x")), ErrorKind.INVALID, "invalid_destination"),
        (lambda: alice.send_event(Event("channel.joined", "agent:broadcast")), ErrorKind.REJECTED, "forbidden"),
        (lambda: alice.workspace().channel("never-joined").post("x"), ErrorKind.REJECTED, "not_member"),
        (lambda: alice.subscribe("a..b"), ErrorKind.INVALID, "invalid_pattern"),
    ]
    for call, kind, code in cases:
        with pytest.raises(WorkspaceError) as e:
            await call()
        assert (e.value.kind, e.value.code) == (kind, code), e.value
    with pytest.raises(WorkspaceError) as e:
        await alice.connect(server.url)
    assert e.value.kind is ErrorKind.INVALID
    nowhere = AgentClient(agent_id="nowhere", workspace=ws_name, request_timeout=2)
    from support import free_port
    with pytest.raises(WorkspaceError) as e:
        await nowhere.connect_to_server("127.0.0.1", free_port())
    assert e.value.kind is ErrorKind.UNAVAILABLE
    with pytest.raises(WorkspaceError) as e:
        await nowhere.list_agents()
    assert e.value.kind is ErrorKind.DISCONNECTED
    with pytest.raises(WorkspaceError) as e:
        AgentClient(agent_id="system")
    assert e.value.kind is ErrorKind.INVALID
    await alice.disconnect()
    with pytest.raises(WorkspaceError) as e:
        await alice.workspace().channel("general").post("after the end")
    assert e.value.kind is ErrorKind.DISCONNECTED
