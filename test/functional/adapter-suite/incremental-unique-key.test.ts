import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter incremental/test_incremental_unique_id.py (BaseIncrementalUniqueKey), as
 * dbt-clickhouse runs it (tests/integration/adapter/incremental/test_incremental_unique_key.py):
 * each case full-refreshes the seed and one incremental model, changes the seed (a row that
 * repeats a key with a newer date, or two rows with new keys), runs the model again and compares
 * it with the expected relation. The seed's empty `city` is NULL, as dbt's seeds load it (agate)
 * (dbt-clickhouse's own expected models say '' because its seeds are not Nullable).
 */
const SEED = `state,county,city,last_visit_date
CT,Hartford,Hartford,2020-09-23
MA,Suffolk,Boston,2020-02-12
NJ,Mercer,Trenton,2022-01-01
NY,Kings,Brooklyn,2021-04-02
NY,New York,Manhattan,2021-04-01
PA,Philadelphia,Philadelphia,2021-05-21
CO,Denver,,2021-06-18
`;
const DUPLICATE_INSERT = "insert into {schema}.seed (state, county, city, last_visit_date) values ('CT','Hartford','Hartford','2022-02-14')";
const ADD_NEW_ROWS = [
  "insert into {schema}.seed (state, county, city, last_visit_date) values ('WA','King','Seattle','2022-02-01')",
  "insert into {schema}.seed (state, county, city, last_visit_date) values ('CA','Los Angeles','Los Angeles','2022-02-01')",
];
const incremental = (uniqueKey: string | undefined, columns = 'state as state, county as county, city as city, last_visit_date as last_visit_date') => `{{
    config(
        materialized='incremental'${uniqueKey === undefined ? '' : `,\n        unique_key=${uniqueKey}`}
    )
}}
select ${columns}
from {{ ref('seed') }}
{% if is_incremental() %}
    where last_visit_date > (select max(last_visit_date) from {{ this }})
{% endif %}
`;
const EXPECTED_OVERWRITE = `{{ config(materialized='table') }}
select 'CT' as state, 'Hartford' as county, 'Hartford' as city, cast('2022-02-14' as date) as last_visit_date
union all select 'MA','Suffolk','Boston',cast('2020-02-12' as date)
union all select 'NJ','Mercer','Trenton',cast('2022-01-01' as date)
union all select 'NY','Kings','Brooklyn',cast('2021-04-02' as date)
union all select 'NY','New York','Manhattan',cast('2021-04-01' as date)
union all select 'PA','Philadelphia','Philadelphia',cast('2021-05-21' as date)
union all select 'CO','Denver',null,cast('2021-06-18' as date)
`;

const MODELS = {
  'trinary_unique_key_list.sql': incremental("['state', 'county', 'city']"),
  'nontyped_trinary_unique_key_list.sql': incremental("['state', 'county', 'city']"),
  'unary_unique_key_list.sql': incremental("['state']"),
  'not_found_unique_key.sql': incremental("'thisisnotacolumn'", '*'),
  'empty_unique_key_list.sql': incremental('[]', '*'),
  'no_unique_key.sql': incremental(undefined, '*'),
  'empty_str_unique_key.sql': incremental("''", '*'),
  'str_unique_key.sql': incremental("'state'"),
  'duplicated_unary_unique_key_list.sql': incremental("['state', 'state']"),
  'not_found_unique_key_list.sql': `{{ config(materialized='incremental', unique_key=['state', 'thisisnotacolumn']) }}\nselect * from {{ ref('seed') }}\n`,
  'expected/one_str__overwrite.sql': EXPECTED_OVERWRITE,
  'expected/unique_key_list__inplace_overwrite.sql': EXPECTED_OVERWRITE,
};

const project = () =>
  dbtProject({
    // dbt reads only the CSV files of seed-paths: the SQL files beside them are ignored.
    seeds: { 'seed.csv': SEED, 'duplicate_insert.sql': DUPLICATE_INSERT, 'add_new_rows.sql': ADD_NEW_ROWS.join(';\n') },
    models: MODELS,
  });

/** get_test_fields + check_scenario_correctness of the upstream class. */
async function scenario(p: DbtProject, model: string, update: 'duplicate_insert' | 'add_new_rows', expected: string, seedRows: number, expectedModel?: string) {
  if (expectedModel) expect((await p.dbt(['run', '--select', expectedModel])).results).toHaveLength(1);
  expect((await p.dbt(['seed', '--select', 'seed', '--full-refresh'])).results).toHaveLength(1);
  expect((await p.dbt(['run', '--select', model, '--full-refresh'])).results).toHaveLength(1);
  for (const sql of update === 'duplicate_insert' ? [DUPLICATE_INSERT] : ADD_NEW_ROWS) await p.query(sql);
  expect(await p.query('select * from {schema}.seed')).toHaveLength(seedRows);
  expect((await p.dbt(['run', '--select', model])).results).toHaveLength(1);
  await expectRelationsEqual(p, [expected, model]);
}

describe('incremental unique keys (dbt-tests-adapter incremental/test_incremental_unique_id.py)', () => {
  const cases: [name: string, model: string, update: 'duplicate_insert' | 'add_new_rows', expected: string, seedRows: number][] = [
    ['test__empty_unique_key_list', 'empty_unique_key_list', 'add_new_rows', 'seed', 9],
    ['test__one_unique_key', 'str_unique_key', 'duplicate_insert', 'one_str__overwrite', 8],
    ['test__no_unique_keys', 'no_unique_key', 'add_new_rows', 'seed', 9],
    ['test__empty_str_unique_key', 'empty_str_unique_key', 'add_new_rows', 'seed', 9],
    ['test__unary_unique_key_list', 'unary_unique_key_list', 'duplicate_insert', 'unique_key_list__inplace_overwrite', 8],
    ['test__duplicated_unary_unique_key_list', 'duplicated_unary_unique_key_list', 'duplicate_insert', 'unique_key_list__inplace_overwrite', 8],
    ['test__trinary_unique_key_list', 'trinary_unique_key_list', 'duplicate_insert', 'unique_key_list__inplace_overwrite', 8],
    ['test__trinary_unique_key_list_no_update', 'nontyped_trinary_unique_key_list', 'add_new_rows', 'seed', 9],
  ];
  it.each(cases)('%s', async (_name, model, update, expected, seedRows) => {
    const p = project();
    await scenario(p, model, update, expected, seedRows, expected === 'seed' ? undefined : expected);
  });

  it.each([
    ['test__bad_unique_key', 'not_found_unique_key'],
    ['test__bad_unique_key_list', 'not_found_unique_key_list'],
  ])('%s: a unique key that is not a column fails the second run, naming it', async (_name, model) => {
    const p = project();
    await p.dbt(['seed', '--select', 'seed', '--full-refresh']);
    await p.dbt(['run', '--select', model, '--full-refresh']);
    const second = await p.dbt(['run', '--select', model], { expectPass: false });
    expect(second.results[0]!.status).toBe('error');
    expect(second.results[0]!.message!.toLowerCase()).toContain('thisisnotacolumn');
  });
});
