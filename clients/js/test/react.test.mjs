// The React hook, rendered by React itself: connection state, live events, sending, and cleanup on unmount.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createElement } from "react";
import TestRenderer from "react-test-renderer";
import { AgentClient } from "workspace-client";
import { useWorkspace } from "workspace-client/react";
import { Recorder, startServer, workspaceName } from "./support.mjs";

globalThis.IS_REACT_ACT_ENVIRONMENT = true;
const { act, create } = TestRenderer;

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** Renders the hook and keeps what it last returned; `until` waits for a condition on it. */
class Probe {
  constructor() {
    this.value = undefined;
    this.waiters = [];
    const probe = this;
    this.Component = function Component(props) {
      const v = useWorkspace(props);
      probe.value = v;
      queueMicrotask(() => probe.check());
      return null;
    };
  }

  check() {
    for (const w of [...this.waiters]) {
      if (w.condition(this.value)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(this.value);
      }
    }
  }

  until(condition, timeout = 10_000) {
    if (this.value && condition(this.value)) return Promise.resolve(this.value);
    return new Promise((resolve, reject) => {
      const w = { condition, resolve, timer: setTimeout(() => reject(new Error("hook condition not met")), timeout) };
      this.waiters.push(w);
    });
  }
}

test("useWorkspace connects, shows live events, sends, and disconnects on unmount", async () => {
  const ws = workspaceName();
  const peer = new AgentClient({ agentId: "peer", url: server.url, workspace: ws });
  await peer.connect();
  const presence = new Recorder();
  peer.on("agent.*", presence.handler);
  await peer.workspace().channel("general").join();
  const posts = new Recorder();
  peer.on("channel.message.posted", posts.handler);

  const probe = new Probe();
  let root;
  await act(async () => {
    root = create(createElement(probe.Component, { agentId: "console", url: server.url, workspace: ws,
      channels: ["general"], patterns: "channel.message.*", maxEvents: 2 }));
  });
  assert.equal(probe.value.state === "connecting" || probe.value.state === "open", true);
  const open = await probe.until((v) => v.state === "open");
  assert.equal(open.session.agentId, "console");
  assert.deepEqual(open.events, []);

  for (const text of ["one", "two", "three"]) {
    await act(async () => {
      await peer.workspace().channel("general").post(text);
    });
  }
  await act(async () => {
    await peer.workspace().agent("console").send("direct, not kept");
  });
  const seen = await probe.until((v) => v.events.length === 2 && v.events[1].payload.text === "three");
  assert.deepEqual(seen.events.map((e) => e.payload.text), ["two", "three"]);

  await act(async () => {
    await probe.value.post("general", "from the hook");
  });
  const [post] = await posts.count(1);
  assert.equal(post.source_id, "console");
  assert.equal(post.payload.text, "from the hook");

  await act(async () => {
    root.unmount();
  });
  await presence.until((es) => es.some((e) => e.event_name === "agent.left" && e.payload.agent_id === "console"));
  assert.deepEqual((await peer.listAgents()).map((a) => a.agentId), ["peer"]);
  await peer.disconnect();
});

test("useWorkspace reports a failed connect as an error", async () => {
  const probe = new Probe();
  let root;
  await act(async () => {
    root = create(createElement(probe.Component, { agentId: "console", url: "ws://127.0.0.1:1/ws",
      workspace: workspaceName() }));
  });
  const failed = await probe.until((v) => v.state === "error");
  assert.equal(failed.error.kind, "unavailable");
  await act(async () => root.unmount());
});
