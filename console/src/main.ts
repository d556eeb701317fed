import { AgentClient, WorkspaceError, matches } from "../../clients/js/src/index.js";
import type { AgentInfo, ChannelInfo, Event, LifecycleEvent } from "../../clients/js/src/index.js";
import { append, clear, clock, h, jsonText, mentionText, oneLine } from "./dom.js";
import { schedule, type Renderable } from "./frame.js";
import { Ring } from "./ring.js";
import { RunPanel } from "./run-panel.js";
import { VirtualList } from "./virtual-list.js";

const MAX_EVENTS = 5000;
const MAX_CHANNEL_EVENTS = 5000;
const MAX_DIRECT = 1000;
const MAX_AGENTS = 500;
const HISTORY_PAGE = 100;
const STORE = "workspace.console.";

// ------------------------------------------------------------------ settings (URL fragment, session storage)

const fragment = new URLSearchParams(location.hash.slice(1));
for (const key of ["token", "agent", "workspace"]) {
  const v = fragment.get(key);
  if (v) sessionStorage.setItem(STORE + key, v);
  fragment.delete(key);
}
// The token never stays in the address bar, the history or a bookmark.
history.replaceState(null, "", location.pathname + location.search + (fragment.toString() ? `#${fragment}` : ""));
let token = sessionStorage.getItem(STORE + "token") ?? undefined;
const workspaceName = sessionStorage.getItem(STORE + "workspace") ?? "default";
let selfId = sessionStorage.getItem(STORE + "agent")
  ?? `console-${Math.random().toString(36).slice(2, 8)}`;
const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;

// ------------------------------------------------------------------ state

let client: AgentClient | undefined;
let paused = false;
let pattern = "*";
let patternError = "";
let received = 0;
let reconnects = 0;
const events = new Ring<Event>(MAX_EVENTS);
const held = new Ring<Event>(MAX_EVENTS);
const lifecycleLog = new Ring<{ at: number; text: string }>(100);
const agents = new Map<string, { info: AgentInfo; online: boolean; since: number }>();
let channelList: ChannelInfo[] = [];
const rate = { window: [] as number[], perSecond: 0 };
const sent = new WeakSet<Event>();

/** Puts an event the console itself sent into the event stream, marked as sent. */
function recordSent(e: Event): Event {
  sent.add(e);
  (paused ? held : events).push(e);
  const ev = views.get("events");
  if (ev && current === ev && !paused) schedule(ev);
  return e;
}

// ------------------------------------------------------------------ layout

const connState = h("span", { id: "connection", class: "conn", role: "status", "aria-live": "polite",
  "data-state": "connecting" }, "connecting");
const connNote = h("span", { id: "connection-note", class: "conn-note", "aria-live": "polite" });
const ident = h("span", { id: "identity", class: "ident" });
const agentNav = h("ul", { id: "agent-list", class: "nav-list", "aria-label": "Agents connected" });
const channelNav = h("ul", { id: "channel-list", class: "nav-list", "aria-label": "Channels" });
const agentCount = h("span", { class: "count" });
const channelCount = h("span", { class: "count" });
const viewEl = h("main", { id: "view", class: "view" });
const navButtons = h("div", { class: "nav-views" });

const app = document.getElementById("app") as HTMLElement;
clear(app);
append(app,
  h("header", { class: "top" }, h("h1", null, "Workspace console"), ident, connState, connNote),
  h("div", { class: "body" },
    h("nav", { class: "side", "aria-label": "Workspace" },
      navButtons,
      h("h2", null, "Agents ", agentCount), agentNav,
      h("h2", null, "Channels ", channelCount), channelNav),
    viewEl));

interface View extends Renderable {
  readonly key: string;
  readonly el: HTMLElement;
  shown?(): void;
  hidden?(): void;
}

let current: View | undefined;
const views = new Map<string, View>();

function show(view: View): void {
  if (current === view) return;
  current?.hidden?.();
  current = view;
  clear(viewEl);
  viewEl.appendChild(view.el);
  view.shown?.();
  schedule(view);
  schedule(nav);
  for (const b of navButtons.querySelectorAll("button")) {
    b.setAttribute("aria-current", b.getAttribute("data-view") === view.key ? "page" : "false");
  }
}

function viewFor<V extends View>(key: string, make: () => V): V {
  let v = views.get(key) as V | undefined;
  if (!v) {
    v = make();
    views.set(key, v);
  }
  return v;
}

function setConnection(state: string, text: string, note?: string): void {
  connState.setAttribute("data-state", state);
  connState.textContent = text;
  if (note !== undefined) connNote.textContent = note;
}

function logLifecycle(text: string): void {
  lifecycleLog.push({ at: Date.now(), text });
  connNote.textContent = `${clock(Date.now())} ${text}`;
  const node = views.get("node");
  if (node) schedule(node);
}

// ------------------------------------------------------------------ navigation (agents, channels)

const nav: Renderable = {
  render() {
    clear(agentNav);
    const list = [...agents.values()].sort((a, b) => Number(b.online) - Number(a.online)
      || a.info.agentId.localeCompare(b.info.agentId));
    agentCount.textContent = `(${list.filter((a) => a.online).length} online)`;
    for (const a of list) {
      const id = a.info.agentId;
      const name = typeof a.info.metadata?.name === "string" ? a.info.metadata.name : "";
      const b = h("button", { type: "button", class: "nav-item", "data-agent": id,
        "aria-current": current?.key === `agent:${id}` ? "page" : "false" },
      h("span", { class: a.online ? "dot online" : "dot offline", title: a.online ? "online" : "offline" }),
      h("span", { class: "nav-name" }, id), id === selfId ? h("span", { class: "tag" }, "you") : null,
      name ? h("span", { class: "nav-sub" }, name) : null);
      b.addEventListener("click", () => show(agentView(id)));
      agentNav.appendChild(h("li", null, b));
    }
    clear(channelNav);
    channelCount.textContent = `(${channelList.length})`;
    for (const c of channelList) {
      const b = h("button", { type: "button", class: "nav-item", "data-channel": c.name,
        "aria-current": current?.key === `channel:${c.name}` ? "page" : "false" },
      h("span", { class: "nav-name" }, `#${c.name}`),
      h("span", { class: "members", title: "members" }, `${c.members} member${c.members === 1 ? "" : "s"}`));
      b.addEventListener("click", () => show(channelView(c.name)));
      channelNav.appendChild(h("li", null, b));
    }
  },
};

for (const [key, label, open] of [["events", "Event stream", () => show(eventsView())],
  ["node", "Node", () => show(nodeView())]] as const) {
  const b = h("button", { type: "button", class: "nav-view", "data-view": key }, label);
  b.addEventListener("click", open);
  navButtons.appendChild(b);
}

async function refreshAgents(): Promise<void> {
  if (!client?.isConnected) return;
  const list = await client.listAgents();
  const now = new Set(list.map((a) => a.agentId));
  for (const a of list) agents.set(a.agentId, { info: a, online: true, since: a.connectedSince });
  for (const [id, a] of agents) if (!now.has(id)) a.online = false;
  trimAgents();
  schedule(nav);
  for (const v of views.values()) if (v.key.startsWith("agent:")) schedule(v);
}

function trimAgents(): void {
  if (agents.size <= MAX_AGENTS) return;
  for (const [id, a] of agents) {
    if (!a.online) agents.delete(id);
    if (agents.size <= MAX_AGENTS) return;
  }
}

let channelRefresh: ReturnType<typeof setTimeout> | undefined;
function refreshChannelsSoon(): void {
  clearTimeout(channelRefresh);
  channelRefresh = setTimeout(() => void refreshChannels().catch(() => undefined), 250);
}

async function refreshChannels(): Promise<void> {
  if (!client?.isConnected) return;
  channelList = (await client.listChannels()).sort((a, b) => a.name.localeCompare(b.name));
  schedule(nav);
  for (const c of channelList) {
    const v = views.get(`channel:${c.name}`);
    if (v) schedule(v);
  }
}

// ------------------------------------------------------------------ channel view

function messageRow(e: Event, row: HTMLElement): void {
  const text = typeof e.payload?.text === "string" ? e.payload.text : oneLine(e.payload ?? {});
  const mentions = Array.isArray(e.payload?.mentions) ? e.payload.mentions as unknown[] : [];
  const mine = e.source_id === selfId;
  const me = !mine && (mentions.includes(selfId) || new RegExp(`(^|[^A-Za-z0-9_.-])@${selfId.replace(/[.]/g,
    "\\.")}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])`).test(text));
  row.classList.add("msg");
  if (mine) row.classList.add("mine");
  if (me) row.classList.add("mentions-me");
  row.setAttribute("data-event-id", e.event_id ?? "");
  append(row,
    h("div", { class: "msg-head" }, h("span", { class: "author" }, e.source_id ?? "?"),
      h("span", { class: "time" }, clock(e.timestamp)),
      e.offset !== undefined ? h("span", { class: "offset" }, `#${e.offset}`) : null),
    h("div", { class: "msg-text" }, mentionText(text, selfId)));
}

class ChannelView implements View {
  readonly key: string;
  readonly el: HTMLElement;
  private readonly items: Event[] = [];
  private readonly ids = new Set<string>();
  private readonly list: VirtualList<Event>;
  private readonly title = h("h2", null);
  private readonly status = h("div", { class: "list-status" });
  private readonly detail = h("pre", { class: "detail", "aria-label": "Selected message" });
  private oldest: number | undefined;
  private epoch: string | undefined;
  private hasMore = true;
  private loading = false;
  private joined = false;

  constructor(readonly name: string) {
    this.key = `channel:${name}`;
    this.list = new VirtualList<Event>({ label: `Messages in #${name}`, rowHeight: 48, renderRow: messageRow,
      onNearTop: () => void this.loadOlder(), onSelect: (e) => {
        this.detail.textContent = jsonText(e);
      } });
    const input = h("input", { type: "text", name: "text", autocomplete: "off", "aria-label": `Message #${name}`,
      placeholder: `Message #${name} as ${selfId} (@id mentions)`, maxlength: "20000" });
    const error = h("span", { class: "error", role: "alert" });
    const form = h("form", { class: "post-box" }, input, h("button", { type: "submit" }, "Post"), error);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = input.value;
      if (!text.trim() || !client) return;
      input.value = "";
      error.textContent = "";
      const payload = { text };
      client.workspace().channel(this.name).post(text).then((r) => {
        this.add(recordSent({ event_id: r.eventId, event_name: "channel.message.posted", source_id: selfId,
          destination_id: `channel:${this.name}`, payload, timestamp: r.timestamp, offset: r.offset }));
      }, (e: Error) => {
        error.textContent = `not posted: ${e.message}`;
        input.value = text;
      });
    });
    this.el = h("section", { class: "channel-view", "data-channel": name, "aria-label": `Channel #${name}` },
      this.title, this.status, this.list.el, form, this.detail);
  }

  shown(): void {
    void this.open();
  }

  async open(): Promise<void> {
    if (!client?.isConnected) return;
    if (!this.joined) {
      this.joined = true;
      try {
        await client.join(this.name);
      } catch (e) {
        this.joined = false;
        this.status.textContent = `cannot join: ${(e as Error).message}`;
        return;
      }
      refreshChannelsSoon();
    }
    if (this.oldest === undefined && this.hasMore) await this.loadOlder();
  }

  /** A live event (or the console's own post): shown once, at the end. */
  add(e: Event): void {
    if (e.event_id && this.ids.has(e.event_id)) return;
    if (e.event_id) this.ids.add(e.event_id);
    this.items.push(e);
    if (this.items.length > MAX_CHANNEL_EVENTS) {
      for (const old of this.items.splice(0, this.items.length - MAX_CHANNEL_EVENTS)) this.ids.delete(old.event_id ?? "");
      this.oldest = this.items[0].offset;
      this.hasMore = true;
    }
    this.list.setItems(this.items);
    schedule(this);
  }

  async loadOlder(): Promise<void> {
    if (this.loading || !this.hasMore || !client?.isConnected || this.items.length >= MAX_CHANNEL_EVENTS) return;
    this.loading = true;
    schedule(this);
    try {
      const page = await client.history(this.name, this.oldest === undefined ? { limit: HISTORY_PAGE }
        : { before: this.oldest, limit: HISTORY_PAGE });
      if (this.epoch !== undefined && page.epoch !== this.epoch) {
        this.hasMore = false;
        return;
      }
      this.epoch = page.epoch;
      const fresh = page.events.filter((e) => !e.event_id || !this.ids.has(e.event_id));
      for (const e of fresh) if (e.event_id) this.ids.add(e.event_id);
      this.items.unshift(...fresh);
      if (page.events.length > 0) this.oldest = page.events[0].offset;
      this.hasMore = page.hasMore && page.events.length > 0;
      this.list.setItems(this.items, fresh.length);
    } catch (e) {
      this.status.textContent = `history: ${(e as Error).message}`;
    } finally {
      this.loading = false;
      schedule(this);
    }
  }

  reconnected(): void {
    this.joined = client?.isConnected === true && this.joined;
  }

  render(): void {
    const info = channelList.find((c) => c.name === this.name);
    this.title.textContent = `#${this.name}`;
    append(this.title, h("span", { class: "members" },
      info ? ` ${info.members} member${info.members === 1 ? "" : "s"}` : ""));
    this.status.textContent = this.loading ? "loading older messages…"
      : this.hasMore ? `${this.items.length} messages; scroll up for older ones` : `${this.items.length} messages`
        + " (the whole history)";
  }
}

function channelView(name: string): ChannelView {
  return viewFor(`channel:${name}`, () => new ChannelView(name));
}

// ------------------------------------------------------------------ agent view: card, direct messages, runs

class AgentView implements View {
  readonly key: string;
  readonly el: HTMLElement;
  private readonly card = h("div", { class: "card", "aria-label": "Agent card" });
  private readonly direct: Event[] = [];
  private readonly ids = new Set<string>();
  private readonly list: VirtualList<Event>;
  readonly runs: RunPanel;

  constructor(readonly agentId: string) {
    this.key = `agent:${agentId}`;
    this.list = new VirtualList<Event>({ label: `Direct messages with ${agentId}`, rowHeight: 48,
      renderRow: messageRow });
    const input = h("input", { type: "text", name: "text", autocomplete: "off", maxlength: "20000",
      "aria-label": `Direct message to ${agentId}`, placeholder: `Direct message to ${agentId}` });
    const error = h("span", { class: "error", role: "alert" });
    const form = h("form", { class: "post-box" }, input, h("button", { type: "submit" }, "Send"), error);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const text = input.value;
      if (!text.trim() || !client) return;
      input.value = "";
      error.textContent = "";
      client.workspace().agent(this.agentId).send(text).then((r) => {
        this.add(recordSent({ event_id: r.eventId, event_name: "agent.message", source_id: selfId,
          destination_id: `agent:${this.agentId}`, payload: { text }, timestamp: r.timestamp, offset: r.offset }));
      }, (e: Error) => {
        error.textContent = `not sent: ${e.message}`;
        input.value = text;
      });
    });
    this.runs = new RunPanel(agentId, () => client, recordRunEvent);
    this.el = h("section", { class: "agent-view", "data-agent": agentId, "aria-label": `Agent ${agentId}` },
      this.card,
      h("div", { class: "columns" },
        h("div", { class: "column" }, h("h3", null, "Direct messages"), this.list.el, form),
        h("div", { class: "column" }, h("h3", null, `Talk to ${agentId}`), this.runs.el)));
  }

  add(e: Event): void {
    if (e.event_id && this.ids.has(e.event_id)) return;
    if (e.event_id) this.ids.add(e.event_id);
    this.direct.push(e);
    if (this.direct.length > MAX_DIRECT) {
      for (const old of this.direct.splice(0, this.direct.length - MAX_DIRECT)) this.ids.delete(old.event_id ?? "");
    }
    this.list.setItems(this.direct);
  }

  render(): void {
    const a = agents.get(this.agentId);
    clear(this.card);
    const m = (a?.info.metadata ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof m[k] === "string" ? m[k] as string : undefined);
    const list = (k: string) => (Array.isArray(m[k]) ? m[k] as unknown[] : []);
    append(this.card,
      h("h2", null, h("span", { class: a?.online ? "dot online" : "dot offline" }), str("name") ?? this.agentId,
        h("span", { class: "agent-id" }, ` ${this.agentId}`),
        h("span", { class: a?.online ? "presence online" : "presence offline", "data-presence": a?.online
          ? "online" : "offline" }, a?.online ? "online" : "offline")),
      str("description") ? h("p", { class: "description" }, str("description")) : null,
      h("dl", { class: "facts" },
        ...[["role", str("role")], ["version", str("version")], ["node", a?.info.nodeId],
          ["connected since", a ? clock(a.info.connectedSince) : undefined],
          ["streaming", typeof m.streaming === "boolean" ? String(m.streaming) : undefined]]
          .filter(([, v]) => v).flatMap(([k, v]) => [h("dt", null, k as string), h("dd", null, v as string)])),
      list("capabilities").length ? h("div", { class: "chips", "aria-label": "Capabilities" },
        h("span", { class: "chip-label" }, "capabilities"),
        ...list("capabilities").map((c) => h("span", { class: "chip" }, String(c)))) : null,
      list("tools").length ? h("div", { class: "tools" }, h("h3", null, "Tools"),
        h("ul", null, ...list("tools").map((t) => {
          const tool = (t ?? {}) as Record<string, unknown>;
          return h("li", null, h("code", null, String(tool.name ?? "?")),
            typeof tool.description === "string" ? ` — ${tool.description}` : "");
        }))) : null,
      list("skills").length ? h("div", { class: "tools" }, h("h3", null, "Skills"),
        h("ul", null, ...list("skills").map((t) => {
          const s = (t ?? {}) as Record<string, unknown>;
          return h("li", null, h("code", null, String(s.name ?? s.id ?? "?")),
            typeof s.description === "string" ? ` — ${s.description}` : "");
        }))) : null,
      h("details", null, h("summary", null, "Whole card (JSON)"), h("pre", null, jsonText(m))));
  }
}

function agentView(id: string): AgentView {
  return viewFor(`agent:${id}`, () => new AgentView(id));
}

// ------------------------------------------------------------------ event stream

function eventRow(e: Event, row: HTMLElement): void {
  row.classList.add("ev");
  if (sent.has(e)) row.classList.add("sent");
  append(row, h("span", { class: "time" }, clock(e.timestamp)),
    h("span", { class: "ev-dir", title: sent.has(e) ? "sent by the console" : "received" }, sent.has(e) ? "out" : "in"),
    h("span", { class: "ev-name" }, e.event_name),
    h("span", { class: "ev-route" }, `${e.source_id ?? "?"} → ${e.destination_id ?? "?"}`),
    h("span", { class: "ev-payload" }, oneLine(e.payload ?? {})));
}

class EventsView implements View {
  readonly key = "events";
  readonly el: HTMLElement;
  private readonly list: VirtualList<Event>;
  private readonly counts = h("span", { class: "list-status", "aria-live": "off" });
  private readonly pauseButton = h("button", { type: "button", class: "pause" }, "Pause");
  private readonly error = h("span", { class: "error", role: "alert" });
  private readonly detail = h("pre", { class: "detail", "aria-label": "Selected event" });
  private filtered: Event[] = [];
  private lastLength = -1;

  constructor() {
    this.list = new VirtualList<Event>({ label: "Event stream", rowHeight: 24, renderRow: eventRow,
      onSelect: (e) => {
        this.detail.textContent = jsonText(e);
      } });
    const input = h("input", { type: "text", name: "pattern", value: pattern, autocomplete: "off",
      "aria-label": "Pattern filter", placeholder: "channel.message.* (several: a, b)" });
    const form = h("form", { class: "filter" }, h("label", null, "Filter ", input),
      h("button", { type: "submit" }, "Apply"), this.pauseButton, this.error);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      setPattern(input.value);
      this.lastLength = -1;
      schedule(this);
    });
    this.pauseButton.addEventListener("click", () => {
      paused = !paused;
      if (!paused) {
        for (const e of held.all()) events.push(e);
        held.clear();
      }
      schedule(this);
    });
    this.el = h("section", { class: "events-view", "aria-label": "Event stream" }, h("h2", null, "Event stream"),
      form, this.counts, this.list.el, this.detail);
  }

  render(): void {
    const all = events.all();
    if (all.length !== this.lastLength || all[all.length - 1] !== this.filtered[this.filtered.length - 1]) {
      const ps = patterns();
      this.filtered = all.filter((e) => ps.some((p) => matches(p, e.event_name)));
      this.lastLength = all.length;
      this.list.setItems(this.filtered);
    }
    this.pauseButton.textContent = paused ? "Resume" : "Pause";
    this.pauseButton.setAttribute("aria-pressed", String(paused));
    this.error.textContent = patternError;
    this.counts.textContent = `${this.filtered.length} shown of ${all.length} kept (${events.dropped} dropped), `
      + `${received} received, ${rate.perSecond}/s${paused ? `; paused, ${held.size} new waiting` : ""}`;
  }
}

function patterns(): string[] {
  return pattern.split(",").map((p) => p.trim()).filter(Boolean);
}

function setPattern(value: string): void {
  const ps = value.split(",").map((p) => p.trim()).filter(Boolean);
  const bad = ps.find((p) => p !== "*" && p !== ">" && !/^([a-z][a-z0-9_-]*|\*)(\.([a-z][a-z0-9_-]*|\*))*(\.>)?$/
    .test(p) && !/^>$/.test(p));
  if (ps.length === 0 || bad !== undefined) {
    patternError = `not a pattern: '${bad ?? value}' (segments [a-z][a-z0-9_-]*, * for one, > at the end for the rest)`;
    return;
  }
  patternError = "";
  pattern = ps.join(", ");
}

function eventsView(): EventsView {
  return viewFor("events", () => new EventsView());
}

// ------------------------------------------------------------------ node: /info and metrics

class NodeView implements View {
  readonly key = "node";
  readonly el: HTMLElement;
  private readonly info = h("dl", { class: "facts", "aria-label": "Node info" });
  private readonly metrics = h("tbody");
  private readonly log = h("ol", { class: "lifecycle", "aria-label": "Connection log" });
  private readonly error = h("p", { class: "error", role: "alert" });
  private timer: ReturnType<typeof setInterval> | undefined;
  private last = new Map<string, { value: number; at: number }>();
  private rows: [string, number, number | undefined][] = [];
  private infoData: Record<string, unknown> = {};

  constructor() {
    this.el = h("section", { class: "node-view", "aria-label": "Node" }, h("h2", null, "Node"), this.error,
      this.info, h("h3", null, "Live metrics"),
      h("table", { class: "metrics" }, h("thead", null, h("tr", null, h("th", null, "metric"),
        h("th", null, "value"), h("th", null, "per second"))), this.metrics),
      h("h3", null, "Connection log"), this.log);
  }

  shown(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), 2000);
  }

  hidden(): void {
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    try {
      const [info, metrics] = await Promise.all([fetch("/info", { cache: "no-store" }).then((r) => r.json()),
        fetch("/metrics", { cache: "no-store" }).then((r) => r.text())]);
      this.infoData = info as Record<string, unknown>;
      const now = Date.now();
      const sums = new Map<string, number>();
      for (const line of metrics.split("\n")) {
        if (!line.startsWith("workspace_")) continue;
        const m = /^([a-z_:]+)(\{[^}]*\})?\s+([-+0-9.eE]+|NaN)/.exec(line);
        if (!m) continue;
        const v = Number(m[3]);
        if (Number.isFinite(v)) sums.set(m[1], (sums.get(m[1]) ?? 0) + v);
      }
      this.rows = [...sums].sort((a, b) => a[0].localeCompare(b[0])).slice(0, 40).map(([name, value]) => {
        const prev = this.last.get(name);
        const perSecond = prev && now > prev.at ? (value - prev.value) * 1000 / (now - prev.at) : undefined;
        this.last.set(name, { value, at: now });
        return [name, value, perSecond];
      });
      this.error.textContent = "";
    } catch (e) {
      this.error.textContent = `cannot read the node: ${(e as Error).message}`;
    }
    schedule(this);
  }

  render(): void {
    clear(this.info);
    for (const [k, v] of Object.entries(this.infoData)) {
      const shown = k === "started_at" && typeof v === "number" ? new Date(v).toISOString()
        : k === "uptime_ms" && typeof v === "number" ? duration(v) : typeof v === "object" ? oneLine(v) : String(v);
      append(this.info, h("dt", null, k), h("dd", null, shown));
    }
    clear(this.metrics);
    for (const [name, value, perSecond] of this.rows) {
      this.metrics.appendChild(h("tr", null, h("td", null, name), h("td", null, String(Math.round(value * 100) / 100)),
        h("td", null, perSecond === undefined ? "" : (Math.round(perSecond * 10) / 10).toString())));
    }
    clear(this.log);
    for (const l of [...lifecycleLog.all()].reverse()) {
      this.log.appendChild(h("li", null, `${clock(l.at)} ${l.text}`));
    }
  }
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const parts = [[Math.floor(s / 86400), "d"], [Math.floor(s / 3600) % 24, "h"], [Math.floor(s / 60) % 60, "m"],
    [s % 60, "s"]] as const;
  const from = parts.findIndex(([n]) => n > 0);
  return from < 0 ? "0s" : parts.slice(from).map(([n, u]) => `${n}${u}`).join(" ");
}

function nodeView(): NodeView {
  return viewFor("node", () => new NodeView());
}

// ------------------------------------------------------------------ events in

/** A run's answer: the run consumes it, and the stream shows it like any received event. */
function recordRunEvent(e: Event): void {
  received++;
  rate.window.push(Date.now());
  (paused ? held : events).push(e);
  const ev = views.get("events");
  if (ev && current === ev && !paused) schedule(ev);
}

function onEvent(e: Event): void {
  received++;
  rate.window.push(Date.now());
  (paused ? held : events).push(e);
  const ev = views.get("events");
  if (ev && current === ev && !paused) schedule(ev);
  const dest = e.destination_id ?? "";
  switch (e.event_name) {
    case "agent.joined":
    case "agent.updated": {
      const id = String(e.payload?.agent_id ?? e.source_id);
      const meta = (e.payload?.metadata ?? {}) as Record<string, unknown>;
      const old = agents.get(id);
      agents.set(id, { info: { agentId: id, metadata: meta, connectedSince: old && e.event_name === "agent.updated"
        ? old.info.connectedSince : e.timestamp ?? Date.now(), status: "online", nodeId: old?.info.nodeId ?? "" },
      online: true, since: e.timestamp ?? Date.now() });
      trimAgents();
      schedule(nav);
      const v = views.get(`agent:${id}`);
      if (v) schedule(v);
      if (e.event_name === "agent.joined") void refreshAgents().catch(() => undefined);
      break;
    }
    case "agent.left": {
      const id = String(e.payload?.agent_id ?? e.source_id);
      const a = agents.get(id);
      if (a) a.online = false;
      schedule(nav);
      const v = views.get(`agent:${id}`);
      if (v) schedule(v);
      break;
    }
    case "channel.joined":
    case "channel.left":
      refreshChannelsSoon();
      break;
    default:
      if (dest.startsWith("channel:") && e.event_name === "channel.message.posted") {
        channelView(dest.slice(8)).add(e);
      } else if (dest === `agent:${selfId}` && !e.response_to && e.source_id && e.source_id !== "system"
        && !/^(run|channel|stream|server)\./.test(e.event_name)) {
        agentView(e.source_id).add(e);
      }
  }
}

function onLifecycle(e: LifecycleEvent): void {
  switch (e.type) {
    case "disconnected":
      reconnects++;
      setConnection("reconnecting", "reconnecting…");
      logLifecycle(`connection lost (close ${e.code ?? "?"}${e.reason ? " " + e.reason : ""}); reconnecting`);
      break;
    case "reconnected":
      setConnection("open", "connected");
      logLifecycle(`reconnected (${reconnects} reconnect${reconnects === 1 ? "" : "s"})`);
      for (const v of views.values()) if (v instanceof ChannelView) v.reconnected();
      void refreshAgents().catch(() => undefined);
      void refreshChannels().catch(() => undefined);
      break;
    case "recovered": {
      const r = Object.entries(e.recovered ?? {});
      logLifecycle(`reconnected and recovered: ${r.map(([s, ok]) => `${s} ${ok ? "replayed" : "read from history"}`)
        .join(", ") || "nothing to recover"}`);
      break;
    }
    case "gap":
      logLifecycle(`gap in ${e.stream ?? "a stream"}: ${e.count ?? "some"} events could not be recovered`);
      break;
    case "closed":
      setConnection("closed", "closed");
      logLifecycle(`connection closed (close ${e.code ?? "?"}${e.reason ? " " + e.reason : ""})`);
      break;
    default:
      break;
  }
}

setInterval(() => {
  const cutoff = Date.now() - 1000;
  while (rate.window.length && rate.window[0] < cutoff) rate.window.shift();
  rate.perSecond = rate.window.length;
  if (current?.key === "events") schedule(current);
}, 1000);
setInterval(() => void refreshChannels().catch(() => undefined), 5000);

// ------------------------------------------------------------------ sign-in and connect

function signIn(message: string): void {
  setConnection("signed-out", "signed out", message);
  current = undefined;
  clear(viewEl);
  const input = h("input", { type: "password", name: "token", autocomplete: "off", "aria-label": "Token",
    placeholder: "a token from `scripts/workspace token`" });
  const form = h("form", { class: "sign-in", "aria-label": "Sign in" }, h("h2", null, "Sign in"),
    h("p", null, "This server requires a token. Paste it here, or open the console as /console#token=<token>: "
      + "the part after # never leaves the browser, and the token is kept only in this tab's session storage."),
    h("label", null, "Token ", input), h("button", { type: "submit" }, "Sign in"),
    h("p", { class: "error", role: "alert" }, message));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const t = input.value.trim();
    if (!t) return;
    token = t;
    sessionStorage.setItem(STORE + "token", t);
    void start();
  });
  viewEl.appendChild(form);
  input.focus();
}

let attempt = 0;
async function start(): Promise<void> {
  const c = new AgentClient({ url: wsUrl, token, tokenIn: "connect", agentId: token ? undefined : selfId,
    workspace: workspaceName,
    metadata: { name: "Workspace console", role: "console",
      description: "a person watching and talking to the workspace from a browser" },
    reconnectMaxDelayMs: 5000 });
  c.onLifecycle(onLifecycle);
  c.on("*", onEvent);
  setConnection("connecting", "connecting…");
  try {
    const s = await c.connect();
    attempt = 0;
    client = c;
    selfId = s.agentId;
    sessionStorage.setItem(STORE + "agent", selfId);
    ident.textContent = `${s.workspace} · ${selfId} · ${s.nodeId}`;
    setConnection("open", "connected");
    logLifecycle(`connected to ${s.nodeId} as ${selfId}`);
    await Promise.all([refreshAgents(), refreshChannels()]);
    if (!current) show(channelView("general"));
    else current.shown?.();
  } catch (e) {
    const err = e as WorkspaceError;
    if (err instanceof WorkspaceError && err.kind === "unauthorized") {
      token = undefined;
      sessionStorage.removeItem(STORE + "token");
      signIn(err.message);
      return;
    }
    attempt++;
    const delay = Math.min(5000, 250 * 2 ** attempt);
    setConnection("reconnecting", "cannot connect", `${err.message}; retrying in ${delay} ms`);
    setTimeout(() => void start(), delay);
  }
}

void start();
