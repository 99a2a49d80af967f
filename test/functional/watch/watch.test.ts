import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watch, type RunEvent, type WatchEvent, type Watcher, type WatchOptions } from '../../../packages/core/src/index.js';
import { inlineProject, queryRows, type InlineProject } from '../../helpers/inline-project.js';

type AnyEvent = RunEvent | WatchEvent;

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const table = (sql: string) => `{{ config(materialized='table') }}\n${sql}\n`;

async function start(files: Record<string, string>, options: Partial<WatchOptions> = {}) {
  const p = inlineProject(files);
  const events: AnyEvent[] = [];
  const w = await watch({ projectDir: p.dir, onEvent: (e) => events.push(e), threads: 2, ...options });
  cleanups.push(async () => {
    await w.close();
    p.cleanup();
  });
  return { p, w, events };
}

/**
 * Waits until `pred` holds for some event at or after `from`; returns its index. A wait, not a speed
 * claim: bounded near the test's own timeout (a cycle on a loaded 2-core machine can take well over 20 s).
 */
async function waitFor(events: AnyEvent[], pred: (e: AnyEvent) => boolean, from = 0, timeoutMs = 100_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const i = events.findIndex((e, k) => k >= from && pred(e));
    if (i >= 0) return i;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out; events: ${events.slice(from).map((e) => e.type).join(', ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for the end of the next watch cycle after `from`: a finished run, an empty re-load, or an error. */
async function nextCycle(events: AnyEvent[], from: number): Promise<AnyEvent[]> {
  const end = await waitFor(
    events,
    (e) => e.type === 'watch_run_finished' || e.type === 'watch_error' || (e.type === 'watch_reloaded' && e.rebuild.length === 0),
    from,
  );
  return events.slice(from, end + 1);
}

const built = (slice: AnyEvent[]) =>
  slice.flatMap((e) => (e.type === 'node_finished' ? [`${e.result.node.name}:${e.result.status}`] : [])).sort();

async function edit(p: InlineProject, events: AnyEvent[], files: Record<string, string>): Promise<AnyEvent[]> {
  const from = events.length;
  p.write(files);
  return nextCycle(events, from);
}

/** The first value of the first row, as a number. */
const num = async (w: Watcher, sql: string) => Number(Object.values((await queryRows(w.project!, sql))[0] ?? {})[0]);

describe('watch mode', () => {
  it('builds the selection first, then rebuilds only a changed model and its descendants', async () => {
    const { p, w, events } = await start({
      'models/a.sql': table('select 1 as x'),
      'models/b.sql': table("select x * 10 as x from {{ ref('a') }}"),
      'models/c.sql': table('select 7 as y'),
    });
    expect(events.some((e) => e.type === 'watch_ready')).toBe(true);
    expect(built(events)).toEqual(['a:success', 'b:success', 'c:success']);

    const cycle = await edit(p, events, { 'models/a.sql': table('select 2 as x') });
    const change = cycle.find((e) => e.type === 'watch_change');
    expect(change).toMatchObject({ files: [{ path: 'models/a.sql', kind: 'change' }] });
    const reloaded = cycle.find((e): e is Extract<WatchEvent, { type: 'watch_reloaded' }> => e.type === 'watch_reloaded')!;
    expect(reloaded.mode).toBe('incremental');
    expect(reloaded.diff.changed).toEqual(['model.proj.a']);
    expect(reloaded.rebuild).toEqual(['model.proj.a', 'model.proj.b']);
    expect(built(cycle)).toEqual(['a:success', 'b:success']);
    expect(await num(w, `SELECT x FROM ${p.schema}.b`)).toBe(20);

    // A save that leaves the rendered SQL as it was rebuilds nothing.
    const noop = await edit(p, events, { 'models/c.sql': table('select 7 as y') + '\n' });
    expect(noop.find((e) => e.type === 'watch_reloaded')).toMatchObject({ rebuild: [] });
  });

  it('re-runs the users of a changed macro and the models of a changed YAML config', async () => {
    const { p, w, events } = await start({
      'macros/times.sql': '{% macro times(x) %}{{ x }} * 2{% endmacro %}',
      'models/m.sql': table('select {{ times(21) }} as v'),
      'models/plain.sql': table('select 1 as v'),
      'models/schema.yml': 'version: 2\nmodels:\n  - name: plain\n    config:\n      alias: plain_v1\n',
    });
    expect(await num(w, `SELECT v FROM ${p.schema}.m`)).toBe(42);

    const macroCycle = await edit(p, events, { 'macros/times.sql': '{% macro times(x) %}{{ x }} * 3{% endmacro %}' });
    expect(macroCycle.find((e) => e.type === 'watch_reloaded')).toMatchObject({ mode: 'full', rebuild: ['model.proj.m'] });
    expect(await num(w, `SELECT v FROM ${p.schema}.m`)).toBe(63);

    const yamlCycle = await edit(p, events, { 'models/schema.yml': 'version: 2\nmodels:\n  - name: plain\n    config:\n      alias: plain_v2\n' });
    expect(yamlCycle.find((e) => e.type === 'watch_reloaded')).toMatchObject({ rebuild: ['model.proj.plain'] });
    expect(await num(w, `SELECT v FROM ${p.schema}.plain_v2`)).toBe(1);
  });

  it("re-runs the users of an installed package's macro when the package changes (tsdbt deps, or a linked local package)", async () => {
    const { p, w, events } = await start({
      'dbt_packages/pkg/dbt_project.yml': 'name: pkg\n',
      'dbt_packages/pkg/macros/times.sql': '{% macro times(x) %}{{ x }} * 2{% endmacro %}',
      'models/m.sql': table('select {{ pkg.times(21) }} as v'),
    });
    expect(await num(w, `SELECT v FROM ${p.schema}.m`)).toBe(42);
    const cycle = await edit(p, events, { 'dbt_packages/pkg/macros/times.sql': '{% macro times(x) %}{{ x }} * 3{% endmacro %}' });
    expect(cycle.find((e) => e.type === 'watch_reloaded')).toMatchObject({ mode: 'full', rebuild: ['model.proj.m'] });
    expect(await num(w, `SELECT v FROM ${p.schema}.m`)).toBe(63);
  });

  it('with test: true also runs the tests of what it rebuilt, inside the selection only', async () => {
    const { p, events } = await start(
      {
        'models/a.sql': table('select 1 as id'),
        'models/b.sql': table("select id from {{ ref('a') }}"),
        'models/other.sql': table('select 1 as id'),
        'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [not_null]\n',
      },
      { test: true, exclude: ['b'] },
    );
    expect(built(events)).toEqual(['a:success', 'not_null_a_id:pass', 'other:success']);
    const cycle = await edit(p, events, { 'models/a.sql': table('select cast(null as Nullable(Int32)) as id') });
    // b is downstream of a but excluded; the failing test is reported.
    expect(built(cycle)).toEqual(['a:success', 'not_null_a_id:fail']);
  });

  it('gathers changes made during a run into exactly one follow-up run', async () => {
    const { p, w, events } = await start({
      'models/slow.sql': table('select 1 as x, sleep(1.5) as s'),
      'models/b.sql': table('select 1 as b'),
      'models/c.sql': table('select 1 as c'),
    });
    const from = events.length;
    p.write({ 'models/slow.sql': table('select 2 as x, sleep(1.5) as s') });
    await waitFor(events, (e) => e.type === 'node_started' && e.node.name === 'slow', from);
    // Two separate bursts while slow runs.
    p.write({ 'models/b.sql': table('select 2 as b') });
    await new Promise((r) => setTimeout(r, 300));
    p.write({ 'models/c.sql': table('select 2 as c') });
    await new Promise((r) => setTimeout(r, 300));
    const firstEnd = await waitFor(events, (e) => e.type === 'watch_run_finished', from);
    const second = await nextCycle(events, firstEnd + 1);
    await w.idle();
    await new Promise((r) => setTimeout(r, 400));
    const changes = events.slice(from).filter((e) => e.type === 'watch_change');
    expect(changes).toHaveLength(2);
    expect(changes[1]).toMatchObject({ files: expect.arrayContaining([{ path: 'models/b.sql', kind: 'change' }, { path: 'models/c.sql', kind: 'change' }]) });
    expect(built(second)).toEqual(['b:success', 'c:success']);
    // Runs never overlapped: every run_started follows the previous run_finished.
    const runMarks = events.slice(from).filter((e) => e.type === 'run_started' || e.type === 'run_finished').map((e) => e.type);
    expect(runMarks).toEqual(['run_started', 'run_finished', 'run_started', 'run_finished']);
    expect(await num(w, `SELECT b FROM ${p.schema}.b`)).toBe(2);
    expect(await num(w, `SELECT c FROM ${p.schema}.c`)).toBe(2);
  });

  it('reports Jinja, SQL and YAML errors with file and line, keeps watching, and recovers when fixed', async () => {
    const { p, w, events } = await start({
      'models/a.sql': table('select 1 as x'),
      'models/b.sql': table("select x from {{ ref('a') }}"),
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n',
    });

    const jinja = await edit(p, events, { 'models/b.sql': table("select x from {{ ref('a' }}") });
    const err = jinja.find((e) => e.type === 'watch_error');
    expect(err).toMatchObject({ code: expect.any(String), file: 'models/b.sql', line: expect.any(Number), files: ['models/b.sql'] });
    expect(w.project!.manifest.nodes.has('model.proj.b')).toBe(true); // the last good project stays

    // Another file changes while b is still broken: b's error is reported again, a is not rebuilt yet.
    const stillBroken = await edit(p, events, { 'models/a.sql': table('select 5 as x') });
    expect(stillBroken.find((e) => e.type === 'watch_error')).toMatchObject({ file: 'models/b.sql' });

    const fixed = await edit(p, events, { 'models/b.sql': table("select x + 1 as x from {{ ref('a') }}") });
    expect(built(fixed)).toEqual(['a:success', 'b:success']);
    expect(await num(w, `SELECT x FROM ${p.schema}.b`)).toBe(6);

    // SQL the warehouse rejects: the run reports the node's error; fixing it rebuilds it.
    const sql = await edit(p, events, { 'models/b.sql': table("select no_such_column from {{ ref('a') }}") });
    const failed = sql.find((e): e is Extract<RunEvent, { type: 'node_finished' }> => e.type === 'node_finished' && e.result.node.name === 'b')!;
    expect(failed.result).toMatchObject({ status: 'error', file: 'models/b.sql' });
    const sqlFixed = await edit(p, events, { 'models/b.sql': table("select x + 2 as x from {{ ref('a') }}") });
    expect(built(sqlFixed)).toEqual(['b:success']);

    const yaml = await edit(p, events, { 'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n   bad: [\n' });
    expect(yaml.find((e) => e.type === 'watch_error')).toMatchObject({ file: 'models/schema.yml', line: expect.any(Number) });
    const yamlFixed = await edit(p, events, { 'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: fixed\n' });
    expect(yamlFixed.some((e) => e.type === 'watch_error')).toBe(false);
    expect(w.project!.node('model.proj.a').description).toBe('fixed');
  });

  it('stops building a deleted model (its table left alone) and builds a renamed one under its new name', async () => {
    // A rename's two file events come apart by chokidar's own timers: on a loaded machine further apart
    // than the 150 ms a rename is waited for (it is then a removal and an addition). A wider window here.
    const { p, w, events } = await start({
      'models/a.sql': table('select 1 as x'),
      'models/gone.sql': table('select 3 as g'),
      'models/old_name.sql': table("select x from {{ ref('a') }}"),
    }, { debounceMs: 1500 });
    const from = events.length;
    p.remove('models/gone.sql');
    const del = await nextCycle(events, from);
    expect(del.find((e) => e.type === 'watch_reloaded')).toMatchObject({ diff: { removed: ['model.proj.gone'] }, rebuild: [] });
    expect(w.project!.manifest.nodes.has('model.proj.gone')).toBe(false);
    expect(await num(w, `SELECT g FROM ${p.schema}.gone`)).toBe(3);

    const from2 = events.length;
    renameSync(join(p.dir, 'models/old_name.sql'), join(p.dir, 'models/new_name.sql'));
    const ren = await nextCycle(events, from2);
    const reloaded = ren.find((e): e is Extract<WatchEvent, { type: 'watch_reloaded' }> => e.type === 'watch_reloaded')!;
    expect(reloaded.diff.renamed).toEqual([{ from: 'model.proj.old_name', to: 'model.proj.new_name' }]);
    expect(reloaded.rebuild).toEqual(['model.proj.new_name']);
    expect(await num(w, `SELECT x FROM ${p.schema}.new_name`)).toBe(1);

    // Adding a model builds it.
    const added = await edit(p, events, { 'models/fresh.sql': table("select x * 100 as x from {{ ref('new_name') }}") });
    expect(built(added)).toEqual(['fresh:success']);
  });

  it('keeps watching when the project does not load at start, and close() is idempotent', async () => {
    const { p, w, events } = await start({ 'models/a.sql': table("select {{ ref('missing') }}") });
    expect(w.project).toBeUndefined();
    expect(events.find((e) => e.type === 'watch_error')).toMatchObject({ code: 'unknown_ref', file: 'models/a.sql' });
    const fixed = await edit(p, events, { 'models/a.sql': table('select 1 as x') });
    expect(built(fixed)).toEqual(['a:success']);
    await Promise.all([w.close(), w.close()]);
    await w.close();
    expect(events.filter((e) => e.type === 'watch_stopped')).toHaveLength(1);
  });

  it('with command run: rebuilds models only (no seeds, no tests)', async () => {
    const { p, events } = await start(
      {
        'seeds/s.csv': 'id\n1\n',
        'models/a.sql': table("select id from {{ ref('s') }}"),
        'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [not_null]\n',
      },
      { initialRun: false, command: 'run' },
    );
    const seeded = await edit(p, events, { 'seeds/s.csv': 'id\n1\n2\n' });
    // The seed is not built by run; a depends on it and is rebuilt (the table holds the old seed).
    expect(seeded.find((e) => e.type === 'watch_reloaded')).toMatchObject({ rebuild: ['model.proj.a'] });
  });
});
