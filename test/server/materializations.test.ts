import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../packages/core/src/index.js';
import { expectStatuses, queryRows } from '../helpers/inline-project.js';
import { SKIP_SERVER_TESTS } from './clickhouse-server.js';
import { serverSuite } from './server-suite.js';

/*
 * `type: clickhouse` against a real (old: Debian's 18.16, Ordinary databases, no EXCHANGE TABLES,
 * no CREATE OR REPLACE VIEW) clickhouse-server started by this file.
 */
describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server: materializations and tests', () => {
  const suite = serverSuite();
  const setup = suite.setup;

  /** Reopen after editing files: a new invocation (new run id) on the same server and schema. */
  const reopen = setup.reopen;


  async function tables(project: TsdbtProject, schema: string): Promise<{ name: string; engine: string }[]> {
    return queryRows(project, `SELECT name, engine FROM system.tables WHERE database = '${schema}' ORDER BY name`);
  }

  it('talks to the server it started (version, database engine)', async () => {
    const { p, project } = setup({ 'models/t.sql': 'select 1 as x' });
    const info = await project.debug();
    expect(info.serverVersion).toBe(suite.server.version);
    expect(info.checks.map((c) => [c.name, c.status])).toEqual([['connection', 'ok'], ['create_database', 'ok']]);
    expect(info.success).toBe(true);
    expect(await queryRows(project, `SELECT engine FROM system.databases WHERE name = '${p.schema}'`)).toEqual([{ engine: expect.any(String) }]);
  });

  it('a function (dbt 1.11) on a server without SQL functions fails saying so, the rest of the build runs', async () => {
    const { project } = setup({
      'functions/double_it.sql': 'SELECT value * 2',
      'functions/double_it.yml': 'functions:\n  - name: double_it\n    arguments:\n      - name: value\n        data_type: float\n',
      'models/t.sql': 'select 1 as x',
    });
    const result = await project.build();
    const fn = result.results.find((r) => r.uniqueId === 'function.p.double_it' || r.uniqueId.endsWith('.double_it'))!;
    expect(fn.status).toBe('error');
    expect(fn.message).toContain(`ClickHouse ${suite.server.version}`);
    expect(fn.message).toContain('has no user-defined SQL functions (CREATE FUNCTION came in 21.10)');
    expect(result.results.find((r) => r.uniqueId.endsWith('.t'))!.status).toBe('success');
  });

  it('builds a table model and rebuilds it with new contents (rename fallback, no leftovers)', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(3)" });
    const first = await project.run();
    expectStatuses(first, { t: 'success' });
    expect(first.results[0]!.message).toBe('OK 3 rows');
    expect(await queryRows(project, `SELECT n FROM ${p.schema}.t ORDER BY n`)).toEqual([{ n: '0' }, { n: '1' }, { n: '2' }]);

    // The old server's Ordinary database cannot EXCHANGE TABLES: the adapter must notice and rename.
    const adapter = await project.adapter();
    const engine = (await queryRows<{ engine: string }>(project, `SELECT engine FROM system.databases WHERE name = '${p.schema}'`))[0]!.engine;
    if (engine === 'Ordinary') expect(await adapter.canExchange(p.schema)).toBe(false);

    p.write({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number * 10 as n, 'x' as s from numbers(2)" });
    const again = reopen(p);
    const second = await again.run();
    expectStatuses(second, { t: 'success' });
    expect(second.results[0]!.message).toBe('OK 2 rows');
    expect(await queryRows(again, `SELECT n, s FROM ${p.schema}.t ORDER BY n`)).toEqual([
      { n: '0', s: 'x' },
      { n: '10', s: 'x' },
    ]);
    // a third build replaces it again: the swap works repeatedly
    const third = await reopen(p).run();
    expectStatuses(third, { t: 'success' });
    expect(await tables(again, p.schema)).toEqual([{ name: 't', engine: 'MergeTree' }]);
    const all = await queryRows<{ name: string }>(again, `SELECT name FROM system.tables WHERE database = '${p.schema}'`);
    expect(all.filter((t) => /__tsdbt_tmp_|__tsdbt_backup_/.test(t.name))).toEqual([]);
  });

  it('builds a view model and rebuilds it with a new definition; switches view <-> table', async () => {
    const { p, project } = setup({ 'models/v.sql': "{{ config(materialized='view') }}\nselect number as n from numbers(2)" });
    const first = await project.run();
    expectStatuses(first, { v: 'success' });
    expect(first.results[0]!.message).toBe('CREATE VIEW');
    expect(await queryRows(project, `SELECT n FROM ${p.schema}.v ORDER BY n`)).toEqual([{ n: '0' }, { n: '1' }]);

    p.write({ 'models/v.sql': "{{ config(materialized='view') }}\nselect number + 100 as n, 'y' as s from numbers(3)" });
    const again = reopen(p);
    expectStatuses(await again.run(), { v: 'success' });
    expect(await queryRows(again, `SELECT n, s FROM ${p.schema}.v ORDER BY n`)).toEqual([
      { n: '100', s: 'y' },
      { n: '101', s: 'y' },
      { n: '102', s: 'y' },
    ]);
    expect(await tables(again, p.schema)).toEqual([{ name: 'v', engine: 'View' }]);

    // view -> table
    p.write({ 'models/v.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(4)" });
    const asTable = reopen(p);
    expectStatuses(await asTable.run(), { v: 'success' });
    expect(await tables(asTable, p.schema)).toEqual([{ name: 'v', engine: 'MergeTree' }]);
    expect(await queryRows(asTable, `SELECT count() AS c FROM ${p.schema}.v`)).toEqual([{ c: '4' }]);

    // table -> view
    p.write({ 'models/v.sql': "{{ config(materialized='view') }}\nselect 7 as n" });
    const asView = reopen(p);
    expectStatuses(await asView.run(), { v: 'success' });
    expect(await tables(asView, p.schema)).toEqual([{ name: 'v', engine: 'View' }]);
    expect(await queryRows(asView, `SELECT n FROM ${p.schema}.v`)).toEqual([{ n: 7 }]);
  });

  it('a view on a table model, both in one run, in dependency order', async () => {
    const { p, project } = setup({
      'models/base.sql': "{{ config(materialized='table') }}\nselect number as id, number % 2 as odd from numbers(6)",
      'models/odd_ids.sql': "{{ config(materialized='view') }}\nselect id from {{ ref('base') }} where odd = 1",
    });
    const result = await project.run();
    expectStatuses(result, { base: 'success', odd_ids: 'success' });
    expect(await queryRows(project, `SELECT id FROM ${p.schema}.odd_ids ORDER BY id`)).toEqual([{ id: '1' }, { id: '3' }, { id: '5' }]);
    // rebuilding the table under the view keeps the view working (the rename puts a table of the same name back)
    expectStatuses(await reopen(p).run(), { base: 'success', odd_ids: 'success' });
    expect(await queryRows(project, `SELECT count() AS c FROM ${p.schema}.odd_ids`)).toEqual([{ c: '3' }]);
  });

  it('a model failing mid-build leaves the previous table and its rows intact and no temp relation', async () => {
    const { p, project } = setup({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number as n from numbers(4)" });
    expectStatuses(await project.run(), { t: 'success' });
    p.write({ 'models/t.sql': "{{ config(materialized='table') }}\nselect number as n, throwIf(number = 5) as boom from numbers(10)" });
    const again = reopen(p);
    const result = await again.run();
    expectStatuses(result, { t: 'error' });
    expect(result.results[0]!.message).toMatch(/throwIf|FUNCTION_THROW_IF_VALUE_IS_NON_ZERO/);
    // old servers' `Code: 395, e.displayText() = DB::Exception: …, e.what() = …` is reduced to code and text
    expect(result.results[0]!.message).toMatch(/^Database Error in model t \(models\/t\.sql\)\n {2}Code: 395\. /);
    expect(result.results[0]!.message).not.toMatch(/e\.what\(\)|e\.displayText/);
    expect(result.success).toBe(false);
    expect(await queryRows(again, `SELECT count() AS c, sum(n) AS s FROM ${p.schema}.t`)).toEqual([{ c: '4', s: '6' }]);
    expect(await tables(again, p.schema)).toEqual([{ name: 't', engine: 'MergeTree' }]);

    // a syntax error fails before anything is created, too
    p.write({ 'models/t.sql': "{{ config(materialized='table') }}\nselect from where" });
    const broken = await reopen(p).run();
    expectStatuses(broken, { t: 'error' });
    expect(broken.results[0]!.message).toMatch(/Syntax error/);
    expect(await tables(again, p.schema)).toEqual([{ name: 't', engine: 'MergeTree' }]);
    expect(await queryRows(again, `SELECT count() AS c FROM ${p.schema}.t`)).toEqual([{ c: '4' }]);
  });

  it('a failing view model leaves the previous view in place', async () => {
    const { p, project } = setup({ 'models/v.sql': "{{ config(materialized='view') }}\nselect number as n from numbers(3)" });
    expectStatuses(await project.run(), { v: 'success' });
    p.write({ 'models/v.sql': "{{ config(materialized='view') }}\nselect no_such_column from numbers(3)" });
    const again = reopen(p);
    const result = await again.run();
    expectStatuses(result, { v: 'error' });
    expect(result.results[0]!.message).toMatch(/no_such_column/);
    expect(await tables(again, p.schema)).toEqual([{ name: 'v', engine: 'View' }]);
    expect(await queryRows(again, `SELECT count() AS c FROM ${p.schema}.v`)).toEqual([{ c: '3' }]);
  });

  it('run_query and get_columns_in_relation work over HTTP while rendering', async () => {
    const { p, project } = setup({
      'models/base.sql': "{{ config(materialized='table') }}\nselect number as n, toString(number) as s from numbers(4)",
      'models/dyn.sql': `{{ config(materialized='table') }}
{% set mx = run_query('select max(n) from ' ~ ref('base')) %}
{% set cols = adapter.get_columns_in_relation(ref('base')) %}
{% set missing = adapter.get_columns_in_relation({'schema': this.schema, 'identifier': 'missing'}) %}
{% set me = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) %}
select {{ mx.rows[0][0] if execute else 0 }} as mx, '{{ cols | map(attribute='name') | join(',') }}' as cols, {{ 1 if me else 0 }} as existed, {{ missing | length }} as missing_cols`,
    });
    expectStatuses(await project.run(), { base: 'success', dyn: 'success' });
    expect(await queryRows(project, `SELECT mx, cols, existed, missing_cols FROM ${p.schema}.dyn`)).toEqual([{ mx: 3, cols: 'n,s', existed: 0, missing_cols: 0 }]);
    expectStatuses(await project.run({ select: ['dyn'] }), { dyn: 'success' });
    expect(await queryRows(project, `SELECT existed FROM ${p.schema}.dyn`)).toEqual([{ existed: 1 }]);
  });

  it('an append incremental model adds only new rows', async () => {
    const model = (upTo: number) => `{{ config(materialized='incremental') }}
select number as id from numbers(${upTo})
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`;
    const { p, project } = setup({ 'models/inc.sql': model(3) });
    expectStatuses(await project.run(), { inc: 'success' });
    p.write({ 'models/inc.sql': model(5) });
    const again = reopen(p);
    const result = await again.run();
    expectStatuses(result, { inc: 'success' });
    expect(result.results[0]!.message).toBe('OK append 2 rows');
    expect(await queryRows(again, `SELECT count() AS c, sum(id) AS s FROM ${p.schema}.inc`)).toEqual([{ c: '5', s: '10' }]);
  });

  it('a delete+insert incremental model replaces keys through a mutation (no lightweight DELETE on this server)', async () => {
    const model = (from: number, upTo: number, tag: string) => `{{ config(materialized='incremental', unique_key='id', order_by='id') }}
select number as id, '${tag}' as v from numbers(${from}, ${upTo - from})`;
    const { p, project } = setup({ 'models/inc.sql': model(0, 5, 'old') });
    expectStatuses(await project.run(), { inc: 'success' });
    p.write({ 'models/inc.sql': model(3, 8, 'new') });
    const again = reopen(p);
    const result = await again.run();
    expectStatuses(result, { inc: 'success' });
    expect(result.results[0]!.message).toBe('OK delete+insert 5 rows');
    expect(await queryRows(again, `SELECT v, count() AS c FROM ${p.schema}.inc GROUP BY v ORDER BY v`)).toEqual([
      { v: 'new', c: '5' },
      { v: 'old', c: '3' },
    ]);
  });

  it('a seed with dates before 1970 loads as Date on a server without Date32', async () => {
    const { p, project } = setup({ 'seeds/people.csv': 'id,born\n1,1956-03-04\n2,2001-05-06\n' });
    expectStatuses(await project.seed(), { people: 'success' });
    expect(await queryRows(project, `SELECT id, toTypeName(born) AS t, toString(born) AS b FROM ${p.schema}.people ORDER BY id`)).toEqual([
      { id: 1, t: 'Date', b: expect.any(String) },
      { id: 2, t: 'Date', b: '2001-05-06' },
    ]);
  });

  it('generic tests pass and fail correctly (batched and one by one)', async () => {
    const { p, project } = setup({
      // id: 0,1,2,2,NULL  status: a,b,c,zz,a  parent: 0,1,9,NULL,0
      'models/parents.sql': "{{ config(materialized='table') }}\nselect number as pid from numbers(3)",
      // relationships compares with IN, and servers before 19.x want the same type on both sides (UInt64 here)
      'models/m.sql': `{{ config(materialized='table') }}
select
  toUInt64(number) as rn,
  if(number = 4, NULL, toNullable(toUInt64(if(number = 3, 2, number)))) as id,
  arrayElement(['a', 'b', 'c', 'zz', 'a'], toUInt64(number + 1)) as status,
  if(number = 3, NULL, toNullable(toUInt64(arrayElement([0, 1, 9, 0, 0], toUInt64(number + 1))))) as parent
from numbers(5)`,
      'models/schema.yml': `version: 2
models:
  - name: parents
    columns:
      - name: pid
        tests: [unique, not_null]
  - name: m
    columns:
      - name: rn
        tests: [unique, not_null]
      - name: id
        tests:
          - not_null
          - unique
          - accepted_values: {values: [0, 1, 2], quote: false}
          - accepted_values: {name: av_id_small, values: [0, 1], quote: false}
          - relationships: {to: "ref('parents')", field: pid}
      - name: status
        tests:
          - not_null
          - accepted_values: {values: [a, b, c]}
          - accepted_values: {name: av_status_all, values: [a, b, c, zz]}
      - name: parent
        tests:
          - relationships: {to: "ref('parents')", field: pid}
`,
    });
    expectStatuses(await project.run(), { parents: 'success', m: 'success' });
    const expected = {
      unique_parents_pid: ['pass', 0],
      not_null_parents_pid: ['pass', 0],
      unique_m_rn: ['pass', 0],
      not_null_m_rn: ['pass', 0],
      not_null_m_id: ['fail', 1],
      unique_m_id: ['fail', 1],
      accepted_values_m_id__False__0__1__2: ['pass', 0],
      av_id_small: ['fail', 1],
      relationships_m_id__pid__ref_parents_: ['pass', 0],
      not_null_m_status: ['pass', 0],
      accepted_values_m_status__a__b__c: ['fail', 1],
      av_status_all: ['pass', 0],
      relationships_m_parent__pid__ref_parents_: ['fail', 1],
    };
    for (const batchTests of [true, false]) {
      const result = await project.test({ batchTests });
      const got = Object.fromEntries(result.results.map((r) => [r.node.name, [r.status, r.failures]]));
      expect(got, `batchTests: ${batchTests}`).toEqual(expected);
      expect(result.success).toBe(false);
    }
    // the counts are the server's answers on this project's own tables
    expect(await queryRows(project, `SELECT countIf(id IS NULL) AS nulls, countIf(status NOT IN ('a', 'b', 'c')) AS bad_status FROM ${p.schema}.m`)).toEqual([{ nulls: '1', bad_status: '1' }]);
  });
});
