import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const OPTIONS = `indexes=[{'name': 'ix_user', 'expression': 'user_id', 'type': 'bloom_filter', 'granularity': 4}, {'name': 'ix_amount', 'definition': 'amount TYPE minmax GRANULARITY 1'}],
  projections=[{'name': 'by_user', 'query': 'SELECT user_id, sum(amount) GROUP BY user_id'}]`;

const SCHEMA = `version: 2
models:
  - name: orders
    columns:
      - name: amount
        codec: ZSTD(3)
      - name: created_at
        ttl: created_at + INTERVAL 100 YEAR
`;

async function ddl(project: TsdbtProject, schema: string, table: string): Promise<string> {
  const [row] = await queryRows<{ q: string }>(project, `SELECT create_table_query AS q FROM system.tables WHERE database = '${schema}' AND name = '${table}'`);
  return row?.q ?? '';
}

async function indexes(project: TsdbtProject, schema: string, table: string): Promise<string[]> {
  const rows = await queryRows<{ name: string; type: string }>(project, `SELECT name, type FROM system.data_skipping_indices WHERE database = '${schema}' AND table = '${table}' ORDER BY name`);
  return rows.map((r) => `${r.name}:${r.type}`);
}

const model = (materialized: string, extra = '') =>
  `{{ config(materialized='${materialized}', order_by='id', ${OPTIONS}${extra}) }}
select number as id, number % 7 as user_id, toDecimal64(number, 2) as amount, toDateTime('2024-01-01 00:00:00') + number as created_at
from numbers(100)`;

describe('table options: indexes, projections, column codecs and TTLs', () => {
  it('a table model is created with its skip indexes, projections, codecs and TTLs, and loads without a "no effect" warning', async () => {
    const warnings: string[] = [];
    const { p, project } = setup({ 'models/orders.sql': model('table'), 'models/schema.yml': SCHEMA });
    project.manifest; // loaded
    const result = await project.run();
    expectStatuses(result, { orders: 'success' });
    for (const e of p.events) if (e.type === 'warning') warnings.push(e.message);
    expect(warnings.filter((w) => /no effect/.test(w))).toEqual([]);
    expect(await indexes(project, p.schema, 'orders')).toEqual(['ix_amount:minmax', 'ix_user:bloom_filter']);
    const text = await ddl(project, p.schema, 'orders');
    expect(text).toMatch(/`?amount`? Decimal\(18, 2\) CODEC\(ZSTD\(3\)\)/);
    expect(text).toMatch(/`?created_at`? DateTime TTL created_at \+ toIntervalYear\(100\)/);
    expect(text).toMatch(/PROJECTION by_user/);
    expect(await queryRows(project, `SELECT count() AS n, toString(sum(amount)) AS s FROM ${p.schema}.orders`)).toEqual([{ n: '100', s: '4950' }]);
    // The projection answers the aggregate it was made for.
    const [row] = await queryRows<{ s: string }>(project, `SELECT toString(sum(amount)) AS s FROM ${p.schema}.orders WHERE user_id = 3 SETTINGS force_optimize_projection = 1`);
    expect(row!.s).toBe(String([3, 10, 17, 24, 31, 38, 45, 52, 59, 66, 73, 80, 87, 94].reduce((a, b) => a + b)));

    // A rebuild (the staged table swapped in) keeps every option.
    const again = await setup.reopen(p).run();
    expectStatuses(again, { orders: 'success' });
    expect(await indexes(project, p.schema, 'orders')).toEqual(['ix_amount:minmax', 'ix_user:bloom_filter']);
    expect(await ddl(project, p.schema, 'orders')).toMatch(/CODEC\(ZSTD\(3\)\)[\s\S]*TTL created_at[\s\S]*PROJECTION by_user/);
  });

  it('an incremental model gets them on its first build, keeps them through on_schema_change, and gets indexes added later', async () => {
    const inc = (cols: string, opts: string) => `{{ config(materialized='incremental', unique_key='id', order_by='id', on_schema_change='append_new_columns', ${opts}) }}
select number as id, number % 7 as user_id, toDecimal64(number, 2) as amount, toDateTime('2024-01-01 00:00:00') + number as created_at${cols}
from numbers(10){% if is_incremental() %} where number >= 5{% endif %}`;
    const yaml = `${SCHEMA}      - name: note\n        codec: LZ4HC(9)\n`;
    const { p, project } = setup({ 'models/orders.sql': inc('', OPTIONS), 'models/schema.yml': yaml });
    expectStatuses(await project.run(), { orders: 'success' });
    expect(await indexes(project, p.schema, 'orders')).toEqual(['ix_amount:minmax', 'ix_user:bloom_filter']);

    // A new column (with a YAML codec) and a new index in the config.
    p.write({
      'models/orders.sql': inc(", 'n' || toString(number) as note", OPTIONS.replace("}],\n  projections", "}, {'name': 'ix_note', 'expression': 'note', 'type': 'set(100)'}],\n  projections")),
    });
    const again = setup.reopen(p);
    const r = await again.run();
    expectStatuses(r, { orders: 'success' });
    expect(r.results[0]!.warnings.join('\n')).toMatch(/added index ix_note to/);
    expect(await indexes(again, p.schema, 'orders')).toEqual(['ix_amount:minmax', 'ix_note:set', 'ix_user:bloom_filter']);
    const text = await ddl(again, p.schema, 'orders');
    // Added by on_schema_change: Nullable under dbt_semantics (the old rows hold NULL, as dbt).
    expect(text).toMatch(/`?note`? Nullable\(String\) CODEC\(LZ4HC\(9\)\)/);
    expect(text).toMatch(/amount`? Decimal\(18, 2\) CODEC\(ZSTD\(3\)\)/);
    expect(text).toMatch(/PROJECTION by_user/);
    expect(await queryRows(again, `SELECT count() AS n, countIf(note != '') AS noted FROM ${p.schema}.orders`)).toEqual([{ n: '10', noted: '5' }]);
  });

  it('insert_overwrite replaces partitions of a table with projections (the staging table has the same structure)', async () => {
    const m = (n: number) => `{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by='p', order_by='id',
  projections=[{'name': 'by_p', 'query': 'SELECT p, count() GROUP BY p'}], indexes=[{'name': 'ix', 'definition': 'id TYPE minmax GRANULARITY 1'}]) }}
select number as id, number % 2 as p, ${n} as v from numbers(6)`;
    const { p, project } = setup({ 'models/t.sql': m(1) });
    expectStatuses(await project.run(), { t: 'success' });
    p.write({ 'models/t.sql': m(2) });
    const again = setup.reopen(p);
    expectStatuses(await again.run(), { t: 'success' });
    expect(await queryRows(again, `SELECT p, count() AS n, max(v) AS v FROM ${p.schema}.t GROUP BY p ORDER BY p`)).toEqual([
      { p: 0, n: '3', v: 2 },
      { p: 1, n: '3', v: 2 },
    ]);
  });

  it('a malformed index or projection fails the model with the file and what to write', async () => {
    const { project } = setup({ 'models/t.sql': "{{ config(materialized='table', indexes=[{'name': 'ix'}]) }}\nselect 1 as x" });
    const r = await project.run();
    expectStatuses(r, { t: 'error' });
    expect(r.results[0]!.message).toMatch(/indexes\[0\] needs a name and either a definition or an expression and a type/);
    expect(r.results[0]!.file).toBe('models/t.sql');
  });
});
