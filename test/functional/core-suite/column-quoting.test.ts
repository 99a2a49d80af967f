import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/column_quoting/test_column_quotes.py: an incremental model selecting
 * double-quoted mixed-case columns (its unique_key one of them) from a seed, built twice, with the
 * seed's quote_columns unset, true and false.
 */
const model = (a: string, b: string) => `\n{% set col_a = '"${a}"' %}\n{% set col_b = '"${b}"' %}\n\n{{\n  config(\n    materialized = 'incremental',\n    unique_key = col_a,\n  )\n}}\n\nselect\n  {{ col_a }},\n  {{ col_b }}\nfrom {{ref('seed')}}\n`;
const SEED = 'col_A,col_B\n1,2\n3,4\n5,6\n';

describe('column quoting (column_quoting/test_column_quotes.py)', () => {
  for (const [name, sql, projectConfig] of [
    ['TestColumnQuotingDefault', model('col_A', 'col_B'), ''],
    ['TestColumnQuotingEnabled', model('col_A', 'col_B'), 'seeds:\n  quote_columns: true\n'],
    // Upstream selects "col_a": Postgres folds the unquoted seed columns to lower case (Snowflake to
    // upper case); ClickHouse keeps col_A, as dbt-clickhouse.
    ['TestColumnQuotingDisabled', model('col_A', 'col_B'), 'seeds:\n  quote_columns: false\n'],
  ] as const)
    it(`${name}: seed, then the incremental model twice`, async () => {
      const p = dbtProject({ models: { 'model.sql': sql }, seeds: { 'seed.csv': SEED }, projectConfig });
      expect((await p.dbt(['seed'])).results).toHaveLength(1);
      expect((await p.dbt(['run'])).results).toHaveLength(1);
      expect((await p.dbt(['run'])).results).toHaveLength(1);
      expect((await p.rows('model')).length).toBe(3);
    });
});
