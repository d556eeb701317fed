"""The workspace view of a client: channels, agents, broadcast."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from . import names
from .models import AgentInfo, ChannelInfo, Event, HistoryPage, PublishResult

if TYPE_CHECKING:
    from .client import AgentClient


def _payload(text_or_payload: str | Mapping[str, Any]) -> dict[str, Any]:
    from .client import _text_payload
    return _text_payload(text_or_payload)


class Channel:
    """A channel of the workspace, by name (a leading ``#`` is dropped)."""

    def __init__(self, client: "AgentClient", name: str) -> None:
        self._client = client
        self.name = names.require_channel(name)

    async def post(self, text: str | Mapping[str, Any], mentions: Sequence[str] | None = None,
                   metadata: Mapping[str, Any] | None = None) -> PublishResult:
        """Posts ``channel.message.posted``: a str as ``{"text": ...}``, or a payload dict; ``mentions`` names
        agents to mention besides the ``@id`` in the text. A client made with ``auto_join`` (the default) joins
        the channel first when it is not in it, as OpenAgents agents are in every channel; otherwise only members
        may post (``rejected``, code ``not_member``)."""
        payload = _payload(text)
        if self._client._auto_join and self.name not in self._client._positions.channels:
            await self.join()
        if mentions is not None:
            payload["mentions"] = [names.require_agent_id(m) for m in mentions]
        return await self._client.send_event(Event("channel.message.posted", "channel:" + self.name,
                                                   payload=payload, metadata=dict(metadata or {})))

    async def history(self, before: int | None = None, after: int | None = None,
                      limit: int | None = None) -> HistoryPage:
        """A page of the channel's history (at most ``limit`` events, default 100, at most 500): the newest
        without a cursor, the newest before offset ``before``, or the oldest after offset ``after``."""
        return await self._client._history(self.name, before, after, limit)

    async def join(self) -> ChannelInfo:
        """Joins the channel (creating it when it does not exist); joining again is not an error. The client
        re-joins it after every reconnect."""
        return await self._client._join(self.name)

    async def leave(self) -> None:
        """Leaves the channel; ``rejected`` (code ``not_member``) when the agent was not in it."""
        await self._client._leave(self.name)

    async def members(self) -> list[str]:
        """The agent ids of the channel's members."""
        return await self._client._members(self.name)

    def __repr__(self) -> str:
        return f"Channel({self.name!r})"


class AgentRef:
    """Another agent of the workspace, by id."""

    def __init__(self, client: "AgentClient", agent_id: str) -> None:
        self._client = client
        self.id = names.require_agent_id(agent_id)

    async def send(self, message: str | Mapping[str, Any], event_name: str = "agent.message") -> PublishResult:
        """Sends a direct message; ``not_found`` when the agent is not connected (and has no inbox kept)."""
        return await self._client.send_event(Event(event_name, "agent:" + self.id, payload=_payload(message)))

    async def send_and_wait(self, message: str | Mapping[str, Any], timeout: float = 30.0,
                            event_name: str = "agent.message") -> Event:
        """Sends a request and returns its reply; see :meth:`AgentClient.send_and_wait`."""
        return await self._client.send_and_wait(Event(event_name, "agent:" + self.id, payload=_payload(message)),
                                                timeout=timeout)

    def __repr__(self) -> str:
        return f"AgentRef({self.id!r})"


class Workspace:
    """The workspace a client is in."""

    def __init__(self, client: "AgentClient") -> None:
        self.client = client

    def channel(self, name: str) -> Channel:
        """A channel by name; nothing is sent until it is used."""
        return Channel(self.client, name)

    async def channels(self) -> list[ChannelInfo]:
        """Every channel this agent may use."""
        return await self.client.list_channels()

    async def agents(self) -> list[AgentInfo]:
        """Every connected agent."""
        return await self.client.list_agents()

    def agent(self, agent_id: str) -> AgentRef:
        """Another agent by id."""
        return AgentRef(self.client, agent_id)

    async def broadcast(self, message: str | Mapping[str, Any], event_name: str = "agent.broadcast"
                        ) -> PublishResult:
        """Sends an event to every other connected agent of the workspace."""
        return await self.client.send_broadcast_message(message, event_name)
