// Runs against a real server: remote agents called as if local, progress, questions, approvals, cancel, pools,
// failures and cards, with this client's host side on the other end.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AgentClient, WorkspaceError } from "workspace-client";
import { startServer, workspaceName } from "./support.mjs";

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

test("run() resolves with the result; progress is not sent unasked", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob");
  const seen = [];
  bob.on("agent.task", (e) => seen.push(e));
  bob.host(async (run) => {
    await run.thinking("hmm");
    return `done: ${run.text} for ${run.caller}`;
  });
  const result = await alice.remoteAgent("bob").run("sum 1 2");
  assert.equal(result.text, "done: sum 1 2 for alice");
  assert.equal(result.agentId, "bob");
  assert.equal(result.event.event_name, "run.completed");
  assert.equal(result.payload.seq, 1);
  const state = await alice.getRun(result.runId);
  assert.equal(state.state, "completed");
  assert.deepEqual(seen, []);
});

test("start() streams progress in order, then the result", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob");
  bob.host(async (run) => {
    await run.thinking("planning");
    const call = await run.toolCall("search", { q: run.text });
    await run.toolResult(call, ["a", "b"]);
    await run.textChunk("the answer is 42");
    await run.complete({ text: "the answer is 42", data: { n: 42 } });
  });
  const run = alice.remoteAgent("bob").start("what?");
  const events = [];
  for await (const e of run) events.push(e);
  assert.deepEqual(events.map((e) => e.event_name), ["run.progress.thinking", "run.progress.tool_call",
    "run.progress.tool_result", "run.progress.text"]);
  assert.deepEqual(events.map((e) => e.payload.seq), [1, 2, 3, 4]);
  const result = await run.result();
  assert.deepEqual([result.text, result.payload.data, run.state], ["the answer is 42", { n: 42 }, "completed"]);
});

test("questions are answered, and a session approval answers the next one", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob");
  bob.host(async (run) => {
    const colour = await run.askUser("which colour?", ["red", "blue"]);
    const approval = await run.requestApproval("deploy", { env: "prod" });
    return `${colour.answer}, approved=${approval.approved} (${approval.scope})`;
  });
  const agent = alice.remoteAgent("bob").session("s1");
  const run = agent.start("paint");
  const answers = [["respond", "blue"], ["approve", "session"]];
  for await (const e of run) {
    assert.equal(e.event_name, "run.input_required");
    assert.equal(run.pendingInput, e);
    const [how, value] = answers.shift();
    await (how === "respond" ? run.respond(value) : run.approve(value));
  }
  assert.equal((await run.result()).text, "blue, approved=true (session)");
  const second = agent.start("again");
  const kinds = [];
  for await (const e of second) {
    kinds.push(e.payload.kind);
    await second.respond("red");
  }
  assert.deepEqual(kinds, ["ask_user"]);
  assert.equal((await second.result()).text, "red, approved=true (session)");
});

test("cancel ends the run canceled", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob");
  let started;
  const hosted = new Promise((r) => (started = r));
  bob.host((run) => {
    run.onCancel(() => void run.canceled("asked to"));
    started();
  });
  const run = alice.remoteAgent("bob").start("long job");
  await hosted;
  assert.equal(await run.cancel(), true);
  await rejects(run.result(), "canceled");
  assert.equal(run.state, "canceled");
});

test("failures, absent agents and a host that goes away", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob");
  bob.host((run) => {
    if (run.text === "boom") throw new Error("it broke");
    return undefined;
  });
  await rejects(alice.remoteAgent("bob").run("boom"), "failed", "handler_error");
  await rejects(alice.remoteAgent("nobody").run("hello?"), "not_found");
  await rejects(alice.pool("nobody-serves").run("x"), "not_found");
  const run = alice.remoteAgent("bob").start("never answered");
  assert.equal(await run.accepted(), "bob");
  await bob.disconnect();
  await rejects(run.result(), "unavailable", "agent_disconnected");
});

test("a pool spreads runs over its members; sessions keep memory", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  for (const id of ["w1", "w2"]) {
    const w = await connect(ws, id, { metadata: { capabilities: ["sum"] } });
    w.host((run) => {
      run.session.count = (run.session.count ?? 0) + 1;
      const total = run.text.split(" ").reduce((a, b) => a + Number(b), 0);
      return { text: String(total), by: id, count: run.session.count };
    });
  }
  const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => alice.pool("sum").run(`${i} ${i}`)));
  assert.deepEqual(results.map((r) => r.text), ["0", "2", "4", "6", "8", "10"]);
  assert.deepEqual([...new Set(results.map((r) => r.agentId))].sort(), ["w1", "w2"]);
  assert.ok(results.every((r) => r.payload.by === r.agentId));
  const w1 = alice.remoteAgent("w1", { sessionId: "chat" });
  const counts = [];
  for (let i = 0; i < 3; i++) counts.push((await w1.run("1 1")).payload.count);
  assert.deepEqual(counts, [1, 2, 3]);
});

test("config is cached and dropped on agent.updated", async () => {
  const ws = workspaceName();
  const alice = await connect(ws, "alice");
  const bob = await connect(ws, "bob", { metadata: { name: "Bob" } });
  const remote = alice.remoteAgent("bob");
  const card = await remote.config();
  assert.equal(card.metadata.name, "Bob");
  assert.equal(await remote.config(), card);
  await bob.updateMetadata({ name: "Robert" });
  await alice.waitEvent((e) => e.event_name === "agent.updated", { timeout: 10_000 });
  assert.equal((await remote.config()).metadata.name, "Robert");
  await rejects(alice.pool("sum").config(), "invalid");
});
