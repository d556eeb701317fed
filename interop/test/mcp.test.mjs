// The MCP face driven by the unmodified @modelcontextprotocol/sdk client, beside a Java AgentClient peer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startPeer, startServer } from './support.mjs';

const TOOLS = ['list_agents', 'list_channels', 'join_channel', 'leave_channel', 'channel_members', 'post',
  'read_channel', 'send_direct', 'wait_for_events', 'reply', 'ask_agent', 'get_run', 'answer', 'cancel_run'];

describe('MCP face with the MCP SDK client', () => {
  let server;
  let peer;
  let client;
  let transport;
  let agentId;

  before(async () => {
    server = await startServer();
    peer = await startPeer(server.port, 'peer');
    transport = new StreamableHTTPClientTransport(new URL(server.url));
    client = new Client({ name: 'interop', version: '1.0.0' });
    await client.connect(transport);
    const listed = await client.callTool({ name: 'list_agents', arguments: {} });
    agentId = listed.structuredContent.agents.map((a) => a.agent_id).find((id) => id.startsWith('mcp-interop-'));
  });

  after(async () => {
    await client?.close();
    await peer?.stop();
    await server?.stop();
  });

  test('initialize gives a session, and the agent is a member of the workspace', async () => {
    assert.match(transport.sessionId, /^[0-9a-f-]{36}$/);
    assert.equal(client.getServerVersion().name, 'workspace');
    assert.ok(client.getServerCapabilities().tools);
    assert.ok(client.getServerCapabilities().logging);
    assert.match(agentId, /^mcp-interop-[0-9a-f]{4}$/);
    const joined = await peer.waitForEvent((e) => e.event_name === 'agent.joined' && e.payload.agent_id === agentId,
      'agent.joined of the MCP agent');
    assert.equal(joined.payload.metadata.name, 'interop');
    assert.equal(joined.payload.metadata.client, 'mcp');
  });

  test('tools/list has every tool, each with a description and an object schema', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [...TOOLS].sort());
    for (const t of tools) {
      assert.ok(t.description.length > 10, t.name);
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.equal(typeof t.inputSchema.properties, 'object', t.name);
    }
    const post = tools.find((t) => t.name === 'post');
    assert.deepEqual(post.inputSchema.required, ['channel', 'text']);
  });

  test('post is received by the Java AgentClient in the channel, once', async () => {
    const joined = await client.callTool({ name: 'join_channel', arguments: { channel: 'general' } });
    assert.equal(joined.isError, undefined);
    const posted = await client.callTool({ name: 'post', arguments: { channel: 'general', text: 'hello from mcp' } });
    assert.equal(posted.isError, undefined);
    const eventId = posted.structuredContent.event_id;
    const got = await peer.waitForEvent((e) => e.event_id === eventId, 'the post at the peer');
    assert.equal(got.event_name, 'channel.message.posted');
    assert.equal(got.source_id, agentId);
    assert.equal(got.destination_id, 'channel:general');
    assert.equal(got.payload.text, 'hello from mcp');
    assert.equal(peer.events((e) => e.event_name === 'channel.message.posted' && e.source_id === agentId).length, 1);
  });

  test('wait_for_events returns a mention from the Java agent', async () => {
    const waiting = client.callTool({ name: 'wait_for_events',
      arguments: { patterns: ['channel.message.mentioned'], timeout_s: 30 } });
    peer.send({ cmd: 'post', channel: 'general', text: `@${agentId} are you there?` });
    const got = await waiting;
    assert.equal(got.isError, undefined);
    const events = got.structuredContent.events.map((e) => e.event);
    assert.equal(events.length, 1, JSON.stringify(got.structuredContent));
    assert.equal(events[0].event_name, 'channel.message.mentioned');
    assert.equal(events[0].source_id, 'peer');
    assert.equal(events[0].payload.channel, 'general');
    assert.equal(events[0].payload.text, `@${agentId} are you there?`);
    assert.ok(got.structuredContent.cursor >= 1);
    assert.match(got.content[0].text, /mentions you/);
  });

  test('ask_agent streams progress notifications and then the final text', async () => {
    const progress = [];
    const result = await client.callTool({ name: 'ask_agent', arguments: { agent: 'peer', text: 'what is 2+2' } },
      undefined, { onprogress: (p) => progress.push(p), timeout: 55_000 });
    assert.equal(result.isError, undefined);
    assert.equal(result.structuredContent.state, 'completed');
    assert.equal(result.structuredContent.result.text, 'answer: what is 2+2');
    assert.match(result.content[0].text, /answer: what is 2\+2/);
    assert.deepEqual(progress.map((p) => p.progress), [1, 2]);
    assert.deepEqual(progress.map((p) => p.message), ['thinking: thinking about what is 2+2', 'tool_call: search']);
    const request = await peer.lines.waitFor((m) => m.type === 'request' && m.text === 'what is 2+2', 'the request');
    assert.equal(request.run_id, result.structuredContent.run_id);
    assert.equal(request.from, agentId);
    const run = await client.callTool({ name: 'get_run', arguments: { run_id: request.run_id } });
    assert.equal(run.isError, undefined, JSON.stringify(run));
    assert.equal(run.structuredContent.state, 'completed');
    assert.equal(run.structuredContent.requester, agentId);
    assert.equal(run.structuredContent.target, 'peer');
    assert.deepEqual(run.structuredContent.events.map((e) => e.event_name),
      ['run.progress.thinking', 'run.progress.tool_call', 'agent.response']);
  });

  test('a question of the host is answered with answer, and the run ends', async () => {
    const asked = await client.callTool({ name: 'ask_agent', arguments: { agent: 'peer', text: 'question please' } });
    assert.equal(asked.structuredContent.state, 'input_required', JSON.stringify(asked));
    assert.equal(asked.structuredContent.input_required.text, 'which color?');
    assert.deepEqual(asked.structuredContent.input_required.options, ['red', 'blue']);
    assert.match(asked.content[0].text, /which color\?/);
    const done = await client.callTool({ name: 'answer',
      arguments: { run_id: asked.structuredContent.run_id, answer: 'blue' } });
    assert.equal(done.structuredContent.state, 'completed', JSON.stringify(done));
    assert.equal(done.structuredContent.result.text, 'you chose blue');
  });

  test('aborting an ask_agent call makes the host see run.cancel', async () => {
    const abort = new AbortController();
    const call = client.callTool({ name: 'ask_agent', arguments: { agent: 'peer', text: 'wait for a cancel' } },
      undefined, { signal: abort.signal, onprogress: () => abort.abort('stop') });
    await assert.rejects(call);
    const request = await peer.lines.waitFor((m) => m.type === 'request' && m.text === 'wait for a cancel',
      'the request at the host');
    const cancel = await peer.lines.waitFor((m) => m.type === 'cancel', 'run.cancel at the host');
    assert.equal(cancel.run_id, request.run_id);
    assert.equal(cancel.from, agentId);
    const ended = await client.callTool({ name: 'wait_for_events',
      arguments: { patterns: ['run.canceled'], timeout_s: 30 } });
    const events = ended.structuredContent.events.map((e) => e.event);
    assert.equal(events.length, 1, JSON.stringify(ended.structuredContent));
    assert.equal(events[0].response_to, request.run_id);
    const run = await client.callTool({ name: 'get_run', arguments: { run_id: request.run_id } });
    assert.equal(run.structuredContent.state, 'canceled');
    assert.equal(run.structuredContent.target, 'peer');
  });

  test('a rebinding Host gets 403 with a JSON-RPC error', async () => {
    const { status, body } = await rawPost(server.port, { Host: 'evil.example.com', Origin: 'http://evil.example.com' },
      { jsonrpc: '2.0', id: 1, method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'evil', version: '1' } } });
    assert.equal(status, 403);
    assert.equal(body.error.code, -32000);
    assert.match(body.error.message, /Host/);
  });

  test('after terminateSession a call with the old session gets 404', async () => {
    const other = new StreamableHTTPClientTransport(new URL(server.url));
    const second = new Client({ name: 'short-lived', version: '1.0.0' });
    await second.connect(other);
    const sessionId = other.sessionId;
    await other.terminateSession();
    await second.close();
    const stale = new StreamableHTTPClientTransport(new URL(server.url), { sessionId });
    const again = new Client({ name: 'short-lived', version: '1.0.0' });
    await again.connect(stale);
    await assert.rejects(again.listTools(), (e) => e.code === 404 && /Session not found/.test(e.message));
    await again.close();
  });
});

function rawPost(port, headers, message) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/mcp', method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
    (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(data) }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(message));
  });
}
