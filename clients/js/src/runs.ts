import type { AgentClient } from "./client.js";
import { WorkspaceError } from "./errors.js";
import type { AgentInfo, Event } from "./types.js";

type Json = Record<string, unknown>;

const INPUT_REQUIRED = "run.input_required";
const MAX_BUFFERED = 10_000;
const MAX_SESSIONS = 1000;

/** Whether an answer of that name leaves its request open: progress (`run.progress.*`) or a question. */
export function isInterim(eventName: string): boolean {
  return eventName.startsWith("run.progress.") || eventName === INPUT_REQUIRED;
}

/** The end of a run that completed: its terminal event (`run.completed`, or a plain reply) and payload. */
export interface RunResult {
  runId: string;
  agentId: string | undefined;
  payload: Json;
  text: string | undefined;
  event: Event;
}

/** A requester's answer to a question (`run.input`). */
export interface RunInput {
  answers: string[];
  answer: string | undefined;
  approved: boolean | undefined;
  scope: "once" | "session" | undefined;
  feedback: string | undefined;
  payload: Json;
}

/** The state of a run as its requester sees it. */
export type RunState = "submitted" | "working" | "input_required" | "completed" | "failed" | "canceled" | "rejected";

function parseInput(p: Json): RunInput {
  const answers = [
    ...(typeof p.answer === "string" ? [p.answer] : []),
    ...(Array.isArray(p.answers) ? p.answers.filter((a): a is string => typeof a === "string") : []),
  ];
  return {
    answers, answer: answers[0], approved: typeof p.approved === "boolean" ? p.approved : undefined,
    scope: typeof p.scope === "string" ? (p.scope === "session" ? "session" : "once") : undefined,
    feedback: typeof p.feedback === "string" ? p.feedback : undefined, payload: p,
  };
}

function toPayload(input: string | Json): Json {
  return typeof input === "string" ? { text: input } : { ...input };
}

function uuid(): string {
  return (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID?.()
    ?? `${Date.now().toString(16)}-${Math.random().toString(16).slice(2)}-${Math.random().toString(16).slice(2)}`;
}

/**
 * A run started with {@link RemoteAgent.start}: an async iterator over the responder's progress and questions, in
 * order and each once (across reconnects too), that ends with the run and throws its failure; `result()` resolves
 * with the {@link RunResult}. Questions are answered with `respond`, `approve` or `reject`.
 */
export class Run implements AsyncIterableIterator<Event> {
  state: RunState = "submitted";
  pendingInput: Event | undefined;
  agentId: string | undefined;
  private readonly queue: Event[] = [];
  private next_: { resolve: (r: IteratorResult<Event>) => void; reject: (e: unknown) => void } | undefined;
  private ended = false;
  private failure: WorkspaceError | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly resultPromise: Promise<RunResult>;
  private resolveResult!: (r: RunResult) => void;
  private rejectResult!: (e: Error) => void;
  private readonly acceptedPromise: Promise<string>;
  private resolveAccepted!: (id: string) => void;
  private rejectAccepted!: (e: Error) => void;

  /** @internal */
  constructor(private readonly runs: ClientRuns, private readonly request: Event, private readonly timeoutMs: number) {
    this.resultPromise = new Promise((res, rej) => {
      this.resolveResult = res;
      this.rejectResult = rej;
    });
    this.resultPromise.catch(() => undefined);
    this.acceptedPromise = new Promise((res, rej) => {
      this.resolveAccepted = res;
      this.rejectAccepted = rej;
    });
    this.acceptedPromise.catch(() => undefined);
  }

  /** The run id: the request's `event_id`. */
  get id(): string {
    return this.request.event_id as string;
  }

  /** The agent that runs it once the server took the request (for a pool, the member it chose). */
  accepted(): Promise<string> {
    return this.acceptedPromise;
  }

  /**
   * The result once the run completed; rejects with `failed` (`run.failed`), `unavailable` (the responder went
   * away), `canceled`, `rejected`, `timeout` (nothing came for the timeout, default 60,000 ms), or as the publish
   * failed (`not_found` for an absent agent).
   */
  result(): Promise<RunResult> {
    return this.resultPromise;
  }

  /** @internal */
  start(): void {
    this.runs.started.set(this.id, this);
    this.arm();
    this.runs.client.sendEvent(this.request).then((r) => {
      this.agentId ??= r.agentId ?? (this.request.destination_id as string).split(":")[1];
      this.resolveAccepted(this.agentId);
    }, (e: Error) => {
      this.end(e instanceof WorkspaceError ? e : new WorkspaceError("unavailable", String(e)), "failed");
      this.rejectAccepted(e);
    });
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.end(new WorkspaceError("timeout", `no event of run ${this.id} from ` +
      `${this.request.destination_id} within ${this.timeoutMs} ms`), "failed"), this.timeoutMs);
  }

  /** @internal */
  onAnswer(e: Event): void {
    if (this.agentId === undefined && e.source_id !== "system") this.agentId = e.source_id;
    if (isInterim(e.event_name)) {
      this.arm();
      if (e.event_name === INPUT_REQUIRED) {
        this.state = "input_required";
        this.pendingInput = e;
      } else {
        this.state = "working";
      }
      if (this.next_) {
        const n = this.next_;
        this.next_ = undefined;
        n.resolve({ value: e, done: false });
      } else if (this.queue.length < MAX_BUFFERED) {
        this.queue.push(e);
      } else {
        this.end(new WorkspaceError("rejected", `run ${this.id} buffered ${MAX_BUFFERED} events that were not read`),
          "failed");
      }
      return;
    }
    const who = this.agentId ? `agent ${this.agentId}` : String(this.request.destination_id);
    const p = (e.payload ?? {}) as Json;
    if (e.event_name === "run.failed") {
      const code = String(p.code ?? "failed");
      this.end(new WorkspaceError(code === "agent_disconnected" ? "unavailable" : "failed",
        `run ${this.id} of ${who} failed: ${code}: ${p.message ?? ""}`, code), "failed");
    } else if (e.event_name === "run.canceled") {
      this.end(new WorkspaceError("canceled", `run ${this.id} of ${who} was canceled${p.reason ? ": " + p.reason : ""}`),
        "canceled");
    } else if (e.event_name === "run.rejected") {
      this.end(new WorkspaceError("rejected", `run ${this.id} was rejected by ${who}${p.message ? ": " + p.message
        : ""}`), "rejected");
    } else {
      this.finish();
      this.state = "completed";
      this.resolveResult({ runId: this.id, agentId: this.agentId, payload: p,
        text: typeof p.text === "string" ? p.text : undefined, event: e });
      this.close();
    }
  }

  private finish(): void {
    if (this.runs.started.get(this.id) === this) this.runs.started.delete(this.id);
    this.pendingInput = undefined;
    clearTimeout(this.timer);
  }

  /** @internal */
  end(failure: WorkspaceError, state: RunState): void {
    if (this.ended) return;
    this.finish();
    this.state = state;
    this.failure = failure;
    this.rejectResult(failure);
    this.close();
  }

  private close(): void {
    this.ended = true;
    if (this.next_ && this.queue.length === 0) {
      const n = this.next_;
      this.next_ = undefined;
      if (this.failure) n.reject(this.failure);
      else n.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<Event>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift() as Event, done: false });
    if (this.ended) return this.failure ? Promise.reject(this.failure) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.next_ = { resolve, reject }));
  }

  [Symbol.asyncIterator](): Run {
    return this;
  }

  /** Answers the pending question (several choices as an array). */
  respond(answer: string | string[]): Promise<void> {
    return this.answer(Array.isArray(answer) ? { answers: answer } : { answer });
  }

  /** Approves the pending approval or plan review, `once` or for the rest of the `session`. */
  approve(scope: "once" | "session" = "once"): Promise<void> {
    return this.answer({ approved: true, scope });
  }

  /** Rejects the pending approval or plan review. */
  reject(feedback?: string): Promise<void> {
    return this.answer(feedback === undefined ? { approved: false } : { approved: false, feedback });
  }

  private async answer(payload: Json): Promise<void> {
    const q = this.pendingInput;
    if (!q) throw new WorkspaceError("invalid", `run ${this.id} has no question waiting for an answer`);
    this.pendingInput = undefined;
    this.state = "working";
    await this.runs.client.sendEvent({ event_name: "run.input", destination_id: `agent:${q.source_id}`, payload,
      response_to: q.event_id });
  }

  /** Asks the responder to stop and waits for the end: true when the run ended canceled, false otherwise. */
  async cancel(reason = "canceled by the caller"): Promise<boolean> {
    const target = await this.accepted();
    await this.runs.client.sendEvent({ event_name: "run.cancel", destination_id: `agent:${target}`,
      payload: { run_id: this.id, reason } });
    try {
      await this.result();
      return false;
    } catch (e) {
      return e instanceof WorkspaceError && e.kind === "canceled";
    }
  }
}

/** Options of a {@link RemoteAgent}: the conversation, the run timeout and the card cache time (ms). */
export interface RemoteAgentOptions {
  sessionId?: string;
  timeout?: number;
  configTtl?: number;
}

/** Another agent (`agent:<id>`) or a worker pool (`pool:<capability>`) called as if it were local. */
export class RemoteAgent {
  readonly sessionId: string | undefined;
  readonly timeout: number;
  readonly configTtl: number;

  /** @internal */
  constructor(private readonly runs: ClientRuns, readonly destination: string, options: RemoteAgentOptions = {}) {
    this.sessionId = options.sessionId;
    this.timeout = options.timeout ?? 60_000;
    this.configTtl = options.configTtl ?? 300_000;
    if (!(this.timeout > 0) || !(this.configTtl >= 0)) {
      throw new WorkspaceError("invalid", "timeout must be positive and configTtl not negative");
    }
  }

  /** A remote agent whose runs continue the conversation `sessionId`. */
  session(sessionId: string): RemoteAgent {
    return new RemoteAgent(this.runs, this.destination, { sessionId, timeout: this.timeout,
      configTtl: this.configTtl });
  }

  /** Runs a task and resolves with its result, without progress. */
  run(input: string | Json, options: { sessionId?: string; timeout?: number } = {}): Promise<RunResult> {
    return this.begin(toPayload(input), false, options).result();
  }

  /** Starts a run that streams progress and questions (`for await (const e of run)`). */
  start(input: string | Json, options: { sessionId?: string; timeout?: number } = {}): Run {
    return this.begin(toPayload(input), true, options);
  }

  private begin(payload: Json, stream: boolean, options: { sessionId?: string; timeout?: number }): Run {
    const metadata: Json = {};
    if (stream) metadata.stream = true;
    const sessionId = options.sessionId ?? this.sessionId;
    if (sessionId !== undefined) metadata.session_id = sessionId;
    const run = new Run(this.runs, { event_name: "agent.task", destination_id: this.destination, event_id: uuid(),
      payload, metadata, requires_response: true }, options.timeout ?? this.timeout);
    run.start();
    return run;
  }

  /**
   * The agent's card (its discovery entry), cached for `configTtl` (default 300,000 ms) and dropped when the agent
   * sends `agent.updated` or leaves; `not_found` when it is not connected, `invalid` for a pool.
   */
  async config(): Promise<AgentInfo> {
    const cached = this.runs.cards.get(this.agent());
    if (cached && Date.now() - cached.at < this.configTtl) return cached.info;
    return this.refreshConfig();
  }

  /** The card read from the server now (and cached). */
  async refreshConfig(): Promise<AgentInfo> {
    const id = this.agent();
    const info = (await this.runs.client.listAgents()).find((a) => a.agentId === id);
    if (!info) throw new WorkspaceError("not_found", `agent '${id}' is not connected`);
    this.runs.cards.set(id, { info, at: Date.now() });
    return info;
  }

  private agent(): string {
    if (!this.destination.startsWith("agent:")) {
      throw new WorkspaceError("invalid", `a pool (${this.destination}) has no card; ask one of its members`);
    }
    return this.destination.slice(6);
  }
}

/**
 * One run as its host sees it: the task, who asked, and the means to report progress, ask questions and end the
 * run. Progress is sent only when the caller asked for it (`metadata.stream`).
 */
export class RunContext {
  readonly runId: string;
  readonly caller: string;
  readonly sessionId: string | undefined;
  /** This conversation's memory, kept per (caller, session id) while the client lives (the last 1,000). */
  readonly session: Json;
  cancelRequested = false;
  ended = false;
  private readonly stream: boolean;
  private readonly open = new Map<string, { resolve: (i: RunInput) => void; reject: (e: Error) => void;
    tool?: string }>();
  private readonly cancelHandlers: ((reason?: string) => void)[] = [];
  private thoughts = 0;

  /** @internal */
  constructor(private readonly runs: ClientRuns, readonly request: Event) {
    this.runId = request.event_id as string;
    this.caller = request.source_id as string;
    const sid = request.metadata?.session_id;
    this.sessionId = typeof sid === "string" ? sid : undefined;
    this.stream = request.metadata?.stream === true;
    this.session = runs.session(this.caller, this.sessionId);
  }

  /** The request's payload. */
  get input(): Json {
    return (this.request.payload ?? {}) as Json;
  }

  /** The request's `text`. */
  get text(): string | undefined {
    return typeof this.input.text === "string" ? this.input.text : undefined;
  }

  private async send(name: string, payload: Json, eventId?: string): Promise<void> {
    await this.runs.client.sendEvent({ event_name: name, destination_id: `agent:${this.caller}`, payload,
      response_to: this.runId, event_id: eventId });
  }

  private async progress(name: string, payload: Json): Promise<void> {
    if (this.ended) throw new WorkspaceError("invalid", `run ${this.runId} already ended`);
    if (this.stream) await this.send(name, payload);
  }

  thinking(text: string): Promise<void> {
    return this.progress("run.progress.thinking", { id: `thought-${++this.thoughts}`, status: "done", text });
  }

  /** Reports a tool call; resolves with its id, for {@link toolResult}. */
  async toolCall(name: string, args: Json = {}): Promise<string> {
    const id = `call-${uuid()}`;
    await this.progress("run.progress.tool_call", { tool_call_id: id, name, args });
    return id;
  }

  toolResult(toolCallId: string, result: unknown, status: "done" | "error" = "done"): Promise<void> {
    return this.progress("run.progress.tool_result", { tool_call_id: toolCallId, status, result });
  }

  /** Streams a chunk of text (`run.progress.text`). */
  textChunk(chunk: string): Promise<void> {
    return this.progress("run.progress.text", { text: chunk, append: true });
  }

  private async ask(payload: Json, tool?: string): Promise<RunInput> {
    if (this.ended || this.cancelRequested) {
      throw new WorkspaceError("canceled", `run ${this.runId} ${this.ended ? "already ended" : "is being canceled"}`);
    }
    const qid = uuid();
    const answered = new Promise<RunInput>((resolve, reject) => this.open.set(qid, { resolve, reject, tool }));
    this.runs.questions.set(qid, this);
    try {
      await this.send(INPUT_REQUIRED, payload, qid);
      return await answered;
    } finally {
      this.open.delete(qid);
      this.runs.questions.delete(qid);
    }
  }

  /** @internal */
  answered(qid: string, e: Event): void {
    const q = this.open.get(qid);
    if (!q) return;
    const answer = parseInput((e.payload ?? {}) as Json);
    if (q.tool && answer.approved && answer.scope === "session" && this.sessionId) {
      this.runs.approvals.add(`${this.caller}\t${this.sessionId}\t${q.tool}`);
    }
    q.resolve(answer);
  }

  /** Asks the caller a question and waits for the answer; rejects with `canceled` when the run is canceled. */
  askUser(question: string, options: string[] = [], multiSelect = false): Promise<RunInput> {
    return this.ask({ kind: "ask_user", text: question, options, multi_select: multiSelect });
  }

  /** Asks the caller to approve a tool call; an approval for the `session` answers later ones at once. */
  requestApproval(tool: string, args: Json = {}): Promise<RunInput> {
    if (this.sessionId && this.runs.approvals.has(`${this.caller}\t${this.sessionId}\t${tool}`)) {
      return Promise.resolve(parseInput({ approved: true, scope: "session" }));
    }
    return this.ask({ kind: "approval", text: `approve calling ${tool}?`, tool, arguments: args,
      options: ["once", "session", "reject"] }, tool);
  }

  reviewPlan(plan: string): Promise<RunInput> {
    return this.ask({ kind: "plan_review", text: "review this plan", plan });
  }

  /** `handler(reason)` is called when the caller cancels; the run must still be ended ({@link canceled}). */
  onCancel(handler: (reason?: string) => void): void {
    this.cancelHandlers.push(handler);
  }

  /** @internal */
  cancel(reason?: string): void {
    if (this.cancelRequested || this.ended) return;
    this.cancelRequested = true;
    for (const q of this.open.values()) q.reject(new WorkspaceError("canceled", `run ${this.runId} was canceled`));
    for (const h of this.cancelHandlers) {
      try {
        h(reason);
      } catch (e) {
        console.error("a cancel handler threw", e);
      }
    }
  }

  private async end(name: string, payload: Json): Promise<void> {
    if (this.ended) throw new WorkspaceError("invalid", `run ${this.runId} already ended`);
    this.ended = true;
    this.runs.hosted.delete(this.runId);
    for (const q of this.open.values()) q.reject(new WorkspaceError("canceled", `run ${this.runId} ended`));
    await this.send(name, payload);
  }

  /** Ends the run with a result (a string is sent as `{"text": ...}`). */
  complete(result: string | Json): Promise<void> {
    return this.end("run.completed", toPayload(result));
  }

  fail(code: string, message: string): Promise<void> {
    return this.end("run.failed", { code, message });
  }

  canceled(reason?: string): Promise<void> {
    return this.end("run.canceled", reason ? { reason } : {});
  }

  reject(message: string): Promise<void> {
    return this.end("run.rejected", { message });
  }
}

/** Hosts runs: called with each request other agents send; what it resolves with (not undefined) completes it. */
export type RunHandler = (run: RunContext) => unknown;

/** @internal The runs of one client, both ways, and the cache of remote agents' cards. */
export class ClientRuns {
  readonly started = new Map<string, Run>();
  readonly hosted = new Map<string, RunContext>();
  readonly questions = new Map<string, RunContext>();
  readonly approvals = new Set<string>();
  readonly cards = new Map<string, { info: AgentInfo; at: number }>();
  host: RunHandler | undefined;
  private readonly sessions = new Map<string, Json>();

  constructor(readonly client: AgentClient) {}

  session(caller: string, sessionId: string | undefined): Json {
    if (sessionId === undefined) return {};
    const key = `${caller}\t${sessionId}`;
    let s = this.sessions.get(key);
    if (s) {
      this.sessions.delete(key);
    } else {
      s = {};
      if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as string);
    }
    this.sessions.set(key, s);
    return s;
  }

  /** Takes the events that belong to runs; returns whether it consumed the event. */
  onEvent(e: Event): boolean {
    const name = e.event_name;
    const p = (e.payload ?? {}) as Json;
    if (name === "agent.updated" || name === "agent.left") {
      if (typeof p.agent_id === "string") this.cards.delete(p.agent_id);
      return false;
    }
    if (e.response_to !== undefined) {
      const run = this.started.get(e.response_to);
      if (run) {
        run.onAnswer(e);
        return true;
      }
      if (name === "run.input") {
        const ctx = this.questions.get(e.response_to);
        if (ctx && ctx.caller === e.source_id) {
          ctx.answered(e.response_to, e);
          return true;
        }
      }
      return false;
    }
    if (name === "run.cancel") {
      const ctx = this.hosted.get(String(p.run_id ?? ""));
      if (ctx && ctx.caller === e.source_id) ctx.cancel(typeof p.reason === "string" ? p.reason : undefined);
      return ctx !== undefined || this.host !== undefined;
    }
    if (this.host && e.requires_response && !name.startsWith("run.") && e.source_id) {
      const ctx = new RunContext(this, e);
      this.hosted.set(ctx.runId, ctx);
      void this.runHost(ctx);
      return true;
    }
    return false;
  }

  private async runHost(ctx: RunContext): Promise<void> {
    try {
      const result = await (this.host as RunHandler)(ctx);
      if (result !== undefined && result !== null && !ctx.ended) {
        await ctx.complete(typeof result === "string" || typeof result === "object" ? result as string | Json
          : { data: result });
      }
    } catch (e) {
      if (ctx.ended) return;
      const end = e instanceof WorkspaceError && e.kind === "canceled" && ctx.cancelRequested
        ? ctx.canceled("canceled by the caller") : ctx.fail("handler_error", e instanceof Error ? e.message : String(e));
      await end.catch(() => undefined);
    }
  }
}
