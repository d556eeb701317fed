"""Book-keeping of the client that knows nothing of sockets: stream positions, the dedupe window and the
subscription counts. Everything here runs on the client's event loop."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .models import Event, StreamPosition


def position_of(node: Any) -> StreamPosition | None:
    """``{"offset","epoch"}`` as a position, or ``None`` when absent or malformed."""
    if not isinstance(node, Mapping):
        return None
    offset, epoch = node.get("offset"), node.get("epoch")
    if not isinstance(offset, int) or isinstance(offset, bool) or not isinstance(epoch, str):
        return None
    return StreamPosition(offset, epoch)


@dataclass
class Backfill:
    """A channel whose missed events the server could not replay: read history after ``start``."""

    channel: str
    start: StreamPosition
    same_epoch: bool


@dataclass
class Outcome:
    """What a reconnect recovered, per stream, and what must be read from history or reported lost."""

    recovered: dict[str, bool]
    backfills: list[Backfill]
    lost: list[tuple[str, int | None]]


class StreamPositions:
    """The last position seen in each stream the client reads: every joined channel, the inbox and the
    workspace broadcast stream. A reconnect sends them as ``recover``."""

    def __init__(self) -> None:
        self.channels: dict[str, StreamPosition] = {}
        self.inbox: StreamPosition | None = None
        self.broadcast: StreamPosition | None = None

    def reset(self) -> None:
        self.channels.clear()
        self.inbox = None
        self.broadcast = None

    def recovery(self) -> dict[str, Any]:
        out: dict[str, Any] = {"channels": {c: {"offset": p.offset, "epoch": p.epoch}
                                            for c, p in self.channels.items()}}
        if self.inbox is not None:
            out["inbox"] = {"offset": self.inbox.offset, "epoch": self.inbox.epoch}
        if self.broadcast is not None:
            out["broadcast"] = {"offset": self.broadcast.offset, "epoch": self.broadcast.epoch}
        return out

    def session_opened(self, result: Mapping[str, Any], recovering: bool) -> Outcome | None:
        """Takes in a connect ack. Without recovery the inbox and broadcast positions become the current ones.
        With it, a recovered stream keeps its position (the missed events follow and advance it); a channel that
        was not recovered is to be read from history from where the client stopped (from the start of the new
        epoch when the epoch changed); an inbox or broadcast stream that was not recovered jumps to its current
        position and is reported lost. Channels the server kept from an earlier session are tracked from their
        current position."""
        inbox_now = position_of(result.get("inbox"))
        broadcast_now = position_of(result.get("broadcast"))
        report = result.get("recovery") if recovering else None
        outcome: Outcome | None = None
        if not isinstance(report, Mapping):
            self.inbox = inbox_now
            self.broadcast = broadcast_now
        else:
            outcome = Outcome({}, [], [])
            self.inbox = self._single(report.get("inbox"), self.inbox, inbox_now, "inbox", outcome)
            self.broadcast = self._single(report.get("broadcast"), self.broadcast, broadcast_now, "broadcast",
                                          outcome)
            reported = report.get("channels") if isinstance(report.get("channels"), Mapping) else {}
            for name, known in list(self.channels.items()):
                r = reported.get(name)
                ok = isinstance(r, Mapping) and r.get("recovered") is True
                outcome.recovered["channel:" + name] = ok
                if ok:
                    continue
                now = position_of(r)
                if now is None:
                    continue
                same = now.epoch == known.epoch
                start = known if same else StreamPosition(0, now.epoch)
                self.channels[name] = start
                outcome.backfills.append(Backfill(name, start, same))
        channels_now = result.get("channels")
        if isinstance(channels_now, Mapping):
            for name, node in channels_now.items():
                p = position_of(node)
                if p is not None and name not in self.channels:
                    self.channels[name] = p
        return outcome

    @staticmethod
    def _single(report: Any, known: StreamPosition | None, now: StreamPosition | None, stream: str,
                outcome: Outcome) -> StreamPosition | None:
        ok = isinstance(report, Mapping) and report.get("recovered") is True and known is not None
        outcome.recovered[stream] = ok
        if ok:
            return known
        current = position_of(report) or now
        if known is not None and current is not None:
            missed = current.offset - known.offset if current.epoch == known.epoch else None
            if missed is None or missed > 0:
                outcome.lost.append((stream, missed))
        return current

    def joined(self, channel: str, position: StreamPosition) -> None:
        known = self.channels.get(channel)
        if known is None or known.epoch != position.epoch or known.offset < position.offset:
            self.channels[channel] = position

    def left(self, channel: str) -> None:
        self.channels.pop(channel, None)

    def delivered(self, event: Event) -> None:
        if event.offset is not None:
            self._advance(event.destination_id or "", event.offset, include_inbox=True)

    def acknowledged(self, destination: str, offset: int | None) -> None:
        if offset is not None:
            self._advance(destination, offset, include_inbox=False)

    def channel_offset(self, channel: str) -> int | None:
        p = self.channels.get(channel)
        return None if p is None else p.offset

    def gap(self, payload: Mapping[str, Any]) -> None:
        """Applies a ``stream.gap`` notice: a new epoch replaces the old one (offsets go on above those seen);
        a trimmed range moves the position past what cannot be had any more."""
        stream = payload.get("stream")
        reason = payload.get("reason")
        epoch = payload.get("epoch")
        current = self._get(stream)
        if current is None:
            return
        if reason == "epoch_changed" and isinstance(epoch, str):
            self._set(stream, StreamPosition(current.offset, epoch))
        elif reason == "trimmed":
            to = payload.get("to_offset")
            e = epoch if isinstance(epoch, str) else current.epoch
            if isinstance(to, int) and e == current.epoch and to > current.offset:
                self._set(stream, StreamPosition(to, e))

    def _get(self, stream: Any) -> StreamPosition | None:
        if not isinstance(stream, str):
            return None
        if stream.startswith("channel:"):
            return self.channels.get(stream[len("channel:"):])
        if stream == "broadcast":
            return self.broadcast
        if stream.startswith("inbox"):
            return self.inbox
        return None

    def _set(self, stream: str, p: StreamPosition) -> None:
        if stream.startswith("channel:"):
            self.channels[stream[len("channel:"):]] = p
        elif stream == "broadcast":
            self.broadcast = p
        else:
            self.inbox = p

    def _advance(self, destination: str, offset: int, include_inbox: bool) -> None:
        if destination.startswith("channel:"):
            name = destination[len("channel:"):]
            p = self.channels.get(name)
            if p is not None and p.offset < offset:
                self.channels[name] = StreamPosition(offset, p.epoch)
        elif destination == "agent:broadcast":
            if self.broadcast is not None and self.broadcast.offset < offset:
                self.broadcast = StreamPosition(offset, self.broadcast.epoch)
        elif include_inbox and self.inbox is not None and self.inbox.offset < offset:
            self.inbox = StreamPosition(offset, self.inbox.epoch)


class DedupeWindow:
    """The most recent event ids seen, up to a bound; the oldest is forgotten first."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._seen: OrderedDict[str, None] = OrderedDict()

    def first_seen(self, event_id: str) -> bool:
        if event_id in self._seen:
            self._seen.move_to_end(event_id)
            return False
        self._seen[event_id] = None
        if len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True


class SubscriptionCounts:
    """Which patterns the server should hold: the pinned ones (initial subscriptions, ``subscribe``) and those
    registered handlers need, counted per pattern. Each change returns the patterns whose wanted state flipped."""

    def __init__(self, initial: Iterable[str]) -> None:
        self._pinned: set[str] = set()
        self._counts: dict[str, int] = {}
        self._wanted: dict[str, None] = {}
        self.pin(initial)

    def wanted(self) -> list[str]:
        return list(self._wanted)

    def acquire(self, patterns: Iterable[str]) -> list[str]:
        patterns = list(patterns)
        for p in patterns:
            self._counts[p] = self._counts.get(p, 0) + 1
        return self._add(patterns)

    def release(self, patterns: Iterable[str]) -> list[str]:
        gone = []
        for p in patterns:
            n = self._counts.get(p)
            if n is None:
                continue
            if n > 1:
                self._counts[p] = n - 1
            else:
                del self._counts[p]
                if p not in self._pinned and p in self._wanted:
                    del self._wanted[p]
                    gone.append(p)
        return gone

    def pin(self, patterns: Iterable[str]) -> list[str]:
        patterns = list(patterns)
        self._pinned.update(patterns)
        return self._add(patterns)

    def unpin(self, patterns: Iterable[str]) -> list[str]:
        gone = []
        for p in patterns:
            if p in self._pinned:
                self._pinned.discard(p)
                if p not in self._counts and p in self._wanted:
                    del self._wanted[p]
                    gone.append(p)
        return gone

    def _add(self, patterns: list[str]) -> list[str]:
        fresh = []
        for p in patterns:
            if p not in self._wanted:
                self._wanted[p] = None
                fresh.append(p)
        return fresh
