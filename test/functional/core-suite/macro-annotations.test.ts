import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { isValidMacroArgType } from '../../../packages/core/src/load/macro-arg-check.js';

/*
 * dbt-core tests/functional/macros/test_macro_annotations.py (all four classes): dbt 1.10's
 * `flags: validate_macro_args`. Upstream catches InvalidMacroAnnotation events; the port reads the
 * warnings the CLI prints.
 */
const MACROS_SQL = '\n{% macro my_macro(my_arg_1, my_arg_2, my_arg_3) %}\n{% endmacro %}\n';
const BAD_NAMES = `
macros:
  - name: my_macro
    description: This is the macro description.
    arguments:
      - name: my_arg_1
      - name: my_misnamed_arg_2
      - name: my_misnamed_arg_3
`;
const BAD_TYPES = `
macros:
  - name: my_macro
    arguments:
      - name: my_arg_1
        type: string
      - name: my_arg_2
        type: invalid_type
      - name: my_arg_3
        type: int[int]
`;
const BAD_EVERYTHING = `
macros:
  - name: my_macro
    arguments:
      - name: my_arg_1
        type: string
      - name: my_wrong_arg_2
        type: invalid_type
`;
const VALIDATE = 'flags:\n  validate_macro_args: true\n';
const annotations = (out: string[]) => out.filter((l) => /in (the )?yaml for macro|number of arguments in the yaml/.test(l));

describe('macro argument annotations (macros/test_macro_annotations.py)', () => {
  it('TestMacroDefaultArgMetadata: the Jinja argument names are the manifest\'s arguments', async () => {
    const p = dbtProject({ macros: { 'macros.sql': MACROS_SQL }, projectConfig: VALIDATE });
    await p.dbt(['parse']);
    const args = p.readJson<{ macros: Record<string, { arguments: { name: string }[] }> }>('target/manifest.json').macros['macro.test.my_macro']!.arguments;
    expect(args.map((a) => a.name)).toEqual(['my_arg_1', 'my_arg_2', 'my_arg_3']);
  });

  it('TestMacroNameWarnings: a YAML argument named otherwise than in the signature warns', async () => {
    const p = dbtProject({ macros: { 'macros.sql': MACROS_SQL, 'macros.yml': BAD_NAMES }, projectConfig: VALIDATE });
    const lines = annotations((await p.dbt(['parse'])).out);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('Argument my_misnamed_arg_2 in yaml for macro my_macro does not match the jinja');
    expect(lines[1]).toContain('Argument my_misnamed_arg_3 in yaml for macro my_macro does not match the jinja');
    // dbt's warn_or_error: named in warn_error_options, it fails the parse.
    await p.dbt(['--warn-error-options', "{'error': ['InvalidMacroAnnotation']}", 'parse', '--no-partial-parse'], { expectPass: false });
  });

  it('TestMacroTypeWarnings: a type outside dbt\'s grammar warns', async () => {
    const p = dbtProject({ macros: { 'macros.sql': MACROS_SQL, 'macros.yml': BAD_TYPES }, projectConfig: VALIDATE });
    const lines = annotations((await p.dbt(['parse'])).out);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('Argument my_arg_2 in the yaml for macro my_macro has an invalid type');
    expect(lines[1]).toContain('Argument my_arg_3 in the yaml for macro my_macro has an invalid type');
  });

  it('TestMacroNonEnforcement: without the flag nothing is checked', async () => {
    const p = dbtProject({ macros: { 'macros.yml': BAD_EVERYTHING, 'macros.sql': MACROS_SQL } });
    expect(annotations((await p.dbt(['parse'])).out)).toEqual([]);
    // With it: the name, the count and the type.
    p.write({ 'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\n${VALIDATE}` });
    expect(annotations((await p.dbt(['parse'])).out)).toHaveLength(3);
  });

  it('dbt\'s type grammar (parser/schemas.py is_valid_type)', () => {
    for (const t of ['string', 'str', 'list[int]', 'dict[str, list[any]]', 'optional[relation]', ' column ']) expect(isValidMacroArgType(t), t).toBe(true);
    for (const t of ['invalid_type', 'int[int]', 'list', 'list[int', 'dict[str]', 'list[int]x', 'String']) expect(isValidMacroArgType(t), t).toBe(false);
  });
});
