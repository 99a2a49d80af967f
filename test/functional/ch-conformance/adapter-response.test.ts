import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse tests/integration/adapter/clickhouse/test_adapter_response.py
 * (TestAdapterResponseQueryId), its first half on the embedded engine: each model's
 * adapter_response in run_results.json carries a query_id (dbt-clickhouse sends every statement
 * under one). The round trip to system.query_log, which the embedded engine does not keep, runs
 * on a server: test/server/adapter-response.test.ts.
 */
describe('dbt-clickhouse adapter_response', () => {
  it('TestAdapterResponseQueryId: every model reports the query_id of its statement; a test reports none', async () => {
    const p = dbtProject({
      models: {
        'my_model.sql': "\nselect 1 as id, 'clickhouse' as name\n",
        'my_table.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('my_model') }}",
        'schema.yml': 'version: 2\nmodels:\n  - name: my_model\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
      },
    });
    const run = await p.dbt(['run']);
    expect(run.results).toHaveLength(2);
    const ids = run.results.map((r) => r.adapter_response?.query_id);
    for (const id of ids) expect(id, 'adapter_response did not contain a query_id').toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(2);
    // dbt's default materialization (a view), and a table with its rows.
    expect(run.results.find((r) => r.unique_id === 'model.test.my_model')!.adapter_response).toEqual({ _message: 'CREATE VIEW', query_id: expect.any(String) });
    expect(run.results.find((r) => r.unique_id === 'model.test.my_table')!.adapter_response).toMatchObject({ _message: 'OK 1 rows', rows_affected: 1 });
    const test = await p.dbt(['test']);
    expect(test.results.map((r) => [r.status, r.adapter_response])).toEqual([['pass', {}]]);
  });
});
