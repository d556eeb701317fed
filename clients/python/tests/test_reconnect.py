"""Reconnect with recovery through a connection cut by a real TCP proxy, read-back of history the server could
not replay, and the close codes after which the client must not reconnect."""

import asyncio

from conftest import settle
from recorder import Recorder
from workspace_client import AgentClient, ErrorKind, WorkspaceError


class Lifecycle:
    def __init__(self, client):
        self.events = []
        self._changed = asyncio.Condition()
        client.on_lifecycle(self._on)

    async def _on(self, event):
        async with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    async def until(self, kind, n=1, timeout=20.0):
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(
                lambda: sum(e.type == kind for e in self.events) >= n), timeout)
        return [e for e in self.events if e.type == kind]


def fast(**kw):
    return dict(reconnect_initial_delay=0.05, reconnect_max_delay=0.3, **kw)


async def test_reconnect_recovers_every_missed_event_once_and_in_order(connect, proxy):
    bob = await connect("bob")
    alice = await connect("alice", url=proxy.url, **fast())
    life = Lifecycle(alice)
    rec = Recorder()
    alice.register_event_handler(rec, ["channel.message.posted", "agent.message", "agent.broadcast"])
    for c in (alice, bob):
        await c.workspace().channel("general").join()
    general = bob.workspace().channel("general")
    for i in range(3):
        await general.post(f"before {i}")
    await rec.count(3)

    proxy.refusing = True
    proxy.cut()
    await life.until("disconnected")
    assert not alice.is_connected
    for i in range(5):
        await general.post(f"missed {i}")
    await bob.workspace().agent("alice").send("missed direct")
    await bob.workspace().broadcast("missed broadcast")
    buffered = asyncio.ensure_future(alice.workspace().channel("general").post("sent while away"))
    proxy.refusing = False

    [recovered] = await life.until("recovered")
    assert recovered.recovered == {"inbox": True, "broadcast": True, "channel:general": True}
    assert (await buffered).offset == 9
    await general.post("after")
    await rec.until(lambda es: es and es[-1].text == "after")
    await settle(alice)
    channel = [e.text for e in rec.events if e.event_name == "channel.message.posted"]
    assert channel == [f"before {i}" for i in range(3)] + [f"missed {i}" for i in range(5)] + ["after"]
    assert sorted(e.text for e in rec.events if e.event_name != "channel.message.posted") == [
        "missed broadcast", "missed direct"]
    assert len(rec.events) == 11
    assert [e.offset for e in rec.events if e.event_name == "channel.message.posted"] == [1, 2, 3, 4, 5, 6, 7, 8, 10]
    assert [e.type for e in life.events] == ["disconnected", "reconnected", "recovered"]
    assert alice.is_connected and proxy.accepted >= 2


async def test_repeated_cuts_deliver_each_event_once(connect, proxy):
    bob = await connect("bob")
    alice = await connect("alice", url=proxy.url, **fast())
    life = Lifecycle(alice)
    rec = Recorder()
    alice.register_event_handler(rec, "channel.message.posted")
    for c in (alice, bob):
        await c.workspace().channel("general").join()
    general = bob.workspace().channel("general")
    for round_ in range(1, 4):
        for i in range(10):
            await general.post(f"r{round_} m{i}")
            if i == 4:
                proxy.cut()
        await life.until("recovered", round_)
    await general.post("last")
    await rec.until(lambda es: es and es[-1].text == "last")
    assert [e.text for e in rec.events] == [f"r{r} m{i}" for r in range(1, 4) for i in range(10)] + ["last"]
    assert [e.offset for e in rec.events] == list(range(1, 32))


async def test_a_gap_beyond_history_is_read_back_and_the_lost_part_reported(connect, proxy):
    bob = await connect("bob")
    alice = await connect("alice", url=proxy.url, **fast())
    life = Lifecycle(alice)
    rec = Recorder()
    alice.register_event_handler(rec, "channel.message.posted")
    for c in (alice, bob):
        await c.workspace().channel("big").join()
    proxy.refusing = True
    proxy.cut()
    await life.until("disconnected")
    big = bob.workspace().channel("big")
    for start in range(0, 1010, 101):
        await asyncio.gather(*(big.post(f"m{i}") for i in range(start, min(start + 101, 1010))))
    proxy.refusing = False
    [recovered] = await life.until("recovered")
    assert recovered.recovered["channel:big"] is False
    [gap] = await life.until("gap")
    assert gap.stream == "channel:big" and gap.count == 10
    await rec.count(1000, timeout=30)
    await big.post("live")
    await rec.until(lambda es: es[-1].text == "live")
    assert [e.offset for e in rec.events] == list(range(11, 1012))
    assert len({e.event_id for e in rec.events}) == 1001


async def test_a_replaced_connection_does_not_reconnect(connect, server, ws_name):
    first = await connect("twin", **fast())
    life = Lifecycle(first)
    second = await connect("twin")
    [closed] = await life.until("closed")
    assert closed.code == 4005
    assert not first.is_connected and second.is_connected
    assert [e.type for e in life.events] == ["disconnected", "closed"]
    try:
        await first.list_agents()
        raise AssertionError("a stopped client answered")
    except WorkspaceError as e:
        assert e.kind is ErrorKind.DISCONNECTED
    assert [a.agent_id for a in await second.list_agents()] == ["twin"]
