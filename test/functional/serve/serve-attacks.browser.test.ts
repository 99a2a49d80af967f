import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TsdbtProject, type WarehouseServer } from '../../../packages/core/src/index.js';
import { inlineProject, queryRows, type InlineProject } from '../../helpers/inline-project.js';

// A page of another site, open in the user's browser (headless Chromium), tries to drop a database
// through tsdbt serve on 127.0.0.1 with every request a page can make without the user's help.
const CHROMIUM = '/usr/bin/chromium';

let p: InlineProject;
let project: TsdbtProject;
let server: WarehouseServer;
let attacker: Server;
let browser: Browser;

const attackPage = (target: string) => `<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="f" method="POST" action="${target}/" enctype="text/plain" target="sink"><input name="DROP DATABASE victim; --" value="x"></form>
<script>
const target = ${JSON.stringify(target)};
const drop = 'DROP DATABASE victim';
const results = [];
window.attack = async () => {
  const tries = [
    fetch(target + '/', { method: 'POST', mode: 'no-cors', body: drop }),
    fetch(target + '/?query=' + encodeURIComponent(drop), { method: 'POST', mode: 'no-cors' }),
    fetch(target + '/?query=' + encodeURIComponent('SELECT 1; ' + drop), { mode: 'no-cors' }),
    fetch(target + '/', { method: 'POST', body: drop, headers: { 'Content-Type': 'text/plain' } }).then((r) => r.text()),
    fetch(target + '/?query=' + encodeURIComponent('SELECT name FROM system.databases')).then((r) => r.text()),
  ];
  for (const t of tries) results.push(await t.then((r) => (typeof r === 'string' ? 'read:' + r : 'opaque'), (e) => 'blocked:' + e.name));
  await new Promise((done) => { const img = new Image(); img.onload = img.onerror = done; img.src = target + '/?query=' + encodeURIComponent('SELECT 1; ' + drop); });
  document.getElementById('f').submit();
  await new Promise((done) => setTimeout(done, 500));
  return results;
};
</script></body></html>`;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  p = inlineProject({ 'models/one.sql': 'select 1 as x' });
  project = p.open();
  const adapter = await project.adapter();
  await adapter.client.command('CREATE DATABASE IF NOT EXISTS victim');
  server = await startServer(project, { port: 0 });
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(attackPage(server.url));
  });
  attacker.listen(0, '127.0.0.1');
  await new Promise((done) => attacker.once('listening', done));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  attacker?.close();
  await server?.close();
  await project?.close();
  p?.cleanup();
});

describe('a page from another origin in the browser', () => {
  it('cannot drop a database, read an answer or stop the server', async () => {
    const page = await browser.newPage();
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(server.url)) statuses.push(r.status());
    });
    // The page is served as http://localhost:<port>: another site than http://127.0.0.1:<port>.
    await page.goto(`http://localhost:${(attacker.address() as AddressInfo).port}/`);
    const results = (await page.evaluate('window.attack()')) as string[];
    await page.close();
    expect(results.some((r) => r.startsWith('read:'))).toBe(false);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 403)).toBe(true);
    expect(await queryRows(project, "SELECT name FROM system.databases WHERE name = 'victim'")).toEqual([{ name: 'victim' }]);
    expect(await (await fetch(`${server.url}/?query=SELECT+1`)).text()).toBe('1\n');
  });
});
