import { describe, expect, it } from 'vitest';
import { ClickHouseAdapter } from '../../../packages/core/src/adapter/clickhouse-adapter.js';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject, openedPerTest, queryRows, statuses, type InlineProject } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const reopen = setup.reopen;

async function tables(project: TsdbtProject, schema: string): Promise<{ name: string; engine: string }[]> {
  return queryRows(project, `SELECT name, engine FROM system.tables WHERE database = '${schema}' ORDER BY name`);
}

describe('table materialization', () => {
  it('builds a table and rebuilds it with new contents', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(3)" });
    const first = await project.run();
    expect(statuses(first)).toEqual({ t: 'success' });
    expect(first.results[0]!.message).toBe('OK 3 rows');
    expect(first.results[0]!.rowsAffected).toBe(3);
    expect(await queryRows(project, `SELECT n FROM ${p.schema}.t ORDER BY n`)).toEqual([{ n: '0' }, { n: '1' }, { n: '2' }]);

    p.write({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number * 10 as n, 'x' as s from numbers(2)" });
    const again = reopen(p);
    const second = await again.run();
    expect(statuses(second)).toEqual({ t: 'success' });
    expect(await queryRows(again, `SELECT n, s FROM ${p.schema}.t ORDER BY n`)).toEqual([
      { n: '0', s: 'x' },
      { n: '10', s: 'x' },
    ]);
    expect(await tables(again, p.schema)).toEqual([{ name: 't', engine: 'MergeTree' }]);
  });

  it('a model failing mid-build leaves the previous table and its rows intact and no temp relation', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(4)" });
    expect(statuses(await project.run())).toEqual({ t: 'success' });
    p.write({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number as n, throwIf(number = 5) as boom from numbers(10)" });
    const again = reopen(p);
    const result = await again.run();
    expect(statuses(result)).toEqual({ t: 'error' });
    expect(result.results[0]!.message).toMatch(/FUNCTION_THROW_IF_VALUE_IS_NON_ZERO|throwIf|Value passed to 'throwIf'/);
    expect(result.success).toBe(false);
    expect(await queryRows(again, `SELECT count() AS c, sum(n) AS s FROM ${p.schema}.t`)).toEqual([{ c: '4', s: '6' }]);
    expect(await tables(again, p.schema)).toEqual([{ name: 't', engine: 'MergeTree' }]);
  });

  it('drops temp relations a killed run left behind on the next run', async () => {
    const { p, project } = setup({
      'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x",
      'models/u.sql': "{{ config(materialized='incremental', unique_key='x') }}\nselect 1 as x",
    });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    await adapter.client.command(`CREATE TABLE ${p.schema}.t__tsdbt_tmp_deadbeef (x UInt8) ENGINE = MergeTree ORDER BY tuple()`);
    await adapter.client.command(`CREATE TABLE ${p.schema}.u__tsdbt_tmp_deadbeef (x UInt8) ENGINE = MergeTree ORDER BY tuple()`);
    await adapter.client.command(`CREATE VIEW ${p.schema}.t__tsdbt_tmp_beefcafe AS SELECT 1 AS x`);
    expect((await tables(project, p.schema)).map((t) => t.name)).toEqual(['t__tsdbt_tmp_beefcafe', 't__tsdbt_tmp_deadbeef', 'u__tsdbt_tmp_deadbeef']);
    // first run of u is a table build; the second run goes the delete+insert path
    expect(statuses(await project.run())).toEqual({ t: 'success', u: 'success' });
    expect((await tables(project, p.schema)).map((t) => t.name)).toEqual(['t', 'u']);
    await adapter.client.command(`CREATE TABLE ${p.schema}.u__tsdbt_tmp_deadbeef (x UInt8) ENGINE = MergeTree ORDER BY tuple()`);
    expect(statuses(await project.run({ select: ['u'] }))).toEqual({ u: 'success' });
    expect((await tables(project, p.schema)).map((t) => t.name)).toEqual(['t', 'u']);
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.u`)).toEqual([{ x: 1 }]);
  });

  it('swaps by two renames in an Ordinary database (no EXCHANGE) and rebuilds with new contents', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table', schema='ord') }}\nselect 1 as x" });
    const adapter = await project.adapter();
    const ord = `${p.schema}_ord`;
    await adapter.client.command(`CREATE DATABASE ${ord} ENGINE = Ordinary`, { settings: { allow_deprecated_database_ordinary: 1 } });
    try {
      expect(await adapter.canExchange(ord)).toBe(false);
      expect(statuses(await project.run())).toEqual({ t: 'success' });
      p.write({ 'models/t.sql': "{{ config(materialized='table', schema='ord') }}\nselect 2 as x union all select 3" });
      const again = reopen(p);
      const r = await again.run();
      expect(statuses(r)).toEqual({ t: 'success' });
      expect(await queryRows(again, `SELECT x FROM ${ord}.t ORDER BY x`)).toEqual([{ x: 2 }, { x: 3 }]);
      expect(await tables(again, ord)).toEqual([{ name: 't', engine: 'MergeTree' }]);
    } finally {
      await adapter.client.command(`DROP DATABASE IF EXISTS ${ord}`);
    }
  });

  it('rename fallback puts the previous table back when the second rename fails', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    const base = await project.adapter();
    const commands: string[] = [];
    const client = { ...base.client, command: (sql: string, o?: never) => (commands.push(sql), base.client.command(sql, o)) };
    class NoExchange extends ClickHouseAdapter {
      override canExchange(): Promise<boolean> {
        return Promise.resolve(false);
      }
    }
    const adapter = new NoExchange(client, 'cafe01');
    const rel = { schema: p.schema, identifier: 't' };
    await adapter.ensureDatabase(p.schema);
    await client.command(`CREATE TABLE ${p.schema}.t ENGINE = MergeTree ORDER BY tuple() AS SELECT 1 AS x`);
    const staged = adapter.tempRelation(rel);
    expect(staged.identifier).toBe('t__tsdbt_tmp_cafe01');
    await client.command(`CREATE TABLE ${p.schema}.${staged.identifier} ENGINE = MergeTree ORDER BY tuple() AS SELECT 2 AS x`);
    commands.length = 0;
    await adapter.swapIn(staged, rel, 'table');
    expect(commands.some((c) => c.startsWith('EXCHANGE'))).toBe(false);
    // both renames in one statement: no moment where a killed client leaves the target missing
    expect(commands.filter((c) => c.startsWith('RENAME TABLE'))).toEqual([
      `RENAME TABLE \`${p.schema}\`.\`t\` TO \`${p.schema}\`.\`t__tsdbt_backup_cafe01\`, \`${p.schema}\`.\`t__tsdbt_tmp_cafe01\` TO \`${p.schema}\`.\`t\``,
    ]);
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.t`)).toEqual([{ x: 2 }]);
    expect((await tables(project, p.schema)).map((t) => t.name)).toEqual(['t']);

    // The staged relation is missing, so the second rename fails: the previous table is back (or never left).
    await expect(adapter.swapIn({ schema: p.schema, identifier: 'missing__tsdbt_tmp_cafe01' }, rel, 'table')).rejects.toThrow();
    expect(await queryRows(project, `SELECT x FROM ${p.schema}.t`)).toEqual([{ x: 2 }]);
    expect((await tables(project, p.schema)).map((t) => t.name)).toEqual(['t']);
  });
});

describe('view materialization', () => {
  it('creates a view, and switches table → view → table', async () => {
    const { p, project } = setup({ 'models/v.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    expect(statuses(await project.run())).toEqual({ v: 'success' });
    expect(await tables(project, p.schema)).toEqual([{ name: 'v', engine: 'MergeTree' }]);

    p.write({ 'models/v.sql': 'select 2 as x' });
    const asView = reopen(p);
    const r = await asView.run();
    expect(statuses(r)).toEqual({ v: 'success' });
    expect(r.results[0]!.message).toBe('CREATE VIEW');
    expect(await tables(asView, p.schema)).toEqual([{ name: 'v', engine: 'View' }]);
    expect(await queryRows(asView, `SELECT x FROM ${p.schema}.v`)).toEqual([{ x: 2 }]);

    p.write({ 'models/v.sql': "{{ config(materialized='table') }}\nselect 3 as x" });
    const asTable = reopen(p);
    expect(statuses(await asTable.run())).toEqual({ v: 'success' });
    expect(await tables(asTable, p.schema)).toEqual([{ name: 'v', engine: 'MergeTree' }]);
    expect(await queryRows(asTable, `SELECT x FROM ${p.schema}.v`)).toEqual([{ x: 3 }]);
  });

  it('a broken view query leaves the previous table or view in place', async () => {
    const { p, project } = setup({ 'models/v.sql': "{{ config(materialized='table') }}\nselect 1 as x" });
    expect(statuses(await project.run())).toEqual({ v: 'success' });
    p.write({ 'models/v.sql': 'select 2 as x fromm nowhere' });
    const broken = reopen(p);
    expect(statuses(await broken.run())).toEqual({ v: 'error' });
    expect(await tables(broken, p.schema)).toEqual([{ name: 'v', engine: 'MergeTree' }]);
    expect(await queryRows(broken, `SELECT x FROM ${p.schema}.v`)).toEqual([{ x: 1 }]);

    p.write({ 'models/v.sql': 'select 3 as x' });
    expect(statuses(await reopen(p).run())).toEqual({ v: 'success' });
    p.write({ 'models/v.sql': 'select 4 as x fromm nowhere' });
    const brokenAgain = reopen(p);
    const r = await brokenAgain.run();
    expect(statuses(r)).toEqual({ v: 'error' });
    expect(r.results[0]!.message).toMatch(/Syntax error/);
    expect(await tables(brokenAgain, p.schema)).toEqual([{ name: 'v', engine: 'View' }]);
    expect(await queryRows(brokenAgain, `SELECT x FROM ${p.schema}.v`)).toEqual([{ x: 3 }]);
  });

  it('a view reads its parent live', async () => {
    const { p, project } = setup({
      'models/base.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(5)",
      'models/v.sql': "select count() as c from {{ ref('base') }}",
    });
    expect(statuses(await project.run())).toEqual({ base: 'success', v: 'success' });
    expect(await queryRows(project, `SELECT c FROM ${p.schema}.v`)).toEqual([{ c: '5' }]);
    await (await project.adapter()).client.command(`INSERT INTO ${p.schema}.base VALUES (99)`);
    expect(await queryRows(project, `SELECT c FROM ${p.schema}.v`)).toEqual([{ c: '6' }]);
  });

  it("a view whose query is a UNION reads as the same model as a table: an outer join's non-match is NULL in every branch, a plain UNION distinct", async () => {
    const sql = `select a.k, b.s from (select 1 as k union all select 2 union all select 2) a left join (select 1 as k, 'x' as s) b on a.k = b.k
union
select 3, 'z'`;
    const { p, project } = setup({ 'models/as_view.sql': sql, 'models/as_table.sql': `{{ config(materialized='table') }}\n${sql}` });
    expect(statuses(await project.run())).toEqual({ as_view: 'success', as_table: 'success' });
    // ClickHouse keeps a view's trailing SETTINGS with its last SELECT only: the first branch's
    // left join read without dbt_semantics' join_use_nulls gave s = '' for k = 2.
    const expected = [{ k: 1, s: 'x' }, { k: 2, s: null }, { k: 3, s: 'z' }];
    for (const name of ['as_view', 'as_table']) expect(await queryRows(project, `select toInt32(k) as k, s from ${p.schema}.${name} order by k`), name).toEqual(expected);
  });
});

describe('models that read the warehouse while rendering', () => {
  it('run_query and get_columns_in_relation resolve ref() and this to real relations', async () => {
    const { p, project } = setup({
      'models/base.sql': "{{ config(materialized='table') }}\nselect number as n, toString(number) as s from numbers(4)",
      'models/dyn.sql': `{{ config(materialized='table') }}
{% set mx = run_query('select max(n) from ' ~ ref('base')) %}
{% set cols = adapter.get_columns_in_relation(ref('base')) %}
{% set me = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) %}
select {{ mx.rows[0][0] if execute else 0 }} as mx, '{{ cols | map(attribute='name') | join(',') }}' as cols, {{ 1 if me else 0 }} as existed`,
    });
    expect(statuses(await project.run())).toEqual({ base: 'success', dyn: 'success' });
    expect(await queryRows(project, `SELECT mx, cols, existed FROM ${p.schema}.dyn`)).toEqual([{ mx: 3, cols: 'n,s', existed: 0 }]);
    expect(statuses(await project.run({ select: ['dyn'] }))).toEqual({ dyn: 'success' });
    expect(await queryRows(project, `SELECT existed FROM ${p.schema}.dyn`)).toEqual([{ existed: 1 }]);
  });
});

describe('ephemeral materialization', () => {
  it('is inlined as a CTE into its dependents and creates no relation', async () => {
    const { p, project } = setup({
      'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect number as n from numbers(4)",
      'models/eph2.sql': "{{ config(materialized='ephemeral') }}\nselect n * 2 as m from {{ ref('eph') }}",
      'models/out.sql': "{{ config(materialized='table') }}\nselect sum(m) as total, count() as c from {{ ref('eph2') }}",
    });
    const r = await project.run();
    expect(statuses(r)).toEqual({ out: 'success' });
    const out = r.results[0]!;
    expect(out.compiledCode).toMatch(/with `__dbt__cte__eph` as \(/);
    expect(out.compiledCode!.indexOf('__dbt__cte__eph`')).toBeLessThan(out.compiledCode!.indexOf('`__dbt__cte__eph2`'));
    expect(await queryRows(project, `SELECT total, c FROM ${p.schema}.out`)).toEqual([{ total: '12', c: '4' }]);
    expect((await tables(project, p.schema)).map((t) => t.name)).toEqual(['out']);
  });
});

describe('ClickHouse config keys', () => {
  it('engine, order_by, partition_by and settings show in system.tables; query_settings apply to the build query', async () => {
    const { p, project } = setup({
      'models/cfg.sql': [
        "{{ config(materialized='table', engine='ReplacingMergeTree()', order_by=['id', 'd'], partition_by='toYYYYMM(d)',",
        "          settings={'index_granularity': 1024}, query_settings={'max_block_size': 777}) }}",
        "select number as id, toDate('2024-01-01') + number * 40 as d, toString(getSetting('max_block_size')) as mbs from numbers(3)",
      ].join('\n'),
      'models/cfg_view.sql': "{{ config(query_settings={'max_block_size': 555}) }}\nselect toString(getSetting('max_block_size')) as mbs",
    });
    expect(statuses(await project.run())).toEqual({ cfg: 'success', cfg_view: 'success' });
    const [row] = await queryRows<Record<string, string>>(
      project,
      `SELECT engine, sorting_key, partition_key, create_table_query FROM system.tables WHERE database = '${p.schema}' AND name = 'cfg'`,
    );
    expect(row!.engine).toBe('ReplacingMergeTree');
    expect(row!.sorting_key).toBe('id, d');
    expect(row!.partition_key).toBe('toYYYYMM(d)');
    expect(row!.create_table_query).toMatch(/SETTINGS index_granularity = 1024/);
    const parts = await queryRows(project, `SELECT DISTINCT partition FROM system.parts WHERE active AND database = '${p.schema}' AND table = 'cfg' ORDER BY partition`);
    expect(parts).toEqual([{ partition: '202401' }, { partition: '202402' }, { partition: '202403' }]);
    expect(await queryRows(project, `SELECT DISTINCT mbs FROM ${p.schema}.cfg`)).toEqual([{ mbs: '777' }]);
    expect(await queryRows(project, `SELECT mbs FROM ${p.schema}.cfg_view`)).toEqual([{ mbs: '555' }]);
  });
});

describe('qualified column warning', () => {
  it('warns naming the file and the column when a join keeps a table prefix', async () => {
    // Two `id`s cannot both be `id`: they keep their prefixes (one `l.id` alone gets dbt's name, execute/dbt-semantics/join-column-names.ts).
    const { p, project } = setup({
      'models/l.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'a' as name",
      'models/r.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'b' as name",
      'models/joined.sql': "{{ config(materialized='table') }}\nselect l.id, r.id, r.name from {{ ref('l') }} l join {{ ref('r') }} r on l.id = r.id",
    });
    const r = await project.run();
    expect(statuses(r)).toEqual({ l: 'success', r: 'success', joined: 'success' });
    const cols = await queryRows(project, `SELECT name FROM system.columns WHERE database = '${p.schema}' AND table = 'joined' ORDER BY position`);
    const warnings = p.events.filter((e) => e.type === 'warning') as { message: string; file?: string }[];
    const prefixed = cols.map((c) => String(c.name)).filter((n) => n.includes('.'));
    expect(prefixed.length).toBeGreaterThan(0);
    for (const col of prefixed) {
      const w = warnings.find((x) => x.message.includes(`'${col}'`));
      expect(w, `warning for ${col}`).toBeDefined();
      expect(w!.message).toContain('models/joined.sql');
      expect(w!.file).toBe('models/joined.sql');
    }
    expect(warnings.every((w) => w.message.includes('models/joined.sql'))).toBe(true);
  });

  it('with --warn-error the warning fails the model and skips its children, as dbt raises warnings', async () => {
    const { project } = setup({
      'models/l.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'a' as name",
      'models/r.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'b' as name",
      'models/joined.sql': "{{ config(materialized='table') }}\nselect l.id, r.id, r.name from {{ ref('l') }} l join {{ ref('r') }} r on l.id = r.id",
      'models/child.sql': "select * from {{ ref('joined') }}",
    });
    const r = await project.run({ warnError: true });
    expect(statuses(r)).toEqual({ l: 'success', r: 'success', joined: 'error', child: 'skipped' });
    expect(r.results.find((x) => x.node.name === 'joined')!.message).toMatch(/models\/joined\.sql[\s\S]*\(a warning, treated as an error by --warn-error\)$/);
    expect(r.success).toBe(false);
  });
});
