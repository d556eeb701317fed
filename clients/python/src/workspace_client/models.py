"""The event and the typed results of the client, as dataclasses."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Mapping

_EVENT_FIELDS = ("event_id", "event_name", "source_id", "destination_id", "payload", "metadata", "timestamp",
                 "response_to", "requires_response", "offset")


@dataclass
class Event:
    """One event of the workspace, with the wire's field names (see ``docs/PROTOCOL.md``).

    ``destination_id`` is ``agent:<id>`` (a bare id means the same), ``channel:<name>`` or ``agent:broadcast``.
    The server sets ``source_id``, ``timestamp`` (epoch milliseconds) and, on delivered events, ``offset``; the
    client sets ``event_id`` (a random UUID) when it is ``None``.
    """

    event_name: str
    destination_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    source_id: str | None = None
    event_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    timestamp: int | None = None
    response_to: str | None = None
    requires_response: bool = False
    offset: int | None = None

    @property
    def text(self) -> str | None:
        """The payload's ``text``, or ``None`` when it has none."""
        value = self.payload.get("text")
        return value if isinstance(value, str) else None

    @property
    def channel(self) -> str | None:
        """The channel the event belongs to: its ``channel:<name>`` destination, or its payload's ``channel``
        (mentions and presence carry it there); ``None`` otherwise."""
        if self.destination_id and self.destination_id.startswith("channel:"):
            return self.destination_id[len("channel:"):]
        value = self.payload.get("channel")
        return value if isinstance(value, str) else None

    def to_wire(self) -> dict[str, Any]:
        """The event as the ``event`` object of a ``publish`` frame; unset optional fields are left out."""
        out: dict[str, Any] = {"event_name": self.event_name}
        if self.event_id is not None:
            out["event_id"] = self.event_id
        if self.source_id is not None:
            out["source_id"] = self.source_id
        if self.destination_id is not None:
            out["destination_id"] = self.destination_id
        out["payload"] = dict(self.payload)
        if self.metadata:
            out["metadata"] = dict(self.metadata)
        if self.response_to is not None:
            out["response_to"] = self.response_to
        if self.requires_response:
            out["requires_response"] = True
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> "Event":
        """An event as the server sends it; unknown fields are ignored."""
        payload = data.get("payload")
        metadata = data.get("metadata")
        offset = data.get("offset")
        timestamp = data.get("timestamp")
        return cls(
            event_name=str(data.get("event_name", "")),
            destination_id=data.get("destination_id"),
            payload=dict(payload) if isinstance(payload, Mapping) else {},
            source_id=data.get("source_id"),
            event_id=data.get("event_id"),
            metadata=dict(metadata) if isinstance(metadata, Mapping) else {},
            timestamp=timestamp if isinstance(timestamp, int) else None,
            response_to=data.get("response_to"),
            requires_response=bool(data.get("requires_response", False)),
            offset=offset if isinstance(offset, int) and not isinstance(offset, bool) else None,
        )

    def replace(self, **changes: Any) -> "Event":
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class StreamPosition:
    """A position in a stream: the last offset seen, within an epoch (offsets compare only within one epoch)."""

    offset: int
    epoch: str


@dataclass(frozen=True)
class SessionInfo:
    """An open session, as the ``connect`` ack describes it. Times are in milliseconds."""

    session_id: str
    agent_id: str
    workspace: str
    node_id: str
    server_time: int
    ping_interval_ms: int
    ping_timeout_ms: int
    subscriptions: tuple[str, ...]


@dataclass(frozen=True)
class AgentInfo:
    """A connected agent, as discovery lists it."""

    agent_id: str
    metadata: dict[str, Any]
    connected_since: int
    status: str
    node_id: str

    @property
    def name(self) -> str | None:
        """The metadata's ``name``, or ``None``."""
        value = self.metadata.get("name")
        return value if isinstance(value, str) else None

    @property
    def capabilities(self) -> list[str]:
        """The metadata's ``capabilities`` (strings only)."""
        value = self.metadata.get("capabilities")
        return [c for c in value if isinstance(c, str)] if isinstance(value, list) else []

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style access to the fields (``agent.get("agent_id")``, ``agent.get("metadata")``), as OpenAgents'
        ``list_agents`` results allow."""
        return getattr(self, key, default) if key in self.__dataclass_fields__ else default


@dataclass(frozen=True)
class ChannelInfo:
    """A channel: its name, how many members it has, and its position (``last_offset`` in ``epoch``)."""

    name: str
    members: int
    last_offset: int
    epoch: str


@dataclass(frozen=True)
class PublishResult:
    """The ack of a publish. ``offset`` is ``None`` when the server gave none; ``queued`` is true when the target
    is away and the event waits in its inbox; ``agent_id`` and ``seq`` come with pools and runs."""

    event_id: str
    timestamp: int
    offset: int | None
    queued: bool = False
    agent_id: str | None = None
    """The member a ``pool:`` destination chose."""
    seq: int | None = None
    """An answer's number in its run."""


@dataclass(frozen=True)
class HistoryPage:
    """A page of a channel's history, in increasing offset order. ``first_offset`` and ``last_offset`` are the
    oldest and newest offsets the channel still holds (0 when empty); ``has_more`` says whether more events lie
    beyond the page in the direction of travel."""

    channel: str
    epoch: str
    events: list[Event]
    has_more: bool
    first_offset: int
    last_offset: int


@dataclass(frozen=True)
class LifecycleEvent:
    """A change of the connection: ``type`` is ``connected``, ``disconnected``, ``reconnected``, ``recovered``,
    ``gap`` or ``closed``.

    ``code`` and ``reason`` are the close code and reason (``disconnected``, ``closed``); ``recovered`` maps each
    stream (``channel:<name>``, ``inbox``, ``broadcast``) to whether what was missed is being replayed
    (``recovered``); a ``gap`` names the ``stream`` and ``count`` of events that were missed and cannot be had
    any more (``count`` is ``None`` when unknown).
    """

    type: str
    code: int | None = None
    reason: str = ""
    recovered: dict[str, bool] = field(default_factory=dict)
    stream: str | None = None
    count: int | None = None
