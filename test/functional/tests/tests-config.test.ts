import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * dbt's test configs: the project's `data_tests:` (or legacy `tests:`) tree, store_failures /
 * store_failures_as (TestConfig.finalize_and_validate: store_failures_as wins; 'ephemeral' stores
 * nothing), the audit schema (`dbt_test__audit` through generate_schema_name), relation_name in
 * run_results.json, and tests written under `models:` for a seed's name.
 */
const setup = openedPerTest();

const runResults = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; relation_name: string | null }[] }).results;

describe('test configs', () => {
  it("data_tests: +store_failures and +schema store failures in the project's audit schema; relation_name names it", async () => {
    const { p, project } = setup({
      'project.yml': 'name: proj\nprofile: proj\ndata_tests:\n  proj:\n    +store_failures: true\n    +schema: qa\n',
      'models/a.sql': "{{ config(materialized='table') }} select arrayJoin([1, 1, 2]) as id",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n',
    });
    expectStatuses(await project.build(), { a: 'success', unique_a_id: 'fail' });
    expect(await queryRows(project, `SELECT unique_field, n_records FROM ${p.schema}_qa.unique_a_id`)).toEqual([{ unique_field: 1, n_records: '2' }]);
    expect(runResults(p.dir).find((r) => r.unique_id.startsWith('test.'))!.relation_name).toBe(`\`${p.schema}_qa\`.\`unique_a_id\``);
  });

  it("store_failures_as: 'view' stores a view, 'ephemeral' stores nothing even with --store-failures; relation_name is null then", async () => {
    const { p, project } = setup({
      'models/a.sql': "{{ config(materialized='table') }} select arrayJoin([1, 1, 2]) as id",
      'models/schema.yml': `version: 2
models:
  - name: a
    columns:
      - name: id
        data_tests:
          - unique:
              config: {store_failures_as: view}
          - not_null:
              config: {store_failures_as: ephemeral}
`,
    });
    expectStatuses(await project.build({ storeFailures: true }), { a: 'success', unique_a_id: 'fail', not_null_a_id: 'pass' });
    expect(await queryRows(project, `SELECT name, engine FROM system.tables WHERE database = '${p.schema}_dbt_test__audit' ORDER BY name`)).toEqual([{ name: 'unique_a_id', engine: 'View' }]);
    const results = runResults(p.dir);
    expect(results.find((r) => r.unique_id.includes('not_null'))!.relation_name).toBeNull();
  });

  it("an invalid store_failures_as fails the test with dbt's message", async () => {
    const { project } = setup({
      'models/a.sql': 'select 1 as id',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests:\n          - not_null:\n              config: {store_failures_as: parquet}\n',
    });
    const r = await project.build();
    expectStatuses(r, { a: 'success', not_null_a_id: 'error' });
    expect(r.results.find((x) => x.node.name === 'not_null_a_id')!.message).toContain("'parquet' is not a valid value for `store_failures_as`. Accepted values are: ['ephemeral', 'table', 'view']");
  });

  it("tests written under models: for a seed's name test the seed (as ref() finds it)", async () => {
    const { project } = setup({
      'seeds/people.csv': 'id\n1\n1\n',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: people\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
    });
    expectStatuses(await project.build(), { people: 'success', unique_people_id: 'fail', not_null_people_id: 'pass' });
  });
});
