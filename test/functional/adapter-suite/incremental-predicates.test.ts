import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from './dbt-project.js';

/*
 * dbt-tests-adapter incremental/test_incremental_predicates.py (BaseIncrementalPredicates,
 * TestPredicatesDeleteInsert; dbt-clickhouse runs the base class unchanged) and
 * incremental/test_incremental_merge_exclude_columns.py (BaseMergeExcludeColumns).
 * A project-level `+incremental_predicates: ["id != 2"]` (or its alias `+predicates`) limits the
 * delete of delete+insert: the row with id 2 is not replaced, so the new id 2 row is added beside it.
 */
const MODEL = (config: string) => `{{ config(
    materialized = 'incremental',
    unique_key = 'id'${config}
) }}
{% if not is_incremental() %}
select 1 as id, 'hello' as msg, 'blue' as color
union all
select 2 as id, 'goodbye' as msg, 'red' as color
{% else %}
select 1 as id, 'hey' as msg, 'blue' as color
union all
select 2 as id, 'yo' as msg, 'green' as color
union all
select 3 as id, 'anyway' as msg, 'purple' as color
{% endif %}
`;

async function scenario(p: ReturnType<typeof dbtProject>, seed: string, model: string, seedRows: number) {
  expect((await p.dbt(['seed', '--select', seed, '--full-refresh'])).results).toHaveLength(1);
  expect((await p.dbt(['run', '--select', model, '--full-refresh'])).results).toHaveLength(1);
  expect(await p.query(`select * from {schema}.${seed}`)).toHaveLength(seedRows);
  expect((await p.dbt(['run', '--select', model])).results).toHaveLength(1);
  await expectRelationsEqual(p, [seed, model]);
}

describe('incremental predicates (dbt-tests-adapter incremental/test_incremental_predicates.py)', () => {
  it.each(['incremental_predicates', 'predicates'])('+%s: ["id != 2"] keeps the old id 2 row beside the new one', async (key) => {
    const p = dbtProject({
      models: { 'delete_insert_incremental_predicates.sql': MODEL('') },
      seeds: { 'expected_delete_insert_incremental_predicates.csv': 'id,msg,color\n1,hey,blue\n2,goodbye,red\n2,yo,green\n3,anyway,purple\n' },
      projectConfig: `models:\n  +${key}: ["id != 2"]\n  +incremental_strategy: "delete+insert"\n`,
    });
    await scenario(p, 'expected_delete_insert_incremental_predicates', 'delete_insert_incremental_predicates', 4);
  });
});

describe('merge_exclude_columns (dbt-tests-adapter incremental/test_incremental_merge_exclude_columns.py)', () => {
  // merge_update_columns (dbt's other merge config) says the same from the other side.
  it.each(["merge_exclude_columns=['msg']", "merge_update_columns=['color']"])('merge with %s updates the other columns of matched rows and inserts new ones', async (config) => {
    const p = dbtProject({
      models: { 'merge_exclude_columns.sql': MODEL(`,\n    incremental_strategy='merge',\n    ${config}`) },
      seeds: { 'expected_merge_exclude_columns.csv': 'id,msg,color\n1,hello,blue\n2,goodbye,green\n3,anyway,purple\n' },
    });
    await scenario(p, 'expected_merge_exclude_columns', 'merge_exclude_columns', 3);
  });
});
