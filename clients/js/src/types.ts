/**
 * One event of the workspace, with the wire's field names (see `docs/PROTOCOL.md`). `destination_id` is
 * `agent:<id>` (a bare id means the same), `channel:<name>` or `agent:broadcast`. The server sets `source_id`,
 * `timestamp` (epoch milliseconds) and, on delivered events, `offset`; the client sets `event_id` (a random UUID)
 * when it is absent.
 */
export interface Event {
  event_name: string;
  destination_id?: string;
  payload?: Record<string, unknown>;
  source_id?: string;
  event_id?: string;
  metadata?: Record<string, unknown>;
  timestamp?: number;
  response_to?: string;
  requires_response?: boolean;
  offset?: number;
}

/** A position in a stream: the last offset seen within an epoch (offsets compare only within one epoch). */
export interface StreamPosition {
  offset: number;
  epoch: string;
}

/** An open session, as the `connect` ack describes it. Times are in milliseconds. */
export interface SessionInfo {
  sessionId: string;
  agentId: string;
  workspace: string;
  nodeId: string;
  serverTime: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  subscriptions: string[];
}

/** A connected agent, as discovery lists it. */
export interface AgentInfo {
  agentId: string;
  metadata: Record<string, unknown>;
  connectedSince: number;
  status: string;
  nodeId: string;
}

/** A channel: its name, how many members it has, and its position (`lastOffset` in `epoch`). */
export interface ChannelInfo {
  name: string;
  members: number;
  lastOffset: number;
  epoch: string;
}

/**
 * The ack of a publish. `offset` is absent when the server gave none; `queued` is true when the target is away
 * and the event waits in its inbox.
 */
export interface PublishResult {
  eventId: string;
  timestamp: number;
  offset?: number;
  queued: boolean;
  /** The member a `pool:` destination chose. */
  agentId?: string;
  /** An answer's number in its run. */
  seq?: number;
}

/**
 * A page of a channel's history, in increasing offset order. `firstOffset` and `lastOffset` are the oldest and
 * newest offsets the channel still holds (0 when empty); `hasMore` says whether more events lie beyond the page in
 * the direction of travel.
 */
export interface HistoryPage {
  channel: string;
  epoch: string;
  events: Event[];
  hasMore: boolean;
  firstOffset: number;
  lastOffset: number;
}

/** A history query: the newest `limit` events (default 100, at most 500), before or after an offset. */
export interface HistoryQuery {
  before?: number;
  after?: number;
  limit?: number;
}

/**
 * A change of the connection. `code`/`reason` come with `disconnected` and `closed`; `recovered` maps each stream
 * (`channel:<name>`, `inbox`, `broadcast`) to whether what was missed is replayed; a `gap` names the `stream` and
 * `count` of events missed that cannot be had any more (`count` absent when unknown).
 */
export interface LifecycleEvent {
  type: "connected" | "disconnected" | "reconnected" | "recovered" | "gap" | "closed";
  code?: number;
  reason?: string;
  recovered?: Record<string, boolean>;
  stream?: string;
  count?: number;
}

/** A handler of events; what it returns (a promise, say) is not awaited, and what it throws is logged. */
export type EventHandler = (event: Event) => unknown;

/** Removes what it was returned for; `ready` settles when the server has acknowledged the subscription. */
export interface Unsubscribe {
  (): Promise<void>;
  ready: Promise<void>;
}
