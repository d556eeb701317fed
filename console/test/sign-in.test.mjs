// The console against a node in token mode: the page is refused (401) but shows its sign-in form; a token typed
// in, or given in the URL fragment, signs in as the token's agent; the token stays out of the address bar and of
// every request URL, and nothing of the workspace is shown before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, mintToken, startServer } from './support.mjs';

const SECRET = 'console-test-secret-that-is-long-enough-0123456789';
let server;
let browser;
const urls = [];

before(async () => {
  [server, browser] = await Promise.all([startServer(['--auth', 'token'], undefined, { WORKSPACE_JWT_SECRET: SECRET }),
    launchBrowser()]);
  browser.context.on('request', (r) => urls.push(r.url()));
  browser.context.on('websocket', (ws) => urls.push(ws.url()));
});

after(async () => {
  await Promise.all([browser?.close(), server?.stop()]);
});

test('a token typed into the sign-in form signs in as its agent', async () => {
  const page = await browser.context.newPage();
  const response = await page.goto(`${server.base}/console`);
  assert.equal(response.status(), 401);
  await page.getByRole('form', { name: 'Sign in' }).waitFor();
  assert.equal(await page.locator('#connection').getAttribute('data-state'), 'signed-out');
  assert.equal(await page.locator('#agent-list li').count(), 0, 'nothing of the workspace before signing in');
  const token = mintToken(SECRET, 'ops-alice', 'default');
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#connection[data-state="open"]').waitFor({ timeout: 20_000 });
  assert.match(await page.locator('#identity').textContent(), /default · ops-alice/);
  await page.locator('#agent-list [data-agent="ops-alice"]').waitFor();
  assert.ok(urls.every((u) => !u.includes(token)), `the token is in no URL: ${urls.join(' ')}`);
  await page.close();
});

test('a token in the URL fragment signs in and leaves the address bar', async () => {
  const page = await browser.context.newPage();
  const token = mintToken(SECRET, 'ops-bob', 'default');
  await page.goto(`${server.base}/console#token=${token}`);
  await page.locator('#connection[data-state="open"]').waitFor({ timeout: 20_000 });
  assert.match(await page.locator('#identity').textContent(), /default · ops-bob/);
  assert.equal(page.url(), `${server.base}/console`);
  assert.ok(urls.every((u) => !u.includes(token)), `the token is in no URL: ${urls.join(' ')}`);
  await page.close();
});

test('a bad token is refused and the form asks again', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${server.base}/console#token=${mintToken('another-secret-that-is-long-enough-0123456789',
    'mallory', 'default')}`);
  await page.getByRole('form', { name: 'Sign in' }).waitFor({ timeout: 20_000 });
  assert.match(await page.locator('.sign-in .error').textContent(), /unauthorized|signature/);
  assert.equal(await page.locator('#connection').getAttribute('data-state'), 'signed-out');
  await page.close();
});
