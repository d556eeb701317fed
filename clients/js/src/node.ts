/**
 * The Node entry point: everything of the browser entry, with WebSockets from the `ws` package, which sends the
 * token as `Authorization: Bearer` at the handshake.
 */
import WebSocket from "ws";
import { setDefaultWebSocketFactory, type WebSocketLike } from "./client.js";

const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

setDefaultWebSocketFactory((url, token) => new WebSocket(url, {
  headers: token ? { Authorization: `Bearer ${token}` } : {},
  maxPayload: MAX_MESSAGE_BYTES,
}) as unknown as WebSocketLike);

export * from "./index.js";
