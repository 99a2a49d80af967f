import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter dbt_show/test_dbt_show.py (BaseShowLimit, BaseShowSqlHeader; dbt-clickhouse runs
 * both unchanged): `dbt show --inline` of an ephemeral-model chain with the default limit (5),
 * `--limit 3` and `--limit -1` (all 7), and `show --select` of a model whose SQL header
 * (set_sql_header) holds a WITH clause. Rows are read from `--output json`.
 */
const FILES = {
  models: {
    'sample_model.sql': "select * from {{ ref('sample_seed') }}\n",
    'ephemeral_model.sql': "{{ config(materialized = 'ephemeral') }}\nselect\n    coalesce(sample_num, 0) + 10 as col_deci\nfrom {{ ref('sample_model') }}\n",
  },
  seeds: { 'sample_seed.csv': 'sample_num,sample_bool\n1,true\n2,false\n3,true\n4,false\n5,true\n6,false\n7,true\n' },
};
const SECOND = "{{ config(materialized = 'ephemeral') }}\nselect\n    col_deci + 100 as col_hundo\nfrom {{ ref('ephemeral_model') }}\n";
const rowsOf = (out: string[]) => JSON.parse(out.find((l) => l.trim().startsWith('{'))!).show as unknown[];

describe('dbt show (dbt-tests-adapter dbt_show/test_dbt_show.py)', () => {
  it.each([
    [[], 5],
    [['--limit', '3'], 3],
    [['--limit', '-1'], 7],
  ])('BaseShowLimit %j: %i rows', async (args, expected) => {
    const p = dbtProject(FILES);
    await p.dbt(['build']);
    const r = await p.dbt(['show', '--inline', SECOND, ...args, '--output', 'json']);
    expect(rowsOf(r.out)).toHaveLength(expected);
  });

  it('BaseShowSqlHeader: a model whose set_sql_header defines a WITH clause', async () => {
    const p = dbtProject({
      models: {
        'sql_header.sql': `{% call set_sql_header(config) %}
with _variables as (
    select 1 as my_variable
)
{%- endcall %}
select my_variable from _variables
`,
      },
    });
    const r = await p.dbt(['show', '--select', 'sql_header', '--vars', 'timezone: Asia/Kolkata', '--output', 'json']);
    expect(rowsOf(r.out)).toEqual([{ my_variable: 1 }]);
  });
});

describe("sql_header (dbt-clickhouse tests/integration/adapter/clickhouse/test_clickhouse_sql_header.py)", () => {
  it('TestSQLHeader: a SET header makes two statements, which fails saying Multi-statements', async () => {
    const p = dbtProject({
      models: {
        'my_model_sql_header.sql': `{{
  config(
    materialized = "table",
  )
}}
{% call set_sql_header(config) %}
set log_comment = 'TEST_LOG_COMMENT';
{%- endcall %}
select getSettings('log_comment') as column_name
`,
      },
    });
    const r = await p.dbt(['run', '-s', 'my_model_sql_header'], { expectPass: false });
    expect(r.out.join('\n')).toContain('Multi-statements');
  });

  it('a WITH header is part of the model query when it runs (table materialization)', async () => {
    const p = dbtProject({
      models: { 'h.sql': "{{ config(materialized='table', sql_header='with _v as (select 41 as x)') }}\nselect x + 1 as y from _v\n" },
    });
    await p.dbt(['run']);
    expect(await p.query('select y from {schema}.h')).toEqual([{ y: 42 }]);
  });
});
