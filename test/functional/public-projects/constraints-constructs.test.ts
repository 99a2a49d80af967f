import { describe, expect, it } from 'vitest';
import { openedPerTest } from '../../helpers/inline-project.js';

/*
 * Constructs of Snowflake-Labs/dbt_constraints (integration_tests/dbt-core, run unmodified:
 * docs/public-projects.md) that failed on tsdbt, reproduced minimally.
 */
const setup = openedPerTest();

describe('Snowflake-Labs/dbt_constraints constructs', () => {
  it('column tests batched on one relation: a column named in another case than the YAML (`… AS TEST_COL`, `- name: test_col`) is answered as a single test is', async () => {
    const { project } = setup({
      // dim_part: `'Test value' AS TEST_ARRAY_COL`, tested as `test_array_col` (case-insensitive on every warehouse dbt runs on).
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id, 'x' AS TEST_COL, cast(null as Nullable(String)) AS TEST_B",
      'models/a.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n      - name: test_col\n        data_tests: [not_null]\n      - name: test_b\n        data_tests: [not_null]\n',
    });
    const result = await project.build({});
    const outcome = Object.fromEntries(result.results.map((r) => [r.node.name, [r.status, r.failures ?? null]]));
    // Before: not_null_a_test_col / not_null_a_test_b 'error' (UNKNOWN_IDENTIFIER … Maybe you meant: ['TEST_COL']):
    // the batch's members were answered alone without the case retry a test of its own gets.
    expect(outcome).toEqual({ a: ['success', null], not_null_a_id: ['pass', 0], not_null_a_test_col: ['pass', 0], not_null_a_test_b: ['fail', 1] });
  });
});
