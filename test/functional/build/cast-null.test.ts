import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

/*
 * dbt's answers on ClickHouse (config dbt_semantics, default on): `cast(NULL AS T)` is NULL, as on
 * every warehouse dbt runs on — ClickHouse alone fails with "Cannot convert NULL to a non-nullable
 * type" unless cast_keep_nullable = 1 (execute/dbt-semantics/cast-keep-nullable.ts).
 */
describe('cast(null as T) gives NULL (dbt_semantics)', () => {
  it('a table and a view casting NULL build; the NULL is NULL; the view keeps the setting', async () => {
    const { p, project } = setup({
      'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as id, cast(null as String) as s, cast(n as Int32) as n from (select toNullable(2) as n union all select null)",
      'models/v.sql': "{{ config(materialized='view') }}\nselect id, s, null::Nullable(String) as also_null from {{ ref('t') }}",
      'models/plain.sql': "{{ config(materialized='table') }}\nselect 1 as id",
    });
    expectStatuses(await project.run(), { t: 'success', v: 'success', plain: 'success' });
    expect(await queryRows(project, `SELECT s, toInt32OrNull(toString(n)) AS n FROM ${p.schema}.t ORDER BY n NULLS LAST`)).toEqual([{ s: null, n: 2 }, { s: null, n: null }]);
    expect(await queryRows(project, `SELECT toTypeName(s) AS t FROM ${p.schema}.v LIMIT 1`)).toEqual([{ t: 'Nullable(String)' }]);
    // The view keeps the setting for whoever reads it later.
    const [view] = await queryRows<{ q: string }>(project, `SELECT create_table_query AS q FROM system.tables WHERE database = '${p.schema}' AND name = 'v'`);
    expect(view!.q).toMatch(/cast_keep_nullable = 1/);
  });

  it('dbt_semantics: false keeps ClickHouse’s behaviour (the CAST fails); a model setting cast_keep_nullable itself keeps its value', async () => {
    const { project } = setup({
      'models/off.sql': "{{ config(materialized='table', dbt_semantics=false) }}\nselect cast(null as String) as s",
      'models/own.sql': "{{ config(materialized='table', query_settings={'cast_keep_nullable': 0}) }}\nselect cast(null as String) as s",
    });
    const run = await project.run();
    const by = Object.fromEntries(run.results.map((r) => [r.node.name, [r.status, /non-nullable|NULL/i.test(r.message)]]));
    expect(by).toEqual({ off: ['error', true], own: ['error', true] });
  });

  it('a model with an enforced contract is left alone: its not-null columns still refuse NULL', async () => {
    const { project } = setup({
      'models/c.sql': "{{ config(materialized='table') }}\nselect cast(null as String) as s",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: c\n    config: {contract: {enforced: true}}\n    columns:\n      - {name: s, data_type: String, constraints: [{type: not_null}]}\n',
    });
    const run = await project.run();
    expect(run.results.map((r) => r.status)).toEqual(['error']);
  });
});
