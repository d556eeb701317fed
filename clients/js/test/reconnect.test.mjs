// Reconnect with recovery through connections cut by a real TCP proxy, read-back of history the server could not
// replay, and the close codes after which the client must not reconnect.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AgentClient, WorkspaceError } from "workspace-client";
import { Lifecycle, Proxy, Recorder, settle, startServer, workspaceName } from "./support.mjs";

let server;
const clients = [];
const proxies = [];
const fast = { reconnectInitialDelayMs: 50, reconnectMaxDelayMs: 300 };

before(async () => {
  server = await startServer();
});
after(async () => {
  await Promise.all(clients.map((c) => c.disconnect()));
  await Promise.all(proxies.map((p) => p.stop()));
  await server?.stop();
});

async function connect(ws, agentId, options = {}) {
  const c = new AgentClient({ agentId, url: server.url, workspace: ws, ...options });
  clients.push(c);
  await c.connect();
  return c;
}

async function proxy() {
  const p = await new Proxy(server.port).start();
  proxies.push(p);
  return p;
}

test("a reconnect recovers every missed event once, in order per stream", async () => {
  const ws = workspaceName();
  const p = await proxy();
  const bob = await connect(ws, "bob");
  const alice = await connect(ws, "alice", { url: p.url, ...fast });
  const life = new Lifecycle(alice);
  const rec = new Recorder();
  alice.on(["channel.message.posted", "agent.message", "agent.broadcast"], rec.handler);
  for (const c of [alice, bob]) await c.workspace().channel("general").join();
  const general = bob.workspace().channel("general");
  for (let i = 0; i < 3; i++) await general.post(`before ${i}`);
  await rec.count(3);
  p.refusing = true;
  p.cut();
  await life.of("disconnected");
  assert.equal(alice.isConnected, false);
  for (let i = 0; i < 5; i++) await general.post(`missed ${i}`);
  await bob.workspace().agent("alice").send("missed direct");
  await bob.workspace().broadcast("missed broadcast");
  const buffered = alice.workspace().channel("general").post("sent while away");
  p.refusing = false;
  const [recovered] = await life.of("recovered");
  assert.deepEqual(recovered.recovered, { inbox: true, broadcast: true, "channel:general": true });
  assert.equal((await buffered).offset, 9);
  await general.post("after");
  await rec.until((es) => es.at(-1)?.payload.text === "after");
  await settle(alice);
  const channel = rec.events.filter((e) => e.event_name === "channel.message.posted");
  assert.deepEqual(channel.map((e) => e.payload.text), ["before 0", "before 1", "before 2", "missed 0", "missed 1",
    "missed 2", "missed 3", "missed 4", "after"]);
  assert.deepEqual(channel.map((e) => e.offset), [1, 2, 3, 4, 5, 6, 7, 8, 10]);
  assert.deepEqual(rec.events.filter((e) => e.event_name !== "channel.message.posted").map((e) => e.payload.text).sort(),
    ["missed broadcast", "missed direct"]);
  assert.equal(rec.events.length, 11);
  assert.deepEqual(life.events.map((e) => e.type), ["disconnected", "reconnected", "recovered"]);
});

test("repeated cuts deliver each event once", async () => {
  const ws = workspaceName();
  const p = await proxy();
  const bob = await connect(ws, "bob");
  const alice = await connect(ws, "alice", { url: p.url, ...fast });
  const life = new Lifecycle(alice);
  const rec = new Recorder();
  alice.on("channel.message.posted", rec.handler);
  for (const c of [alice, bob]) await c.workspace().channel("general").join();
  const general = bob.workspace().channel("general");
  const expected = [];
  for (let round = 1; round <= 3; round++) {
    for (let i = 0; i < 10; i++) {
      await general.post(`r${round} m${i}`);
      expected.push(`r${round} m${i}`);
      if (i === 4) p.cut();
    }
    await life.of("recovered", round);
  }
  await general.post("last");
  await rec.until((es) => es.at(-1)?.payload.text === "last");
  assert.deepEqual(rec.texts(), [...expected, "last"]);
  assert.deepEqual(rec.events.map((e) => e.offset), [...Array(31).keys()].map((i) => i + 1));
});

test("a gap beyond history is read back and the lost part reported", async () => {
  const ws = workspaceName();
  const p = await proxy();
  const bob = await connect(ws, "bob");
  const alice = await connect(ws, "alice", { url: p.url, ...fast });
  const life = new Lifecycle(alice);
  const rec = new Recorder();
  alice.on("channel.message.posted", rec.handler);
  for (const c of [alice, bob]) await c.workspace().channel("big").join();
  p.refusing = true;
  p.cut();
  await life.of("disconnected");
  const big = bob.workspace().channel("big");
  for (let start = 0; start < 1010; start += 101) {
    await Promise.all([...Array(Math.min(101, 1010 - start)).keys()].map((i) => big.post(`m${start + i}`)));
  }
  p.refusing = false;
  const [recovered] = await life.of("recovered");
  assert.equal(recovered.recovered["channel:big"], false);
  const [gap] = await life.of("gap");
  assert.equal(gap.stream, "channel:big");
  assert.equal(gap.count, 10);
  await rec.count(1000, 30_000);
  await big.post("live");
  await rec.until((es) => es.at(-1)?.payload.text === "live");
  assert.deepEqual(rec.events.map((e) => e.offset), [...Array(1001).keys()].map((i) => i + 11));
  assert.equal(new Set(rec.events.map((e) => e.event_id)).size, 1001);
});

test("a replaced connection does not reconnect", async () => {
  const ws = workspaceName();
  const first = await connect(ws, "twin", fast);
  const life = new Lifecycle(first);
  const second = await connect(ws, "twin");
  const [closed] = await life.of("closed");
  assert.equal(closed.code, 4005);
  assert.equal(first.isConnected, false);
  assert.equal(second.isConnected, true);
  assert.deepEqual(life.events.map((e) => e.type), ["disconnected", "closed"]);
  await assert.rejects(first.listAgents(), (e) => e instanceof WorkspaceError && e.kind === "disconnected");
  assert.deepEqual((await second.listAgents()).map((a) => a.agentId), ["twin"]);
});
