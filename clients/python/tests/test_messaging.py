"""Channels, mentions, direct messages, broadcast, presence, discovery and history, against a real server."""

import pytest

from conftest import settle
from recorder import Recorder
from workspace_client import AgentClient, ErrorKind, Event, WorkspaceError


async def test_connect_with_metadata_and_discovery_by_capability(connect, ws_name):
    alice = await connect("alice", metadata={"name": "Alice", "capabilities": ["search", "summarize"]})
    await connect("bob", metadata={"name": "Bob", "capabilities": ["translate"]})
    assert alice.is_connected
    assert alice.session.agent_id == "alice" and alice.session.workspace == ws_name
    everyone = await alice.list_agents()
    assert sorted(a.agent_id for a in everyone) == ["alice", "bob"]
    by_id = {a.agent_id: a for a in everyone}
    assert by_id["alice"].name == "Alice" and by_id["alice"].capabilities == ["search", "summarize"]
    assert by_id["bob"].status == "online"
    assert by_id["bob"].get("agent_id") == "bob"
    assert [a.agent_id for a in await alice.list_agents("translate")] == ["bob"]
    assert [a.agent_id for a in await alice.list_agents("search")] == ["alice"]
    assert await alice.list_agents("nobody-has-this") == []
    assert sorted(a.agent_id for a in await alice.workspace().agents()) == ["alice", "bob"]


async def test_connect_to_server_with_host_and_port(server, ws_name):
    client = AgentClient(agent_id="carol", workspace=ws_name)
    success = await client.connect_to_server("127.0.0.1", server.port, metadata={"name": "Carol"})
    try:
        assert success and client.is_connected and client.agent_id == "carol"
    finally:
        await client.disconnect()
    assert not client.is_connected


async def test_token_names_the_agent_and_a_bad_token_is_unauthorized(token_server, token_for, ws_name):
    good = AgentClient(token=token_for("dana", ws_name), workspace=ws_name)
    await good.connect(token_server.url, metadata={"name": "Dana"})
    try:
        assert good.agent_id == "dana"
        assert [a.agent_id for a in await good.list_agents()] == ["dana"]
    finally:
        await good.disconnect()
    for bad in (token_for("dana", ws_name, ttl=-60), token_for("dana", ws_name)[:-3] + "abc"):
        c = AgentClient(token=bad, workspace=ws_name)
        with pytest.raises(WorkspaceError) as e:
            await c.connect(token_server.url)
        assert e.value.kind is ErrorKind.UNAUTHORIZED
        assert not c.is_connected
    anonymous = AgentClient(agent_id="dana", workspace=ws_name)
    with pytest.raises(WorkspaceError) as e:
        await anonymous.connect(token_server.url)
    assert e.value.kind is ErrorKind.UNAUTHORIZED


async def test_channel_posts_reach_the_other_members_only(connect):
    alice, bob, outsider = [await connect(a) for a in ("alice", "bob", "outsider")]
    carol = await connect("carol", auto_join=False)
    recs = {}
    for c in (alice, bob, carol, outsider):
        recs[c.agent_id] = Recorder()
        c.register_event_handler(recs[c.agent_id], "channel.message.posted")
    infos = [await c.workspace().channel("#team").join() for c in (alice, bob, carol)]
    assert [i.members for i in infos] == [1, 2, 3]
    assert sorted(await alice.workspace().channel("team").members()) == ["alice", "bob", "carol"]
    result = await alice.workspace().channel("team").post("hello team")
    assert result.offset == 1 and result.event_id
    await bob.workspace().channel("team").post({"text": "hi alice", "mood": "good"})
    await recs["carol"].count(2)
    await settle(alice, bob, outsider)
    assert [(e.source_id, e.text) for e in recs["carol"].events] == [("alice", "hello team"), ("bob", "hi alice")]
    assert [(e.source_id, e.text, e.payload.get("mood")) for e in recs["alice"].events] == [("bob", "hi alice", "good")]
    assert [e.text for e in recs["bob"].events] == ["hello team"]
    assert recs["outsider"].events == []
    assert [e.offset for e in recs["carol"].events] == [1, 2]
    assert recs["carol"].events[0].channel == "team"
    channels = {c.name: c for c in await alice.workspace().channels()}
    assert channels["team"].members == 3 and channels["team"].last_offset == 2
    await carol.workspace().channel("team").leave()
    with pytest.raises(WorkspaceError) as e:
        await carol.workspace().channel("team").post("still here?")
    assert e.value.kind is ErrorKind.REJECTED and e.value.code == "not_member"
    with pytest.raises(WorkspaceError) as e:
        await carol.workspace().channel("team").leave()
    assert e.value.code == "not_member"


async def test_mentions_go_to_each_mentioned_member_once(connect):
    alice, bob, carol = [await connect(a) for a in ("alice", "bob", "carol")]
    mentions = {c.agent_id: Recorder() for c in (alice, bob, carol)}
    for c in (alice, bob, carol):
        c.register_event_handler(mentions[c.agent_id], "channel.message.mentioned")
        await c.workspace().channel("general").join()
    await alice.workspace().channel("general").post("@bob look, and @bob again; cc", mentions=["carol"])
    await mentions["bob"].count(1)
    await mentions["carol"].count(1)
    await alice.workspace().channel("general").post("nobody named here")
    await settle(alice, bob, carol)
    for who in ("bob", "carol"):
        [m] = mentions[who].events
        assert m.source_id == "alice" and m.payload["channel"] == "general"
        assert m.payload["text"] == "@bob look, and @bob again; cc" and m.payload["post_offset"] == 1
    assert mentions["alice"].events == []


async def test_direct_messages_and_not_found(connect):
    alice, bob = await connect("alice"), await connect("bob")
    rec = Recorder()
    bob.register_event_handler(rec, "agent.message")
    await alice.workspace().agent("bob").send("psst")
    await alice.send_agent_message("bob", {"text": "second", "n": 2})
    await alice.send_event(Event(event_name="task.assigned", destination_id="bob", payload={"task": "x"}))
    await rec.count(2)
    await settle(bob)
    assert [(e.source_id, e.text, e.destination_id) for e in rec.events] == [
        ("alice", "psst", "agent:bob"), ("alice", "second", "agent:bob")]
    with pytest.raises(WorkspaceError) as e:
        await alice.workspace().agent("nobody").send("hello?")
    assert e.value.kind is ErrorKind.NOT_FOUND and e.value.code == "not_found"


async def test_broadcast_reaches_everyone_but_the_sender(connect):
    clients = [await connect(a) for a in ("alice", "bob", "carol")]
    recs = [Recorder() for _ in clients]
    for c, r in zip(clients, recs):
        c.register_event_handler(r, "agent.broadcast")
    result = await clients[0].workspace().broadcast("all hands")
    assert result.offset is not None
    for r in recs[1:]:
        await r.count(1)
    await settle(*clients)
    assert recs[0].events == []
    assert [[(e.source_id, e.text, e.destination_id) for e in r.events] for r in recs[1:]] == \
        [[("alice", "all hands", "agent:broadcast")]] * 2


async def test_presence_of_agents_and_channel_members(connect, server, ws_name):
    observer = await connect("observer")
    rec = Recorder()
    observer.register_event_handler(rec, ["agent.*", "channel.joined", "channel.left"])
    await observer.workspace().channel("room").join()
    visitor = AgentClient(agent_id="visitor", workspace=ws_name)
    await visitor.connect(server.url, metadata={"name": "Visitor"})
    await visitor.workspace().channel("room").join()
    await visitor.workspace().channel("room").leave()
    await visitor.disconnect()
    events = await rec.count(4)
    assert [(e.event_name, e.payload.get("agent_id")) for e in events] == [
        ("agent.joined", "visitor"), ("channel.joined", "visitor"), ("channel.left", "visitor"),
        ("agent.left", "visitor")]
    assert events[0].payload["metadata"] == {"name": "Visitor"}
    assert events[2].payload["reason"] == "left"


async def test_history_pages_backwards_and_forwards(connect):
    alice = await connect("alice")
    log = alice.workspace().channel("log")
    await log.join()
    for i in range(1, 26):
        await log.post(f"line {i}")
    newest = await log.history(limit=10)
    assert [e.offset for e in newest.events] == list(range(16, 26)) and newest.has_more
    assert newest.first_offset == 1 and newest.last_offset == 25 and newest.epoch
    older = await log.history(before=16, limit=10)
    assert [e.text for e in older.events] == [f"line {i}" for i in range(6, 16)] and older.has_more
    oldest = await log.history(before=6, limit=10)
    assert [e.offset for e in oldest.events] == [1, 2, 3, 4, 5] and not oldest.has_more
    forward = await log.history(after=20)
    assert [e.offset for e in forward.events] == [21, 22, 23, 24, 25] and not forward.has_more
    assert all(e.source_id == "alice" and e.event_name == "channel.message.posted" for e in forward.events)
    with pytest.raises(WorkspaceError) as e:
        await log.history(limit=501)
    assert e.value.kind is ErrorKind.REJECTED and e.value.code == "limit_exceeded"
