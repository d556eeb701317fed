// The A2A face in a two-node cluster: two server jars on one real redis-server. A task sent to node A for an agent
// connected to node B works, and GetTask answers for it on both nodes (node B reads it from the run tracker).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ClientFactory } from '@a2a-js/sdk/client';
import { Role, TaskState } from '@a2a-js/sdk';
import { TaskNotFoundError } from '@a2a-js/sdk/errors';
import { startServer, startPeer, startRedis } from './support.mjs';

const HOST_ID = 'cluster-host';
let redis;
let nodeA;
let nodeB;
let host;

before(async () => {
  redis = await startRedis();
  const uri = `redis://127.0.0.1:${redis.port}`;
  [nodeA, nodeB] = await Promise.all([
    startServer(['--redis', uri, '--node-id', 'node-a']),
    startServer(['--redis', uri, '--node-id', 'node-b']),
  ]);
  host = await startPeer(nodeB.port, HOST_ID, 'dev.workspace.examples.A2aTestHost');
});

after(async () => {
  await host?.stop();
  await Promise.all([nodeA?.stop(), nodeB?.stop()]);
  await redis?.stop();
});

function message(text) {
  return { messageId: randomUUID(), role: Role.ROLE_USER, parts: [{ content: { $case: 'text', value: text } }] };
}

test('a task sent to one node for an agent on the other completes, and GetTask answers on both', async () => {
  const onA = await new ClientFactory().createFromUrl(`http://127.0.0.1:${nodeA.port}/a2a/${HOST_ID}/`);
  const onB = await new ClientFactory().createFromUrl(`http://127.0.0.1:${nodeB.port}/a2a/${HOST_ID}/`);
  const task = await onA.sendMessage({ message: message('echo across nodes') });
  assert.equal(task.status.state, TaskState.TASK_STATE_COMPLETED);
  assert.deepEqual(task.status.message.parts.map((p) => p.content.value), ['echo: across nodes']);
  const seen = await host.waitForLine((l) => l.type === 'run' && l.run_id === task.id, 'the host to see the run');
  assert.equal(seen.caller, 'a2a.node-a');
  for (const client of [onA, onB]) {
    const got = await client.getTask({ id: task.id });
    assert.equal(got.id, task.id);
    assert.equal(got.contextId, task.contextId);
    assert.equal(got.status.state, TaskState.TASK_STATE_COMPLETED);
    assert.deepEqual(got.status.message.parts.map((p) => p.content.value), ['echo: across nodes']);
  }
  await assert.rejects(onB.getTask({ id: randomUUID() }), (e) => e instanceof TaskNotFoundError);
});
