import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * chDB's allocator is set up before the engine loads (adapter/chdb-allocator.ts): huge pages for its
 * extents, freed pages kept 20 s and then handed back lazily (never purged by force), unless the user set JE_MALLOC_CONF. What the engine's jemalloc
 * took (large blocks in the ordinary arenas too: no oversize arena, whose freed pages jemalloc purges at once) is read back from the warehouse itself (system.jemalloc_stats), in a child process per case
 * (the library reads the variable once, when it loads): through the CLI's chDB thread, through the
 * main thread, and with the user's own setting.
 */

const projects: InlineProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
});

const STATS = `select extract(stats, 'opt.thp: "(\\w+)"') as thp, extract(stats, 'opt.dirty_decay_ms: (-?\\d+)') as dirty, extract(stats, 'opt.muzzy_decay_ms: (-?\\d+)') as muzzy, extract(stats, 'opt.oversize_threshold: (\\d+)') as oversize from system.jemalloc_stats`;

function allocatorOf(env: NodeJS.ProcessEnv): { thp: string; dirty: string; muzzy: string; oversize: string } {
  const p = inlineProject({ 'models/a.sql': 'select 1 as id' });
  projects.push(p);
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${join(p.dir, '.warehouse')}\n      schema: alloc\n      threads: 1\n` });
  // JE_MALLOC_CONF undefined: not inherited from this test process (which may have loaded chDB itself).
  const r = runCli(['show', '--inline-direct', STATS, '--output', 'json', '--project-dir', p.dir], { cwd: p.dir, env: { NO_COLOR: '1', JE_MALLOC_CONF: undefined, ...env } });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout).show[0];
}

describe("chDB's allocator", () => {
  it('uses huge pages, keeps freed pages (large blocks too) 20 s and never purges them by force when chDB loads on the CLI’s thread', () => {
    expect(allocatorOf({ TSDBT_NO_CHDB_AHEAD: '' })).toEqual({ thp: 'always', dirty: '20000', muzzy: '-1', oversize: '0' });
  });

  it('is set up the same when the main thread loads chDB', () => {
    expect(allocatorOf({ TSDBT_NO_CHDB_AHEAD: '1' })).toEqual({ thp: 'always', dirty: '20000', muzzy: '-1', oversize: '0' });
  });

  it("keeps the user's JE_MALLOC_CONF", () => {
    expect(allocatorOf({ TSDBT_NO_CHDB_AHEAD: '', JE_MALLOC_CONF: 'dirty_decay_ms:7000' })).toEqual({ thp: 'default', dirty: '7000', muzzy: '0', oversize: '67108864' });
    // Empty: chDB's own configuration.
    expect(allocatorOf({ TSDBT_NO_CHDB_AHEAD: '1', JE_MALLOC_CONF: '' })).toEqual({ thp: 'default', dirty: '5000', muzzy: '0', oversize: '67108864' });
  });
});
