import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineProject } from '../../helpers/inline-project.js';

import { CLI } from '../../helpers/cli.js';
import { freePort } from '../../helpers/ports.js';

/** Waits for `probe` to answer: the watcher's start and first build, bounded near the test's timeout (not a speed claim: a loaded machine is slow). */
async function until<T>(probe: () => Promise<T | undefined>, ms = 100_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('tsdbt watch --serve', () => {
  // The watcher runs in a child process with its own warehouse directory (not this file's).
  const p = inlineProject({ 'models/a.sql': 'select 1 as id' });
  writeFileSync(join(p.dir, 'profiles.yml'), `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${join(p.dir, '.wh')}\n      schema: ws\n`);
  afterAll(() => p.cleanup());

  it('rebuilds on save and answers HTTP queries and other tsdbt commands from the same process', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'watch', '--project-dir', p.dir, '--serve', String(port)], { stdio: 'ignore' });
    try {
      const count = async () => {
        const res = await fetch(`http://127.0.0.1:${port}/?query=${encodeURIComponent('SELECT count() FROM ws.a')}`);
        return res.ok ? (await res.text()).trim() : undefined;
      };
      expect(await until(count)).toBe('1');
      // Another process uses the serving endpoint instead of failing on the data directory lock.
      const show = spawnSync(process.execPath, [CLI, 'show', '--project-dir', p.dir, '--inline', "select count() as n from {{ ref('a') }}", '--output', 'json'], { encoding: 'utf8' });
      expect(show.status).toBe(0);
      expect(JSON.parse(show.stdout).show).toEqual([{ n: 1 }]);
      writeFileSync(join(p.dir, 'models/a.sql'), 'select 1 as id union all select 2');
      expect(await until(async () => ((await count()) === '2' ? '2' : undefined))).toBe('2');
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.on('exit', r));
    }
  });
});
