// What the tests share: a real server process on a free loopback port, tokens, a TCP proxy that can cut every
// connection through it, and a recorder of delivered events.
import { spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const SERVER_JAR = process.env.WORKSPACE_SERVER_JAR
  ?? path.join(ROOT, "workspace-server/target/workspace-server-0.1.0-SNAPSHOT.jar");

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function healthy(port, proc, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline && proc.exitCode === null) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Starts the real server with in-memory state; `stop()` ends it. */
export async function startServer(args = [], env = {}) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const log = createWriteStream(path.join(process.env.WORKSPACE_TEST_LOG_DIR ?? tmpdir(), `workspace-js-${port}.log`));
    const proc = spawn("java", ["-jar", SERVER_JAR, "--host", "127.0.0.1", "--port", String(port), "--instances", "1",
      ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    proc.stdout.pipe(log);
    proc.stderr.pipe(log);
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    const stop = async () => {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        const t = setTimeout(() => proc.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(t);
      }
    };
    if (await healthy(port, proc, 60_000)) {
      return { port, url: `ws://127.0.0.1:${port}/ws`, stop };
    }
    await stop();
  }
  throw new Error("the server did not start");
}

export const JWT_SECRET = randomBytes(32).toString("hex");

/** An HS256 token as the server expects it. */
export function mintToken(agent, workspace, { ttl = 3600, secret = JWT_SECRET } = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: agent, ws: workspace,
    exp: Math.floor(Date.now() / 1000) + ttl })}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

let counter = 0;
/** A workspace of the test's own, so that nothing of another test reaches it. */
export function workspaceName() {
  return `js${process.pid}x${++counter}${randomBytes(3).toString("hex")}`;
}

/** A TCP proxy in front of the server: `cut()` closes every connection at once; `refusing` closes new ones. */
export class Proxy {
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.refusing = false;
    this.accepted = 0;
    this.sockets = new Set();
  }

  start() {
    this.server = net.createServer((client) => {
      if (this.refusing) {
        client.destroy();
        return;
      }
      this.accepted++;
      const upstream = net.connect(this.targetPort, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("error", () => undefined);
        s.on("close", () => this.sockets.delete(s));
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    return new Promise((resolve) => this.server.listen(0, "127.0.0.1", () => {
      this.port = this.server.address().port;
      this.url = `ws://127.0.0.1:${this.port}/ws`;
      resolve(this);
    }));
  }

  cut() {
    for (const s of this.sockets) s.resetAndDestroy ? s.resetAndDestroy() : s.destroy();
    this.sockets.clear();
  }

  stop() {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Records delivered events in order; `until(condition)` waits for a condition on them. */
export class Recorder {
  constructor() {
    this.events = [];
    this.waiters = [];
    this.handler = (e) => {
      this.events.push(e);
      for (const w of [...this.waiters]) {
        if (w.condition(this.events)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          clearTimeout(w.timer);
          w.resolve([...this.events]);
        }
      }
    };
  }

  until(condition, timeout = 10_000) {
    if (condition(this.events)) return Promise.resolve([...this.events]);
    return new Promise((resolve, reject) => {
      const w = { condition, resolve, timer: setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`recorder: condition not met within ${timeout} ms; got ${JSON.stringify(this.texts())}`));
      }, timeout) };
      this.waiters.push(w);
    });
  }

  count(n, timeout) {
    return this.until((es) => es.length >= n, timeout);
  }

  texts() {
    return this.events.map((e) => e.payload?.text);
  }
}

/** Lifecycle events of a client, with a wait for the n-th of a type. */
export class Lifecycle extends Recorder {
  constructor(client) {
    super();
    client.onLifecycle(this.handler);
  }

  of(type, n = 1, timeout = 20_000) {
    return this.until((es) => es.filter((e) => e.type === type).length >= n, timeout)
      .then((es) => es.filter((e) => e.type === type));
  }
}

/** A round trip through each client's session: every frame the server sent before it has been handled. */
export async function settle(...clients) {
  for (const c of clients) await c.listAgents();
}
