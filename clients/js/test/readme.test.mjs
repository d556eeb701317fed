// The ten-line TypeScript agent of the repository's README, run as written (only the port differs).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { AgentClient } from "workspace-client";
import { startServer } from "./support.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const README = path.resolve(HERE, "../../../README.md");
const SCRATCH = path.resolve(HERE, "../.test-tmp");

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  rmSync(SCRATCH, { recursive: true, force: true });
  await server?.stop();
});

test("the README's TypeScript agent runs", async () => {
  const text = readFileSync(README, "utf8");
  const section = text.slice(text.indexOf("## Python and TypeScript"));
  const code = /```ts\n([\s\S]*?)```/.exec(section)[1];
  assert.ok(code.split("\n").filter((l) => l.trim()).length <= 10);
  mkdirSync(SCRATCH, { recursive: true });
  const script = path.join(SCRATCH, "agent.mjs");
  writeFileSync(script, code.replace("ws://localhost:8700/ws", server.url));
  const bob = new AgentClient({ agentId: "bob", url: server.url });
  await bob.connect();
  await bob.workspace().channel("general").join();
  bob.on("agent.message", (e) => e.requires_response && bob.reply(e, "4"));
  try {
    const posted = bob.waitEvent((e) => e.event_name === "channel.message.posted", { timeout: 20_000 });
    const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 30_000 });
    assert.deepEqual(stdout.trim().split("\n"), ["4"]);
    const post = await posted;
    assert.deepEqual([post.source_id, post.payload.text], ["alice", "hello @bob"]);
  } finally {
    await bob.disconnect();
  }
});
