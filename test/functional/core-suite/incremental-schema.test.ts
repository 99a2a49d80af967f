import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, type DbtProject } from '../adapter-suite/dbt-project.js';
import * as F from './incremental-schema-fixtures.js';

/*
 * dbt-core tests/functional/incremental_schema_tests/test_incremental_schema.py (TestIncrementalSchemaChange:
 * on_schema_change ignore / append_new_columns / sync_all_columns / fail), fixtures as written
 * (`varchar(10)` is ClickHouse's String). Each incremental model runs twice and is compared with its
 * table-materialized target.
 */
const MODELS = {
  'incremental_sync_remove_only.sql': F.MODELS__INCREMENTAL_SYNC_REMOVE_ONLY,
  'incremental_ignore.sql': F.MODELS__INCREMENTAL_IGNORE,
  'incremental_sync_remove_only_target.sql': F.MODELS__INCREMENTAL_SYNC_REMOVE_ONLY_TARGET,
  'incremental_ignore_target.sql': F.MODELS__INCREMENTAL_IGNORE_TARGET,
  'incremental_fail.sql': F.MODELS__INCREMENTAL_FAIL,
  'incremental_sync_all_columns.sql': F.MODELS__INCREMENTAL_SYNC_ALL_COLUMNS,
  'incremental_append_new_columns_remove_one.sql': F.MODELS__INCREMENTAL_APPEND_NEW_COLUMNS_REMOVE_ONE,
  'model_a.sql': F.MODELS__A,
  'incremental_append_new_columns_target.sql': F.MODELS__INCREMENTAL_APPEND_NEW_COLUMNS_TARGET,
  'incremental_append_new_columns.sql': F.MODELS__INCREMENTAL_APPEND_NEW_COLUMNS,
  'incremental_sync_all_columns_target.sql': F.MODELS__INCREMENTAL_SYNC_ALL_COLUMNS_TARGET,
  'incremental_append_new_columns_remove_one_target.sql': F.MODELS__INCREMENTAL_APPEND_NEW_COLUMNS_REMOVE_ONE_TARGET,
  'schema.yml': F.PROPERTIES__SCHEMA,
};
const TESTS = {
  'select_from_incremental.sql': F.TESTS__SELECT_FROM_INCREMENTAL_IGNORE,
  'select_from_a.sql': F.TESTS__SELECT_FROM_A,
  'select_from_incremental_append_new_columns_target.sql': F.TESTS__SELECT_FROM_INCREMENTAL_APPEND_NEW_COLUMNS_TARGET,
  'select_from_incremental_sync_all_columns.sql': F.TESTS__SELECT_FROM_INCREMENTAL_SYNC_ALL_COLUMNS,
  'select_from_incremental_sync_all_columns_target.sql': F.TESTS__SELECT_FROM_INCREMENTAL_SYNC_ALL_COLUMNS_TARGET,
  'select_from_incremental_ignore_target.sql': F.TESTS__SELECT_FROM_INCREMENTAL_IGNORE_TARGET,
  'select_from_incremental_append_new_columns.sql': F.TESTS__SELECT_FROM_INCREMENTAL_APPEND_NEW_COLUMNS,
};
const project = () => dbtProject({ models: MODELS, tests: TESTS });

/** run_twice_and_assert: three models selected, run twice, the incremental one equal to its target. */
async function runTwiceAndAssert(p: DbtProject, name: string) {
  const select = ['--select', `model_a ${name} ${name}_target`];
  expect((await p.dbt(['run', ...select])).results).toHaveLength(3);
  expect((await p.dbt(['run', ...select])).results).toHaveLength(3);
  await expectRelationsEqual(p, [name, `${name}_target`]);
}

describe('on_schema_change (incremental_schema_tests/test_incremental_schema.py)', () => {
  it('test_run_incremental_ignore', async () => {
    await runTwiceAndAssert(project(), 'incremental_ignore');
  });

  it('test_run_incremental_append_new_columns (and …_remove_one)', async () => {
    const p = project();
    await runTwiceAndAssert(p, 'incremental_append_new_columns');
    await runTwiceAndAssert(p, 'incremental_append_new_columns_remove_one');
  });

  it('test_run_incremental_sync_all_columns (and sync_remove_only)', async () => {
    const p = project();
    await runTwiceAndAssert(p, 'incremental_sync_all_columns');
    await runTwiceAndAssert(p, 'incremental_sync_remove_only');
  });

  it('test_run_incremental_fail_on_schema_change: a Compilation Error', async () => {
    const p = project();
    await p.dbt(['run', '--models', 'model_a incremental_fail', '--full-refresh']);
    const { results } = await p.dbt(['run', '--models', 'model_a incremental_fail'], { expectPass: false });
    const failed = results.find((r) => r.unique_id === 'model.test.incremental_fail')!;
    expect(failed.status).toBe('error');
    expect(failed.message).toContain('Compilation Error');
  });
});
