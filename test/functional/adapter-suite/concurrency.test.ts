import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from './dbt-project.js';

/*
 * dbt-tests-adapter concurrency/test_concurrency.py as dbt-clickhouse runs it (TestConcurrency's
 * test_clickhouse_concurrency): seven models on 4 threads, one invalid (a column that does not
 * exist) and one built on it; the others build, the invalid one errors, its dependent is skipped
 * — and again after the seed file changed (the table is not reloaded: no `seed` in between).
 * The seed rows are generated (upstream's: 100 fake people, then 200).
 */
const people = (n: number) =>
  `id,first_name,last_name,email,gender,ip_address\n${Array.from({ length: n }, (_, i) => `${i + 1},First${i},Last${i},p${i}@example.com,${i % 2 ? 'Male' : 'Female'},10.2.${i % 250}.1`).join('\n')}\n`;
const table = (sql: string) => `\n{{\n  config(\n    materialized = "table"\n  )\n}}\n\n${sql}\n\n`;

describe('concurrency (dbt-tests-adapter concurrency/test_concurrency.py)', () => {
  it('test_clickhouse_concurrency: PASS=5 ERROR=1 SKIP=1 on both runs', async () => {
    const p = dbtProject({
      seeds: { 'seed.csv': people(100) },
      models: {
        'invalid.sql': table('select a_field_that_does_not_exist from {{ this.schema }}.seed'),
        'table_a.sql': table('select * from {{ this.schema }}.seed'),
        'table_b.sql': table('select * from {{ this.schema }}.seed'),
        'view_model.sql': '\n{{\n  config(\n    materialized = "view"\n  )\n}}\n\nselect * from {{ this.schema }}.seed\n\n',
        'dep.sql': table("select * from {{ref('view_model')}}"),
        'view_with_conflicting_cascade.sql': "\nselect * from {{ref('table_a')}}\n\nunion all\n\nselect * from {{ref('table_b')}}\n\n",
        'skip.sql': "\nselect * from {{ref('invalid')}}\n\n",
      },
    });
    await p.dbt(['seed', '--select', 'seed']);
    const validate = async () => {
      const r = await p.dbt(['run'], { expectPass: false });
      expect(r.results).toHaveLength(7);
      for (const name of ['view_model', 'dep', 'table_a', 'table_b']) await expectRelationsEqual(p, ['seed', name]);
      const types = await p.relationTypes(['invalid', 'skip']);
      expect(types).toEqual({ invalid: undefined, skip: undefined });
      expect(r.out.join('\n')).toContain('PASS=5 WARN=0 ERROR=1 SKIP=1 NO-OP=0 TOTAL=7');
    };
    await validate();
    p.write({ 'seeds/seed.csv': people(200) });
    await validate();
  });
});
