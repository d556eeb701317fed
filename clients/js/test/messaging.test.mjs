// Channels, mentions, direct messages, broadcast, presence, discovery and history, against a real server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AgentClient, WorkspaceError } from "workspace-client";
import { JWT_SECRET, Recorder, mintToken, settle, startServer, workspaceName } from "./support.mjs";

let server;
let tokenServer;
const clients = [];

before(async () => {
  [server, tokenServer] = await Promise.all([startServer(),
    startServer(["--auth", "token"], { WORKSPACE_JWT_SECRET: JWT_SECRET })]);
});
after(async () => {
  await Promise.all(clients.map((c) => c.disconnect()));
  await Promise.all([server?.stop(), tokenServer?.stop()]);
});

async function connect(ws, agentId, options = {}) {
  const c = new AgentClient({ agentId, url: server.url, workspace: ws, ...options });
  clients.push(c);
  await c.connect();
  return c;
}

async function rejects(promise, kind, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof WorkspaceError, `not a WorkspaceError: ${e}`);
    assert.equal(e.kind, kind, e.message);
    if (code) assert.equal(e.code, code, e.message);
    return true;
  });
}

test("connect with metadata, and discovery by capability", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice", { metadata: { name: "Alice", capabilities: ["search", "summarize"] } });
  await connect(ws, "bob", { metadata: { name: "Bob", capabilities: ["translate"] } });
  assert.ok(alice.isConnected);
  assert.equal(alice.session.agentId, "alice");
  assert.equal(alice.session.workspace, ws);
  const everyone = await alice.listAgents();
  assert.deepEqual(everyone.map((a) => a.agentId).sort(), ["alice", "bob"]);
  const a = everyone.find((x) => x.agentId === "alice");
  assert.deepEqual(a.metadata, { name: "Alice", capabilities: ["search", "summarize"] });
  assert.equal(a.status, "online");
  assert.deepEqual((await alice.listAgents("translate")).map((x) => x.agentId), ["bob"]);
  assert.deepEqual(await alice.listAgents("nobody-has-this"), []);
  assert.deepEqual((await alice.workspace().agents()).map((x) => x.agentId).sort(), ["alice", "bob"]);
});

test("a token names the agent; a bad or missing one is unauthorized", async () => {
  const ws = workspaceName();
  const good = new AgentClient({ token: mintToken("dana", ws), url: tokenServer.url, workspace: ws });
  clients.push(good);
  await good.connect();
  assert.equal(good.agentId, "dana");
  assert.deepEqual((await good.listAgents()).map((x) => x.agentId), ["dana"]);
  const good2 = mintToken("dana", ws);
  for (const bad of [mintToken("dana", ws, { ttl: -60 }), good2.slice(0, -3) + "abc"]) {
    await rejects(new AgentClient({ token: bad, url: tokenServer.url, workspace: ws }).connect(), "unauthorized");
  }
  await rejects(new AgentClient({ agentId: "dana", url: tokenServer.url, workspace: ws }).connect(), "unauthorized");
});

test("channel posts reach the other members only", async () => {
  const ws = workspaceName();
  const [alice, bob, outsider] = [await connect(ws, "alice"), await connect(ws, "bob"), await connect(ws, "outsider")];
  const carol = await connect(ws, "carol", { autoJoin: false });
  const recs = {};
  for (const c of [alice, bob, carol, outsider]) {
    recs[c.agentId] = new Recorder();
    c.on("channel.message.posted", recs[c.agentId].handler);
  }
  const infos = [];
  for (const c of [alice, bob, carol]) infos.push(await c.workspace().channel("#team").join());
  assert.deepEqual(infos.map((i) => i.members), [1, 2, 3]);
  assert.deepEqual((await alice.workspace().channel("team").members()).sort(), ["alice", "bob", "carol"]);
  const result = await alice.workspace().channel("team").post("hello team");
  assert.equal(result.offset, 1);
  await bob.workspace().channel("team").post({ text: "hi alice", mood: "good" });
  await recs.carol.count(2);
  await settle(alice, bob, outsider);
  assert.deepEqual(recs.carol.events.map((e) => [e.source_id, e.payload.text, e.offset]),
    [["alice", "hello team", 1], ["bob", "hi alice", 2]]);
  assert.deepEqual(recs.alice.events.map((e) => [e.source_id, e.payload.text, e.payload.mood]),
    [["bob", "hi alice", "good"]]);
  assert.deepEqual(recs.bob.texts(), ["hello team"]);
  assert.deepEqual(recs.outsider.events, []);
  const team = (await alice.workspace().channels()).find((c) => c.name === "team");
  assert.equal(team.members, 3);
  assert.equal(team.lastOffset, 2);
  await carol.workspace().channel("team").leave();
  await rejects(carol.workspace().channel("team").post("still here?"), "rejected", "not_member");
  await rejects(carol.workspace().channel("team").leave(), "rejected", "not_member");
});

test("mentions go to each mentioned member once", async () => {
  const ws = workspaceName();
  const cs = [await connect(ws, "alice"), await connect(ws, "bob"), await connect(ws, "carol")];
  const recs = cs.map((c) => {
    const r = new Recorder();
    c.on("channel.message.mentioned", r.handler);
    return r;
  });
  for (const c of cs) await c.workspace().channel("general").join();
  await cs[0].workspace().channel("general").post("@bob look, and @bob again; cc", { mentions: ["carol"] });
  await recs[1].count(1);
  await recs[2].count(1);
  await cs[0].workspace().channel("general").post("nobody named here");
  await settle(...cs);
  for (const r of recs.slice(1)) {
    assert.equal(r.events.length, 1);
    const [m] = r.events;
    assert.equal(m.source_id, "alice");
    assert.equal(m.payload.channel, "general");
    assert.equal(m.payload.post_offset, 1);
  }
  assert.deepEqual(recs[0].events, []);
});

test("direct messages, and not_found for an absent agent", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob");
  const rec = new Recorder();
  bob.on("agent.message", rec.handler);
  await alice.workspace().agent("bob").send("psst");
  await alice.sendAgentMessage("bob", { text: "second", n: 2 });
  await alice.sendEvent({ event_name: "task.assigned", destination_id: "bob", payload: { task: "x" } });
  await rec.count(2);
  await settle(bob);
  assert.deepEqual(rec.events.map((e) => [e.source_id, e.payload.text, e.destination_id]),
    [["alice", "psst", "agent:bob"], ["alice", "second", "agent:bob"]]);
  await rejects(alice.workspace().agent("nobody").send("hello?"), "not_found", "not_found");
});

test("a broadcast reaches everyone but the sender", async () => {
  const ws = workspaceName();
  const cs = [await connect(ws, "alice"), await connect(ws, "bob"), await connect(ws, "carol")];
  const recs = cs.map((c) => {
    const r = new Recorder();
    c.on("agent.broadcast", r.handler);
    return r;
  });
  assert.notEqual((await cs[0].workspace().broadcast("all hands")).offset, undefined);
  await recs[1].count(1);
  await recs[2].count(1);
  await settle(...cs);
  assert.deepEqual(recs[0].events, []);
  for (const r of recs.slice(1)) {
    assert.deepEqual(r.events.map((e) => [e.source_id, e.payload.text, e.destination_id]),
      [["alice", "all hands", "agent:broadcast"]]);
  }
});

test("presence of agents and channel members", async () => {
  const ws = workspaceName();
  const observer = await connect(ws, "observer");
  const rec = new Recorder();
  observer.on(["agent.*", "channel.joined", "channel.left"], rec.handler);
  await observer.workspace().channel("room").join();
  const visitor = new AgentClient({ agentId: "visitor", url: server.url, workspace: ws, metadata: { name: "V" } });
  await visitor.connect();
  await visitor.workspace().channel("room").join();
  await visitor.workspace().channel("room").leave();
  await visitor.disconnect();
  const events = await rec.count(4);
  assert.deepEqual(events.map((e) => [e.event_name, e.payload.agent_id]), [["agent.joined", "visitor"],
    ["channel.joined", "visitor"], ["channel.left", "visitor"], ["agent.left", "visitor"]]);
  assert.deepEqual(events[0].payload.metadata, { name: "V" });
  assert.equal(events[2].payload.reason, "left");
});

test("history pages backwards and forwards", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const log = alice.workspace().channel("log");
  await log.join();
  for (let i = 1; i <= 25; i++) await log.post(`line ${i}`);
  const newest = await log.history({ limit: 10 });
  assert.deepEqual(newest.events.map((e) => e.offset), [16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
  assert.ok(newest.hasMore);
  assert.equal(newest.firstOffset, 1);
  assert.equal(newest.lastOffset, 25);
  const older = await log.history({ before: 16, limit: 10 });
  assert.deepEqual(older.events.map((e) => e.payload.text), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((i) => `line ${i}`));
  const oldest = await log.history({ before: 6, limit: 10 });
  assert.deepEqual(oldest.events.map((e) => e.offset), [1, 2, 3, 4, 5]);
  assert.equal(oldest.hasMore, false);
  const forward = await log.history({ after: 20 });
  assert.deepEqual(forward.events.map((e) => e.offset), [21, 22, 23, 24, 25]);
  assert.equal(forward.hasMore, false);
  await rejects(log.history({ limit: 501 }), "rejected", "limit_exceeded");
});
