import { describe, expect, it } from 'vitest';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-clickhouse tests/integration/adapter/clickhouse/test_clickhouse_errors.py (TestOOMError): a
 * table model whose query runs out of memory fails, and its result's message is ClickHouse's
 * ("… exceeded …"). The upstream model and schema file unchanged; upstream lets the query grow to
 * the test server's memory, here the profile's custom_settings (as dbt-clickhouse's conftest passes
 * them) cap a query at 200 MB, so a shared machine is not exhausted.
 */
const OOM_TABLE_SQL = `
SELECT a FROM system.numbers_mt GROUP BY repeat(toString(number), 100000) as a
`;
const SCHEMA_YAML = `
version: 2

models:
  - name: oom_table
    description: Table that generates OOM
    config:
      materialized: table
      order_by: a
`;

describe('dbt-clickhouse errors', () => {
  it("TestOOMError: the model fails with ClickHouse's memory limit message, nothing is left", async () => {
    const p = dbtProject({ models: { 'schema.yml': SCHEMA_YAML, 'oom_table.sql': OOM_TABLE_SQL } });
    p.write({
      'profiles.yml': `test:\n  target: default\n  outputs:\n    default:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${p.schema}\n      threads: 4\n      custom_settings:\n        max_memory_usage: 200000000\n`,
    });
    const res = await p.dbt(['run'], { expectPass: false });
    expect(res.results.map((r) => r.status)).toEqual(['error']);
    expect(res.results[0]!.message).toContain('exceeded');
    expect(await p.query("SELECT name FROM system.tables WHERE database = '{schema}'")).toEqual([]);
  });
});
