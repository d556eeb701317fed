"""Runs (see ``docs/PROTOCOL.md``, Runs), both ways: remote agents called as if local, and a host side that
answers the tasks other agents send."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable, Mapping

from . import names
from .errors import ErrorKind, WorkspaceError
from .models import AgentInfo, Event

if TYPE_CHECKING:
    from .client import AgentClient

log = logging.getLogger("workspace_client")

PROGRESS_PREFIX = "run.progress."
INPUT_REQUIRED = "run.input_required"
TERMINAL_STATES = {"run.failed": "failed", "run.canceled": "canceled", "run.rejected": "rejected"}
DEFAULT_RUN_TIMEOUT = 60.0
DEFAULT_CONFIG_TTL = 300.0
MAX_BUFFERED = 10_000
MAX_SESSIONS = 1000
_END = object()


def is_interim(event_name: str) -> bool:
    """Whether an answer of that name leaves its request open: progress or a question."""
    return event_name.startswith(PROGRESS_PREFIX) or event_name == INPUT_REQUIRED


@dataclass(frozen=True)
class RunResult:
    """The end of a run that completed: its terminal event (``run.completed``, or a plain reply) and payload."""

    run_id: str
    agent_id: str | None
    payload: dict[str, Any]
    event: Event

    @property
    def text(self) -> str | None:
        """The payload's ``text``, or ``None``."""
        value = self.payload.get("text")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class RunInput:
    """A requester's answer to a question (``run.input``): ``answers`` chosen or typed, ``approved`` and ``scope``
    (``once`` or ``session``) for an approval or plan review, ``feedback`` with a rejection."""

    answers: list[str]
    approved: bool | None
    scope: str | None
    feedback: str | None
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def answer(self) -> str | None:
        """The first answer, or ``None``."""
        return self.answers[0] if self.answers else None

    @property
    def is_approved(self) -> bool:
        return self.approved is True

    @classmethod
    def parse(cls, p: Mapping[str, Any]) -> "RunInput":
        answers = [p["answer"]] if isinstance(p.get("answer"), str) else []
        answers += [a for a in p.get("answers", []) if isinstance(a, str)] if isinstance(p.get("answers"), list) else []
        approved = p.get("approved") if isinstance(p.get("approved"), bool) else None
        scope = ("session" if p.get("scope") == "session" else "once") if isinstance(p.get("scope"), str) else None
        feedback = p.get("feedback") if isinstance(p.get("feedback"), str) else None
        return cls(answers, approved, scope, feedback, dict(p))


def _payload(value: str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, Mapping):
        return dict(value)
    raise WorkspaceError(ErrorKind.INVALID, "a run's input is a str (sent as {\"text\": ...}) or a dict")


class Run:
    """A run started with ``remote_agent(id).arun(..., stream=True)``: an async iterator over the responder's
    progress (``run.progress.*``) and questions (``run.input_required``), in order and each once, across reconnects
    too; the iteration ends with the run, and raises its failure. ``await run`` (or ``await run.result()``) gives the
    :class:`RunResult`. Questions are answered with :meth:`respond`, :meth:`approve` or :meth:`reject`."""

    def __init__(self, runs: "ClientRuns", request: Event, timeout: float) -> None:
        self._runs = runs
        self._request = request
        self._timeout = timeout
        loop = asyncio.get_running_loop()
        self._result: asyncio.Future = loop.create_future()
        self._accepted: asyncio.Future = loop.create_future()
        self._result.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._accepted.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._queue: asyncio.Queue = asyncio.Queue()
        self._timer: asyncio.TimerHandle | None = None
        self.state = "submitted"
        self.pending_input: Event | None = None
        self.agent_id: str | None = None

    @property
    def id(self) -> str:
        """The run id: the request's ``event_id``."""
        return str(self._request.event_id)

    async def accepted(self) -> str:
        """The agent that runs it once the server took the request (for a pool, the member it chose)."""
        return await asyncio.shield(self._accepted)

    def _start(self) -> None:
        self._runs.started[self.id] = self
        self._arm()
        task = asyncio.ensure_future(self._runs.client.send_event(self._request))

        def sent(t: asyncio.Task) -> None:
            if t.cancelled():
                return
            if t.exception() is not None:
                self._end(t.exception(), "failed")  # type: ignore[arg-type]
                if not self._accepted.done():
                    self._accepted.set_exception(t.exception())  # type: ignore[arg-type]
                return
            result = t.result()
            if self.agent_id is None:
                self.agent_id = result.agent_id or self._request.destination_id.split(":", 1)[1]  # type: ignore
            if not self._accepted.done():
                self._accepted.set_result(self.agent_id)
        task.add_done_callback(sent)

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self._timeout, lambda: self._end(WorkspaceError(
            ErrorKind.TIMEOUT, f"no event of run {self.id} from {self._request.destination_id} within "
            f"{self._timeout:g} s"), "failed"))

    def _on_answer(self, e: Event) -> None:
        if self.agent_id is None and e.source_id != "system":
            self.agent_id = e.source_id
        if is_interim(e.event_name):
            self._arm()
            if e.event_name == INPUT_REQUIRED:
                self.state = "input_required"
                self.pending_input = e
            else:
                self.state = "working"
            if self._queue.qsize() >= MAX_BUFFERED:
                self._end(WorkspaceError(ErrorKind.REJECTED, f"run {self.id} buffered {MAX_BUFFERED} events that "
                                         "were not read"), "failed")
                return
            self._queue.put_nowait(e)
            return
        who = f"agent {self.agent_id}" if self.agent_id else str(self._request.destination_id)
        p = e.payload
        if e.event_name == "run.failed":
            code = str(p.get("code", "failed"))
            kind = ErrorKind.UNAVAILABLE if code == "agent_disconnected" else ErrorKind.FAILED
            self._end(WorkspaceError(kind, f"run {self.id} of {who} failed: {code}: {p.get('message', '')}", code),
                      "failed")
        elif e.event_name == "run.canceled":
            reason = f": {p['reason']}" if p.get("reason") else ""
            self._end(WorkspaceError(ErrorKind.CANCELED, f"run {self.id} of {who} was canceled{reason}"), "canceled")
        elif e.event_name == "run.rejected":
            message = f": {p['message']}" if p.get("message") else ""
            self._end(WorkspaceError(ErrorKind.REJECTED, f"run {self.id} was rejected by {who}{message}"), "rejected")
        else:
            self._finish()
            self.state = "completed"
            if not self._result.done():
                self._result.set_result(RunResult(self.id, self.agent_id, dict(p), e))
            self._queue.put_nowait(_END)

    def _finish(self) -> None:
        if self._runs.started.get(self.id) is self:
            del self._runs.started[self.id]
        self.pending_input = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _end(self, failure: BaseException, state: str) -> None:
        if self._result.done():
            return
        self._finish()
        self.state = state
        self._result.set_exception(failure)
        self._queue.put_nowait(_END)

    def __aiter__(self) -> "Run":
        return self

    async def __anext__(self) -> Event:
        item = await self._queue.get()
        if item is _END:
            self._queue.put_nowait(_END)
            if self._result.exception() is not None:
                raise self._result.exception()  # type: ignore[misc]
            raise StopAsyncIteration
        return item

    async def result(self) -> RunResult:
        """The result once the run completed; raises :class:`WorkspaceError` ``failed`` (``run.failed``),
        ``unavailable`` (the responder went away), ``canceled``, ``rejected``, ``timeout`` (nothing came for the
        remote agent's timeout, default 60 s), or as the publish failed (``not_found`` for an absent agent)."""
        return await asyncio.shield(self._result)

    def __await__(self):
        return self.result().__await__()

    async def respond(self, answer: str | list[str]) -> None:
        """Answers the pending question (several choices as a list)."""
        await self._answer({"answers": list(answer)} if isinstance(answer, list) else {"answer": answer})

    async def approve(self, scope: str = "once") -> None:
        """Approves the pending approval or plan review, ``once`` or for the rest of the ``session``."""
        if scope not in ("once", "session"):
            raise WorkspaceError(ErrorKind.INVALID, f"scope must be 'once' or 'session', was {scope!r}")
        await self._answer({"approved": True, "scope": scope})

    async def reject(self, feedback: str | None = None) -> None:
        """Rejects the pending approval or plan review."""
        await self._answer({"approved": False, **({"feedback": feedback} if feedback is not None else {})})

    async def _answer(self, payload: dict[str, Any]) -> None:
        q = self.pending_input
        if q is None:
            raise WorkspaceError(ErrorKind.INVALID, f"run {self.id} has no question waiting for an answer")
        self.pending_input = None
        self.state = "working"
        await self._runs.client.send_event(Event("run.input", "agent:" + str(q.source_id), payload=payload,
                                                 response_to=q.event_id))

    async def cancel(self, reason: str = "canceled by the caller") -> bool:
        """Asks the responder to stop and waits for the run's end: true when it ended canceled, false when it ended
        otherwise (the cancel came too late)."""
        target = await self.accepted()
        await self._runs.client.send_event(Event("run.cancel", "agent:" + target,
                                                 payload={"run_id": self.id, "reason": reason}))
        try:
            await self.result()
        except WorkspaceError as e:
            return e.kind is ErrorKind.CANCELED
        return False


class RemoteAgent:
    """Another agent (``agent:<id>``) or a worker pool (``pool:<capability>``) called as if it were local."""

    def __init__(self, runs: "ClientRuns", destination: str, session_id: str | None = None,
                 timeout: float = DEFAULT_RUN_TIMEOUT, config_ttl: float = DEFAULT_CONFIG_TTL) -> None:
        if timeout <= 0 or config_ttl < 0:
            raise WorkspaceError(ErrorKind.INVALID, "timeout must be positive and config_ttl not negative")
        self._runs = runs
        self.destination = destination
        self.session_id = session_id
        self.timeout = timeout
        self.config_ttl = config_ttl

    def session(self, session_id: str) -> "RemoteAgent":
        """A remote agent whose runs continue the conversation ``session_id``."""
        return RemoteAgent(self._runs, self.destination, session_id, self.timeout, self.config_ttl)

    def arun(self, input: str | Mapping[str, Any], *, stream: bool = False, session_id: str | None = None,
             timeout: float | None = None):
        """Runs a task. Without ``stream``, a coroutine that returns the :class:`RunResult` (``await
        agent.arun("...")``); with ``stream=True``, a :class:`Run` to iterate over (``async for event in
        agent.arun("...", stream=True)``). ``timeout`` (default the agent's, 60 s) is how long the run may go
        without an event."""
        run = self._begin(_payload(input), stream, session_id or self.session_id, timeout or self.timeout)
        return run if stream else run.result()

    def _begin(self, payload: dict[str, Any], stream: bool, session_id: str | None, timeout: float) -> Run:
        metadata: dict[str, Any] = {}
        if stream:
            metadata["stream"] = True
        if session_id is not None:
            metadata["session_id"] = session_id
        request = Event("agent.task", self.destination, payload=payload, event_id=str(uuid.uuid4()),
                        metadata=metadata, requires_response=True)
        run = Run(self._runs, request, timeout)
        run._start()
        return run

    async def config(self) -> AgentInfo:
        """The agent's card (its discovery entry), cached for ``config_ttl`` (default 300 s) and dropped when the
        agent sends ``agent.updated`` or leaves; ``not_found`` when it is not connected, ``invalid`` for a pool."""
        cached = self._runs.cards.get(self._agent())
        if cached is not None and time.monotonic() - cached[1] < self.config_ttl:
            return cached[0]
        return await self.refresh_config()

    async def refresh_config(self) -> AgentInfo:
        """The card read from the server now (and cached)."""
        agent = self._agent()
        for a in await self._runs.client.list_agents():
            if a.agent_id == agent:
                self._runs.cards[agent] = (a, time.monotonic())
                return a
        raise WorkspaceError(ErrorKind.NOT_FOUND, f"agent '{agent}' is not connected")

    def _agent(self) -> str:
        if not self.destination.startswith("agent:"):
            raise WorkspaceError(ErrorKind.INVALID, f"a pool ({self.destination}) has no card; ask one of its members")
        return self.destination[len("agent:"):]


class RunContext:
    """One run as its host sees it: the task, who asked, and the means to report progress, ask questions and end
    the run. Progress is sent only when the caller asked for it (``metadata.stream``)."""

    def __init__(self, runs: "ClientRuns", request: Event) -> None:
        self._runs = runs
        self.request = request
        self.run_id = str(request.event_id)
        self.caller = str(request.source_id)
        sid = request.metadata.get("session_id")
        self.session_id: str | None = sid if isinstance(sid, str) else None
        self._stream = request.metadata.get("stream") is True
        self._open: dict[str, tuple[asyncio.Future, str | None]] = {}
        self._cancel_handlers: list[Callable[[str | None], Any]] = []
        self.cancel_requested = False
        self.ended = False
        self._thoughts = 0
        self._session = runs.session(self.caller, self.session_id)

    @property
    def input(self) -> dict[str, Any]:
        """The request's payload."""
        return self.request.payload

    @property
    def text(self) -> str | None:
        """The request's ``text``, or ``None``."""
        return self.request.text

    @property
    def session(self) -> dict[str, Any]:
        """This conversation's memory, kept per (caller, session id) while the client lives (the last 1,000); a run
        without a session id gets a fresh one."""
        return self._session

    async def _send(self, name: str, payload: dict[str, Any], event_id: str | None = None) -> None:
        await self._runs.client.send_event(Event(name, "agent:" + self.caller, payload=payload,
                                                 response_to=self.run_id, event_id=event_id))

    async def _progress(self, name: str, payload: dict[str, Any]) -> None:
        if self.ended:
            raise WorkspaceError(ErrorKind.INVALID, f"run {self.run_id} already ended")
        if self._stream:
            await self._send(name, payload)

    async def thinking(self, text: str) -> None:
        self._thoughts += 1
        await self._progress("run.progress.thinking", {"id": f"thought-{self._thoughts}", "status": "done",
                                                       "text": text})

    async def tool_call(self, name: str, args: Mapping[str, Any] | None = None) -> str:
        """Reports a tool call; returns its id, for :meth:`tool_result`."""
        call_id = f"call-{uuid.uuid4()}"
        await self._progress("run.progress.tool_call", {"tool_call_id": call_id, "name": name,
                                                        "args": dict(args or {})})
        return call_id

    async def tool_result(self, tool_call_id: str, result: Any, status: str = "done") -> None:
        await self._progress("run.progress.tool_result", {"tool_call_id": tool_call_id, "status": status,
                                                          "result": result})

    async def text_chunk(self, chunk: str) -> None:
        """Streams a chunk of text (``run.progress.text``)."""
        await self._progress("run.progress.text", {"text": chunk, "append": True})

    async def _ask(self, payload: dict[str, Any], tool: str | None) -> RunInput:
        if self.ended or self.cancel_requested:
            raise WorkspaceError(ErrorKind.CANCELED, f"run {self.run_id} "
                                 f"{'already ended' if self.ended else 'is being canceled'}")
        qid = str(uuid.uuid4())
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._open[qid] = (fut, tool)
        self._runs.questions[qid] = self
        try:
            await self._send(INPUT_REQUIRED, payload, qid)
            return await fut
        finally:
            self._open.pop(qid, None)
            self._runs.questions.pop(qid, None)

    def _answered(self, qid: str, e: Event) -> None:
        entry = self._open.get(qid)
        if entry is None or entry[0].done():
            return
        answer = RunInput.parse(e.payload)
        if entry[1] and answer.is_approved and answer.scope == "session" and self.session_id:
            self._runs.approvals.add((self.caller, self.session_id, entry[1]))
        entry[0].set_result(answer)

    async def ask_user(self, question: str, options: list[str] | None = None, multi_select: bool = False
                       ) -> RunInput:
        """Asks the caller a question and waits for the answer; raises ``canceled`` when the run is canceled."""
        return await self._ask({"kind": "ask_user", "text": question, "options": list(options or []),
                                "multi_select": multi_select}, None)

    async def request_approval(self, tool: str, arguments: Mapping[str, Any] | None = None) -> RunInput:
        """Asks the caller to approve a tool call; an approval for the ``session`` answers later ones at once."""
        if self.session_id and (self.caller, self.session_id, tool) in self._runs.approvals:
            return RunInput([], True, "session", None, {"approved": True, "scope": "session"})
        return await self._ask({"kind": "approval", "text": f"approve calling {tool}?", "tool": tool,
                                "arguments": dict(arguments or {}), "options": ["once", "session", "reject"]}, tool)

    async def review_plan(self, plan: str) -> RunInput:
        return await self._ask({"kind": "plan_review", "text": "review this plan", "plan": plan}, None)

    def on_cancel(self, handler: Callable[[str | None], Any]) -> None:
        """``handler(reason)`` is called when the caller cancels; the run must still be ended (:meth:`canceled`)."""
        self._cancel_handlers.append(handler)

    def _cancel(self, reason: str | None) -> None:
        if self.cancel_requested or self.ended:
            return
        self.cancel_requested = True
        for fut, _ in list(self._open.values()):
            if not fut.done():
                fut.set_exception(WorkspaceError(ErrorKind.CANCELED, f"run {self.run_id} was canceled"))
        for h in self._cancel_handlers:
            try:
                r = h(reason)
                if inspect.isawaitable(r):
                    self._runs.client._spawn(r)
            except Exception:  # noqa: BLE001
                log.exception("a cancel handler raised")

    async def _end(self, name: str, payload: dict[str, Any]) -> None:
        if self.ended:
            raise WorkspaceError(ErrorKind.INVALID, f"run {self.run_id} already ended")
        self.ended = True
        self._runs.hosted.pop(self.run_id, None)
        for fut, _ in list(self._open.values()):
            if not fut.done():
                fut.set_exception(WorkspaceError(ErrorKind.CANCELED, f"run {self.run_id} ended"))
        await self._send(name, payload)

    async def complete(self, result: str | Mapping[str, Any]) -> None:
        """Ends the run with a result (a str is sent as ``{"text": ...}``)."""
        await self._end("run.completed", _payload(result))

    async def fail(self, code: str, message: str) -> None:
        await self._end("run.failed", {"code": code, "message": message})

    async def canceled(self, reason: str | None = None) -> None:
        await self._end("run.canceled", {"reason": reason} if reason else {})

    async def reject(self, message: str) -> None:
        await self._end("run.rejected", {"message": message})


RunHandler = Callable[[RunContext], Awaitable[Any] | Any]


class ClientRuns:
    """The runs of one client: those it started (fed by the events that answer them), those it hosts (fed by
    ``run.input`` and ``run.cancel``), and the cache of remote agents' cards."""

    def __init__(self, client: "AgentClient") -> None:
        self.client = client
        self.started: dict[str, Run] = {}
        self.hosted: dict[str, RunContext] = {}
        self.questions: dict[str, RunContext] = {}
        self.approvals: set[tuple[str, str, str]] = set()
        self.cards: dict[str, tuple[AgentInfo, float]] = {}
        self.host: RunHandler | None = None
        self._sessions: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()

    def session(self, caller: str, session_id: str | None) -> dict[str, Any]:
        if session_id is None:
            return {}
        key = (caller, session_id)
        if key not in self._sessions:
            self._sessions[key] = {}
            if len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        self._sessions.move_to_end(key)
        return self._sessions[key]

    def on_event(self, e: Event) -> bool:
        """Takes the events that belong to runs; returns whether it consumed the event."""
        name = e.event_name
        if name in ("agent.updated", "agent.left"):
            agent = e.payload.get("agent_id")
            if isinstance(agent, str):
                self.cards.pop(agent, None)
            return False
        if e.response_to is not None:
            run = self.started.get(e.response_to)
            if run is not None:
                run._on_answer(e)
                return True
            if name == "run.input":
                ctx = self.questions.get(e.response_to)
                if ctx is not None and e.source_id == ctx.caller:
                    ctx._answered(e.response_to, e)
                    return True
            return False
        if name == "run.cancel":
            ctx = self.hosted.get(str(e.payload.get("run_id", "")))
            if ctx is not None and ctx.caller == e.source_id:
                ctx._cancel(e.payload.get("reason") if isinstance(e.payload.get("reason"), str) else None)
            return ctx is not None or self.host is not None
        if self.host is not None and e.requires_response and not name.startswith("run.") and e.source_id:
            ctx = RunContext(self, e)
            self.hosted[ctx.run_id] = ctx
            self.client._spawn(self._host(ctx))
            return True
        return False

    async def _host(self, ctx: RunContext) -> None:
        assert self.host is not None
        try:
            result = self.host(ctx)
            if inspect.isawaitable(result):
                result = await result
            if result is not None and not ctx.ended:
                await ctx.complete(result if isinstance(result, (str, Mapping)) else {"data": result})
        except WorkspaceError as e:
            if not ctx.ended:
                if e.kind is ErrorKind.CANCELED and ctx.cancel_requested:
                    await self._quietly(ctx.canceled("canceled by the caller"))
                else:
                    await self._quietly(ctx.fail("handler_error", str(e)))
        except asyncio.CancelledError:
            raise
        except Exception as e:  # noqa: BLE001 - the run's failure, reported to its caller
            log.exception("a run handler raised")
            if not ctx.ended:
                await self._quietly(ctx.fail("handler_error", str(e)))

    @staticmethod
    async def _quietly(end: Awaitable[None]) -> None:
        try:
            await end
        except WorkspaceError as e:
            log.debug("could not end a run: %s", e)


def destination_of(target: str, pool: bool = False) -> str:
    """``agent:<id>`` or ``pool:<capability>``."""
    if pool:
        return "pool:" + names.require_channel(target)
    return "agent:" + names.require_agent_id(target)
