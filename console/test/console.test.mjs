// The console in a real browser: headless Chromium against two real server nodes sharing a real redis-server, with
// a Java AgentClient (ConsolePeer) on the second node. The page is served by the first node, which is restarted
// near the end while the peer keeps posting through the second.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, launchBrowser, startPeer, startRedis, startServer } from './support.mjs';

const SHOTS = path.join(ROOT, 'console', 'screenshots');
const SELF = 'console-test';
const PEER = 'peer';
const WAIT = 20_000;

let redis;
let nodeA;
let nodeB;
let peer;
let browser;
let page;
const pageErrors = [];
const dialogs = [];

const cluster = () => ['--redis-uri', redis.uri, '--cluster-heartbeat-interval', '1s', '--cluster-node-timeout', '4s',
  '--drain-timeout', '1s'];

async function shot(name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** The texts of the message rows of the channel or direct-message list now in view. */
function rowTexts(scope) {
  return page.locator(`${scope} .vrow.msg .msg-text`).allTextContents();
}

async function openChannel(name) {
  await page.locator(`#channel-list [data-channel="${name}"]`).click();
  await page.locator(`section.channel-view[data-channel="${name}"]`).waitFor({ timeout: WAIT });
}

async function openAgent(id) {
  await page.locator(`#agent-list [data-agent="${id}"]`).click();
  await page.locator(`section.agent-view[data-agent="${id}"]`).waitFor({ timeout: WAIT });
}

/** Runs a test body; on failure, saves a screenshot and adds what the page and the peer saw to the error. */
function explained(name, body) {
  return async () => {
    try {
      await body();
    } catch (e) {
      await shot(`failed-${name}`).catch(() => {});
      const view = await page.locator('#view').innerText().catch(() => '?');
      const lines = peer.lines.items.filter((m) => m.type !== 'event').slice(-20).map((m) => JSON.stringify(m));
      e.message += `\n--- page:\n${view.slice(-3000)}\n--- peer:\n${lines.join('\n')}\n--- errors: ${pageErrors}`;
      throw e;
    }
  };
}

describe('the web console in headless Chromium', () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    redis = await startRedis();
    [nodeA, nodeB] = await Promise.all([startServer([...cluster(), '--node-id', 'node-a']),
      startServer([...cluster(), '--node-id', 'node-b'])]);
    [peer, browser] = await Promise.all([startPeer(nodeB.port, PEER), launchBrowser()]);
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console error: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${nodeA.base}/console#agent=${SELF}`);
    await page.locator('#connection[data-state="open"]').waitFor({ timeout: WAIT });
    assert.equal(new URL(page.url()).hash, '', 'the fragment is taken out of the address bar');
  });

  after(async () => {
    await Promise.all([browser?.close(), peer?.stop(), nodeA?.stop(), nodeB?.stop()]);
    await redis?.stop();
  });

  test('lists the agent the Java client connected, with its card and presence', async () => {
    const item = page.locator(`#agent-list [data-agent="${PEER}"]`);
    await item.waitFor({ timeout: WAIT });
    assert.equal(await item.locator('.dot.online').count(), 1);
    await openAgent(PEER);
    const card = page.locator('.agent-view .card');
    await card.locator('h2', { hasText: 'Console test peer' }).waitFor({ timeout: WAIT });
    assert.equal(await card.locator('[data-presence]').getAttribute('data-presence'), 'online');
    assert.deepEqual(await card.locator('.chip').allTextContents(), ['research']);
    assert.deepEqual(await card.locator('.tools li code').allTextContents(), ['search', 'delete_draft']);
    assert.match(await card.textContent(), /answers in a fixed way so a browser test can follow it/);
    await shot('agent-card');
  });

  test('a message posted in the page reaches the agent, and one the agent posts appears, mentions marked', async () => {
    await openChannel('general');
    await page.getByLabel('Message #general').fill('hello from the browser');
    await page.getByRole('button', { name: 'Post' }).click();
    const got = await peer.waitForEvent((e) => e.event_name === 'channel.message.posted'
      && e.payload?.text === 'hello from the browser', 'the page post at the peer', WAIT);
    assert.equal(got.source_id, SELF);
    assert.equal(got.destination_id, 'channel:general');

    await peer.post('general', `hi @${SELF}, from Java`);
    const row = page.locator('.channel-view .vrow.msg', { hasText: `hi @${SELF}, from Java` });
    await row.waitFor({ timeout: WAIT });
    assert.equal(await row.locator('.author').textContent(), PEER);
    assert.match(await row.getAttribute('class'), /mentions-me/);
    assert.equal(await row.locator('.mention.self').textContent(), `@${SELF}`);
    assert.deepEqual(await rowTexts('.channel-view'), ['hello from the browser', `hi @${SELF}, from Java`]);
    assert.equal(peer.events((e) => e.payload?.text === 'hello from the browser').length, 1);
    await shot('channel');
  });

  test('a payload holding markup renders as text and runs nothing', async () => {
    const evil = '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script><b>bold</b>';
    await peer.post('general', evil);
    await page.locator('.channel-view .vrow.msg .msg-text', { hasText: '<img src=x onerror=' }).waitFor({ timeout: WAIT });
    assert.ok((await rowTexts('.channel-view')).includes(evil), 'the markup is shown as its text');
    assert.equal(await page.locator('#view img, #view script, #view b').count(), 0);
    assert.equal(await page.evaluate(() => globalThis.__pwned), undefined);
    assert.deepEqual(dialogs, []);
  });

  test('direct messages go both ways', async () => {
    await openAgent(PEER);
    await page.getByLabel(`Direct message to ${PEER}`).fill('a private word');
    await page.getByRole('button', { name: 'Send' }).click();
    const got = await peer.waitForEvent((e) => e.event_name === 'agent.message' && e.payload?.text === 'a private word',
      'the direct message at the peer', WAIT);
    assert.equal(got.source_id, SELF);
    peer.send({ cmd: 'send', to: SELF, text: 'a private answer' });
    await page.locator('.agent-view .vrow.msg', { hasText: 'a private answer' }).waitFor({ timeout: WAIT });
    assert.deepEqual(await rowTexts('.agent-view'), ['a private word', 'a private answer']);
  });

  test('a run started in the page streams, its question and approval are answered there, and it completes',
    explained('run', async () => {
      await openAgent(PEER);
      const panel = page.locator('.agent-view .run-panel');
      await page.getByLabel(`Task for ${PEER}`).fill('the logs');
      await page.getByRole('button', { name: 'Start run' }).click();
      const run = await peer.waitFor((m) => m.type === 'run' && m.text === 'the logs', 'the run at the host', WAIT);
      assert.equal(run.from, SELF);
      await panel.locator('.thinking', { hasText: "looking into 'the logs'" }).waitFor({ timeout: WAIT });
      const call = panel.locator('.tool', { hasText: 'search' }).first();
      await call.locator('.tool-result').waitFor({ timeout: WAIT });
      const args = await call.locator('pre.args').textContent();
      assert.deepEqual(JSON.parse(args), { q: 'the logs' }, args);
      assert.equal(await call.locator('.tool-result pre').textContent(), '3 notes about the logs');

      const question = panel.locator('.card.input[data-kind="ask_user"]');
      await question.getByText('Which format do you want?').waitFor({ timeout: WAIT });
      assert.equal(await panel.locator('.run-state').getAttribute('data-state'), 'input_required');
      await shot('run-question');
      await question.getByRole('button', { name: 'bullets' }).click();
      const answer = await peer.waitFor((m) => m.type === 'answer' && m.run_id === run.run_id, 'the answer', WAIT);
      assert.equal(answer.answer, 'bullets');

      const approval = panel.locator('.card.input[data-kind="approval"]');
      await approval.locator('code', { hasText: 'delete_draft' }).waitFor({ timeout: WAIT });
      assert.deepEqual(JSON.parse(await approval.locator('pre').textContent()), { path: 'draft.txt' });
      await approval.getByRole('button', { name: 'Approve once' }).click();
      const approved = await peer.waitFor((m) => m.type === 'approval' && m.run_id === run.run_id, 'the approval', WAIT);
      assert.equal(approved.approved, true);
      assert.equal(approved.scope, 'once');

      await panel.locator('.run-state[data-state="completed"]').waitFor({ timeout: WAIT });
      assert.equal(await panel.locator('.bubble.text .streamed').last().textContent(), 'done: bullets, draft deleted');
      assert.equal(await panel.locator('.tool', { hasText: 'delete_draft' }).count(), 1);
      assert.equal(peer.lines.filter((m) => m.type === 'run').length, 1);
      await shot('run');
    }));

  test('the cancel button cancels a run', async () => {
    const panel = page.locator('.agent-view .run-panel');
    await page.getByLabel(`Task for ${PEER}`).fill('wait for me');
    await page.getByRole('button', { name: 'Start run' }).click();
    await panel.locator('.thinking', { hasText: "looking into 'wait for me'" }).waitFor({ timeout: WAIT });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    const canceled = await peer.waitFor((m) => m.type === 'canceled', 'the cancel at the host', WAIT);
    assert.equal(canceled.reason, 'canceled from the console');
    await panel.locator('.run-state[data-state="canceled"]').waitFor({ timeout: WAIT });
  });

  test('a plan review is answered from its card, with feedback', async () => {
    const panel = page.locator('.agent-view .run-panel');
    await page.getByLabel(`Task for ${PEER}`).fill('plan a summary');
    await page.getByRole('button', { name: 'Start run' }).click();
    const card = panel.locator('.card.input[data-kind="plan_review"]');
    await card.locator('pre.plan', { hasText: '1. read the notes' }).waitFor({ timeout: WAIT });
    await card.getByLabel('Feedback').fill('shorter please');
    await card.getByRole('button', { name: 'Reject plan' }).click();
    const review = await peer.waitFor((m) => m.type === 'review', 'the review at the host', WAIT);
    assert.equal(review.approved, false);
    assert.equal(review.feedback, 'shorter please');
    await panel.locator('.run-state[data-state="completed"]').waitFor({ timeout: WAIT });
    assert.equal(await panel.locator('.bubble.result').last().locator('div').textContent(),
      'plan rejected: shorter please');
  });

  test('history pages backwards as a channel is scrolled up, with few rows in the page', async () => {
    peer.send({ cmd: 'burst', channel: 'busy', prefix: 'busy ', count: 150 });
    await peer.waitFor((m) => m.type === 'burst_done' && m.channel === 'busy', 'the burst to #busy', 60_000);
    await page.locator('#channel-list [data-channel="busy"]').waitFor({ timeout: WAIT });
    await openChannel('busy');
    const view = page.locator('section.channel-view[data-channel="busy"]');
    const status = view.locator('.list-status');
    await status.getByText('100 messages; scroll up for older ones').waitFor({ timeout: WAIT });
    assert.equal((await rowTexts('.channel-view')).at(-1), 'busy 150');
    for (const next of ['150 messages (the whole history)']) {
      await view.locator('.vlist').evaluate((el) => {
        el.scrollTop = 0;
      });
      await status.getByText(next).waitFor({ timeout: WAIT });
    }
    await view.locator('.vlist').evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.waitForFunction(() => [...document.querySelectorAll('.channel-view .vrow.msg .msg-text')]
      .some((r) => r.textContent === 'busy 1'));
    const texts = await rowTexts('.channel-view');
    assert.deepEqual(texts.slice(0, 3), ['busy 1', 'busy 2', 'busy 3']);
    assert.ok(texts.length < 60, `only the rows in view are in the page: ${texts.length}`);
    await shot('history');
  });

  test('the event stream filters by pattern and pauses', async () => {
    await page.getByRole('button', { name: 'Event stream' }).click();
    const names = () => page.locator('.events-view .vrow .ev-name').allTextContents();
    const row = (text) => page.locator('.events-view .vrow', { hasText: text });
    peer.send({ cmd: 'send', to: SELF, text: 'direct, filtered out' });
    await peer.post('general', 'posted, shown');
    await row('direct, filtered out').waitFor({ timeout: WAIT });
    await row('posted, shown').waitFor({ timeout: WAIT });
    const all = await names();
    assert.ok(all.includes('channel.message.posted') && all.includes('agent.message'), `unfiltered: ${all}`);
    assert.ok(all.some((n) => n.startsWith('run.progress.')), `unfiltered: ${all}`);

    await page.getByLabel('Pattern filter').fill('channel.message.*');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('.events-view .vrow .ev-name')]
      .every((n) => /^channel\.message\.[a-z_]+$/.test(n.textContent)));
    const filtered = await names();
    assert.ok(filtered.includes('channel.message.posted') && filtered.includes('channel.message.mentioned'),
      `filtered: ${filtered}`);
    assert.ok(filtered.every((n) => /^channel\.message\.[a-z_]+$/.test(n)), `filtered: ${filtered}`);
    assert.equal(await row('posted, shown').count(), 1);
    assert.equal(await row('direct, filtered out').count(), 0);
    await shot('events-filtered');

    await page.getByLabel('Pattern filter').fill('agent.*, run.progress.>');
    await page.getByRole('button', { name: 'Apply' }).click();
    await row('direct, filtered out').waitFor({ timeout: WAIT });
    const other = await names();
    assert.ok(other.every((n) => n === 'agent.message' || n.startsWith('run.progress.')), `filtered: ${other}`);
    assert.ok(other.includes('run.progress.tool_call'), `filtered: ${other}`);
    assert.equal(await row('posted, shown').count(), 0);

    await page.getByRole('button', { name: 'Pause' }).click();
    peer.send({ cmd: 'send', to: SELF, text: 'while paused' });
    await page.locator('.events-view .list-status', { hasText: 'paused, 1 new waiting' }).waitFor({ timeout: WAIT });
    assert.equal(await row('while paused').count(), 0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await row('while paused').waitFor({ timeout: WAIT });
    assert.equal(await row('while paused').count(), 1);
  });

  test('shows the node and its metrics', async () => {
    await page.getByRole('button', { name: 'Node' }).click();
    const info = page.locator('.node-view [aria-label="Node info"]');
    await info.getByText('node-a').waitFor({ timeout: WAIT });
    assert.match(await info.textContent(), /moderedis/);
    await page.locator('.node-view .metrics td', { hasText: 'workspace_sessions' }).waitFor({ timeout: WAIT });
  });

  test('a server restart shows the reconnect, and what was missed appears once', async () => {
    await openChannel('general');
    await peer.post('general', 'before the restart');
    await page.locator('.channel-view .vrow.msg', { hasText: 'before the restart' }).waitFor({ timeout: WAIT });

    const port = nodeA.port;
    await nodeA.stop();
    await page.locator('#connection[data-state="reconnecting"]').waitFor({ timeout: WAIT });
    assert.match(await page.locator('#connection-note').textContent(), /connection lost/);
    await shot('reconnecting');
    await peer.post('general', 'while the page was away 1');
    await peer.post('general', 'while the page was away 2');
    nodeA = await startServer([...cluster(), '--node-id', 'node-a'], port);

    await page.locator('#connection[data-state="open"]').waitFor({ timeout: 30_000 });
    await page.locator('#connection-note', { hasText: 'recovered' }).waitFor({ timeout: WAIT });
    assert.match(await page.locator('#connection-note').textContent(), /channel:general replayed/);
    await page.locator('.channel-view .vrow.msg', { hasText: 'while the page was away 2' }).waitFor({ timeout: WAIT });
    await peer.post('general', 'after the restart');
    await page.locator('.channel-view .vrow.msg', { hasText: 'after the restart' }).waitFor({ timeout: WAIT });

    const texts = await rowTexts('.channel-view');
    for (const t of ['hello from the browser', 'before the restart', 'while the page was away 1',
      'while the page was away 2', 'after the restart']) {
      assert.equal(texts.filter((x) => x === t).length, 1, `'${t}' once in ${JSON.stringify(texts)}`);
    }
    const ids = await page.locator('.channel-view .vrow.msg').evaluateAll((rows) => rows.map((r) => r.dataset.eventId));
    assert.equal(new Set(ids).size, ids.length, 'no event shown twice');
    assert.deepEqual(texts.slice(-4), ['before the restart', 'while the page was away 1', 'while the page was away 2',
      'after the restart']);
    await shot('after-restart');
  });

  test('a burst of a thousand posts arrives whole, each once, in a bounded page', async () => {
    const status = page.locator('section.channel-view[data-channel="general"] .list-status');
    const before = Number(/^(\d+) messages/.exec(await status.textContent())[1]);
    peer.send({ cmd: 'burst', channel: 'general', prefix: 'load ', count: 1000 });
    await peer.waitFor((m) => m.type === 'burst_done' && m.channel === 'general', 'the burst to #general', 60_000);
    await page.locator('.channel-view .vrow.msg .msg-text', { hasText: 'load 1000' }).waitFor({ timeout: WAIT });
    await status.getByText(new RegExp(`^${before + 1000} messages`)).waitFor({ timeout: WAIT });
    const texts = await rowTexts('.channel-view');
    assert.ok(texts.length < 60, `only the rows in view are in the page: ${texts.length}`);
    const shown = texts.filter((t) => t.startsWith('load ')).map((t) => Number(t.slice(5)));
    assert.deepEqual(shown, shown.map((_, i) => shown[0] + i), 'in order, none twice');
    assert.equal(shown.at(-1), 1000);
  });

  test('nothing in the page failed', () => {
    assert.deepEqual(pageErrors.filter((e) => !/WebSocket connection to .* failed|ERR_CONNECTION_REFUSED/.test(e)),
      []);
  });
});
