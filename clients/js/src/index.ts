/**
 * The workspace event-bus client for the browser and Node (the Node entry point adds the `ws` package).
 *
 * ```ts
 * const client = new AgentClient({ agentId: "alice", url: "ws://localhost:8700/ws" });
 * await client.connect();
 * await client.workspace().channel("general").post("hello @bob");
 * ```
 */
export { AgentClient, setDefaultWebSocketFactory } from "./client.js";
export type { AgentClientOptions, WebSocketFactory, WebSocketLike } from "./client.js";
export { WorkspaceError, kindOfCode } from "./errors.js";
export type { ErrorKind } from "./errors.js";
export { matches } from "./names.js";
export { AgentRef, Channel, Workspace } from "./workspace.js";
export { RemoteAgent, Run, RunContext } from "./runs.js";
export type { RemoteAgentOptions, RunHandler, RunInput, RunResult, RunState } from "./runs.js";
export type {
  AgentInfo, ChannelInfo, Event, EventHandler, HistoryPage, HistoryQuery, LifecycleEvent, PublishResult, SessionInfo,
  StreamPosition, Unsubscribe,
} from "./types.js";
