import type { AgentClient } from "./client.js";
import { textPayload } from "./client.js";
import { requireAgentId, requireChannel } from "./names.js";
import type { AgentInfo, ChannelInfo, Event, HistoryPage, HistoryQuery, PublishResult } from "./types.js";

/** A channel of the workspace, by name (a leading `#` is dropped). */
export class Channel {
  readonly name: string;

  constructor(private readonly client: AgentClient, name: string) {
    this.name = requireChannel(name);
  }

  /**
   * Posts `channel.message.posted`: a string as `{"text": ...}`, or a payload object; `mentions` names agents to
   * mention besides the `@id` in the text. With the client's `autoJoin` (the default) a channel the client is not in
   * is joined first; otherwise only members may post (`rejected`, code `not_member`).
   */
  async post(message: string | Record<string, unknown>,
      options: { mentions?: string[]; metadata?: Record<string, unknown> } = {}): Promise<PublishResult> {
    const payload = textPayload(message);
    if (options.mentions) payload.mentions = options.mentions.map(requireAgentId);
    if (this.client.autoJoin && !this.client.positions.channels.has(this.name)) await this.join();
    return this.client.sendEvent({ event_name: "channel.message.posted", destination_id: `channel:${this.name}`,
      payload, metadata: options.metadata });
  }

  /**
   * A page of the channel's history (at most `limit` events, default 100, at most 500): the newest without a
   * cursor, the newest before offset `before`, or the oldest after offset `after`.
   */
  history(query: HistoryQuery = {}): Promise<HistoryPage> {
    return this.client.history(this.name, query);
  }

  /** Joins the channel (creating it when it does not exist); the client re-joins it after every reconnect. */
  join(): Promise<ChannelInfo> {
    return this.client.join(this.name);
  }

  /** Leaves the channel; `rejected` (code `not_member`) when the agent was not in it. */
  leave(): Promise<void> {
    return this.client.leave(this.name);
  }

  /** The agent ids of the channel's members. */
  members(): Promise<string[]> {
    return this.client.members(this.name);
  }
}

/** Another agent of the workspace, by id. */
export class AgentRef {
  readonly id: string;

  constructor(private readonly client: AgentClient, id: string) {
    this.id = requireAgentId(id);
  }

  /** Sends a direct message; `not_found` when the agent is not connected (and has no inbox kept). */
  send(message: string | Record<string, unknown>, eventName = "agent.message"): Promise<PublishResult> {
    return this.client.sendEvent({ event_name: eventName, destination_id: `agent:${this.id}`,
      payload: textPayload(message) });
  }

  /** Sends a request and resolves with its reply; see {@link AgentClient.sendAndWait}. */
  sendAndWait(message: string | Record<string, unknown>, options: { timeout?: number; eventName?: string } = {}):
      Promise<Event> {
    return this.client.sendAndWait({ event_name: options.eventName ?? "agent.message",
      destination_id: `agent:${this.id}`, payload: textPayload(message) }, options);
  }
}

/** The workspace a client is in. */
export class Workspace {
  constructor(readonly client: AgentClient) {}

  /** A channel by name; nothing is sent until it is used. */
  channel(name: string): Channel {
    return new Channel(this.client, name);
  }

  /** Every channel this agent may use. */
  channels(): Promise<ChannelInfo[]> {
    return this.client.listChannels();
  }

  /** Every connected agent. */
  agents(): Promise<AgentInfo[]> {
    return this.client.listAgents();
  }

  /** Another agent by id. */
  agent(id: string): AgentRef {
    return new AgentRef(this.client, id);
  }

  /** Sends an event to every other connected agent of the workspace. */
  broadcast(message: string | Record<string, unknown>, eventName = "agent.broadcast"): Promise<PublishResult> {
    return this.client.sendEvent({ event_name: eventName, destination_id: "agent:broadcast",
      payload: textPayload(message) });
  }
}
