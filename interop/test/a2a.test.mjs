// The A2A face driven by the unmodified A2A JavaScript SDK (@a2a-js/sdk, pinned), against the real server jar and a
// Java host agent (examples' A2aTestHost, a real AgentClient). The same set runs once per binding: JSON-RPC v1.0,
// HTTP+JSON v1.0, and with the SDK's v0.3 compatibility on the transports and the card resolver (JSON-RPC, and
// HTTP+JSON under /v1/, which is what Agno uses), so that v0.3 is what goes on the wire.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  ClientFactory, ClientFactoryOptions, DefaultAgentCardResolver, JsonRpcTransportFactory, RestTransportFactory,
} from '@a2a-js/sdk/client';
import { Role, TaskState } from '@a2a-js/sdk';
import { TaskNotFoundError } from '@a2a-js/sdk/errors';
import { startServer, startPeer } from './support.mjs';

const HOST_ID = 'a2a-host';
let server;
let host;

before(async () => {
  server = await startServer();
  host = await startPeer(server.port, HOST_ID, 'dev.workspace.examples.A2aTestHost');
});

after(async () => {
  await host?.stop();
  await server?.stop();
});

/** A fetch that announces v0.3 on card requests, as a v0.3 client does. */
const legacyFetch = (url, init = {}) => fetch(url, { ...init, headers: { ...(init.headers ?? {}), 'A2A-Version': '0.3' } });

const MODES = [
  { name: 'JSON-RPC v1.0', legacy: false, binding: 'JSONRPC',
    options: () => ClientFactoryOptions.default },
  { name: 'HTTP+JSON v1.0', legacy: false, binding: 'HTTP+JSON',
    options: () => ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { preferredTransports: ['HTTP+JSON'] }) },
  { name: 'JSON-RPC v0.3 (legacy compatibility)', legacy: true, binding: 'JSONRPC',
    options: () => ({
      transports: [new JsonRpcTransportFactory({ legacyCompat: { enabled: true } }),
        new RestTransportFactory({ legacyCompat: { enabled: true } })],
      cardResolver: new DefaultAgentCardResolver({ legacyCompat: { enabled: true }, fetchImpl: legacyFetch }),
    }) },
  { name: 'HTTP+JSON v0.3 under /v1/ (legacy compatibility, as Agno)', legacy: true, binding: 'HTTP+JSON',
    options: () => ({
      transports: [new JsonRpcTransportFactory({ legacyCompat: { enabled: true } }),
        new RestTransportFactory({ legacyCompat: { enabled: true } })],
      cardResolver: new DefaultAgentCardResolver({ legacyCompat: { enabled: true }, fetchImpl: legacyFetch }),
      preferredTransports: ['HTTP+JSON'],
    }) },
];

function message(text, extra = {}) {
  return { messageId: randomUUID(), role: Role.ROLE_USER, parts: [{ content: { $case: 'text', value: text } }], ...extra };
}

function texts(msg) {
  return (msg?.parts ?? []).filter((p) => p.content?.$case === 'text').map((p) => p.content.value);
}

function kindOf(event) {
  const p = event.payload;
  if (p.$case === 'statusUpdate') {
    const data = (p.value.status?.message?.parts ?? []).filter((x) => x.content?.$case === 'data')
      .map((x) => x.content.value.type);
    return `status:${TaskState[p.value.status.state]}${data.length ? ':' + data.join(',') : ''}`;
  }
  if (p.$case === 'artifactUpdate') return `artifact:${texts(p.value.artifact).join('')}`;
  if (p.$case === 'task') return `task:${TaskState[p.value.status.state]}`;
  return p.$case;
}

for (const mode of MODES) {
  describe(`A2A ${mode.name}`, () => {
    let client;
    const agentUrl = () => `http://127.0.0.1:${server.port}/a2a/${HOST_ID}/`;

    before(async () => {
      client = await new ClientFactory(mode.options()).createFromUrl(agentUrl());
    });

    test('the card is resolved and says who the agent is', async () => {
      const resolver = new DefaultAgentCardResolver(mode.legacy
        ? { legacyCompat: { enabled: true }, fetchImpl: legacyFetch } : undefined);
      const card = await resolver.resolve(agentUrl());
      assert.equal(card.name, `Test host ${HOST_ID}`);
      assert.equal(card.description, 'a deterministic test host');
      assert.equal(card.version, '2.1.0');
      assert.equal(card.capabilities.streaming, true);
      assert.deepEqual(card.skills.map((s) => [s.id, s.name, s.description, [...s.tags]]),
        [['echo', 'Echo', 'says the text back', ['echo', 'test']]]);
      assert.deepEqual([...card.defaultInputModes], ['text/plain']);
      const url = `http://127.0.0.1:${server.port}/a2a/${HOST_ID}`;
      const interfaces = card.supportedInterfaces.map((i) => [i.url, i.protocolBinding, i.protocolVersion]);
      if (mode.legacy) {
        assert.deepEqual(interfaces, [[url, 'JSONRPC', '0.3.0'], [url, 'JSONRPC', '0.3'], [url, 'HTTP+JSON', '0.3']]);
      } else {
        assert.deepEqual(interfaces, [[url, 'JSONRPC', '1.0'], [url, 'HTTP+JSON', '1.0']]);
      }
      assert.equal(client.transport.protocolName ?? client.transport.base?.protocolName, mode.binding);
    });

    test('sendMessage round-trips text, and getTask returns the completed task', async () => {
      const task = await client.sendMessage({ message: message('echo hello there') });
      assert.equal(task.status.state, TaskState.TASK_STATE_COMPLETED);
      assert.deepEqual(texts(task.status.message), ['echo: hello there']);
      const seen = await host.waitForLine((l) => l.type === 'run' && l.run_id === task.id, 'the host to see the run');
      assert.equal(seen.text, 'echo hello there');
      assert.equal(seen.metadata.on_behalf_of, 'anonymous');
      assert.match(seen.caller, /^a2a\./);
      assert.equal(seen.session_id, `anonymous/${task.contextId}`);
      const again = await client.getTask({ id: task.id });
      assert.equal(again.id, task.id);
      assert.equal(again.contextId, task.contextId);
      assert.equal(again.status.state, TaskState.TASK_STATE_COMPLETED);
      assert.deepEqual(again.history.map((m) => [m.role, texts(m).join('')]),
        [[Role.ROLE_USER, 'echo hello there'], [Role.ROLE_AGENT, 'echo: hello there']]);
    });

    test('sendMessageStream yields the task, the tool call, the text chunks and the end, in order', async () => {
      const events = [];
      for await (const e of client.sendMessageStream({ message: message('stream cats') })) {
        events.push(e);
      }
      assert.deepEqual(events.map(kindOf), ['task:TASK_STATE_SUBMITTED', 'status:TASK_STATE_WORKING:tool_call',
        'status:TASK_STATE_WORKING:tool_result', 'artifact:found ', 'artifact:cats', 'status:TASK_STATE_COMPLETED']);
      const call = events[1].payload.value.status.message.parts[0].content.value;
      assert.equal(call.name, 'search');
      assert.deepEqual(call.args, { q: 'cats' });
      const first = events[3].payload.value;
      const second = events[4].payload.value;
      if (mode.name.startsWith('HTTP+JSON v0.3')) {
        // The SDK's v0.3 HTTP+JSON translation drops `append` (FromProto.taskArtifactUpdateEvent); the wire has it.
        assert.equal(second.append, false);
      } else {
        assert.equal(first.append, false);
        assert.equal(second.append, true);
      }
      assert.equal(first.artifact.artifactId, second.artifact.artifactId);
      assert.deepEqual(texts(events[5].payload.value.status.message), ['found cats']);
      const taskId = events[0].payload.value.id;
      for (const e of events.slice(1)) {
        assert.equal(e.payload.value.taskId, taskId);
      }
    });

    test('an input-required task is continued with a second message and completes', async () => {
      const asked = await client.sendMessage({ message: message('ask') });
      assert.equal(asked.status.state, TaskState.TASK_STATE_INPUT_REQUIRED);
      assert.deepEqual(texts(asked.status.message), ['Which format?']);
      const done = await client.sendMessage({
        message: message('bullets', { taskId: asked.id, contextId: asked.contextId }),
      });
      assert.equal(done.id, asked.id);
      assert.equal(done.status.state, TaskState.TASK_STATE_COMPLETED);
      assert.deepEqual(texts(done.status.message), ['format: bullets']);
    });

    test('cancelTask gives CANCELED and the host saw run.cancel; a second cancel gives the same', async () => {
      const stream = client.sendMessageStream({ message: message('wait') });
      const first = (await stream.next()).value;
      const taskId = first.payload.value.id;
      await stream.return();
      await host.waitForLine((l) => l.type === 'run' && l.run_id === taskId, 'the host to see the run');
      const canceled = await client.cancelTask({ id: taskId });
      assert.equal(canceled.id, taskId);
      assert.equal(canceled.status.state, TaskState.TASK_STATE_CANCELED);
      await host.waitForLine((l) => l.type === 'cancel' && l.run_id === taskId, 'the host to see run.cancel');
      assert.equal(host.linesWhere((l) => l.type === 'cancel' && l.run_id === taskId).length, 1);
      const again = await client.cancelTask({ id: taskId });
      assert.equal(again.status.state, TaskState.TASK_STATE_CANCELED);
    });

    test('an unknown task raises the SDK\'s task-not-found error', async () => {
      await assert.rejects(client.getTask({ id: 'no-such-task' }), (e) => e instanceof TaskNotFoundError);
    });

    if (!mode.legacy) {
      test('listTasks by context returns the context\'s tasks, newest first', async () => {
        const contextId = randomUUID();
        const one = await client.sendMessage({ message: message('echo one', { contextId }) });
        const two = await client.sendMessage({ message: message('echo two', { contextId }) });
        const list = await client.listTasks({ contextId });
        assert.deepEqual(list.tasks.map((t) => t.id), [two.id, one.id]);
        assert.ok(list.tasks.every((t) => t.contextId === contextId));
      });
    }
  });
}
