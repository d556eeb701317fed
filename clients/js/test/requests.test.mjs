// Request/response, wildcard handlers, waiting for events, event iterators and typed errors.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AgentClient, WorkspaceError } from "workspace-client";
import { Recorder, freePort, settle, startServer, workspaceName } from "./support.mjs";

let server;
const clients = [];

before(async () => {
  server = await startServer();
});
after(async () => {
  await Promise.all(clients.map((c) => c.disconnect()));
  await server?.stop();
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

function answerRequests(client) {
  return client.on("agent.message", (e) => {
    if (e.requires_response) void client.reply(e, `answer to ${e.payload.text}`);
  }).ready;
}

test("sendAndWait gets the correlated reply, which no handler sees", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const everything = new Recorder();
  alice.on("*", everything.handler);
  const bob = await connect(ws, "bob");
  // Bob's arrival reaches alice on her own connection, in no fixed order with bob's connect: wait for it.
  await everything.until((es) => es.some((e) => e.event_name === "agent.joined" && e.source_id === "bob"));
  everything.events.length = 0;
  await answerRequests(bob);
  await bob.workspace().agent("alice").send("unrelated, first");
  const reply = await alice.workspace().agent("bob").sendAndWait("what is 2+2?", { timeout: 10_000 });
  assert.equal(reply.event_name, "agent.response");
  assert.equal(reply.source_id, "bob");
  assert.equal(reply.payload.text, "answer to what is 2+2?");
  const many = await Promise.all([...Array(20).keys()].map((i) =>
    alice.workspace().agent("bob").sendAndWait(`q${i}`, { timeout: 10_000 })));
  assert.deepEqual(many.map((r) => r.payload.text), [...Array(20).keys()].map((i) => `answer to q${i}`));
  await bob.workspace().agent("alice").send("marker");
  await everything.until((es) => es.at(-1)?.payload.text === "marker");
  assert.deepEqual(everything.texts(), ["unrelated, first", "marker"]);
});

test("sendAndWait times out, and fails at once for an absent agent", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  await connect(ws, "silent");
  let started = Date.now();
  await assert.rejects(alice.workspace().agent("silent").sendAndWait("anyone?", { timeout: 500 }), (e) => {
    assert.equal(e.kind, "timeout");
    assert.match(e.message, /no reply from agent:silent within 500 ms/);
    return true;
  });
  assert.ok(Date.now() - started >= 495);
  started = Date.now();
  await rejects(alice.workspace().agent("gone").sendAndWait("hello?", { timeout: 30_000 }), "not_found");
  assert.ok(Date.now() - started < 10_000);
});

test("wildcard handlers receive exactly what they match", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob");
  const patterns = ["channel.message.*", "channel.>", "*.message.*", "agent.message", "team.*", "*"];
  const recs = Object.fromEntries(patterns.map((p) => [p, new Recorder()]));
  for (const p of patterns) await bob.on(p, recs[p].handler).ready;
  const both = new Recorder();
  await bob.on(["agent.message", "agent.>"], both.handler).ready;
  for (const c of [alice, bob]) await c.workspace().channel("general").join();
  await alice.workspace().channel("general").post("post");
  await alice.workspace().agent("bob").send("direct");
  await alice.sendEvent({ event_name: "team.update", destination_id: "agent:bob", payload: { text: "team" } });
  await alice.sendEvent({ event_name: "team.update.deep", destination_id: "agent:bob", payload: { text: "deep" } });
  await alice.workspace().broadcast("broadcast");
  await alice.workspace().agent("bob").send("end");
  await recs["*"].until((es) => es.at(-1)?.payload.text === "end");
  const got = Object.fromEntries(patterns.map((p) => [p, recs[p].texts()]));
  assert.deepEqual(got, {
    "channel.message.*": ["post"],
    "channel.>": ["post"],
    "*.message.*": ["post"],
    "agent.message": ["direct", "end"],
    "team.*": ["team"],
    "*": ["post", "direct", "team", "deep", "broadcast", "end"],
  });
  assert.deepEqual(both.texts(), ["direct", "broadcast", "end"]);
});

test("an unsubscribed handler gets nothing more; handler patterns are subscribed on the server", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob", { subscriptions: [] });
  const first = new Recorder();
  const off = bob.on("agent.message", first.handler);
  await off.ready;
  const last = new Recorder();
  bob.on("agent.message", last.handler);
  await alice.sendEvent({ event_name: "other.thing", destination_id: "agent:bob", payload: { text: "filtered" } });
  await alice.workspace().agent("bob").send("one");
  await last.count(1);
  await off();
  await alice.workspace().agent("bob").send("two");
  await last.count(2);
  assert.deepEqual(first.texts(), ["one"]);
  assert.deepEqual(last.texts(), ["one", "two"]);
  assert.deepEqual(await bob.subscribe("other.*"), ["agent.message", "other.*"]);
  await alice.sendEvent({ event_name: "other.thing", destination_id: "agent:bob", payload: { text: "now" } });
  const other = await bob.waitEvent((e) => e.event_name === "other.thing", { timeout: 10_000 });
  assert.equal(other.payload.text, "now");
});

test("waitEvent sees an answer that came before the wait started", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob");
  await bob.on("agent.message", (e) => bob.workspace().agent(e.source_id).send(`echo: ${e.payload.text}`)).ready;
  for (let i = 0; i < 20; i++) {
    await alice.workspace().agent("bob").send(`ping ${i}`);
    if (i % 5 === 0) await new Promise((r) => setTimeout(r, 20));
    const answer = await alice.waitEvent((e) => e.payload.text === `echo: ping ${i}`, { timeout: 10_000 });
    assert.equal(answer.source_id, "bob");
  }
  await rejects(alice.waitEvent((e) => e.payload.text === "never", { timeout: 200 }), "timeout");
});

test("events() iterates the matching events until it is left", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob");
  await bob.workspace().channel("general").join();
  await alice.workspace().channel("general").join();
  const stream = bob.events("channel.message.*");
  for (let i = 0; i < 3; i++) await alice.workspace().channel("general").post(`m${i}`);
  await alice.workspace().agent("bob").send("not a channel message");
  const got = [];
  for await (const e of stream) {
    got.push(e.payload.text);
    if (got.length === 3) break;
  }
  assert.deepEqual(got, ["m0", "m1", "m2"]);
  assert.deepEqual(await stream.next(), { value: undefined, done: true });
});

test("typed errors", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice", { autoJoin: false });
  await rejects(alice.sendEvent({ event_name: "Bad Name", destination_id: "agent:bob" }), "invalid", "invalid_name");
  await rejects(alice.sendEvent({ event_name: "agent.message", destination_id: "group:x" }), "invalid",
    "invalid_destination");
  await rejects(alice.sendEvent({ event_name: "channel.joined", destination_id: "agent:broadcast" }), "rejected",
    "forbidden");
  await rejects(alice.workspace().channel("never-joined").post("x"), "rejected", "not_member");
  await rejects(alice.subscribe("a..b"), "invalid", "invalid_pattern");
  await rejects(alice.connect(), "invalid");
  const nowhere = new AgentClient({ agentId: "nowhere", workspace: ws, requestTimeoutMs: 2000 });
  await rejects(nowhere.connect(`ws://127.0.0.1:${await freePort()}/ws`), "unavailable");
  await rejects(nowhere.listAgents(), "disconnected");
  assert.throws(() => new AgentClient({ agentId: "system" }), (e) => e instanceof WorkspaceError && e.kind === "invalid");
  await alice.disconnect();
  await rejects(alice.workspace().channel("general").post("after the end"), "disconnected");
});
