import type { Event, StreamPosition } from "./types.js";

type Json = Record<string, unknown>;

/** `{"offset","epoch"}` as a position, or `undefined` when absent or malformed. */
export function positionOf(node: unknown): StreamPosition | undefined {
  if (typeof node !== "object" || node === null) {
    return undefined;
  }
  const { offset, epoch } = node as Json;
  return Number.isInteger(offset) && typeof epoch === "string" ? { offset: offset as number, epoch } : undefined;
}

/** A channel whose missed events the server could not replay: read its history after `start`. */
export interface Backfill {
  channel: string;
  start: StreamPosition;
  sameEpoch: boolean;
}

/** What a reconnect recovered, and what must be read from history or reported lost. */
export interface Outcome {
  recovered: Record<string, boolean>;
  backfills: Backfill[];
  lost: { stream: string; count?: number }[];
}

/**
 * The last position seen in each stream the client reads: every joined channel, the inbox and the workspace
 * broadcast stream. A reconnect sends them as `recover`.
 */
export class StreamPositions {
  readonly channels = new Map<string, StreamPosition>();
  inbox: StreamPosition | undefined;
  broadcast: StreamPosition | undefined;

  reset(): void {
    this.channels.clear();
    this.inbox = undefined;
    this.broadcast = undefined;
  }

  recovery(): Json {
    const out: Json = { channels: Object.fromEntries(this.channels) };
    if (this.inbox) out.inbox = this.inbox;
    if (this.broadcast) out.broadcast = this.broadcast;
    return out;
  }

  /**
   * Takes in a connect ack. Without recovery the inbox and broadcast positions become the current ones. With it, a
   * recovered stream keeps its position (the missed events follow); a channel that was not recovered is to be read
   * from history from where the client stopped (from the start of the new epoch when the epoch changed); an inbox
   * or broadcast stream that was not recovered jumps to its current position and is reported lost.
   */
  sessionOpened(result: Json, recovering: boolean): Outcome | undefined {
    const inboxNow = positionOf(result.inbox);
    const broadcastNow = positionOf(result.broadcast);
    const report = recovering ? (result.recovery as Json | undefined) : undefined;
    let outcome: Outcome | undefined;
    if (typeof report !== "object" || report === null) {
      this.inbox = inboxNow;
      this.broadcast = broadcastNow;
    } else {
      const o: Outcome = { recovered: {}, backfills: [], lost: [] };
      this.inbox = single(report.inbox, this.inbox, inboxNow, "inbox", o);
      this.broadcast = single(report.broadcast, this.broadcast, broadcastNow, "broadcast", o);
      const reported = (report.channels ?? {}) as Json;
      for (const [name, known] of [...this.channels]) {
        const r = reported[name] as Json | undefined;
        const ok = r?.recovered === true;
        o.recovered[`channel:${name}`] = ok;
        if (ok) continue;
        const now = positionOf(r);
        if (!now) continue;
        const sameEpoch = now.epoch === known.epoch;
        const start = sameEpoch ? known : { offset: 0, epoch: now.epoch };
        this.channels.set(name, start);
        o.backfills.push({ channel: name, start, sameEpoch });
      }
      outcome = o;
    }
    const channelsNow = result.channels;
    if (typeof channelsNow === "object" && channelsNow !== null) {
      for (const [name, node] of Object.entries(channelsNow)) {
        const p = positionOf(node);
        if (p && !this.channels.has(name)) this.channels.set(name, p);
      }
    }
    return outcome;
  }

  joined(channel: string, position: StreamPosition): void {
    const known = this.channels.get(channel);
    if (!known || known.epoch !== position.epoch || known.offset < position.offset) {
      this.channels.set(channel, position);
    }
  }

  left(channel: string): void {
    this.channels.delete(channel);
  }

  delivered(event: Event): void {
    if (Number.isInteger(event.offset)) this.advance(event.destination_id ?? "", event.offset as number, true);
  }

  acknowledged(destination: string, offset: number | undefined): void {
    if (offset !== undefined) this.advance(destination, offset, false);
  }

  /**
   * Applies a `stream.gap` notice: a new epoch replaces the old one (offsets go on above those seen); a trimmed
   * range moves the position past what cannot be had any more.
   */
  gap(payload: Json): void {
    const stream = payload.stream;
    const current = this.get(stream);
    if (typeof stream !== "string" || !current) return;
    if (payload.reason === "epoch_changed" && typeof payload.epoch === "string") {
      this.set(stream, { offset: current.offset, epoch: payload.epoch });
    } else if (payload.reason === "trimmed" && Number.isInteger(payload.to_offset)) {
      const epoch = typeof payload.epoch === "string" ? payload.epoch : current.epoch;
      const to = payload.to_offset as number;
      if (epoch === current.epoch && to > current.offset) this.set(stream, { offset: to, epoch });
    }
  }

  private get(stream: unknown): StreamPosition | undefined {
    if (typeof stream !== "string") return undefined;
    if (stream.startsWith("channel:")) return this.channels.get(stream.slice(8));
    if (stream === "broadcast") return this.broadcast;
    if (stream.startsWith("inbox")) return this.inbox;
    return undefined;
  }

  private set(stream: string, p: StreamPosition): void {
    if (stream.startsWith("channel:")) this.channels.set(stream.slice(8), p);
    else if (stream === "broadcast") this.broadcast = p;
    else this.inbox = p;
  }

  private advance(destination: string, offset: number, includeInbox: boolean): void {
    if (destination.startsWith("channel:")) {
      const name = destination.slice(8);
      const p = this.channels.get(name);
      if (p && p.offset < offset) this.channels.set(name, { offset, epoch: p.epoch });
    } else if (destination === "agent:broadcast") {
      if (this.broadcast && this.broadcast.offset < offset) this.broadcast = { offset, epoch: this.broadcast.epoch };
    } else if (includeInbox && this.inbox && this.inbox.offset < offset) {
      this.inbox = { offset, epoch: this.inbox.epoch };
    }
  }
}

function single(report: unknown, known: StreamPosition | undefined, now: StreamPosition | undefined,
    stream: string, outcome: Outcome): StreamPosition | undefined {
  const ok = (report as Json | undefined)?.recovered === true && known !== undefined;
  outcome.recovered[stream] = ok;
  if (ok) return known;
  const current = positionOf(report) ?? now;
  if (known && current) {
    const missed = current.epoch === known.epoch ? current.offset - known.offset : undefined;
    if (missed === undefined) outcome.lost.push({ stream });
    else if (missed > 0) outcome.lost.push({ stream, count: missed });
  }
  return current;
}

/** The most recent event ids seen, up to a bound; the oldest is forgotten first. */
export class DedupeWindow {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity: number) {}

  firstSeen(eventId: string): boolean {
    if (this.seen.has(eventId)) return false;
    this.seen.add(eventId);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value as string;
      this.seen.delete(oldest);
    }
    return true;
  }
}

/**
 * Which patterns the server should hold: the pinned ones (initial subscriptions, `subscribe`) and those handlers
 * need, counted per pattern. Each change returns the patterns whose wanted state flipped.
 */
export class SubscriptionCounts {
  private readonly pinned = new Set<string>();
  private readonly counts = new Map<string, number>();
  private readonly wantedSet = new Set<string>();

  constructor(initial: string[]) {
    this.pin(initial);
  }

  wanted(): string[] {
    return [...this.wantedSet];
  }

  acquire(patterns: string[]): string[] {
    for (const p of patterns) this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
    return this.add(patterns);
  }

  release(patterns: string[]): string[] {
    const gone: string[] = [];
    for (const p of patterns) {
      const n = this.counts.get(p);
      if (n === undefined) continue;
      if (n > 1) {
        this.counts.set(p, n - 1);
      } else {
        this.counts.delete(p);
        if (!this.pinned.has(p) && this.wantedSet.delete(p)) gone.push(p);
      }
    }
    return gone;
  }

  pin(patterns: string[]): string[] {
    for (const p of patterns) this.pinned.add(p);
    return this.add(patterns);
  }

  unpin(patterns: string[]): string[] {
    const gone: string[] = [];
    for (const p of patterns) {
      if (this.pinned.delete(p) && !this.counts.has(p) && this.wantedSet.delete(p)) gone.push(p);
    }
    return gone;
  }

  private add(patterns: string[]): string[] {
    const fresh: string[] = [];
    for (const p of patterns) {
      if (!this.wantedSet.has(p)) {
        this.wantedSet.add(p);
        fresh.push(p);
      }
    }
    return fresh;
  }
}
