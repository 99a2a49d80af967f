import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent, TsdbtProject } from '../../../packages/core/src/index.js';
import { finished, started } from '../../helpers/events.js';
import { inlineProject, openedPerTest, queryRows, statuses, type InlineProject } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const table = (sql: string) => `{{ config(materialized='table') }}\n${sql}`;


describe('scheduler', () => {
  it('starts a child only after all its parents finished', async () => {
    const { p, project } = setup({
      'models/a.sql': table('select 1 as x'),
      'models/b.sql': table("select x + 1 as x from {{ ref('a') }}"),
      'models/c.sql': table("select x + 1 as x from {{ ref('a') }}"),
      'models/d.sql': table("select b.x + c.x as x from {{ ref('b') }} b, {{ ref('c') }} c"),
      'models/e.sql': table("select x * 10 as x from {{ ref('d') }}"),
    });
    const r = await project.run({ threads: 4 });
    expect(statuses(r)).toEqual({ a: 'success', b: 'success', c: 'success', d: 'success', e: 'success' });
    const edges: [string, string][] = [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd'], ['d', 'e']];
    for (const [parent, child] of edges)
      expect(finished(p.events, parent), `${parent} before ${child}`).toBeLessThan(started(p.events, child));
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.e`)).toEqual([{ x: '40' }]);
    const runStarted = p.events.filter((e) => e.type === 'run_started');
    expect(runStarted).toEqual([expect.objectContaining({ command: 'run', total: 5, threads: 4, counts: { model: 5 } })]);
  });

  it('runs independent nodes side by side when threads > 1', async () => {
    const slow = (n: number) => table(`select ${n} as n, sleep(0.5) as s`);
    const { p, project } = setup({ 'models/s1.sql': slow(1), 'models/s2.sql': slow(2), 'models/s3.sql': slow(3) });
    const r = await project.run({ threads: 3 });
    expect(statuses(r)).toEqual({ s1: 'success', s2: 'success', s3: 'success' });
    // All three started before the first finished.
    const firstFinish = p.events.findIndex((e) => e.type === 'node_finished');
    expect(p.events.slice(0, firstFinish).filter((e) => e.type === 'node_started')).toHaveLength(3);
    // Their execute intervals overlap (an order of timestamps, not a wall-clock bound: the CI machine is shared).
    const execute = (x: (typeof r.results)[number]) => x.timing.find((t) => t.name === 'execute')!;
    const spans = r.results.map((x) => [Date.parse(execute(x).startedAt), Date.parse(execute(x).completedAt)] as const);
    expect(Math.max(...spans.map((s) => s[0]))).toBeLessThan(Math.min(...spans.map((s) => s[1])));

    // threads: 1 runs them one after another.
    p.events.length = 0;
    await project.run({ threads: 1 });
    const kinds = p.events.filter((e) => e.type === 'node_started' || e.type === 'node_finished').map((e) => e.type);
    expect(kinds).toEqual(['node_started', 'node_finished', 'node_started', 'node_finished', 'node_started', 'node_finished']);
  });

  it("with one thread, dbt's order: the lowest depth first, then by unique_id (a dictionary read by name is built before the model calling dictGet, as on dbt)", async () => {
    // dbt's GraphQueue: a PriorityQueue of (depth, unique_id). z_root heads a chain of three, but a_leaf1/a_leaf2
    // (depth 0) sort before it; z_mid (depth 1) comes before z_end (depth 2) — the critical path would start z_root first.
    // b_users reads the dictionary a_dict by name, without a ref (eilicheva-art/clickhouse_dbt), so it waits for it
    // (depth 3, after z_end); by the longest chain alone, b_users — which c_report waits on — would go first.
    const { p, project } = setup({
      'models/a_leaf1.sql': table('select 1 as x'),
      'models/a_leaf2.sql': table('select 2 as x'),
      'models/z_root.sql': table('select 1 as x'),
      'models/z_mid.sql': table("select x from {{ ref('z_root') }}"),
      'models/z_end.sql': table("select x from {{ ref('z_mid') }}"),
      'models/z_chain1.sql': table("select toUInt64(x) as id, 'n' || toString(x) as name from {{ ref('z_root') }}"),
      'models/a_dict.sql': "{{ config(materialized='dictionary', primary_key='id', layout='hashed()', lifetime='0') }}\nselect id, name from {{ ref('z_chain1') }}",
      'models/b_users.sql': table("select id, dictGet('{{ target.schema }}.a_dict', 'name', id) as name from {{ ref('z_chain1') }}"),
      'models/c_report.sql': table("select * from {{ ref('b_users') }}"),
    });
    const r = await project.run({ threads: 1 });
    expect(Object.values(statuses(r)).every((s) => s === 'success'), JSON.stringify(statuses(r))).toBe(true);
    const order = p.events.filter((e) => e.type === 'node_started').map((e) => (e as { node: { name: string } }).node.name);
    expect(order).toEqual(['a_leaf1', 'a_leaf2', 'z_root', 'z_chain1', 'z_mid', 'a_dict', 'z_end', 'b_users', 'c_report']);
  });

  it("with threads, a model naming a dictionary model in dictGet('db.name', …) without a ref waits for it (eilicheva-art/clickhouse_dbt's first build)", async () => {
    // b_users heads a longer chain than a_dict (c_report waits on it), so by the critical path alone it would start first.
    const { p, project } = setup({
      'models/z_root.sql': table('select toUInt64(number) as id from numbers(3)'),
      'models/a_dict.sql': "{{ config(materialized='dictionary', primary_key='id', layout='hashed()', lifetime='0') }}\nselect id, 'n' || toString(id) as name from {{ ref('z_root') }}",
      'models/b_users.sql': table("select id, dictGet('{{ target.schema }}.a_dict', 'name', id) as name from {{ ref('z_root') }}"),
      'models/b_plain.sql': table("select id, dictGet('a_dict', 'name', id) as name from {{ ref('z_root') }}"),
      'models/c_report.sql': table("select * from {{ ref('b_users') }}"),
    });
    const r = await project.run({ threads: 4 });
    expect(statuses(r)).toEqual({ z_root: 'success', a_dict: 'success', b_users: 'success', b_plain: 'success', c_report: 'success' });
    expect(finished(p.events, 'a_dict')).toBeLessThan(started(p.events, 'b_users'));
    expect(finished(p.events, 'a_dict')).toBeLessThan(started(p.events, 'b_plain'));
    // Only the run's order: the graph still has no such edge.
    expect(project.select({ select: ['+b_users'] }).sort()).toEqual(['model.proj.b_users', 'model.proj.z_root']);
  });

  it('with threads, of the ready nodes, starts the one heading the longest chain first (critical path), then plan order', async () => {
    // Two threads, every model slow enough that the first two start together: z_root (heading z_root -> z_mid ->
    // z_end) and then a_leaf1 (plan order among the height-1 leaves); z_mid starts as soon as z_root is done.
    const slow = (sql: string) => table(`select *, sleep(0.3) as s from (${sql})`);
    const { p, project } = setup({
      'models/a_leaf1.sql': slow('select 1 as x'),
      'models/a_leaf2.sql': slow('select 2 as x'),
      'models/a_leaf3.sql': slow('select 3 as x'),
      'models/z_root.sql': slow('select 1 as x'),
      'models/z_mid.sql': slow("select x from {{ ref('z_root') }}"),
      'models/z_end.sql': slow("select x from {{ ref('z_mid') }}"),
    });
    const r = await project.run({ threads: 2 });
    expect(Object.values(statuses(r)).every((s) => s === 'success')).toBe(true);
    const order = p.events.filter((e) => e.type === 'node_started').map((e) => (e as { node: { name: string } }).node.name);
    expect(order.slice(0, 2)).toEqual(['z_root', 'a_leaf1']);
    expect(started(p.events, 'z_mid')).toBeLessThan(started(p.events, 'a_leaf3'));
  });

  it('a failing model skips every descendant but not independent nodes', async () => {
    const { p, project } = setup({
      'models/bad.sql': table('select throwIf(1) as x'),
      'models/child.sql': table("select x from {{ ref('bad') }}"),
      'models/grandchild.sql': "select x from {{ ref('child') }}",
      'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect x from {{ ref('bad') }}",
      'models/via_eph.sql': table("select x from {{ ref('eph') }}"),
      'models/other.sql': table('select 1 as y'),
    });
    const r = await project.run({ threads: 2 });
    expect(statuses(r)).toEqual({ bad: 'error', child: 'skipped', grandchild: 'skipped', via_eph: 'skipped', other: 'success' });
    expect(r.success).toBe(false);
    const byName = Object.fromEntries(r.results.map((x) => [x.node.name, x]));
    expect(byName.bad!.message).toMatch(/throwIf|FUNCTION_THROW_IF_VALUE_IS_NON_ZERO/);
    expect(byName.bad!.file).toBe('models/bad.sql');
    expect(byName.child!.message).toBe('skipped because model.proj.bad did not succeed');
    expect(byName.grandchild!.message).toBe('skipped because model.proj.bad did not succeed');
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).toEqual([{ name: 'other' }]);
  });

  it('failFast stops the run: units not yet started are reported as not run', async () => {
    const { p, project } = setup({
      'models/a_bad.sql': table('select throwIf(1) as x'),
      'models/b.sql': table('select 1 as x'),
      'models/c.sql': table('select 2 as x'),
      // independent, so a_bad (first in plan order) is also first in priority (a chain c -> d would start c first)
      'models/d.sql': table('select 3 as x'),
    });
    const r = await project.run({ threads: 1, failFast: true });
    const st = statuses(r);
    expect(st.a_bad).toBe('error');
    expect(r.results).toHaveLength(4);
    const notRun = r.results.filter((x) => x.status === 'skipped');
    expect(notRun.map((x) => x.node.name).sort()).toEqual(['b', 'c', 'd']);
    for (const x of notRun) expect(x.message).toBe('Skipping due to fail_fast');
    // a failed run (exit code 1), not an interrupted one (2)
    expect(r.interrupted).toBe(false);
    expect(r.success).toBe(false);
    expect(p.events.filter((e) => e.type === 'node_started').map((e) => (e as { node: { name: string } }).node.name)).toEqual(['a_bad']);
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}'`)).toEqual([]);
  });

  it('failFast cancels the statements in flight, as dbt does', async () => {
    const { project } = setup({
      'models/a_bad.sql': table('select throwIf(number = 3) as x from numbers(10) settings max_block_size = 1'),
      // a minute of work if left to finish
      'models/slow.sql': table('select number, sleepEachRow(0.5) as s from numbers(120) settings max_block_size = 1'),
    });
    // `slow` is reported cancelled only when its statement failed with the abort (it did not finish).
    const r = await project.run({ threads: 2, failFast: true });
    expect(r.results.map((x) => [x.node.name, x.status, x.status === 'skipped' ? x.message : '']).sort()).toEqual([
      ['a_bad', 'error', ''],
      ['slow', 'skipped', 'Skipping due to fail_fast'],
    ]);
    // Typed, not read from the message: the statement's error code said it was cancelled.
    expect(r.results.find((x) => x.node.name === 'slow')!.skipReason).toBe('cancelled');
    expect(r.interrupted).toBe(false);
  }, 60_000);

  it('failFast: a node stopped between its statements (the signal thrown as is) is reported cancelled, not error', async () => {
    const { project } = setup({
      'models/a_bad.sql': table('select throwIf(1) as x'),
      'models/mb.sql':
        "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='year', begin='2020-01-01', order_by='n') }}\n" +
        "select toDateTime('2020-06-01 00:00:00') as ts, number as n from numbers(10)",
    });
    // Ordered by conditions, not timing: mb's first batch INSERT is held until --fail-fast aborts the run, and
    // a_bad fails only once that INSERT waits. Stopped so, the INSERT fails as cancelled and microbatch then
    // rethrows the run's signal itself (signal.throwIfAborted(): a bare AbortError).
    const client = (await project.adapter(2)).client as unknown as Record<'command' | 'query', (sql: string, o?: { signal?: AbortSignal }) => Promise<unknown>>;
    let insertWaits!: () => void;
    const insertHeld = new Promise<void>((resolve) => (insertWaits = resolve));
    for (const method of ['command', 'query'] as const) {
      const original = client[method].bind(client);
      client[method] = async (sql, o) => {
        if (/throwIf\(1\)/.test(sql)) await insertHeld;
        const signal = o?.signal;
        if (signal && /^\s*INSERT INTO \S*mb__tsdbt_tmp/.test(sql)) {
          insertWaits();
          if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        }
        return original(sql, o);
      };
    }
    const r = await project.run({ threads: 2, failFast: true });
    expect(r.results.map((x) => [x.node.name, x.status, x.message]).sort()).toEqual([
      ['a_bad', 'error', expect.stringContaining('FUNCTION_THROW_IF_VALUE_IS_NON_ZERO')],
      ['mb', 'skipped', 'Skipping due to fail_fast'],
    ]);
    expect(r.results.find((x) => x.node.name === 'mb')!.skipReason).toBe('cancelled');
  }, 60_000);

  it('an aborted signal stops the run: nothing starts and every node is reported not run', async () => {
    const { p, project } = setup({ 'models/a.sql': table('select 1 as x'), 'models/b.sql': table("select x from {{ ref('a') }}") });
    const controller = new AbortController();
    controller.abort();
    const r = await project.run({ signal: controller.signal });
    expect(r.interrupted).toBe(true);
    expect(r.success).toBe(false);
    expect(r.results.map((x) => [x.node.name, x.status, x.message])).toEqual([
      ['a', 'skipped', 'not run: the run was stopped'],
      ['b', 'skipped', 'not run: the run was stopped'],
    ]);
    expect(p.events.some((e) => e.type === 'node_started')).toBe(false);
  });

  it('without failFast the run goes on after an error', async () => {
    const { project } = setup({ 'models/a_bad.sql': table('select throwIf(1) as x'), 'models/b.sql': table('select 1 as x') });
    const r = await project.run({ threads: 1 });
    expect(statuses(r)).toEqual({ a_bad: 'error', b: 'success' });
  });
});

describe('results and run_results.json', () => {
  it('records status, timing, rows, failures and messages in dbt v6 shape', async () => {
    const { p, project } = setup({
      'models/t.sql': table('select number as id from numbers(3)'),
      'models/v.sql': "select id from {{ ref('t') }}",
      'models/bad.sql': table('select throwIf(1) as x'),
      'models/schema.yml': 'version: 2\nmodels:\n  - name: t\n    columns:\n      - name: id\n        tests: [not_null, {accepted_values: {values: [0, 1], quote: false}}]\n',
    });
    const r = await project.build({ threads: 2 });
    expect(statuses(r)).toEqual({
      t: 'success',
      v: 'skipped',
      bad: 'error',
      not_null_t_id: 'pass',
      accepted_values_t_id__False__0__1: 'fail',
    });
    const json = JSON.parse(readFileSync(join(p.dir, 'target', 'run_results.json'), 'utf8'));
    expect(json.metadata).toMatchObject({ dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json', invocation_id: project.invocationId });
    expect(json.args).toMatchObject({ which: 'build', threads: 2 });
    expect(typeof json.elapsed_time).toBe('number');
    // Test ids carry dbt's hash suffix: test.proj.<name>.<10 hex>.
    const byId = Object.fromEntries(json.results.map((x: { unique_id: string }) => [x.unique_id.replace(/\.[0-9a-f]{10}$/, ''), x]));
    expect(json.results.filter((x: { unique_id: string }) => x.unique_id.startsWith('test.')).every((x: { unique_id: string }) => /\.[0-9a-f]{10}$/.test(x.unique_id))).toBe(true);
    expect(Object.keys(byId).sort()).toEqual([
      'model.proj.bad',
      'model.proj.t',
      'model.proj.v',
      'test.proj.accepted_values_t_id__False__0__1',
      'test.proj.not_null_t_id',
    ]);
    const t = byId['model.proj.t'];
    expect(t).toMatchObject({
      status: 'success',
      message: 'OK 3 rows',
      failures: null,
      adapter_response: { _message: 'OK 3 rows', rows_affected: 3 },
      relation_name: `\`${p.schema}\`.\`t\``,
      compiled: true,
    });
    expect(t.compiled_code).toContain('numbers(3)');
    // dbt's compile then execute, one after the other.
    expect(t.timing.map((x: { name: string }) => x.name)).toEqual(['compile', 'execute']);
    expect(Date.parse(t.timing[0].completed_at)).toBeGreaterThanOrEqual(Date.parse(t.timing[0].started_at));
    expect(t.timing[1].started_at).toBe(t.timing[0].completed_at);
    expect(Date.parse(t.timing[1].completed_at)).toBeGreaterThanOrEqual(Date.parse(t.timing[1].started_at));
    expect(t.execution_time).toBeGreaterThanOrEqual(0);
    expect(byId['test.proj.accepted_values_t_id__False__0__1']).toMatchObject({ status: 'fail', failures: 1, message: 'Got 1 result, configured to fail if != 0', relation_name: null });
    // dbt's TestRunner gives a passing test no message (None): only warn/fail say 'Got N results…'.
    expect(byId['test.proj.not_null_t_id']).toMatchObject({ status: 'pass', failures: 0, message: null });
    expect(byId['model.proj.v']).toMatchObject({ status: 'skipped', failures: null, timing: [] });
    expect(byId['model.proj.v'].message).toMatch(/^skipped because test\.proj\.accepted_values_t_id__False__0__1\.[0-9a-f]{10} did not succeed$/);
    expect(byId['model.proj.bad'].status).toBe('error');
    expect(byId['model.proj.bad'].message).toMatch(/throwIf|THROW_IF/);
    expect(byId['model.proj.bad'].adapter_response).toEqual({});
    // It compiled, then failed in the warehouse: dbt's run_results keep its compiled SQL (retry, artifacts tools).
    expect(byId['model.proj.bad']).toMatchObject({ compiled: true, compiled_code: expect.stringContaining('throwIf(1)') });
  });
});
