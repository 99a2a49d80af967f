import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { SHARED_PACKAGES } from '../../helpers/shared-packages.js';

/*
 * dbt-core tests/functional/unit_testing/ (branch 1.10.latest), ported as written:
 * test_ut_diffing.py (the diff ignores row order, NULLs included), test_ut_overrides.py (macro
 * overrides of a global, a `dbt.` built-in, a project and a package macro). dbt_utils comes from
 * the shared copy as a `local:` package (dbt's test installs 1.1.1 from the Hub).
 */

const ROWS = (rows: string[]) => rows.map((r) => `          - ${r}`).join('\n');
const diffCase = (name: string, given: string[], expected: string[]) =>
  `  - name: ${name}\n    model: my_model\n    given:\n      - input: ref("my_input_model")\n        rows:\n${ROWS(given)}\n    expect:\n        rows:\n${ROWS(expected)}\n`;
const ORDER_INSENSITIVE =
  'unit_tests:\n' +
  diffCase('unordered_no_nulls', ['{"id": 1, "status": \'B\'}', '{"id": 2, "status": \'B\'}', '{"id": 3, "status": \'A\'}'], ['{"id": 3, "status": \'A\'}', '{"id": 2, "status": \'B\'}', '{"id": 1, "status": \'B\'}']) +
  diffCase('unordered_with_nulls', ['{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}', '{"id": 3, "status": \'A\'}'], ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}']) +
  diffCase('unordered_with_nulls_2', ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}'], ['{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}', '{"id": 3, "status": \'A\'}']) +
  diffCase('unordered_with_nulls_mixed_columns', ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id": 1, "status": }'], ['{"id": 1, "status": }', '{"id":  , "status": \'B\'}', '{"id": 3, "status": \'A\'}']) +
  diffCase('unordered_with_null', ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}'], ['{"id":  , "status": \'B\'}', '{"id": 3, "status": \'A\'}']) +
  diffCase('ordered_with_nulls', ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}'], ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}']);

const MY_MODEL_WITH_MACROS = `
SELECT
{{ current_timestamp() }} as global_current_timestamp,
{{ dbt.current_timestamp() }} as dbt_current_timestamp,
{{ dbt.type_int() }} as dbt_type_int,
{{ my_macro() }} as user_defined_my_macro,
{{ dbt_utils.generate_surrogate_key() }} as package_defined_macro
`;
const TEST_MY_MODEL_WITH_MACROS = `
unit_tests:
  - name: test_macro_overrides
    model: my_model_with_macros
    overrides:
      macros:
        current_timestamp: "'current_timestamp_override'"
        dbt.type_int: "'dbt_macro_override'"
        my_macro: "'global_user_defined_macro_override'"
        dbt_utils.generate_surrogate_key: "'package_macro_override'"
    given: []
    expect:
      rows:
        - global_current_timestamp: "current_timestamp_override"
          dbt_current_timestamp: "current_timestamp_override"
          dbt_type_int: "dbt_macro_override"
          user_defined_my_macro: "global_user_defined_macro_override"
          package_defined_macro: "package_macro_override"
`;

describe('unit_testing (dbt-core tests/functional/unit_testing)', () => {
  it('test_ut_diffing TestUnitTestingDiffIsOrderAgnostic: six unit tests pass whatever the row order, NULLs included', async () => {
    const p = dbtProject({
      models: { 'my_input_model.sql': "SELECT 1 as id, 'some string' as status\n", 'my_model.sql': 'SELECT * FROM {{ ref("my_input_model") }}\n', 'test_my_model.yml': ORDER_INSENSITIVE },
    });
    await p.dbt(['run']);
    const results = (await p.dbt(['test', '--select', 'my_model'])).results;
    expect(results.map((r) => [r.unique_id.split('.').at(-1), r.status]).sort()).toEqual(
      ['ordered_with_nulls', 'unordered_no_nulls', 'unordered_with_null', 'unordered_with_nulls', 'unordered_with_nulls_2', 'unordered_with_nulls_mixed_columns'].map((n) => [n, 'pass']),
    );
  });

  it.skipIf(!SHARED_PACKAGES)('test_ut_overrides TestUnitTestingMacroOverrides: global, dbt., project and package macros overridden', async () => {
    const p = dbtProject({
      models: { 'my_model_with_macros.sql': MY_MODEL_WITH_MACROS, 'test_my_model_with_macros.yml': TEST_MY_MODEL_WITH_MACROS },
      macros: { 'my_macro.sql': '{% macro my_macro() -%}\n  {{ test }}\n{%- endmacro %}\n' },
      files: { 'packages.yml': `packages:\n  - local: ${join(SHARED_PACKAGES, 'dbt_utils')}\n` },
    });
    await p.dbt(['deps']);
    const results = (await p.dbt(['test', '--select', 'my_model_with_macros'])).results;
    expect(results.map((r) => r.status)).toEqual(['pass']);
  });
  it("an override of dbt.current_timestamp is the global current_timestamp too (dbt's propagation), a global override wins", async () => {
    const p = dbtProject({
      models: {
        'm.sql': 'SELECT {{ current_timestamp() }} as g, {{ dbt.current_timestamp() }} as d, {{ dbt.type_int() }} as t\n',
        'unit.yml':
          'unit_tests:\n  - name: dbt_to_global\n    model: m\n    overrides:\n      macros:\n        dbt.current_timestamp: "\'x\'"\n        type_int: "\'g\'"\n        dbt.type_int: "\'d\'"\n    given: []\n    expect:\n      rows:\n        - {g: x, d: x, t: g}\n',
      },
    });
    const results = (await p.dbt(['test', '--select', 'm'])).results;
    expect(results.map((r) => r.status)).toEqual(['pass']);
  });
});
