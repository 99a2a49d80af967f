import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/custom_singular_tests/test_custom_singular_tests.py: singular tests with
 * and without refs, one whose file name has dots, passing and failing. The seed table is created by
 * SQL as upstream (seed_expected.sql), in ClickHouse's dialect; adapter_response is Postgres's there
 * and is not compared.
 */
const TABLE_COPY = "\n{{\n    config(\n        materialized='table'\n    )\n}}\n\nselect * from {{ this.schema }}.seed\n";
async function setUp(tests: Record<string, string>): Promise<DbtProject> {
  const p = dbtProject({ models: { 'table_copy.sql': TABLE_COPY }, tests });
  await p.query('CREATE DATABASE IF NOT EXISTS {schema}');
  await p.query('CREATE TABLE {schema}.seed (id Int32, first_name String, email String) ENGINE = MergeTree ORDER BY id');
  await p.query("INSERT INTO {schema}.seed VALUES (1, 'Jack', 'jack@example.com'), (2, 'Kathryn', 'kathryn@example.com')");
  expect((await p.dbt(['run'])).results).toHaveLength(1);
  return p;
}

describe('custom singular tests (custom_singular_tests/test_custom_singular_tests.py)', () => {
  it('TestPassingTests: each passes with 0 failures (a dotted file name too)', async () => {
    const tests = {
      'my_db.my_schema.table_copy.pass_id_not_null.sql': "\n{# Same as `pass_id_not_null` but with dots in its name #}\nselect *\nfrom {{ ref('table_copy') }}\nwhere id is null\n",
      'tests__pass_id_not_null.sql': "\nselect *\nfrom {{ ref('table_copy') }}\nwhere id is null\n",
      'tests__pass_no_ref.sql': '\nselect 1 limit 0\n',
    };
    const p = await setUp(tests);
    const r = await p.dbt(['test']);
    expect(r.results).toHaveLength(Object.keys(tests).length);
    for (const result of r.results) expect([result.status, result.failures]).toEqual(['pass', 0]);
  });

  it('TestFailingTests: each fails with failures > 0', async () => {
    const tests = {
      'tests__fail_email_is_always_null.sql': "\nselect *\nfrom {{ ref('table_copy') }}\nwhere email is not null\n",
      'tests__fail_no_ref.sql': '\nselect 1\n',
    };
    const p = await setUp(tests);
    const r = await p.dbt(['test'], { expectPass: false });
    expect(r.results).toHaveLength(2);
    for (const result of r.results) {
      expect(result.status).toBe('fail');
      expect(result.failures).toBeGreaterThan(0);
    }
  });
});
