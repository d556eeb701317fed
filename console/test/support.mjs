// Real parts for the console's browser test: redis-server and server jars on free loopback ports, the Java
// ConsolePeer (a real AgentClient) driven over stdin/stdout, and headless Chromium from Debian's package.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVER_JAR = process.env.WORKSPACE_SERVER_JAR
  ?? path.join(ROOT, 'workspace-server', 'target', 'workspace-server-0.1.0-SNAPSHOT.jar');
const EXAMPLES = path.join(ROOT, 'examples', 'target');
const START_TIMEOUT_MS = 60_000;

/** The flags Chromium runs with here: headless, no sandbox (containers), nothing that phones home. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

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
export class Lines {
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

  /** Resolves with the first line after `from` (already seen or to come) that matches. */
  waitFor(predicate, what, timeoutMs = 30_000, from = 0) {
    const seen = this.items.slice(from).find(predicate);
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
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

function exitedWith(child, log) {
  const exited = new Promise((_, reject) => child.once('exit', (code) =>
    reject(new Error(`${child.spawnargs[0]} exited with ${code}:\n${log.items.slice(-30).join('\n')}`))));
  exited.catch(() => {});
  return exited;
}

/** Starts redis-server on a free loopback port, without persistence. */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'console-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'no', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new Lines(child.stdout, (l) => l);
  child.stderr.resume();
  await Promise.race([log.waitFor((l) => l.includes('Ready to accept connections'), 'redis-server to start',
    START_TIMEOUT_MS), exitedWith(child, log)]);
  return { port, uri: `redis://127.0.0.1:${port}`, stop: async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  } };
}

/**
 * Starts the server jar on `port` (a free one when absent) and waits until it listens.
 * @param {string[]} args more server flags
 * @param {number} [port] the port
 * @param {Record<string, string>} [env] more environment variables
 */
export async function startServer(args = [], port = undefined, env = {}) {
  const p = port ?? await freePort();
  const child = spawn('java', ['-jar', SERVER_JAR, '--host', '127.0.0.1', '--port', String(p), '--instances', '1',
    ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const log = new Lines(child.stderr, (l) => l);
  child.stdout.resume();
  await Promise.race([log.waitFor((l) => l.includes('listening on'), 'the server to listen', START_TIMEOUT_MS),
    exitedWith(child, log)]);
  return { port: p, base: `http://127.0.0.1:${p}`, log, stop: () => stopChild(child) };
}

/**
 * Starts the Java peer (a real AgentClient, see ConsolePeer) and waits until it sits in #general.
 * @param {number} port the server's port
 * @param {string} agentId the peer's agent id
 */
export async function startPeer(port, agentId) {
  const cp = [path.join(EXAMPLES, 'test-classes'), path.join(EXAMPLES, 'classes'), path.join(EXAMPLES, 'lib', '*')]
    .join(path.delimiter);
  const child = spawn('java', ['-cp', cp, 'dev.workspace.examples.ConsolePeer', '127.0.0.1', String(port), agentId],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = new Lines(child.stderr, (l) => l);
  const lines = new Lines(child.stdout, (l) => JSON.parse(l));
  await Promise.race([lines.waitFor((m) => m.type === 'ready', 'the peer to be ready', START_TIMEOUT_MS),
    exitedWith(child, stderr)]);
  const send = (cmd) => child.stdin.write(JSON.stringify(cmd) + '\n');
  return {
    lines,
    send,
    /** Posts to a channel and resolves once the server acknowledged the post. */
    async post(channel, text) {
      const from = lines.items.length;
      send({ cmd: 'post', channel, text });
      await lines.waitFor((m) => (m.type === 'posted' && m.text === text) || m.type === 'error',
        `the peer's post '${text}'`, 30_000, from).then((m) => {
        if (m.type === 'error') throw new Error(m.message);
      });
    },
    events: (predicate) => lines.filter((m) => m.type === 'event' && predicate(m.event)).map((m) => m.event),
    waitForEvent: (predicate, what, timeoutMs) =>
      lines.waitFor((m) => m.type === 'event' && predicate(m.event), what, timeoutMs).then((m) => m.event),
    waitFor: (predicate, what, timeoutMs) => lines.waitFor(predicate, what, timeoutMs),
    stop: () => stopChild(child),
  };
}

/** Launches Debian's Chromium headless with a fresh profile; `close()` also removes the profile. */
export async function launchBrowser() {
  const profile = mkdtempSync(path.join(tmpdir(), 'console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS,
    viewport: { width: 1400, height: 860 },
  });
  return { context, close: async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  } };
}

/** An HS256 token (JWT) for `agent` in `workspace`, valid for an hour, signed with `secret`. */
export function mintToken(secret, agent, workspace) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: agent, ws: workspace,
    exp: Math.floor(Date.now() / 1000) + 3600 })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
