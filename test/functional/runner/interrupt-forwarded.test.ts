import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readServeInfo } from '../../../packages/core/src/adapter/serve-endpoint.js';
import { CLI } from '../../helpers/cli.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * A run whose embedded warehouse another tsdbt process holds sends its statements to that process's
 * endpoint. Ctrl-C closed the request, which only stopped the holder's waiting: the statement ran on
 * in the holder's engine (a pre-hook's INSERT wrote its rows ~25 s after the run said it stopped).
 * Now the run KILLs them there and returns once they have ended, as on its own engine (interrupt-queued).
 */
const projects: InlineProject[] = [];
let holder: ChildProcess | undefined;
afterAll(() => {
  if (holder && holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
  for (const p of projects) p.cleanup();
});

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    if (i > 3000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a run stopped while its statements run in the process holding the warehouse', () => {
  it('stops them there before it returns: nothing of them runs or writes afterwards, no temporary is left', async () => {
    const holding = inlineProject({ 'models/a.sql': 'select 1 as id' });
    projects.push(holding);
    const path = join(holding.dir, '.warehouse');
    const profile = (schema: string) => ({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${path}\n      schema: ${schema}\n      threads: 4\n` });
    holding.write(profile('held'));
    const p = inlineProject({
      // The pre-hook writes 120 rows in 30 s if nothing stops it.
      'models/m.sql':
        "{{ config(materialized='table', pre_hook=\"insert into {{ this.schema }}.hook_log select number from numbers(120) where sleepEachRow(0.25) = 0 settings max_block_size = 1\") }}\nselect 1 as x",
    });
    projects.push(p);
    p.write(profile('fwd'));
    holder = spawn(process.execPath, [CLI, 'watch', '--project-dir', holding.dir], { env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    holder.stdout!.on('data', (c) => (out += c));
    holder.stderr!.on('data', (c) => (out += c));
    await until(() => (/Watching/.test(out) && readServeInfo(path)?.pid === holder!.pid ? true : undefined), 'the holder to share its warehouse');

    const project = p.open();
    try {
      const client = (await project.adapter()).client;
      await client.command('CREATE DATABASE IF NOT EXISTS fwd');
      await client.command('CREATE TABLE fwd.hook_log (n UInt64) ENGINE = MergeTree ORDER BY n');
      const hookRunning = async () =>
        Number((await client.query<{ n: string }>("SELECT count() AS n FROM system.processes WHERE query LIKE '%insert into fwd.hook_log%' AND query NOT LIKE '%system.processes%'"))[0]!.n);
      const controller = new AbortController();
      let seen = false;
      client.observe!((sql) => {
        if (seen || !/^insert into .*hook_log/.test(sql)) return;
        seen = true;
        // Stopped once the holder runs it (whatever the load: no clock involved).
        void until(async () => ((await hookRunning()) > 0 ? true : undefined), 'the hook to run in the holder').then(() => controller.abort());
      });
      const result = await project.run({ select: ['m'], signal: controller.signal });
      expect(seen).toBe(true);
      expect(result.interrupted).toBe(true);
      expect(result.results.map((r) => [r.node.name, r.status])).toEqual([['m', 'error']]);
      // Returned: the holder runs nothing of it any more (it would for another ~25 s), and the rows are final.
      expect(await hookRunning()).toBe(0);
      const written = (await client.query<{ n: string }>('SELECT count() AS n FROM fwd.hook_log'))[0]!.n;
      expect(Number(written)).toBeLessThan(120);
      expect(await client.query("SELECT name FROM system.tables WHERE database = 'fwd' AND name LIKE 'm%'")).toEqual([]);
    } finally {
      await project.close();
    }
    holder.kill('SIGINT');
  }, 240_000);
});
