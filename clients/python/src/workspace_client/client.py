"""The asyncio :class:`AgentClient`: one WebSocket carrying requests with ids, delivered events and keep-alive
(see ``docs/PROTOCOL.md``)."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import itertools
import json
import logging
import random
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence

from . import names
from ._state import Backfill, DedupeWindow, StreamPositions, SubscriptionCounts, position_of
from ._transport import ConnectionClosed, ServerAddress, close_of, open_socket
from .runs import ClientRuns, RemoteAgent, RunHandler, destination_of, is_interim
from .errors import ErrorKind, WorkspaceError
from .models import (AgentInfo, ChannelInfo, Event, HistoryPage, LifecycleEvent, PublishResult, SessionInfo,
                     StreamPosition)

log = logging.getLogger("workspace_client")

EventHandler = Callable[[Event], Any]
"""A handler of events: a plain function or a coroutine function taking the :class:`Event`."""
LifecycleHandler = Callable[[LifecycleEvent], Any]

DEFAULT_WORKSPACE = "default"
DEFAULT_REQUEST_TIMEOUT = 10.0
DEFAULT_RECONNECT_INITIAL_DELAY = 0.1
DEFAULT_RECONNECT_MAX_DELAY = 10.0
DEFAULT_RECONNECT_BUFFER_SIZE = 1000
DEFAULT_DEDUPE_WINDOW_SIZE = 10_000
DEFAULT_MAX_PENDING = 10_000
DEFAULT_EVENT_QUEUE_SIZE = 10_000
DEFAULT_RECENT_EVENTS = 1000
DEFAULT_WAIT_TIMEOUT = 30.0
HISTORY_PAGE = 500
_ABNORMAL = 1006
_DRAINING = 4009
_NO_RECONNECT = frozenset({1008, 4001, 4002, 4005, 4007})
_PRESENCE = frozenset({"agent.joined", "agent.left", "channel.joined", "channel.left"})
_END = object()


def _text_payload(text_or_payload: str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(text_or_payload, str):
        return {"text": text_or_payload}
    if isinstance(text_or_payload, Mapping):
        return dict(text_or_payload)
    raise WorkspaceError(ErrorKind.INVALID, "a payload is a str (sent as {\"text\": ...}) or a dict")


def _patterns(patterns: str | Iterable[str] | None) -> list[str]:
    if patterns is None:
        ps = ["*"]
    elif isinstance(patterns, str):
        ps = [patterns]
    else:
        ps = list(dict.fromkeys(patterns))
    if not ps:
        raise WorkspaceError(ErrorKind.INVALID, "at least one pattern is required")
    return [names.require_pattern(p) for p in ps]


@dataclass
class _Pending:
    frame: dict[str, Any]
    what: str
    future: asyncio.Future
    sent: bool = False
    timer: asyncio.TimerHandle | None = None


@dataclass
class _Waiter:
    condition: Callable[[Event], bool] | None
    future: asyncio.Future


@dataclass
class _Connection:
    ws: Any
    address: ServerAddress
    outbox: asyncio.Queue
    writer: asyncio.Task | None = None
    window: float = 35.0


@dataclass
class _HandlerEntry:
    handler: EventHandler
    patterns: list[str]
    active: bool = True


class Registration:
    """A registered event handler. Await it to wait until the server holds its patterns (it returns itself);
    call :meth:`unregister` (or the registration itself) to remove the handler."""

    def __init__(self, client: "AgentClient", entry: _HandlerEntry, ready: Awaitable[Any] | None) -> None:
        self._client = client
        self._entry = entry
        self._ready = ready

    @property
    def patterns(self) -> list[str]:
        """The patterns the handler was registered with."""
        return list(self._entry.patterns)

    @property
    def active(self) -> bool:
        """Whether the handler is still registered."""
        return self._entry.active

    def __await__(self):
        if self._ready is not None:
            try:
                yield from asyncio.ensure_future(self._ready).__await__()
            except WorkspaceError:
                self._client._remove_handler(self._entry)
                raise
        return self

    def unregister(self) -> asyncio.Future:
        """Removes the handler at once; patterns no other handler needs are unsubscribed on the server. The
        returned future completes when the server has acknowledged that (at once when nothing is sent)."""
        return self._client._remove_handler(self._entry)

    __call__ = unregister


class EventStream:
    """An async iterator over the events matching some patterns, from the moment it was created. Close it (or
    use it with ``async with``, or leave its ``async for`` loop) to stop receiving; it ends when the client
    disconnects. It holds at most ``queue_size`` events: while it is full, delivery to handlers waits."""

    def __init__(self, client: "AgentClient", patterns: list[str], queue_size: int) -> None:
        self._queue: asyncio.Queue = asyncio.Queue(maxsize=queue_size)
        self._closed = False
        self._registration = client.register_event_handler(self._queue.put, patterns)
        client._streams.add(self)

    def __aiter__(self) -> "EventStream":
        return self

    async def __anext__(self) -> Event:
        if self._closed and self._queue.empty():
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is _END:
            self._closed = True
            raise StopAsyncIteration
        return item

    async def __aenter__(self) -> "EventStream":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stops the stream and unregisters its handler."""
        self._end()
        try:
            await self._registration.unregister()
        except WorkspaceError:
            pass

    def _end(self) -> None:
        if not self._closed:
            self._closed = True
            self._registration._client._remove_handler(self._registration._entry)
            self._registration._client._streams.discard(self)
            while True:
                try:
                    self._queue.put_nowait(_END)
                    break
                except asyncio.QueueFull:
                    self._queue.get_nowait()

    def __del__(self) -> None:
        if not self._closed:
            self._closed = True
            self._registration._entry.active = False


class AgentClient:
    """An agent's connection to a workspace, with the OpenAgents ``AgentClient`` API.

    After losing its connection the client reconnects with capped exponential backoff and full jitter
    (attempt ``n`` waits a random time up to ``min(reconnect_max_delay, reconnect_initial_delay * 2**n)``; a node
    closing with 4009, draining, is left at once for the next of several URLs),
    re-subscribes, re-joins its channels and asks the server to replay what it missed; a channel the server
    cannot replay is read from history. Handlers get each event once (by ``event_id``), in order. Requests made
    while reconnecting are held (up to ``reconnect_buffer_size``) and sent once the new session is open.

    Every failure is a :class:`WorkspaceError` with a :class:`ErrorKind`. Times are in seconds.

    :param agent_id: the agent id, or ``None`` to leave it to the token (or to ``connect_to_server``)
    :param token: a signed token, sent as ``Authorization: Bearer`` at the handshake
    :param workspace: the workspace to enter; default ``default``
    :param metadata: what others see in discovery (``name``, ``capabilities``, ...)
    :param subscriptions: the patterns to start with; ``None`` (default) for the server's ``["*"]``
    :param request_timeout: how long a request waits for its ack, buffering included; default 10 s
    :param reconnect: whether to reconnect after losing the connection; default true (never after close codes
        1008, 4001, 4002, 4005, 4007 or :meth:`disconnect`)
    :param reconnect_initial_delay: the upper bound of the first reconnect delay; default 0.1 s
    :param reconnect_max_delay: the cap on reconnect delays; default 10 s
    :param reconnect_buffer_size: most requests held while reconnecting; default 1000
    :param dedupe_window_size: how many recent event ids are remembered to drop duplicates; default 10,000
    :param max_pending: most requests awaiting an ack, and separately most waiters; default 10,000
    :param event_queue_size: most events waiting for handlers; while it is full the socket is not read;
        default 10,000
    :param auto_join: whether ``channel(name).post(...)`` joins a channel the client is not in before posting;
        default true
    """

    def __init__(self, agent_id: str | None = None, *, token: str | None = None,
                 workspace: str = DEFAULT_WORKSPACE, metadata: Mapping[str, Any] | None = None,
                 subscriptions: Sequence[str] | None = None, request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
                 reconnect: bool = True, reconnect_initial_delay: float = DEFAULT_RECONNECT_INITIAL_DELAY,
                 reconnect_max_delay: float = DEFAULT_RECONNECT_MAX_DELAY,
                 reconnect_buffer_size: int = DEFAULT_RECONNECT_BUFFER_SIZE,
                 dedupe_window_size: int = DEFAULT_DEDUPE_WINDOW_SIZE, max_pending: int = DEFAULT_MAX_PENDING,
                 event_queue_size: int = DEFAULT_EVENT_QUEUE_SIZE, auto_join: bool = True) -> None:
        if agent_id is not None:
            names.require_agent_id(agent_id)
        if token is not None and (not token or any(c.isspace() for c in token)):
            raise WorkspaceError(ErrorKind.INVALID, "token must be non-empty and hold no white space")
        names.require_channel(workspace)
        for value, what in ((request_timeout, "request_timeout"), (reconnect_initial_delay, "reconnect_initial_delay"),
                            (reconnect_max_delay, "reconnect_max_delay")):
            if value <= 0:
                raise WorkspaceError(ErrorKind.INVALID, f"{what} must be positive, was {value}")
        self._agent_id = agent_id
        self._token = token
        self._workspace_name = workspace
        self._metadata = dict(metadata) if metadata else None
        self._initial = None if subscriptions is None else [names.require_pattern(p) for p in subscriptions]
        self._request_timeout = request_timeout
        self._reconnect = reconnect
        self._initial_delay = reconnect_initial_delay
        self._max_delay = reconnect_max_delay
        self._buffer_size = reconnect_buffer_size
        self._max_pending = max_pending
        self._event_queue_size = event_queue_size
        self._auto_join = auto_join
        self._dedupe = DedupeWindow(dedupe_window_size)
        self._subscriptions = SubscriptionCounts(["*"] if self._initial is None else self._initial)
        self._positions = StreamPositions()
        self._handlers: list[_HandlerEntry] = []
        self._lifecycle: list[LifecycleHandler] = []
        self._streams: set[EventStream] = set()
        self._requests: dict[str, _Pending] = {}
        self._replies: dict[str, tuple[asyncio.Future, str]] = {}
        self._waiters: list[_Waiter] = []
        self._recent: deque[tuple[int, Event]] = deque(maxlen=DEFAULT_RECENT_EVENTS)
        self._recv_seq = 0
        self._mark: contextvars.ContextVar[int | None] = contextvars.ContextVar(f"workspace_mark_{id(self)}",
                                                                                default=None)
        self._ids = itertools.count(1)
        self._unsent = 0
        self._state = "idle"
        self._closing = False
        self._session: SessionInfo | None = None
        self._conn: _Connection | None = None
        self._addresses: list[ServerAddress] = []
        self._address_index = 0
        self._supervisor: asyncio.Task | None = None
        self._dispatcher: asyncio.Task | None = None
        self._events: asyncio.Queue | None = None
        self._held: dict[str, list[Event]] = {}
        self._tasks: set[asyncio.Task] = set()
        self._workspace = None
        self._runs = ClientRuns(self)

    # ------------------------------------------------------------------ properties

    @property
    def agent_id(self) -> str | None:
        """The agent id: as given, or as the server reported it once connected."""
        return self._session.agent_id if self._session else self._agent_id

    @property
    def is_connected(self) -> bool:
        """Whether a session is open right now."""
        return self._state == "open"

    @property
    def session(self) -> SessionInfo | None:
        """The current session, or ``None`` while not connected."""
        return self._session

    def workspace(self) -> "Workspace":
        """The workspace view: channels, agents, broadcast."""
        if self._workspace is None:
            from .workspace import Workspace
            self._workspace = Workspace(self)
        return self._workspace

    # ------------------------------------------------------------------ connecting

    async def connect_to_server(self, host: str | None = None, port: int | None = None,
                                metadata: Mapping[str, Any] | None = None, token: str | None = None, *,
                                network_host: str | None = None, network_port: int | None = None,
                                agent_id: str | None = None, workspace: str | None = None) -> SessionInfo:
        """Connects to ``ws://host:port/ws`` (``network_host``/``network_port`` are accepted too). Default host
        ``localhost``, port 8700. See :meth:`connect`."""
        h = host or network_host or "localhost"
        p = port or network_port or 8700
        h = f"[{h}]" if ":" in h and not h.startswith("[") else h
        return await self.connect(f"ws://{h}:{p}/ws", metadata=metadata, token=token, agent_id=agent_id,
                                  workspace=workspace)

    async def connect(self, url: str | Sequence[str], metadata: Mapping[str, Any] | None = None,
                      token: str | None = None, *, agent_id: str | None = None,
                      workspace: str | None = None) -> SessionInfo:
        """Opens the WebSocket and the session. ``url`` is ``ws://host[:port][/ws][?workspace=name]``, or several
        such URLs: reconnects then move on to the next one after each failed attempt. The first connect is not
        retried: a failure is raised. Once a session is open, losses are followed by automatic reconnects.

        :returns: the session; a :class:`SessionInfo` is always true, so OpenAgents' ``if not success`` works
        :raises WorkspaceError: ``unavailable`` when the server cannot be reached, ``unauthorized`` for bad
            credentials, ``invalid`` for a bad URL or agent id or a client already connected, ``timeout`` when no
            ack came in time, ``disconnected`` after :meth:`disconnect`
        """
        if self._closing:
            raise WorkspaceError(ErrorKind.DISCONNECTED, "connect failed: the client is closed")
        if self._state != "idle":
            raise WorkspaceError(ErrorKind.INVALID, "connect failed: the client is already connected or connecting;"
                                 " create another client to open a second session")
        urls = [url] if isinstance(url, str) else list(url)
        if not urls:
            raise WorkspaceError(ErrorKind.INVALID, "connect failed: no server URL")
        addresses = [ServerAddress(u) for u in urls]
        if agent_id is not None:
            self._agent_id = names.require_agent_id(agent_id)
        if token is not None:
            self._token = token
        if metadata is not None:
            self._metadata = dict(metadata)
        if workspace is not None:
            self._workspace_name = names.require_channel(workspace)
        if addresses[0].workspace is not None:
            self._workspace_name = names.require_channel(addresses[0].workspace)
        if self._agent_id is None and self._token is None:
            raise WorkspaceError(ErrorKind.INVALID, "connect failed: no agent id: pass agent_id to AgentClient or "
                                 "use a token that names the agent")
        self._addresses = addresses
        self._address_index = 0
        self._positions.reset()
        self._state = "connecting"
        loop = asyncio.get_running_loop()
        if self._dispatcher is None:
            self._events = asyncio.Queue(maxsize=self._event_queue_size)
            self._dispatcher = loop.create_task(self._dispatch_loop())
        first: asyncio.Future = loop.create_future()
        self._supervisor = loop.create_task(self._supervise(first))
        return await first

    async def _supervise(self, first: asyncio.Future) -> None:
        recovering = False
        attempt = 0
        while not self._closing:
            address = self._addresses[self._address_index % len(self._addresses)]
            try:
                conn = await self._open(address, recovering)
            except WorkspaceError as failure:
                if not recovering:
                    self._state = "idle"
                    self._fail_requests(False, ErrorKind.DISCONNECTED,
                                        f"failed: the connection could not be opened ({failure})")
                    self._stop_dispatcher()
                    if not first.done():
                        first.set_exception(failure)
                    return
                if failure.kind in (ErrorKind.UNAVAILABLE, ErrorKind.TIMEOUT):
                    log.debug("reconnect attempt failed: %s", failure)
                    self._address_index += 1
                    await asyncio.sleep(self._backoff(attempt))
                    attempt = min(attempt + 1, 62)
                    continue
                self._stop(None, str(failure), was_open=False)
                return
            except asyncio.CancelledError:
                raise
            attempt = 0
            if not first.done():
                first.set_result(self._session)
            code, reason = await self._read(conn)
            await self._drop(conn)
            if self._closing:
                return
            if not self._reconnect or code in _NO_RECONNECT:
                self._stop(code, reason, was_open=True)
                return
            self._state = "reconnecting"
            self._session = None
            self._fail_requests(True, ErrorKind.DISCONNECTED, f"failed: the connection was lost before the ack "
                                f"(close {code}{' ' + reason if reason else ''}); it may or may not have taken effect")
            self._emit(LifecycleEvent("disconnected", code=code, reason=reason))
            recovering = True
            if code == _DRAINING:
                self._address_index += 1
            else:
                await asyncio.sleep(self._backoff(0))

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self._max_delay, self._initial_delay * (2 ** attempt))
        return max(0.001, random.uniform(0, ceiling))

    async def _open(self, address: ServerAddress, recovering: bool) -> _Connection:
        ws = await open_socket(address, self._token, self._request_timeout)
        connect_id = f"c{next(self._ids)}"
        frame: dict[str, Any] = {"type": "connect", "id": connect_id, "workspace": self._workspace_name,
                                 "subscriptions": self._subscriptions.wanted()}
        if self._agent_id is not None:
            frame["agent_id"] = self._agent_id
        if self._metadata is not None:
            frame["metadata"] = self._metadata
        if recovering:
            frame["recover"] = self._positions.recovery()
        who = f"{address}" + (f" as {self._agent_id}" if self._agent_id else "")
        try:
            await ws.send(json.dumps(frame))
            result = await asyncio.wait_for(self._await_connect_ack(ws, connect_id, who), self._request_timeout)
        except asyncio.TimeoutError:
            await ws.close()
            raise WorkspaceError(ErrorKind.TIMEOUT, f"no ack to connect from {who} within "
                                 f"{self._request_timeout:g} s") from None
        except ConnectionClosed:
            code, reason = close_of(ws)
            kind = (ErrorKind.UNAUTHORIZED if code in (4001, 4002) else
                    ErrorKind.REJECTED if code in _NO_RECONNECT else ErrorKind.UNAVAILABLE)
            raise WorkspaceError(kind, f"the server at {address} closed the connection before the session opened "
                                 f"(close {code}{' ' + reason if reason else ''})") from None
        except WorkspaceError:
            await ws.close()
            raise
        conn = _Connection(ws, address, asyncio.Queue(maxsize=self._max_pending + self._buffer_size + 64))
        conn.writer = asyncio.get_running_loop().create_task(self._write_loop(conn))
        self._session_opened(conn, result, recovering)
        return conn

    async def _await_connect_ack(self, ws: Any, connect_id: str, who: str) -> dict[str, Any]:
        while True:
            frame = json.loads(await ws.recv())
            kind = frame.get("type")
            if kind == "ping":
                await ws.send(json.dumps({"type": "pong", **({"id": frame["id"]} if "id" in frame else {})}))
            elif kind == "ack" and frame.get("id") == connect_id:
                return frame.get("result") or {}
            elif kind == "error" and frame.get("id") == connect_id:
                code = str(frame.get("code"))
                raise WorkspaceError.from_server(code, f"connect to {who} was refused: {code}: "
                                                 f"{frame.get('message', '')}")

    def _session_opened(self, conn: _Connection, r: dict[str, Any], recovering: bool) -> None:
        self._session = SessionInfo(
            session_id=str(r.get("session_id", "")), agent_id=str(r.get("agent_id", self._agent_id or "")),
            workspace=str(r.get("workspace", self._workspace_name)), node_id=str(r.get("node_id", "")),
            server_time=int(r.get("server_time", 0) or 0),
            ping_interval_ms=int(r.get("ping_interval_ms", 25_000) or 25_000),
            ping_timeout_ms=int(r.get("ping_timeout_ms", 10_000) or 10_000),
            subscriptions=tuple(s for s in r.get("subscriptions", []) if isinstance(s, str)))
        self._agent_id = self._session.agent_id
        self._workspace_name = self._session.workspace
        conn.window = (self._session.ping_interval_ms + self._session.ping_timeout_ms) / 1000
        self._conn = conn
        self._state = "open"
        outcome = self._positions.session_opened(r, recovering)
        for p in self._requests.values():
            if not p.sent:
                p.sent = True
                self._write(conn, p.frame)
        self._unsent = 0
        self._emit(LifecycleEvent("reconnected" if recovering else "connected",
                                  reason=f"session {self._session.session_id}"))
        if outcome is not None:
            self._emit(LifecycleEvent("recovered", recovered=dict(outcome.recovered)))
            for stream, count in outcome.lost:
                self._emit(LifecycleEvent("gap", stream=stream, count=count,
                                          reason="the server could not replay what was missed"))
            for b in outcome.backfills:
                self._held[b.channel] = []
                self._spawn(self._backfill(b))

    async def _write_loop(self, conn: _Connection) -> None:
        while True:
            text = await conn.outbox.get()
            try:
                await conn.ws.send(text)
            except ConnectionClosed:
                return

    def _write(self, conn: _Connection, frame: dict[str, Any]) -> None:
        conn.outbox.put_nowait(json.dumps(frame))

    async def _read(self, conn: _Connection) -> tuple[int, str]:
        while True:
            try:
                text = await asyncio.wait_for(conn.ws.recv(), conn.window)
            except asyncio.TimeoutError:
                return _ABNORMAL, f"no frame from the server for {conn.window:g} s"
            except ConnectionClosed:
                return close_of(conn.ws)
            if not isinstance(text, str):
                log.warning("ignoring a binary message from the server")
                continue
            try:
                frame = json.loads(text)
            except ValueError:
                log.warning("dropping an unreadable frame from the server")
                continue
            kind = frame.get("type") if isinstance(frame, dict) else None
            if kind == "event" and isinstance(frame.get("event"), dict):
                await self._on_event(Event.from_wire(frame["event"]))
            elif kind == "ack":
                self._settle(frame.get("id"), frame.get("result") or {}, None)
            elif kind == "error":
                self._settle(frame.get("id"), None, frame)
            elif kind == "ping":
                self._write(conn, {"type": "pong", **({"id": frame["id"]} if "id" in frame else {})})

    async def _drop(self, conn: _Connection) -> None:
        if self._conn is conn:
            self._conn = None
        if conn.writer is not None:
            conn.writer.cancel()
        try:
            await conn.ws.close()
        except Exception:  # noqa: BLE001 - the socket is gone either way
            pass

    def _stop(self, code: int | None, reason: str, was_open: bool) -> None:
        """Stops for good after the server ended the session or refused a new one: every pending call fails."""
        self._state = "idle"
        self._session = None
        why = (f"the connection ended ({'close ' + str(code) + ' ' if code is not None else ''}{reason}) and the "
               "client does not reconnect")
        self._fail_everything(why)
        if was_open:
            self._emit(LifecycleEvent("disconnected", code=code, reason=reason))
        self._emit(LifecycleEvent("closed", code=code, reason=reason))

    def _fail_everything(self, why: str) -> None:
        self._fail_requests(False, ErrorKind.DISCONNECTED, "failed: " + why)
        failure = WorkspaceError(ErrorKind.DISCONNECTED, why)
        for fut, _ in self._replies.values():
            if not fut.done():
                fut.set_exception(failure)
        self._replies.clear()
        for w in self._waiters:
            if not w.future.done():
                w.future.set_exception(failure)
        self._waiters.clear()
        for s in list(self._streams):
            s._end()
        for run in list(self._runs.started.values()):
            run._end(WorkspaceError(ErrorKind.DISCONNECTED, f"run {run.id} failed: {why}"), "failed")
        self._held.clear()

    # ------------------------------------------------------------------ requests

    async def _request(self, frame: dict[str, Any], what: str) -> dict[str, Any]:
        if self._closing:
            raise WorkspaceError(ErrorKind.DISCONNECTED, f"{what} failed: the client is closed")
        if self._state == "idle":
            raise WorkspaceError(ErrorKind.DISCONNECTED, f"{what} failed: not connected; call connect_to_server() "
                                 "first")
        if len(self._requests) >= self._max_pending:
            raise WorkspaceError(ErrorKind.REJECTED, f"{what} refused: {self._max_pending} requests already await "
                                 "an ack")
        send = self._state == "open" and self._conn is not None
        if not send and self._unsent >= self._buffer_size:
            raise WorkspaceError(ErrorKind.REJECTED, f"{what} refused: not connected and the reconnect buffer is "
                                 f"full ({self._buffer_size} requests)")
        loop = asyncio.get_running_loop()
        rid = f"r{next(self._ids)}"
        frame["id"] = rid
        p = _Pending(frame, what, loop.create_future())
        p.timer = loop.call_later(self._request_timeout, self._timed_out, rid)
        self._requests[rid] = p
        if send:
            p.sent = True
            try:
                self._write(self._conn, frame)  # type: ignore[arg-type]
            except asyncio.QueueFull:
                self._requests.pop(rid)
                p.timer.cancel()
                raise WorkspaceError(ErrorKind.REJECTED, f"{what} refused: the outbound queue is full") from None
        else:
            self._unsent += 1
        self._mark.set(self._recv_seq)
        return await p.future

    def _timed_out(self, rid: str) -> None:
        p = self._requests.pop(rid, None)
        if p is None or p.future.done():
            return
        if p.sent:
            message = f"no ack to {p.what} within {self._request_timeout:g} s"
        else:
            self._unsent -= 1
            message = f"{p.what} was not sent: not connected within {self._request_timeout:g} s"
        p.future.set_exception(WorkspaceError(ErrorKind.TIMEOUT, message))

    def _settle(self, rid: Any, result: dict[str, Any] | None, error: dict[str, Any] | None) -> None:
        p = self._requests.pop(rid, None) if isinstance(rid, str) else None
        if p is None:
            if error is not None:
                log.warning("error from the server: %s: %s", error.get("code"), error.get("message"))
            return
        if p.timer:
            p.timer.cancel()
        if p.future.done():
            return
        if error is None:
            p.future.set_result(result)
        else:
            code = str(error.get("code"))
            p.future.set_exception(WorkspaceError.from_server(code, f"{p.what} failed: {code}: "
                                                              f"{error.get('message', '')}"))

    def _fail_requests(self, only_sent: bool, kind: ErrorKind, suffix: str) -> None:
        for rid, p in list(self._requests.items()):
            if only_sent and not p.sent:
                continue
            del self._requests[rid]
            if p.timer:
                p.timer.cancel()
            if not p.sent:
                self._unsent -= 1
            if not p.future.done():
                p.future.set_exception(WorkspaceError(kind, f"{p.what} {suffix}"))

    # ------------------------------------------------------------------ receiving

    async def _on_event(self, event: Event) -> None:
        channel = event.channel if (event.destination_id or "").startswith("channel:") else None
        held = self._held.get(channel) if channel else None
        if held is not None and event.event_name not in _PRESENCE:
            held.append(event)
            return
        await self._deliver(event)

    async def _deliver(self, event: Event) -> None:
        self._positions.delivered(event)
        if event.event_id is not None and not self._dedupe.first_seen(event.event_id):
            return
        if event.event_name == "stream.gap" and event.source_id == "system":
            self._on_gap(event)
        if self._runs.on_event(event):
            return
        if event.response_to is not None and not is_interim(event.event_name):
            waiting = self._replies.pop(event.response_to, None)
            if waiting is not None and not waiting[0].done():
                waiting[0].set_result(event)
                return
        self._recv_seq += 1
        seq = self._recv_seq
        self._recent.append((seq, event))
        for w in list(self._waiters):
            if w.future.done():
                self._waiters.remove(w)
                continue
            try:
                hit = w.condition is None or bool(w.condition(event))
            except Exception as e:  # noqa: BLE001 - the waiter's own failure
                self._waiters.remove(w)
                w.future.set_exception(e)
                continue
            if hit:
                self._waiters.remove(w)
                w.future.set_result((seq, event))
        if any(e.active and any(names.matches(p, event.event_name) for p in e.patterns) for e in self._handlers):
            assert self._events is not None
            await self._events.put(event)

    def _on_gap(self, event: Event) -> None:
        p = event.payload
        self._positions.gap(p)
        count = p.get("count")
        if not isinstance(count, int):
            frm, to = p.get("from_offset"), p.get("to_offset")
            count = to - frm + 1 if isinstance(frm, int) and isinstance(to, int) else None
        self._emit(LifecycleEvent("gap", stream=str(p.get("stream")), count=count, reason=str(p.get("reason"))))

    async def _backfill(self, b: Backfill) -> None:
        """Reads from history what the server could not replay for one channel, in order and once, then hands
        over the live events held meanwhile. A stretch that history no longer holds is reported as a gap."""
        stream = "channel:" + b.channel
        after = b.start.offset
        first = True
        try:
            while True:
                r = await self._request({"type": "history", "channel": b.channel, "after": after,
                                         "limit": HISTORY_PAGE}, f"history of channel {b.channel}")
                page = self._history_page(r, b.channel)
                if page.epoch and page.epoch != b.start.epoch:
                    self._positions.channels[b.channel] = StreamPosition(0, page.epoch)
                    after, first = 0, True
                    b = Backfill(b.channel, StreamPosition(0, page.epoch), False)
                    continue
                if first:
                    first = False
                    oldest = page.events[0].offset if page.events else page.last_offset + 1
                    if b.same_epoch and oldest is not None and oldest > after + 1:
                        self._emit(LifecycleEvent("gap", stream=stream, count=oldest - after - 1,
                                                  reason="older than the history kept"))
                    elif not b.same_epoch:
                        self._emit(LifecycleEvent("gap", stream=stream, count=None, reason="the epoch changed"))
                for e in page.events:
                    if e.offset is not None and e.offset > (self._positions.channel_offset(b.channel) or 0):
                        await self._deliver(e)
                    after = max(after, e.offset or after)
                if not page.has_more or not page.events:
                    break
            held = self._held.get(b.channel, [])
            while held:
                e = held.pop(0)
                if e.offset is None or e.offset > (self._positions.channel_offset(b.channel) or 0):
                    await self._deliver(e)
        except WorkspaceError as e:
            log.debug("reading the history of %s after a reconnect failed: %s", b.channel, e)
        finally:
            self._held.pop(b.channel, None)

    async def _dispatch_loop(self) -> None:
        assert self._events is not None
        while True:
            event = await self._events.get()
            for entry in list(self._handlers):
                if not entry.active or not any(names.matches(p, event.event_name) for p in entry.patterns):
                    continue
                try:
                    result = entry.handler(event)
                    if inspect.isawaitable(result):
                        await result
                except asyncio.CancelledError:
                    raise
                except Exception:  # noqa: BLE001 - a handler's failure must not stop delivery
                    log.exception("an event handler raised")

    def _stop_dispatcher(self) -> asyncio.Task | None:
        dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None:
            dispatcher.cancel()
        return dispatcher

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # ------------------------------------------------------------------ lifecycle

    def on_lifecycle(self, handler: LifecycleHandler) -> Callable[[], None]:
        """Adds a handler of connection changes (see :class:`LifecycleEvent`); returns a function that removes
        it. A coroutine handler is run as a task."""
        self._lifecycle.append(handler)
        return lambda: self._lifecycle.remove(handler) if handler in self._lifecycle else None

    def _emit(self, event: LifecycleEvent) -> None:
        for h in list(self._lifecycle):
            try:
                result = h(event)
                if inspect.isawaitable(result):
                    self._spawn(result)
            except Exception:  # noqa: BLE001
                log.exception("a lifecycle handler raised")

    async def disconnect(self) -> None:
        """Closes the session with code 1000 and stops for good: no reconnect; pending requests and waiters fail
        with ``disconnected``; event streams end. Calling it again does nothing."""
        if self._closing:
            return
        self._closing = True
        before = self._state
        self._state = "closed"
        self._session = None
        supervisor, self._supervisor = self._supervisor, None
        conn, self._conn = self._conn, None
        if supervisor is not None and supervisor is not asyncio.current_task():
            supervisor.cancel()
        if conn is not None:
            if conn.writer is not None:
                conn.writer.cancel()
            try:
                await conn.ws.close(1000, "client disconnect")
            except Exception:  # noqa: BLE001
                pass
        self._fail_everything("the client was disconnected")
        tasks = [t for t in self._tasks if t is not asyncio.current_task()]
        for t in tasks:
            t.cancel()
        dispatcher = self._stop_dispatcher()
        if dispatcher is not None and dispatcher is not asyncio.current_task():
            tasks.append(dispatcher)
        if supervisor is not None and supervisor is not asyncio.current_task():
            tasks.append(supervisor)
        await asyncio.gather(*tasks, return_exceptions=True)
        if before != "idle":
            self._emit(LifecycleEvent("closed", code=1000, reason="client disconnect"))

    close = disconnect

    async def __aenter__(self) -> "AgentClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.disconnect()

    # ------------------------------------------------------------------ publishing

    async def send_event(self, event: Event) -> PublishResult:
        """Publishes an event. The client sets a random UUID ``event_id`` when it has none (on the given
        event too, so a caller can recognise it); the server stamps ``source_id`` and ``timestamp``.

        :raises WorkspaceError: ``invalid`` for a bad name or destination (checked before sending),
            ``not_found`` for an agent that is not connected, ``rejected`` when refused, ``timeout`` when no ack
            came in time, ``disconnected`` when the connection was lost before the ack
        """
        if event.event_id is None:
            event.event_id = str(uuid.uuid4())
        what = f"publish {event.event_name} to {event.destination_id}"
        names.require_event_name(event.event_name)
        destination = names.normalize_destination(event.destination_id)  # type: ignore[arg-type]
        if not 1 <= len(event.event_id) <= 128:
            raise WorkspaceError(ErrorKind.INVALID, f"{what} failed: event_id must be 1-128 characters",
                                 "invalid_event")
        wire = event.to_wire()
        wire["destination_id"] = destination
        r = await self._request({"type": "publish", "event": wire}, what)
        offset = r.get("offset")
        seq = r.get("seq")
        result = PublishResult(str(r.get("event_id", event.event_id)), int(r.get("timestamp", 0) or 0),
                               offset if isinstance(offset, int) else None, bool(r.get("queued", False)),
                               r.get("agent_id") if isinstance(r.get("agent_id"), str) else None,
                               seq if isinstance(seq, int) else None)
        self._positions.acknowledged(destination, result.offset)
        return result

    async def send_and_wait(self, event: Event, timeout: float = DEFAULT_WAIT_TIMEOUT) -> Event:
        """Sends a request and waits for its reply: the event goes out with ``requires_response: true`` and the
        first event whose ``response_to`` is its ``event_id`` is returned. The reply is not passed to handlers
        or waiters.

        :raises WorkspaceError: ``timeout`` (``no reply from agent:x within 5 s``), ``not_found`` at once when
            the target is not connected, or as :meth:`send_event` fails
        """
        if timeout <= 0:
            raise WorkspaceError(ErrorKind.INVALID, f"send_and_wait failed: the timeout must be positive, was "
                                 f"{timeout}")
        event = event.replace(event_id=event.event_id or str(uuid.uuid4()), requires_response=True)
        eid = event.event_id
        assert eid is not None
        if eid in self._replies:
            raise WorkspaceError(ErrorKind.INVALID, f"send_and_wait failed: a request with event_id {eid} already "
                                 "waits for its reply")
        if len(self._replies) >= self._max_pending:
            raise WorkspaceError(ErrorKind.REJECTED, f"send_and_wait to {event.destination_id} refused: "
                                 f"{self._max_pending} requests already wait for a reply")
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._replies[eid] = (fut, str(event.destination_id))
        publish = asyncio.ensure_future(self.send_event(event))
        publish.add_done_callback(lambda t: t.cancelled() or t.exception())
        try:
            async with asyncio.timeout(timeout):
                done, _ = await asyncio.wait({publish, fut}, return_when=asyncio.FIRST_COMPLETED)
                if publish in done and not publish.cancelled() and publish.exception() is not None:
                    raise publish.exception()  # type: ignore[misc]
                return await fut
        except TimeoutError:
            raise WorkspaceError(ErrorKind.TIMEOUT, f"no reply from {event.destination_id} within "
                                 f"{timeout:g} s") from None
        finally:
            self._replies.pop(eid, None)

    async def reply(self, request: Event, payload: str | Mapping[str, Any]) -> PublishResult:
        """Answers a request: sends ``agent.response`` to its source with ``response_to`` set to its id."""
        if not request.source_id or not request.event_id:
            raise WorkspaceError(ErrorKind.INVALID, "reply failed: the request has no source_id or event_id")
        return await self.send_event(Event("agent.response", "agent:" + request.source_id,
                                           payload=_text_payload(payload), response_to=request.event_id))

    respond = reply

    async def send_agent_message(self, agent_id: str, payload: str | Mapping[str, Any],
                                 event_name: str = "agent.message") -> PublishResult:
        """Sends a direct message (``agent.message`` by default) to an agent; a str is sent as
        ``{"text": ...}``."""
        return await self.send_event(Event(event_name, "agent:" + names.require_agent_id(agent_id),
                                           payload=_text_payload(payload)))

    async def send_broadcast_message(self, payload: str | Mapping[str, Any],
                                     event_name: str = "agent.broadcast") -> PublishResult:
        """Sends an event to every other connected agent of the workspace."""
        return await self.send_event(Event(event_name, "agent:broadcast", payload=_text_payload(payload)))

    # ------------------------------------------------------------------ handlers and waiting

    def register_event_handler(self, handler: EventHandler, patterns: str | Iterable[str] | None = None
                               ) -> Registration:
        """Registers a handler (plain or ``async``) for events whose names match any of the patterns (``*`` one
        segment, ``>`` the rest, bare ``*`` everything; default ``*``). It is installed at once and gets each
        matching event once, in order; async handlers are awaited one at a time. Patterns are also subscribed on
        the server, counted per pattern. Await the returned :class:`Registration` to wait for the server's ack;
        call it (or its ``unregister``) to remove the handler."""
        ps = _patterns(patterns)
        entry = _HandlerEntry(handler, ps)
        self._handlers = [h for h in self._handlers if h.active]
        self._handlers.append(entry)
        fresh = self._subscriptions.acquire(ps)
        ready = None
        if fresh and self._state not in ("idle", "closed"):
            ready = self._spawn(self._change(True, fresh))

            def refused(task: asyncio.Task) -> None:
                if not task.cancelled() and task.exception() is not None:
                    log.warning("subscribing %s failed: %s", fresh, task.exception())
                    self._remove_handler(entry)
            ready.add_done_callback(refused)
        return Registration(self, entry, ready)

    def _remove_handler(self, entry: _HandlerEntry) -> asyncio.Future:
        done: asyncio.Future
        if entry in self._handlers:
            self._handlers.remove(entry)
            entry.active = False
            gone = self._subscriptions.release(entry.patterns)
            if gone and self._state not in ("idle", "closed") and not self._closing:
                return self._spawn(self._change(False, gone))
        entry.active = False
        try:
            done = asyncio.get_running_loop().create_future()
            done.set_result(None)
        except RuntimeError:
            done = asyncio.Future()
            done.set_result(None)
        return done

    async def subscribe(self, patterns: str | Iterable[str]) -> list[str]:
        """Subscribes patterns on the server until :meth:`unsubscribe`; returns every pattern held."""
        fresh = self._subscriptions.pin(_patterns(patterns))
        try:
            return await self._change(True, fresh)
        except WorkspaceError:
            self._subscriptions.unpin(fresh)
            raise

    async def unsubscribe(self, patterns: str | Iterable[str]) -> list[str]:
        """Unsubscribes patterns; those registered handlers still need stay until their handlers go."""
        return await self._change(False, self._subscriptions.unpin(_patterns(patterns)))

    async def _change(self, add: bool, changed: list[str]) -> list[str]:
        if not changed or self._state == "idle":
            return self._subscriptions.wanted()
        r = await self._request({"type": "subscribe" if add else "unsubscribe", "patterns": changed},
                                f"{'subscribe' if add else 'unsubscribe'} {changed}")
        return [s for s in r.get("subscriptions", []) if isinstance(s, str)]

    def events(self, patterns: str | Iterable[str] | None = None, *, queue_size: int = 1000) -> EventStream:
        """The events matching the patterns (default ``*``), as an async iterator, from this call on::

            async for event in client.events("channel.message.*"):
                ...
        """
        return EventStream(self, _patterns(patterns), queue_size)

    async def wait_event(self, condition: Callable[[Event], bool] | None = None,
                         timeout: float = DEFAULT_WAIT_TIMEOUT) -> Event:
        """Waits for a delivered event for which ``condition`` is true (any event when ``None``).

        There is no race with events that arrive before the wait starts: the wait also looks at the events that
        arrived since this task last sent a request through the client (or since its last ``wait_event``
        returned), so ``await channel.post(...)`` followed by ``await client.wait_event(...)`` sees an answer
        however fast it came. Replies taken by :meth:`send_and_wait` are not seen.

        :raises WorkspaceError: ``timeout`` (``no matching event within 5 s``), ``rejected`` when too many
            waiters are pending, ``disconnected`` when the client closes first
        """
        if timeout <= 0:
            raise WorkspaceError(ErrorKind.INVALID, f"wait_event failed: the timeout must be positive, was {timeout}")
        if self._closing:
            raise WorkspaceError(ErrorKind.DISCONNECTED, "wait_event failed: the client is closed")
        since = self._mark.get()
        if since is not None:
            for seq, event in self._recent:
                if seq > since and (condition is None or condition(event)):
                    self._mark.set(seq)
                    return event
        if len(self._waiters) >= self._max_pending:
            raise WorkspaceError(ErrorKind.REJECTED, f"wait_event refused: {self._max_pending} waiters are already "
                                 "pending")
        w = _Waiter(condition, asyncio.get_running_loop().create_future())
        self._waiters.append(w)
        try:
            seq, event = await asyncio.wait_for(w.future, timeout)
        except asyncio.TimeoutError:
            raise WorkspaceError(ErrorKind.TIMEOUT, f"no matching event within {timeout:g} s") from None
        finally:
            if w in self._waiters:
                self._waiters.remove(w)
        self._mark.set(seq)
        return event

    # ------------------------------------------------------------------ runs

    def remote_agent(self, agent_id: str, *, session_id: str | None = None, timeout: float = 60.0,
                     config_ttl: float = 300.0) -> RemoteAgent:
        """Another agent called as if it were local: ``await client.remote_agent("bob").arun("task")``. ``timeout``
        is how long a run may go without an event (default 60 s); ``config_ttl`` how long its card is cached."""
        return RemoteAgent(self._runs, destination_of(agent_id), session_id, timeout, config_ttl)

    def pool(self, capability: str, *, session_id: str | None = None, timeout: float = 60.0) -> RemoteAgent:
        """The worker pool of a capability: each run goes to one connected agent that lists it, the least busy."""
        return RemoteAgent(self._runs, destination_of(capability, pool=True), session_id, timeout)

    def host(self, handler: RunHandler | None) -> RunHandler | None:
        """Hosts runs: ``handler(run)`` (plain or ``async``) is called with a :class:`RunContext` for each request
        (``requires_response``) other agents send; what it returns, when not ``None``, completes the run; what it
        raises fails it (``handler_error``). Usable as a decorator (``@client.host``); ``None`` stops hosting.
        Requests it takes are not passed to event handlers."""
        self._runs.host = handler
        return handler

    async def get_run(self, run_id: str, after_seq: int = 0) -> dict[str, Any]:
        """The run as the server's tracker has it (``state``, ``events`` after ``after_seq``, ...); ``not_found``
        when it is unknown, expired, or not this agent's."""
        return await self._request({"type": "get_run", "run_id": run_id, "after_seq": after_seq},
                                   f"get_run {run_id}")

    async def cancel_run(self, run_id: str, reason: str = "canceled by the caller") -> None:
        """Asks the agent running ``run_id`` to cancel it (``run.cancel``); the run ends as the agent decides."""
        run = self._runs.started.get(run_id)
        target = run.agent_id if run is not None else None
        if target is None:
            target = str((await self.get_run(run_id)).get("target", ""))
        await self.send_event(Event("run.cancel", "agent:" + names.require_agent_id(target),
                                    payload={"run_id": run_id, "reason": reason}))

    async def update_metadata(self, metadata: Mapping[str, Any]) -> dict[str, Any]:
        """Replaces this agent's metadata (its card) without a reconnect; the workspace is sent ``agent.updated``."""
        r = await self._request({"type": "update_metadata", "metadata": dict(metadata)}, "update_metadata")
        self._metadata = dict(metadata)
        return r

    # ------------------------------------------------------------------ discovery and channels

    async def list_agents(self, capability: str | None = None) -> list[AgentInfo]:
        """The connected agents of the workspace, or those whose metadata lists ``capability``."""
        frame: dict[str, Any] = {"type": "list_agents"}
        if capability is not None:
            frame["capability"] = capability
        r = await self._request(frame, "list_agents" + (f" with capability {capability}" if capability else ""))
        out = []
        for a in r.get("agents", []):
            meta = a.get("metadata")
            out.append(AgentInfo(str(a.get("agent_id", "")), dict(meta) if isinstance(meta, dict) else {},
                                 int(a.get("connected_since", 0) or 0), str(a.get("status", "")),
                                 str(a.get("node_id", ""))))
        return out

    async def list_channels(self) -> list[ChannelInfo]:
        """Every channel of the workspace this agent may use."""
        r = await self._request({"type": "list_channels"}, "list_channels")
        return [ChannelInfo(str(c.get("name", "")), _count(c.get("members")), int(c.get("last_offset", 0) or 0),
                            str(c.get("epoch", ""))) for c in r.get("channels", [])]

    async def _join(self, channel: str) -> ChannelInfo:
        r = await self._request({"type": "join", "channel": channel}, f"join channel {channel}")
        info = ChannelInfo(str(r.get("channel", channel)), _count(r.get("members")), int(r.get("offset", 0) or 0),
                           str(r.get("epoch", "")))
        self._positions.joined(channel, StreamPosition(info.last_offset, info.epoch))
        return info

    async def _leave(self, channel: str) -> None:
        try:
            await self._request({"type": "leave", "channel": channel}, f"leave channel {channel}")
        except WorkspaceError as e:
            if e.code == "not_member":
                self._positions.left(channel)
            raise
        self._positions.left(channel)

    async def _members(self, channel: str) -> list[str]:
        r = await self._request({"type": "members", "channel": channel}, f"members of channel {channel}")
        return [m for m in r.get("members", []) if isinstance(m, str)]

    async def _history(self, channel: str, before: int | None, after: int | None, limit: int | None) -> HistoryPage:
        frame: dict[str, Any] = {"type": "history", "channel": channel}
        for key, value in (("before", before), ("after", after), ("limit", limit)):
            if value is not None:
                if not isinstance(value, int) or value < (1 if key == "limit" else 0):
                    raise WorkspaceError(ErrorKind.INVALID, f"history of channel {channel} failed: {key} must be "
                                         f"a{' positive' if key == 'limit' else ' non-negative'} integer")
                frame[key] = value
        return self._history_page(await self._request(frame, f"history of channel {channel}"), channel)

    @staticmethod
    def _history_page(r: dict[str, Any], channel: str) -> HistoryPage:
        return HistoryPage(str(r.get("channel", channel)), str(r.get("epoch", "")),
                           [Event.from_wire(e) for e in r.get("events", []) if isinstance(e, dict)],
                           bool(r.get("has_more", False)), int(r.get("first_offset", 0) or 0),
                           int(r.get("last_offset", 0) or 0))


def _count(members: Any) -> int:
    if isinstance(members, list):
        return len(members)
    return members if isinstance(members, int) else 0


__all__ = ["AgentClient", "EventHandler", "EventStream", "LifecycleHandler", "Registration", "position_of"]
