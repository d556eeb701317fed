// Real parts for the interop tests: the server jar on a free loopback port, and a Java AgentClient peer.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVER_JAR = process.env.WORKSPACE_SERVER_JAR
  ?? path.join(ROOT, 'workspace-server', 'target', 'workspace-server-0.1.0-SNAPSHOT.jar');
const EXAMPLES = path.join(ROOT, 'examples', 'target');
// A JVM start on a loaded 2-core machine (the suites run side by side) can pass a minute; this waits on its line.
const START_TIMEOUT_MS = 120_000;

/** @returns {Promise<number>} a port that was free on 127.0.0.1 a moment ago */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Lines of a child's stream, kept, with waiters on a predicate. */
class Lines {
  constructor(stream, parse) {
    this.items = [];
    this.waiters = [];
    createInterface({ input: stream }).on('line', (line) => {
      let item;
      try {
        item = parse(line);
      } catch {
        return;
      }
      if (item === undefined) return;
      this.items.push(item);
      for (const w of [...this.waiters]) {
        if (w.predicate(item)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          clearTimeout(w.timer);
          w.resolve(item);
        }
      }
    });
  }

  /** Resolves with the first line (already seen or to come) that matches. */
  waitFor(predicate, what, timeoutMs = 30_000) {
    const seen = this.items.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { predicate, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  filter(predicate) {
    return this.items.filter(predicate);
  }
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/**
 * Starts the server jar on a free loopback port.
 * @param {string[]} args more server flags
 */
export async function startServer(args = []) {
  const port = await freePort();
  const child = spawn('java', ['-jar', SERVER_JAR, '--host', '127.0.0.1', '--port', String(port), '--instances', '2',
    ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new Lines(child.stderr, (l) => l);
  child.stdout.resume();
  const exited = new Promise((_, reject) => child.once('exit', (code) =>
    reject(new Error(`server exited with ${code}:\n${log.items.join('\n')}`))));
  await Promise.race([log.waitFor((l) => l.includes('listening on'), 'the server to listen', START_TIMEOUT_MS), exited]);
  exited.catch(() => {});
  return { port, url: `http://127.0.0.1:${port}/mcp`, log, stop: () => stopChild(child) };
}

/**
 * Starts a Java peer (a real AgentClient: InteropPeer by default, or another class of examples/src/test) and waits
 * until it prints {"type":"ready"} (InteropPeer: once it sits in #general).
 * @param {number} port the server's port
 * @param {string} agentId the peer's agent id
 * @param {string} mainClass the peer's class
 */
export async function startPeer(port, agentId, mainClass = 'dev.workspace.examples.InteropPeer') {
  const cp = [path.join(EXAMPLES, 'test-classes'), path.join(EXAMPLES, 'classes'), path.join(EXAMPLES, 'lib', '*')]
    .join(path.delimiter);
  const child = spawn('java', ['-cp', cp, mainClass, '127.0.0.1', String(port), agentId],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = new Lines(child.stderr, (l) => l);
  const lines = new Lines(child.stdout, (l) => JSON.parse(l));
  const exited = new Promise((_, reject) => child.once('exit', (code) =>
    reject(new Error(`peer exited with ${code}:\n${stderr.items.join('\n')}`))));
  await Promise.race([lines.waitFor((m) => m.type === 'ready', 'the peer to be ready', START_TIMEOUT_MS), exited]);
  exited.catch(() => {});
  return {
    lines,
    send: (cmd) => child.stdin.write(JSON.stringify(cmd) + '\n'),
    events: (predicate) => lines.filter((m) => m.type === 'event' && predicate(m.event)).map((m) => m.event),
    waitForLine: (predicate, what, timeoutMs) => lines.waitFor(predicate, what, timeoutMs),
    linesWhere: (predicate) => lines.filter(predicate),
    waitForEvent: (predicate, what, timeoutMs) =>
      lines.waitFor((m) => m.type === 'event' && predicate(m.event), what, timeoutMs).then((m) => m.event),
    stop: () => stopChild(child),
  };
}

/**
 * Starts a real redis-server on a free loopback port, without persistence.
 * @returns {Promise<{port: number, stop: () => Promise<void>}>}
 */
export async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new Lines(child.stdout, (l) => l);
  child.stderr.resume();
  const exited = new Promise((_, reject) => child.once('exit', (code) =>
    reject(new Error(`redis-server exited with ${code}:\n${log.items.join('\n')}`))));
  await Promise.race([log.waitFor((l) => l.includes('Ready to accept connections'), 'redis-server to be ready',
    START_TIMEOUT_MS), exited]);
  exited.catch(() => {});
  return { port, stop: () => stopChild(child) };
}
