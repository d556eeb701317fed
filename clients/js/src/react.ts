/**
 * A React hook over {@link AgentClient}, in its own entry point (`workspace-client/react`) so that the core has no
 * React dependency.
 *
 * ```tsx
 * const { state, events, post } = useWorkspace({ agentId: "console", url, channels: ["general"] });
 * ```
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { AgentClient, type AgentClientOptions } from "./client.js";
import { WorkspaceError } from "./errors.js";
import type { Event, PublishResult, SessionInfo } from "./types.js";

/** The options of {@link useWorkspace}: those of the client, and what the hook keeps. */
export interface UseWorkspaceOptions extends AgentClientOptions {
  /** The events to keep in `events` (default `*`: everything delivered). */
  patterns?: string | string[];
  /** How many of the latest events `events` holds; default 100. */
  maxEvents?: number;
  /** Channels to join once connected. */
  channels?: string[];
}

/** What {@link useWorkspace} returns; `state` is `connecting`, `open`, `reconnecting`, `closed` or `error`. */
export interface WorkspaceState {
  client: AgentClient | undefined;
  state: "connecting" | "open" | "reconnecting" | "closed" | "error";
  session: SessionInfo | undefined;
  error: WorkspaceError | undefined;
  events: Event[];
  send(event: Event): Promise<PublishResult>;
  post(channel: string, message: string | Record<string, unknown>, options?: { mentions?: string[] }):
    Promise<PublishResult>;
}

/**
 * Connects an agent while the component is mounted: connection state, the latest events matching `patterns`, and
 * functions to send. A change of `agentId`, `url`, `token` or `workspace` reconnects as the new agent; unmounting
 * disconnects.
 */
export function useWorkspace(options: UseWorkspaceOptions): WorkspaceState {
  const [state, setState] = useState<WorkspaceState["state"]>("connecting");
  const [session, setSession] = useState<SessionInfo | undefined>(undefined);
  const [error, setError] = useState<WorkspaceError | undefined>(undefined);
  const [events, setEvents] = useState<Event[]>([]);
  const [client, setClient] = useState<AgentClient | undefined>(undefined);
  const clientRef = useRef<AgentClient | undefined>(undefined);
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const key = JSON.stringify([options.agentId, options.url, options.token, options.workspace]);

  useEffect(() => {
    const o = optionsRef.current;
    const c = new AgentClient(o);
    const max = o.maxEvents ?? 100;
    let alive = true;
    clientRef.current = c;
    setClient(c);
    setState("connecting");
    setEvents([]);
    setError(undefined);
    c.on(o.patterns ?? "*", (e) => {
      if (alive) setEvents((previous) => [...previous, e].slice(-max));
    });
    c.onLifecycle((l) => {
      if (!alive) return;
      if (l.type === "disconnected") setState("reconnecting");
      else if (l.type === "reconnected") {
        setSession(c.session);
        setState("open");
      } else if (l.type === "closed") setState("closed");
    });
    c.connect().then(async (s) => {
      for (const name of o.channels ?? []) await c.workspace().channel(name).join();
      if (alive) {
        setSession(s);
        setState("open");
      }
    }).catch((e: unknown) => {
      if (alive) {
        setError(e instanceof WorkspaceError ? e : new WorkspaceError("unavailable", String(e)));
        setState("error");
      }
    });
    return () => {
      alive = false;
      if (clientRef.current === c) clientRef.current = undefined;
      void c.disconnect();
    };
  }, [key]);

  const send = useCallback((event: Event) => clientRef.current ? clientRef.current.sendEvent(event)
    : Promise.reject(new WorkspaceError("disconnected", "send failed: not connected")), []);
  const post = useCallback((channel: string, message: string | Record<string, unknown>,
      postOptions?: { mentions?: string[] }) => clientRef.current
    ? clientRef.current.workspace().channel(channel).post(message, postOptions)
    : Promise.reject(new WorkspaceError("disconnected", "post failed: not connected")), []);

  return { client, state, session, error, events, send, post };
}

/** The same hook under the name Cloudflare's and ConnectOnion's users know. */
export const useAgent = useWorkspace;
