import { describe, expect, it } from 'vitest';
import { Column } from '../../../packages/core/src/render/column.js';
import { dbtProject, type DbtCase } from './dbt-project.js';

/*
 * dbt-tests-adapter utils/data_types/ (BaseDataTypeMacro: test_type_bigint, boolean, float, int,
 * numeric, string, timestamp), as dbt-clickhouse runs them (utils/test_datatypes.py: a negative
 * bigint, since an unsigned literal is a UInt64 in ClickHouse). `dbt build`, then `expected` and
 * `actual` have the same rows and the same column types as dbt's get_relation_columns reads them:
 * (name, dtype, char_size) of adapter.get_columns_in_relation — the Column (render/column.ts) of each DESCRIBE row,
 * so a DateTime64(0) seed column (column_types `timestamp` under dbt_semantics) reads `DateTime` as
 * type_timestamp() does.
 */
const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.';

const CASES: Record<string, DbtCase> = {
  bigint: { models: { 'expected.sql': 'select -9223372036854775800 as bigint_col\n', 'actual.sql': "\nselect cast('-9223372036854775800' as {{ type_bigint() }}) as bigint_col\n" } },
  boolean: { seeds: { 'expected.csv': 'boolean_col\nTrue\n' }, models: { 'actual.sql': "\nselect cast('True' as {{ type_boolean() }}) as boolean_col\n" } },
  float: { seeds: { 'expected.csv': 'float_col\n1.2345\n' }, models: { 'actual.sql': "\nselect cast('1.2345' as {{ type_float() }}) as float_col\n" } },
  int: { seeds: { 'expected.csv': 'int_col\n12345678\n' }, models: { 'actual.sql': "\nselect cast('12345678' as {{ type_int() }}) as int_col\n" } },
  numeric: {
    seeds: { 'expected.csv': 'numeric_col\n1.2345\n', 'expected.yml': '\nversion: 2\nseeds:\n  - name: expected\n    config:\n      column_types:\n        numeric_col: numeric(28,6)\n' },
    models: { 'actual.sql': "\nselect cast('1.2345' as {{ type_numeric() }}) as numeric_col\n" },
  },
  string: { seeds: { 'expected.csv': `string_col\n"${LOREM}"\n` }, models: { 'actual.sql': `\nselect cast('${LOREM}'\nas {{ type_string() }}) as string_col\n` } },
  timestamp: {
    seeds: { 'expected.csv': 'timestamp_col\n2021-01-01 01:01:01\n', 'expected.yml': '\nversion: 2\nseeds:\n  - name: expected\n    config:\n      column_types:\n        timestamp_col: timestamp\n' },
    models: { 'actual.sql': "\nselect cast('2021-01-01 01:01:01' as {{ type_timestamp() }}) as timestamp_col\n" },
  },
};

describe('data type macros (dbt-tests-adapter utils/data_types/)', () => {
  it.each(Object.keys(CASES))('BaseTypeX (%s): the macro casts to the type of the expected relation, same rows', async (name) => {
    const p = dbtProject(CASES[name]!);
    await p.dbt(['build']);
    const columns = (rel: string) =>
      p.query<{ name: string; type: string }>(`DESCRIBE TABLE {schema}.${rel}`).then((cs) => cs.map((c) => new Column(c.name, c.type)).map((c) => [c.column, c.dtype, c.char_size]));
    expect(await columns('actual')).toEqual(await columns('expected'));
    expect(await p.rows('actual')).toEqual(await p.rows('expected'));
  });
});
