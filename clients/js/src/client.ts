import { WorkspaceError } from "./errors.js";
import {
  normalizeDestination, matches, requireAgentId, requireChannel, requireEventName, requirePattern,
} from "./names.js";
import { type Backfill, DedupeWindow, StreamPositions, SubscriptionCounts } from "./state.js";
import type {
  AgentInfo, ChannelInfo, Event, EventHandler, HistoryPage, HistoryQuery, LifecycleEvent, PublishResult,
  SessionInfo, Unsubscribe,
} from "./types.js";
import { ClientRuns, isInterim, RemoteAgent, type RemoteAgentOptions, type RunHandler } from "./runs.js";
import { Workspace } from "./workspace.js";

type Json = Record<string, unknown>;

/** The part of a WebSocket the client uses: the browser's `WebSocket` and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/**
 * Opens a WebSocket to `url`, presenting `token` when one is given. The default in a browser is the global
 * `WebSocket` with the token as a `token` query parameter (browsers cannot set headers); the Node entry point
 * installs one on the `ws` package that sends `Authorization: Bearer`.
 */
export type WebSocketFactory = (url: string, token: string | undefined) => WebSocketLike;

let defaultFactory: WebSocketFactory | undefined;

/** Sets the {@link WebSocketFactory} clients use when their options name none. */
export function setDefaultWebSocketFactory(factory: WebSocketFactory): void {
  defaultFactory = factory;
}

function globalFactory(): WebSocketFactory | undefined {
  const Ctor = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  if (!Ctor) return undefined;
  return (url, token) => {
    const u = new URL(url);
    if (token) u.searchParams.set("token", token);
    return new Ctor(u.toString());
  };
}

/** Options of an {@link AgentClient}. Times are in milliseconds. */
export interface AgentClientOptions {
  /** The agent id; may be left out when the token names the agent. */
  agentId?: string;
  /** The server URL, `ws://host[:port][/ws][?workspace=name]` (port 8700 and path `/ws` by default), or several. */
  url?: string | string[];
  /** A signed token. */
  token?: string;
  /**
   * Where the token goes: `handshake` (the default: the WebSocket factory gets it, so a browser puts it in the
   * `token` query parameter) or `connect` (in the `connect` frame, so it appears in no URL and no access log).
   */
  tokenIn?: "handshake" | "connect";
  /** The workspace to enter; default `default` (or the URL's `workspace` parameter). */
  workspace?: string;
  /** What others see in discovery (`name`, `capabilities`, ...). */
  metadata?: Record<string, unknown>;
  /** The patterns to start with; default: the server's `["*"]`. */
  subscriptions?: string[];
  /** How long a request waits for its ack, buffering included; default 10,000. */
  requestTimeoutMs?: number;
  /** Whether to reconnect after losing the connection; default true (never after 1008, 4001, 4002, 4005, 4007). */
  reconnect?: boolean;
  /** The upper bound of the first reconnect delay; attempt n waits up to min(max, initial * 2^n); default 100. */
  reconnectInitialDelayMs?: number;
  /** The cap on reconnect delays; default 10,000. */
  reconnectMaxDelayMs?: number;
  /** Most requests held while reconnecting; default 1000. */
  reconnectBufferSize?: number;
  /** How many recent event ids are remembered to drop duplicates; default 10,000. */
  dedupeWindowSize?: number;
  /** Most requests awaiting an ack, and separately most waiters; default 10,000. */
  maxPending?: number;
  /** Whether `channel(name).post()` joins a channel the client is not in before posting; default true. */
  autoJoin?: boolean;
  /** How to open WebSockets; default: see {@link WebSocketFactory}. */
  webSocketFactory?: WebSocketFactory;
}

const NO_RECONNECT = new Set([1008, 4001, 4002, 4005, 4007]);
const DRAINING = 4009;
const PRESENCE = new Set(["agent.joined", "agent.left", "channel.joined", "channel.left"]);
const RECENT_EVENTS = 1000;
const HISTORY_PAGE = 500;

interface Pending {
  frame: Json;
  what: string;
  resolve: (r: Json) => void;
  reject: (e: Error) => void;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
}

interface Waiter {
  predicate: ((e: Event) => boolean) | undefined;
  resolve: (v: [number, Event]) => void;
  reject: (e: unknown) => void;
}

interface HandlerEntry {
  handler: EventHandler;
  patterns: string[];
  active: boolean;
}

interface Connection {
  ws: WebSocketLike;
  address: Address;
  windowMs: number;
  lastHeard: number;
  liveness?: ReturnType<typeof setTimeout>;
  closed: Promise<{ code: number; reason: string }>;
  end: (v: { code: number; reason: string }) => void;
}

class Address {
  readonly url: string;
  readonly display: string;
  readonly workspace: string | undefined;

  constructor(url: string) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new WorkspaceError("invalid", `bad server URL '${url}': expected ws://host[:port][/ws]`);
    }
    if ((u.protocol !== "ws:" && u.protocol !== "wss:") || !u.hostname) {
      throw new WorkspaceError("invalid", `bad server URL '${url}': expected ws://host[:port][/ws]`);
    }
    if (!u.port) u.port = "8700";
    if (u.pathname === "" || u.pathname === "/") u.pathname = "/ws";
    this.workspace = u.searchParams.get("workspace") ?? undefined;
    this.url = u.toString();
    this.display = `${u.protocol}//${u.host}${u.pathname}`;
  }

  toString(): string {
    return this.display;
  }
}

function uuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const hex = [...Array(32)].map(() => Math.floor(Math.random() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

function textPayload(message: string | Record<string, unknown>): Record<string, unknown> {
  if (typeof message === "string") return { text: message };
  if (typeof message === "object" && message !== null) return { ...message };
  throw new WorkspaceError("invalid", "a payload is a string (sent as {\"text\": ...}) or an object");
}

function toPatterns(patterns: string | string[] | undefined): string[] {
  const ps = patterns === undefined ? ["*"] : typeof patterns === "string" ? [patterns] : [...new Set(patterns)];
  if (ps.length === 0) throw new WorkspaceError("invalid", "at least one pattern is required");
  return ps.map(requirePattern);
}

function count(members: unknown): number {
  return Array.isArray(members) ? members.length : Number.isInteger(members) ? (members as number) : 0;
}

/**
 * An agent's connection to a workspace: one WebSocket carrying requests with ids, delivered events and keep-alive
 * (see `docs/PROTOCOL.md`).
 *
 * After losing its connection the client reconnects with capped exponential backoff and full jitter, re-subscribes,
 * re-joins its channels and asks the server to replay what it missed; a channel the server cannot replay is read
 * from history; a node closing with 4009 (draining) is left at once for the next of several URLs. Handlers get
 * each event once (by `event_id`), in order. Requests made while reconnecting are held
 * and sent once the new session is open. Every failure is a {@link WorkspaceError} with a `kind`.
 */
export class AgentClient {
  private agentIdValue: string | undefined;
  private token: string | undefined;
  private readonly tokenInConnect: boolean;
  private workspaceName: string;
  private metadata: Record<string, unknown> | undefined;
  private readonly urls: string[];
  private readonly requestTimeoutMs: number;
  private readonly reconnect: boolean;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly bufferSize: number;
  private readonly maxPending: number;
  /** @internal */ readonly autoJoin: boolean;
  private readonly factory: WebSocketFactory | undefined;
  private readonly dedupe: DedupeWindow;
  private readonly subscriptions: SubscriptionCounts;
  /** @internal */ readonly positions = new StreamPositions();
  private handlers: HandlerEntry[] = [];
  private readonly lifecycle = new Set<(e: LifecycleEvent) => void>();
  private readonly streams = new Set<() => void>();
  private readonly requests = new Map<string, Pending>();
  private readonly replies = new Map<string, { resolve: (e: Event) => void; reject: (e: Error) => void }>();
  private waiters: Waiter[] = [];
  private readonly recent: [number, Event][] = [];
  private readonly held = new Map<string, Event[]>();
  private recvSeq = 0;
  private mark = 0;
  private ids = 0;
  private unsent = 0;
  private state: "idle" | "connecting" | "open" | "reconnecting" | "closed" = "idle";
  private closing = false;
  private sessionValue: SessionInfo | undefined;
  private conn: Connection | undefined;
  private addresses: Address[] = [];
  private addressIndex = 0;
  private wake: (() => void) | undefined;
  private opening: WebSocketLike | undefined;
  private workspaceView: Workspace | undefined;
  private readonly runs = new ClientRuns(this);

  constructor(options: AgentClientOptions = {}) {
    if (options.agentId !== undefined) requireAgentId(options.agentId);
    if (options.token !== undefined && (!options.token || /\s/.test(options.token))) {
      throw new WorkspaceError("invalid", "token must be non-empty and hold no white space");
    }
    this.agentIdValue = options.agentId;
    this.token = options.token;
    this.tokenInConnect = options.tokenIn === "connect";
    this.workspaceName = requireChannel(options.workspace ?? "default");
    this.metadata = options.metadata ? { ...options.metadata } : undefined;
    this.urls = options.url === undefined ? [] : typeof options.url === "string" ? [options.url] : [...options.url];
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.reconnect = options.reconnect ?? true;
    this.initialDelayMs = options.reconnectInitialDelayMs ?? 100;
    this.maxDelayMs = options.reconnectMaxDelayMs ?? 10_000;
    this.bufferSize = options.reconnectBufferSize ?? 1000;
    this.maxPending = options.maxPending ?? 10_000;
    this.autoJoin = options.autoJoin ?? true;
    this.factory = options.webSocketFactory;
    for (const [v, what] of [[this.requestTimeoutMs, "requestTimeoutMs"], [this.initialDelayMs,
      "reconnectInitialDelayMs"], [this.maxDelayMs, "reconnectMaxDelayMs"]] as const) {
      if (!(v > 0)) throw new WorkspaceError("invalid", `${what} must be positive, was ${v}`);
    }
    this.dedupe = new DedupeWindow(options.dedupeWindowSize ?? 10_000);
    this.subscriptions = new SubscriptionCounts((options.subscriptions ?? ["*"]).map(requirePattern));
  }

  /** The agent id: as given, or as the server reported it once connected. */
  get agentId(): string | undefined {
    return this.sessionValue?.agentId ?? this.agentIdValue;
  }

  /** Whether a session is open right now. */
  get isConnected(): boolean {
    return this.state === "open";
  }

  /** The connection's state: `idle`, `connecting`, `open`, `reconnecting` or `closed`. */
  get connectionState(): string {
    return this.state;
  }

  /** The current session, or `undefined` while not connected. */
  get session(): SessionInfo | undefined {
    return this.sessionValue;
  }

  /** The workspace view: channels, agents, broadcast. */
  workspace(): Workspace {
    return (this.workspaceView ??= new Workspace(this));
  }

  // ------------------------------------------------------------------ connecting

  /**
   * Opens the WebSocket and the session, to `url` or the options' URL(s); with several URLs, reconnects move on to
   * the next one after each failed attempt. The first connect is not retried: it rejects with `unavailable` when the
   * server cannot be reached, `unauthorized` for bad credentials, `invalid` for a bad URL or agent id or a client
   * already connected, `timeout` when no ack came in time.
   */
  async connect(url?: string | string[]): Promise<SessionInfo> {
    if (this.closing) throw new WorkspaceError("disconnected", "connect failed: the client is closed");
    if (this.state !== "idle") {
      throw new WorkspaceError("invalid", "connect failed: the client is already connected or connecting; create " +
        "another client to open a second session");
    }
    const urls = url === undefined ? this.urls : typeof url === "string" ? [url] : url;
    if (urls.length === 0) throw new WorkspaceError("invalid", "connect failed: no server URL");
    this.addresses = urls.map((u) => new Address(u));
    this.addressIndex = 0;
    if (this.addresses[0].workspace) this.workspaceName = requireChannel(this.addresses[0].workspace);
    if (this.agentIdValue === undefined && this.token === undefined) {
      throw new WorkspaceError("invalid", "connect failed: no agent id: set agentId or use a token that names the " +
        "agent");
    }
    this.positions.reset();
    this.state = "connecting";
    return new Promise((resolve, reject) => {
      void this.supervise(resolve, reject);
    });
  }

  private async supervise(resolve: (s: SessionInfo) => void, reject: (e: Error) => void): Promise<void> {
    let recovering = false;
    let attempt = 0;
    let first = true;
    while (!this.closing) {
      const address = this.addresses[this.addressIndex % this.addresses.length];
      let conn: Connection;
      try {
        conn = await this.open(address, recovering);
      } catch (e) {
        const failure = e instanceof WorkspaceError ? e : new WorkspaceError("unavailable", String(e));
        if (this.closing) return;
        if (!recovering) {
          this.state = "idle";
          this.failRequests(false, "disconnected", `failed: the connection could not be opened (${failure.message})`);
          reject(failure);
          return;
        }
        if (failure.kind === "unavailable" || failure.kind === "timeout") {
          this.addressIndex++;
          await this.pause(this.backoff(attempt));
          attempt = Math.min(attempt + 1, 30);
          continue;
        }
        this.stop(undefined, failure.message, false);
        return;
      }
      attempt = 0;
      if (first) {
        first = false;
        resolve(this.sessionValue as SessionInfo);
      }
      const { code, reason } = await conn.closed;
      if (this.closing) return;
      this.drop(conn);
      if (!this.reconnect || NO_RECONNECT.has(code)) {
        this.stop(code, reason, true);
        return;
      }
      this.state = "reconnecting";
      this.sessionValue = undefined;
      this.failRequests(true, "disconnected", `failed: the connection was lost before the ack (close ${code}` +
        `${reason ? " " + reason : ""}); it may or may not have taken effect`);
      this.emit({ type: "disconnected", code, reason });
      recovering = true;
      if (code === DRAINING) this.addressIndex++;
      else await this.pause(this.backoff(0));
    }
  }

  private backoff(attempt: number): number {
    return Math.max(1, Math.random() * Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** attempt));
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private open(address: Address, recovering: boolean): Promise<Connection> {
    const factory = this.factory ?? defaultFactory ?? globalFactory();
    if (!factory) {
      return Promise.reject(new WorkspaceError("invalid", "no WebSocket implementation: import the Node entry point " +
        "or pass webSocketFactory"));
    }
    const who = `${address}${this.agentIdValue ? " as " + this.agentIdValue : ""}`;
    return new Promise((resolve, reject) => {
      let ws: WebSocketLike;
      try {
        ws = factory(address.url, this.tokenInConnect ? undefined : this.token);
      } catch (e) {
        reject(new WorkspaceError("invalid", `cannot open ${address}: ${(e as Error).message}`));
        return;
      }
      this.opening = ws;
      const connectId = `c${++this.ids}`;
      let handshakeError: string | undefined;
      let settled = false;
      const fail = (e: WorkspaceError) => {
        if (settled) return;
        settled = true;
        this.opening = undefined;
        clearTimeout(timer);
        ws.onopen = ws.onmessage = ws.onerror = null;
        ws.onclose = null;
        try {
          ws.close();
        } catch {
          // already closed
        }
        reject(e);
      };
      const timer = setTimeout(() => fail(new WorkspaceError("timeout",
        `no ack to connect from ${who} within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
      ws.onerror = (ev) => {
        const err = ev as { message?: string; error?: { message?: string } };
        handshakeError = err.message ?? err.error?.message ?? "WebSocket error";
      };
      ws.onclose = (ev) => {
        const status = /Unexpected server response: (\d+)/.exec(handshakeError ?? "");
        if (status) {
          const s = Number(status[1]);
          const kind = s === 401 ? "unauthorized" : s === 403 || s === 429 ? "rejected" : s >= 500 ? "unavailable"
            : "invalid";
          fail(new WorkspaceError(kind, `the server at ${address} refused the WebSocket handshake with HTTP ${s}`));
        } else if (ev.code === 4001 || ev.code === 4002) {
          fail(new WorkspaceError("unauthorized", `the server at ${address} closed the connection before the ` +
            `session opened (close ${ev.code}${ev.reason ? " " + ev.reason : ""})`));
        } else if (NO_RECONNECT.has(ev.code)) {
          fail(new WorkspaceError("rejected", `the server at ${address} closed the connection before the session ` +
            `opened (close ${ev.code}${ev.reason ? " " + ev.reason : ""})`));
        } else {
          fail(new WorkspaceError("unavailable", `cannot reach ${address}: ${handshakeError ?? `close ${ev.code}`}`));
        }
      };
      ws.onopen = () => {
        const frame: Json = {
          type: "connect", id: connectId, workspace: this.workspaceName, subscriptions: this.subscriptions.wanted(),
        };
        if (this.agentIdValue !== undefined) frame.agent_id = this.agentIdValue;
        if (this.tokenInConnect && this.token !== undefined) frame.token = this.token;
        if (this.metadata !== undefined) frame.metadata = this.metadata;
        if (recovering) frame.recover = this.positions.recovery();
        ws.send(JSON.stringify(frame));
      };
      ws.onmessage = (ev) => {
        let frame: Json;
        try {
          frame = JSON.parse(String(ev.data)) as Json;
        } catch {
          return;
        }
        if (frame.type === "ping") {
          ws.send(JSON.stringify(frame.id === undefined ? { type: "pong" } : { type: "pong", id: frame.id }));
        } else if (frame.type === "error" && frame.id === connectId) {
          const code = String(frame.code);
          fail(WorkspaceError.fromServer(code, `connect to ${who} was refused: ${code}: ${frame.message ?? ""}`));
        } else if (frame.type === "ack" && frame.id === connectId && !settled) {
          if (this.closing) {
            fail(new WorkspaceError("disconnected", `connect to ${who} failed: the client was disconnected`));
            return;
          }
          settled = true;
          this.opening = undefined;
          clearTimeout(timer);
          const conn = this.sessionOpened(ws, address, (frame.result ?? {}) as Json, recovering);
          resolve(conn);
        }
      };
    });
  }

  private sessionOpened(ws: WebSocketLike, address: Address, r: Json, recovering: boolean): Connection {
    const s: SessionInfo = {
      sessionId: String(r.session_id ?? ""),
      agentId: String(r.agent_id ?? this.agentIdValue ?? ""),
      workspace: String(r.workspace ?? this.workspaceName),
      nodeId: String(r.node_id ?? ""),
      serverTime: Number(r.server_time ?? 0),
      pingIntervalMs: Number(r.ping_interval_ms) || 25_000,
      pingTimeoutMs: Number(r.ping_timeout_ms) || 10_000,
      subscriptions: Array.isArray(r.subscriptions) ? r.subscriptions.filter((x) => typeof x === "string") : [],
    };
    this.sessionValue = s;
    this.agentIdValue = s.agentId;
    this.workspaceName = s.workspace;
    let end!: (v: { code: number; reason: string }) => void;
    const closed = new Promise<{ code: number; reason: string }>((res) => (end = res));
    const conn: Connection = { ws, address, windowMs: s.pingIntervalMs + s.pingTimeoutMs, lastHeard: Date.now(),
      closed, end };
    ws.onmessage = (ev) => this.onText(conn, ev.data);
    ws.onclose = (ev) => conn.end({ code: ev.code || 1006, reason: ev.reason || "" });
    ws.onerror = () => undefined;
    this.armLiveness(conn, conn.windowMs);
    this.conn = conn;
    this.state = "open";
    const outcome = this.positions.sessionOpened(r, recovering);
    for (const p of this.requests.values()) {
      if (!p.sent) {
        p.sent = true;
        this.write(conn, p.frame);
      }
    }
    this.unsent = 0;
    this.emit({ type: recovering ? "reconnected" : "connected", reason: `session ${s.sessionId}` });
    if (outcome) {
      this.emit({ type: "recovered", recovered: { ...outcome.recovered } });
      for (const l of outcome.lost) {
        this.emit({ type: "gap", stream: l.stream, count: l.count, reason: "the server could not replay what was " +
          "missed" });
      }
      for (const b of outcome.backfills) {
        this.held.set(b.channel, []);
        void this.backfill(b);
      }
    }
    return conn;
  }

  private armLiveness(conn: Connection, delayMs: number): void {
    conn.liveness = setTimeout(() => {
      const silent = Date.now() - conn.lastHeard;
      if (silent >= conn.windowMs) {
        conn.end({ code: 1006, reason: `no frame from the server for ${silent} ms (limit ${conn.windowMs} ms)` });
      } else {
        this.armLiveness(conn, conn.windowMs - silent);
      }
    }, Math.max(1, delayMs));
  }

  private write(conn: Connection, frame: Json): void {
    try {
      conn.ws.send(JSON.stringify(frame));
    } catch {
      // the socket is closing; its loss fails what was sent on it
    }
  }

  private drop(conn: Connection): void {
    if (this.conn === conn) this.conn = undefined;
    clearTimeout(conn.liveness);
    conn.ws.onmessage = null;
    conn.ws.onclose = null;
    try {
      conn.ws.close(1000, "connection lost");
    } catch {
      // already closed
    }
  }

  private stop(code: number | undefined, reason: string, wasOpen: boolean): void {
    this.state = "idle";
    this.sessionValue = undefined;
    this.failEverything(`the connection ended (${code !== undefined ? `close ${code} ` : ""}${reason}) and the ` +
      "client does not reconnect");
    if (wasOpen) this.emit({ type: "disconnected", code, reason });
    this.emit({ type: "closed", code, reason });
  }

  private failEverything(why: string): void {
    this.failRequests(false, "disconnected", `failed: ${why}`);
    const failure = new WorkspaceError("disconnected", why);
    for (const r of this.replies.values()) r.reject(failure);
    this.replies.clear();
    for (const w of this.waiters) w.reject(failure);
    this.waiters = [];
    for (const end of [...this.streams]) end();
    for (const run of [...this.runs.started.values()]) {
      run.end(new WorkspaceError("disconnected", `run ${run.id} failed: ${why}`), "failed");
    }
    this.held.clear();
  }

  /**
   * Closes the session with code 1000 and stops for good: no reconnect; pending requests and waiters fail with
   * `disconnected`; event iterators end. Calling it again does nothing.
   */
  async disconnect(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const before = this.state;
    this.state = "closed";
    this.sessionValue = undefined;
    this.wake?.();
    try {
      this.opening?.close(1000, "client disconnect");
    } catch {
      // not open yet
    }
    const conn = this.conn;
    this.conn = undefined;
    if (conn) {
      clearTimeout(conn.liveness);
      conn.ws.onmessage = null;
      const closed = new Promise<void>((resolve) => {
        conn.ws.onclose = () => resolve();
        setTimeout(resolve, 2000);
      });
      try {
        conn.ws.close(1000, "client disconnect");
      } catch {
        // already closed
      }
      conn.end({ code: 1000, reason: "client disconnect" });
      await closed;
    }
    this.failEverything("the client was disconnected");
    if (before !== "idle") this.emit({ type: "closed", code: 1000, reason: "client disconnect" });
  }

  /** Adds a handler of connection changes; returns a function that removes it. */
  onLifecycle(handler: (e: LifecycleEvent) => void): () => void {
    this.lifecycle.add(handler);
    return () => this.lifecycle.delete(handler);
  }

  private emit(event: LifecycleEvent): void {
    for (const h of [...this.lifecycle]) {
      try {
        h(event);
      } catch (e) {
        console.error("a lifecycle handler threw", e);
      }
    }
  }

  // ------------------------------------------------------------------ requests

  /** @internal */
  request(frame: Json, what: string): Promise<Json> {
    if (this.closing) return Promise.reject(new WorkspaceError("disconnected", `${what} failed: the client is closed`));
    if (this.state === "idle") {
      return Promise.reject(new WorkspaceError("disconnected", `${what} failed: not connected; call connect() first`));
    }
    if (this.requests.size >= this.maxPending) {
      return Promise.reject(new WorkspaceError("rejected",
        `${what} refused: ${this.maxPending} requests already await an ack`));
    }
    const send = this.state === "open" && this.conn !== undefined;
    if (!send && this.unsent >= this.bufferSize) {
      return Promise.reject(new WorkspaceError("rejected", `${what} refused: not connected and the reconnect buffer ` +
        `is full (${this.bufferSize} requests)`));
    }
    const id = `r${++this.ids}`;
    frame.id = id;
    this.mark = this.recvSeq;
    return new Promise((resolve, reject) => {
      const p: Pending = { frame, what, resolve, reject, sent: false,
        timer: setTimeout(() => this.timedOut(id), this.requestTimeoutMs) };
      this.requests.set(id, p);
      if (send) {
        p.sent = true;
        this.write(this.conn as Connection, frame);
      } else {
        this.unsent++;
      }
    });
  }

  private timedOut(id: string): void {
    const p = this.requests.get(id);
    if (!p) return;
    this.requests.delete(id);
    if (!p.sent) this.unsent--;
    p.reject(new WorkspaceError("timeout", p.sent ? `no ack to ${p.what} within ${this.requestTimeoutMs} ms`
      : `${p.what} was not sent: not connected within ${this.requestTimeoutMs} ms`));
  }

  private settle(id: unknown, result: Json | undefined, error: Json | undefined): void {
    const p = typeof id === "string" ? this.requests.get(id) : undefined;
    if (!p) {
      if (error) console.warn(`error from the server: ${error.code}: ${error.message}`);
      return;
    }
    this.requests.delete(id as string);
    clearTimeout(p.timer);
    if (error) {
      const code = String(error.code);
      p.reject(WorkspaceError.fromServer(code, `${p.what} failed: ${code}: ${error.message ?? ""}`));
    } else {
      p.resolve(result ?? {});
    }
  }

  private failRequests(onlySent: boolean, kind: "disconnected", suffix: string): void {
    for (const [id, p] of [...this.requests]) {
      if (onlySent && !p.sent) continue;
      this.requests.delete(id);
      clearTimeout(p.timer);
      if (!p.sent) this.unsent--;
      p.reject(new WorkspaceError(kind, `${p.what} ${suffix}`));
    }
  }

  // ------------------------------------------------------------------ receiving

  private onText(conn: Connection, data: unknown): void {
    conn.lastHeard = Date.now();
    if (typeof data !== "string" && !(data instanceof Uint8Array) && !ArrayBuffer.isView(data)) {
      if (typeof data !== "object") return;
    }
    let frame: Json;
    try {
      frame = JSON.parse(typeof data === "string" ? data : String(data)) as Json;
    } catch {
      console.warn("dropping an unreadable frame from the server");
      return;
    }
    if (frame.type === "event" && typeof frame.event === "object" && frame.event !== null) {
      this.onEvent(frame.event as Event);
    } else if (frame.type === "ack") {
      this.settle(frame.id, (frame.result ?? {}) as Json, undefined);
    } else if (frame.type === "error") {
      this.settle(frame.id, undefined, frame);
    } else if (frame.type === "ping") {
      this.write(conn, frame.id === undefined ? { type: "pong" } : { type: "pong", id: frame.id });
    }
  }

  private onEvent(event: Event): void {
    const dest = event.destination_id ?? "";
    const held = dest.startsWith("channel:") ? this.held.get(dest.slice(8)) : undefined;
    if (held && !PRESENCE.has(event.event_name)) {
      held.push(event);
      return;
    }
    this.deliver(event);
  }

  private deliver(event: Event): void {
    event.payload ??= {};
    this.positions.delivered(event);
    if (event.event_id !== undefined && !this.dedupe.firstSeen(event.event_id)) return;
    if (event.event_name === "stream.gap" && event.source_id === "system") this.onGap(event);
    if (this.runs.onEvent(event)) return;
    if (event.response_to !== undefined && !isInterim(event.event_name)) {
      const waiting = this.replies.get(event.response_to);
      if (waiting) {
        this.replies.delete(event.response_to);
        waiting.resolve(event);
        return;
      }
    }
    const seq = ++this.recvSeq;
    this.recent.push([seq, event]);
    if (this.recent.length > RECENT_EVENTS) this.recent.shift();
    if (this.waiters.length > 0) {
      for (const w of [...this.waiters]) {
        let hit: boolean;
        try {
          hit = w.predicate === undefined || w.predicate(event);
        } catch (e) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.reject(e);
          continue;
        }
        if (hit) {
          this.waiters = this.waiters.filter((x) => x !== w);
          w.resolve([seq, event]);
        }
      }
    }
    for (const entry of this.handlers) {
      if (!entry.active || !entry.patterns.some((p) => matches(p, event.event_name))) continue;
      try {
        const r = entry.handler(event);
        if (r instanceof Promise) r.catch((e) => console.error("an event handler failed", e));
      } catch (e) {
        console.error("an event handler threw", e);
      }
    }
  }

  private onGap(event: Event): void {
    const p = event.payload as Json;
    this.positions.gap(p);
    let n = Number.isInteger(p.count) ? (p.count as number) : undefined;
    if (n === undefined && Number.isInteger(p.from_offset) && Number.isInteger(p.to_offset)) {
      n = (p.to_offset as number) - (p.from_offset as number) + 1;
    }
    this.emit({ type: "gap", stream: String(p.stream), count: n, reason: String(p.reason) });
  }

  /**
   * Reads from history what the server could not replay for one channel, in order and once, then hands over the live
   * events held meanwhile. A stretch that history no longer holds is reported as a gap.
   */
  private async backfill(b: Backfill): Promise<void> {
    const stream = `channel:${b.channel}`;
    let after = b.start.offset;
    let first = true;
    const position = () => this.positions.channels.get(b.channel)?.offset ?? 0;
    try {
      for (;;) {
        const page = this.historyPage(await this.request({ type: "history", channel: b.channel, after,
          limit: HISTORY_PAGE }, `history of channel ${b.channel}`), b.channel);
        if (page.epoch && page.epoch !== b.start.epoch) {
          b = { channel: b.channel, start: { offset: 0, epoch: page.epoch }, sameEpoch: false };
          this.positions.channels.set(b.channel, b.start);
          after = 0;
          first = true;
          continue;
        }
        if (first) {
          first = false;
          const oldest = page.events.length > 0 ? (page.events[0].offset ?? after + 1) : page.lastOffset + 1;
          if (b.sameEpoch && oldest > after + 1) {
            this.emit({ type: "gap", stream, count: oldest - after - 1, reason: "older than the history kept" });
          } else if (!b.sameEpoch) {
            this.emit({ type: "gap", stream, reason: "the epoch changed" });
          }
        }
        for (const e of page.events) {
          if (e.offset !== undefined && e.offset > position()) this.deliver(e);
          after = Math.max(after, e.offset ?? after);
        }
        if (!page.hasMore || page.events.length === 0) break;
      }
      const held = this.held.get(b.channel) ?? [];
      while (held.length > 0) {
        const e = held.shift() as Event;
        if (e.offset === undefined || e.offset > position()) this.deliver(e);
      }
    } catch {
      // the connection dropped: the next reconnect recovers from the position reached
    } finally {
      this.held.delete(b.channel);
    }
  }

  // ------------------------------------------------------------------ publishing

  /**
   * Publishes an event. The client sets a random UUID `event_id` when it has none (on the given object too); the
   * server stamps `source_id` and `timestamp`. Rejects with `invalid` for a bad name or destination (checked before
   * sending), `not_found` for an agent that is not connected, `rejected` when refused, `timeout`, `disconnected`.
   */
  async sendEvent(event: Event): Promise<PublishResult> {
    event.event_id ??= uuid();
    const what = `publish ${event.event_name} to ${event.destination_id}`;
    requireEventName(event.event_name);
    const destination = normalizeDestination(event.destination_id);
    if (event.event_id.length < 1 || event.event_id.length > 128) {
      throw new WorkspaceError("invalid", `${what} failed: event_id must be 1-128 characters`, "invalid_event");
    }
    const wire: Json = { event_name: event.event_name, event_id: event.event_id, destination_id: destination,
      payload: event.payload ?? {} };
    if (event.metadata && Object.keys(event.metadata).length > 0) wire.metadata = event.metadata;
    if (event.response_to !== undefined) wire.response_to = event.response_to;
    if (event.requires_response) wire.requires_response = true;
    const r = await this.request({ type: "publish", event: wire }, what);
    const offset = Number.isInteger(r.offset) ? (r.offset as number) : undefined;
    this.positions.acknowledged(destination, offset);
    return { eventId: String(r.event_id ?? event.event_id), timestamp: Number(r.timestamp ?? 0), offset,
      queued: r.queued === true, agentId: typeof r.agent_id === "string" ? r.agent_id : undefined,
      seq: Number.isInteger(r.seq) ? (r.seq as number) : undefined };
  }

  /**
   * Sends a request and resolves with its reply: the event goes out with `requires_response: true`, and the first
   * event whose `response_to` is its `event_id` is the answer; it is passed to no handler or waiter. Rejects with
   * `timeout` (`no reply from agent:x within 5000 ms`), `not_found` at once for an absent target, or as
   * {@link sendEvent} does.
   */
  sendAndWait(event: Event, options: { timeout?: number } = {}): Promise<Event> {
    const timeout = options.timeout ?? 30_000;
    if (!(timeout > 0)) {
      return Promise.reject(new WorkspaceError("invalid", `sendAndWait failed: the timeout must be positive`));
    }
    const request: Event = { ...event, event_id: event.event_id ?? uuid(), requires_response: true };
    const id = request.event_id as string;
    if (this.replies.has(id)) {
      return Promise.reject(new WorkspaceError("invalid", `sendAndWait failed: a request with event_id ${id} ` +
        "already waits for its reply"));
    }
    if (this.replies.size >= this.maxPending) {
      return Promise.reject(new WorkspaceError("rejected", `sendAndWait to ${request.destination_id} refused: ` +
        `${this.maxPending} requests already wait for a reply`));
    }
    return new Promise<Event>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.replies.delete(id)) {
          reject(new WorkspaceError("timeout", `no reply from ${request.destination_id} within ${timeout} ms`));
        }
      }, timeout);
      this.replies.set(id, {
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.sendEvent(request).catch((e: Error) => {
        const waiting = this.replies.get(id);
        if (waiting) {
          this.replies.delete(id);
          waiting.reject(e);
        }
      });
    });
  }

  /** Answers a request: sends `agent.response` to its source with `response_to` set to its `event_id`. */
  reply(request: Event, payload: string | Record<string, unknown>): Promise<PublishResult> {
    if (!request.source_id || !request.event_id) {
      return Promise.reject(new WorkspaceError("invalid", "reply failed: the request has no source_id or event_id"));
    }
    return this.sendEvent({ event_name: "agent.response", destination_id: `agent:${request.source_id}`,
      payload: textPayload(payload), response_to: request.event_id });
  }

  /** Sends a direct message (`agent.message` by default) to an agent; a string is sent as `{"text": ...}`. */
  sendAgentMessage(agentId: string, payload: string | Record<string, unknown>, eventName = "agent.message"):
      Promise<PublishResult> {
    return this.sendEvent({ event_name: eventName, destination_id: `agent:${requireAgentId(agentId)}`,
      payload: textPayload(payload) });
  }

  // ------------------------------------------------------------------ handlers and waiting

  /**
   * Calls `handler` with each event whose name matches any of the patterns (`*` one segment, `>` the rest, bare `*`
   * everything), once and in order, from now on. Patterns are also subscribed on the server, counted per pattern.
   * Returns a function that removes the handler; its `ready` settles when the server holds the patterns.
   */
  on(patterns: string | string[], handler: EventHandler): Unsubscribe {
    const ps = toPatterns(patterns);
    const entry: HandlerEntry = { handler, patterns: ps, active: true };
    this.handlers.push(entry);
    const fresh = this.subscriptions.acquire(ps);
    let ready: Promise<void> = Promise.resolve();
    if (fresh.length > 0 && this.state !== "idle" && this.state !== "closed") {
      ready = this.change(true, fresh).then(() => undefined, (e: unknown) => {
        this.removeHandler(entry);
        throw e;
      });
      ready.catch(() => undefined);
    }
    const unsubscribe = (() => this.removeHandler(entry)) as Unsubscribe;
    unsubscribe.ready = ready;
    return unsubscribe;
  }

  private async removeHandler(entry: HandlerEntry): Promise<void> {
    if (!entry.active) return;
    entry.active = false;
    this.handlers = this.handlers.filter((h) => h !== entry);
    const gone = this.subscriptions.release(entry.patterns);
    if (gone.length > 0 && this.state !== "idle" && !this.closing) await this.change(false, gone);
  }

  /** Subscribes patterns on the server until {@link unsubscribe}; resolves with every pattern held. */
  async subscribe(patterns: string | string[]): Promise<string[]> {
    const fresh = this.subscriptions.pin(toPatterns(patterns));
    try {
      return await this.change(true, fresh);
    } catch (e) {
      this.subscriptions.unpin(fresh);
      throw e;
    }
  }

  /** Unsubscribes patterns; those handlers still need stay until their handlers go. */
  unsubscribe(patterns: string | string[]): Promise<string[]> {
    return this.change(false, this.subscriptions.unpin(toPatterns(patterns)));
  }

  private async change(add: boolean, changed: string[]): Promise<string[]> {
    if (changed.length === 0 || this.state === "idle") return this.subscriptions.wanted();
    const r = await this.request({ type: add ? "subscribe" : "unsubscribe", patterns: changed },
      `${add ? "subscribe" : "unsubscribe"} ${changed.join(", ")}`);
    return Array.isArray(r.subscriptions) ? r.subscriptions.filter((s) => typeof s === "string") : [];
  }

  /**
   * The events matching the patterns (default `*`) from this call on, as an async iterator
   * (`for await (const e of client.events("channel.message.*"))`). Leaving the loop, or `return()`, stops it; it
   * ends when the client disconnects. It holds at most `queueSize` unread events (default 1000): past that it fails
   * with `rejected` rather than lose events.
   */
  events(patterns?: string | string[], options: { queueSize?: number } = {}): AsyncIterableIterator<Event> {
    const max = options.queueSize ?? 1000;
    const queue: Event[] = [];
    let next: { resolve: (r: IteratorResult<Event>) => void; reject: (e: unknown) => void } | undefined;
    let done = false;
    let failure: WorkspaceError | undefined;
    const finish = () => {
      if (done) return;
      done = true;
      this.streams.delete(finish);
      void unsubscribe().catch(() => undefined);
      if (next) {
        const n = next;
        next = undefined;
        if (failure) n.reject(failure);
        else n.resolve({ value: undefined, done: true });
      }
    };
    const unsubscribe = this.on(patterns ?? "*", (event) => {
      if (done) return;
      if (next) {
        const n = next;
        next = undefined;
        n.resolve({ value: event, done: false });
      } else if (queue.length < max) {
        queue.push(event);
      } else {
        failure = new WorkspaceError("rejected", `an event iterator fell ${max} events behind and was stopped`);
        finish();
      }
    });
    this.streams.add(finish);
    const iterator: AsyncIterableIterator<Event> = {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift() as Event, done: false });
        if (failure) {
          const f = failure;
          failure = undefined;
          return Promise.reject(f);
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (next = { resolve, reject }));
      },
      return: () => {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /**
   * Resolves with a delivered event for which `predicate` is true (any event without one). There is no race with
   * events that arrived before the call: the wait also looks at the events that arrived since the client last sent
   * a request (or since the last `waitEvent` resolved), so `await post(...)` followed by `await waitEvent(...)` sees
   * an answer however fast it came. Rejects with `timeout` (default 30,000 ms), `rejected` when too many waiters are
   * pending, `disconnected` when the client closes first.
   */
  waitEvent(predicate?: (event: Event) => boolean, options: { timeout?: number } = {}): Promise<Event> {
    const timeout = options.timeout ?? 30_000;
    if (this.closing) return Promise.reject(new WorkspaceError("disconnected", "waitEvent failed: the client is closed"));
    for (const [seq, event] of this.recent) {
      if (seq > this.mark && (predicate === undefined || predicate(event))) {
        this.mark = seq;
        return Promise.resolve(event);
      }
    }
    if (this.waiters.length >= this.maxPending) {
      return Promise.reject(new WorkspaceError("rejected", `waitEvent refused: ${this.maxPending} waiters are already ` +
        "pending"));
    }
    return new Promise<Event>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new WorkspaceError("timeout", `no matching event within ${timeout} ms`));
      }, timeout);
      const w: Waiter = {
        predicate,
        resolve: ([seq, event]) => {
          clearTimeout(timer);
          this.mark = Math.max(this.mark, seq);
          resolve(event);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.push(w);
    });
  }

  // ------------------------------------------------------------------ runs

  /**
   * Another agent called as if it were local: `await client.remoteAgent("bob").run("task")`, or
   * `client.remoteAgent("bob").start("task")` for a {@link Run} that streams progress and questions.
   */
  remoteAgent(agentId: string, options: RemoteAgentOptions = {}): RemoteAgent {
    return new RemoteAgent(this.runs, `agent:${requireAgentId(agentId)}`, options);
  }

  /** The worker pool of a capability: each run goes to one connected agent that lists it, the least busy. */
  pool(capability: string, options: RemoteAgentOptions = {}): RemoteAgent {
    return new RemoteAgent(this.runs, `pool:${requireChannel(capability)}`, options);
  }

  /**
   * Hosts runs: `handler(run)` is called with a {@link RunContext} for each request other agents send; what it
   * resolves with, when not undefined, completes the run, and what it throws fails it (`handler_error`). Requests it
   * takes are not passed to event handlers. `undefined` stops hosting.
   */
  host(handler: RunHandler | undefined): void {
    this.runs.host = handler;
  }

  /** The run as the server's tracker has it; `not_found` when unknown, expired, or not this agent's. */
  getRun(runId: string, afterSeq = 0): Promise<Json> {
    return this.request({ type: "get_run", run_id: runId, after_seq: afterSeq }, `get_run ${runId}`);
  }

  /** Asks the agent running `runId` to cancel it (`run.cancel`); the run ends as that agent decides. */
  async cancelRun(runId: string, reason = "canceled by the caller"): Promise<void> {
    const target = this.runs.started.get(runId)?.agentId ?? String((await this.getRun(runId)).target ?? "");
    await this.sendEvent({ event_name: "run.cancel", destination_id: `agent:${requireAgentId(target)}`,
      payload: { run_id: runId, reason } });
  }

  /** Replaces this agent's metadata (its card) without a reconnect; the workspace is sent `agent.updated`. */
  async updateMetadata(metadata: Record<string, unknown>): Promise<Json> {
    const r = await this.request({ type: "update_metadata", metadata }, "update_metadata");
    this.metadata = { ...metadata };
    return r;
  }

  // ------------------------------------------------------------------ discovery and channels

  /** The connected agents of the workspace, or those whose metadata lists `capability`. */
  async listAgents(capability?: string): Promise<AgentInfo[]> {
    const frame: Json = { type: "list_agents" };
    if (capability !== undefined) frame.capability = capability;
    const r = await this.request(frame, `list_agents${capability ? " with capability " + capability : ""}`);
    return ((r.agents ?? []) as Json[]).map((a) => ({
      agentId: String(a.agent_id ?? ""),
      metadata: (typeof a.metadata === "object" && a.metadata !== null ? a.metadata : {}) as Record<string, unknown>,
      connectedSince: Number(a.connected_since ?? 0),
      status: String(a.status ?? ""),
      nodeId: String(a.node_id ?? ""),
    }));
  }

  /** Every channel of the workspace this agent may use. */
  async listChannels(): Promise<ChannelInfo[]> {
    const r = await this.request({ type: "list_channels" }, "list_channels");
    return ((r.channels ?? []) as Json[]).map((c) => ({ name: String(c.name ?? ""), members: count(c.members),
      lastOffset: Number(c.last_offset ?? 0), epoch: String(c.epoch ?? "") }));
  }

  /** @internal */
  async join(channel: string): Promise<ChannelInfo> {
    const r = await this.request({ type: "join", channel }, `join channel ${channel}`);
    const info = { name: String(r.channel ?? channel), members: count(r.members), lastOffset: Number(r.offset ?? 0),
      epoch: String(r.epoch ?? "") };
    this.positions.joined(channel, { offset: info.lastOffset, epoch: info.epoch });
    return info;
  }

  /** @internal */
  async leave(channel: string): Promise<void> {
    try {
      await this.request({ type: "leave", channel }, `leave channel ${channel}`);
    } catch (e) {
      if (e instanceof WorkspaceError && e.code === "not_member") this.positions.left(channel);
      throw e;
    }
    this.positions.left(channel);
  }

  /** @internal */
  async members(channel: string): Promise<string[]> {
    const r = await this.request({ type: "members", channel }, `members of channel ${channel}`);
    return Array.isArray(r.members) ? r.members.filter((m) => typeof m === "string") : [];
  }

  /** @internal */
  async history(channel: string, query: HistoryQuery): Promise<HistoryPage> {
    const frame: Json = { type: "history", channel };
    for (const key of ["before", "after", "limit"] as const) {
      const v = query[key];
      if (v === undefined) continue;
      if (!Number.isInteger(v) || v < (key === "limit" ? 1 : 0)) {
        throw new WorkspaceError("invalid", `history of channel ${channel} failed: ${key} must be a ` +
          `${key === "limit" ? "positive" : "non-negative"} integer`);
      }
      frame[key] = v;
    }
    return this.historyPage(await this.request(frame, `history of channel ${channel}`), channel);
  }

  private historyPage(r: Json, channel: string): HistoryPage {
    return { channel: String(r.channel ?? channel), epoch: String(r.epoch ?? ""),
      events: ((r.events ?? []) as Event[]).map((e) => ({ ...e, payload: e.payload ?? {} })),
      hasMore: r.has_more === true, firstOffset: Number(r.first_offset ?? 0), lastOffset: Number(r.last_offset ?? 0) };
  }
}

export { textPayload };
