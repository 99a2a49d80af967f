import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/graph_selection/test_inline.py (TestCompileInlineWithSelector) and
 * manifest_validations/test_check_for_spaces_in_model_names.py (all four classes). Upstream catches
 * dbt's events (EventCatcher); the port reads the lines the CLI prints for them.
 */
const SELECTORS = `
    selectors:
      - name: test_selector
        description: Exclude everything
        default: true
        definition:
           method: package
           value: "foo"
    `;
const PROJECT = 'name: test\nprofile: test\nflags:\n  send_anonymous_usage_stats: false\n';

describe('compile --inline (graph_selection/test_inline.py)', () => {
  it('TestCompileInlineWithSelector: --inline compiles with a default selector and disabled models; --select / --selector with it are usage errors', async () => {
    const p = dbtProject({ models: { 'first_model.sql': 'select 1 as id' }, files: { 'selectors.yml': SELECTORS } });
    const first = await p.dbt(['compile', '--inline', "select * from {{ ref('first_model') }}"]);
    expect(first.out.join('\n')).toContain('Compiled inline node is:');
    p.write({ 'dbt_project.yml': `${PROJECT}models:\n  +enabled: false\n` });
    expect((await p.dbt(['compile', '--inline', 'select 1 as id'])).out.join('\n')).toContain('select 1 as id');
    p.write({ 'dbt_project.yml': PROJECT });
    const withSelect = await p.dbt(['compile', '--select', 'first_model', '--inline', 'select 1 as id'], { expectPass: false });
    expect(withSelect.code).toBe(2);
    expect(withSelect.out.join('\n')).toContain('inline: not allowed with argument select');
    const withSelector = await p.dbt(['compile', '--selector', 'test_selector', '--inline', 'select 1 as id'], { expectPass: false });
    expect(withSelector.code).toBe(2);
    expect(withSelector.out.join('\n')).toContain('inline: not allowed with argument selector');
    // dbt's flags are global: show checks the same pair.
    const show = await p.dbt(['show', '--select', 'first_model', '--inline', 'select 1 as id'], { expectPass: false });
    expect(show.out.join('\n')).toContain('inline: not allowed with argument select');
  });
});

const ALLOW_SPACES = 'name: test\nprofile: test\nconfig-version: 2\nflags:\n  require_resource_names_without_spaces: false\n';
const spacesLines = (out: string[]) => out.filter((l) => /Found spaces in the name|Spaces found in/.test(l));

describe('resource names with spaces (manifest_validations/test_check_for_spaces_in_model_names.py)', () => {
  it('TestSpacesInModelNamesHappyPath: no warning without spaces', async () => {
    // A unit test's name is not checked (dbt keeps unit tests out of manifest.nodes).
    const UNIT = 'unit_tests:\n  - name: my unit test\n    model: my_model\n    given: []\n    expect:\n      rows:\n        - {id: 1}\n';
    const p = dbtProject({ models: { 'my_model.sql': 'select 1 as id', 'unit.yml': UNIT } });
    expect(spacesLines((await p.dbt(['parse'])).out)).toEqual([]);
    // A file added on a warm start is checked too (the partial parse loads in full for it).
    p.write({ 'models/my model.sql': 'select 1 as id' });
    expect((await p.dbt(['parse'], { expectPass: false })).out.join('\n')).toContain('Resource names cannot contain spaces');
  });

  it('TestSpacesInModelNamesSadPath: with the flag false, one warning for the name and one summary', async () => {
    const p = dbtProject({ models: { 'my model.sql': 'select 1 as id' } });
    p.write({ 'dbt_project.yml': ALLOW_SPACES });
    const lines = spacesLines((await p.dbt(['parse'])).out);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('Found spaces in the name of `model.test.my model`');
    expect(lines[0]).toMatch(/warn/i);
    expect(lines[1]).toContain('Spaces found in 1 resource name(s)');
  });

  it('TestSpaceInModelNamesWithDebug: the first name and a summary with the --debug hint; --debug names both', async () => {
    const p = dbtProject({ models: { 'my model.sql': 'select 1 as id', 'my model2.sql': 'select 1 as id' } });
    p.write({ 'dbt_project.yml': ALLOW_SPACES });
    const lines = spacesLines((await p.dbt(['parse', '--no-partial-parse'])).out);
    expect(lines.filter((l) => l.includes('Found spaces in the name'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('Spaces found in 2 resource name(s)'))).toHaveLength(1);
    expect(lines.join('\n')).toContain('Run again with `--debug` to see them all.');
    const debug = spacesLines((await p.dbt(['parse', '--debug', '--no-partial-parse'])).out);
    expect(debug.filter((l) => l.includes('Found spaces in the name'))).toHaveLength(2);
    expect(debug.filter((l) => l.includes('Spaces found in 2 resource name(s)'))).toHaveLength(1);
  });

  it('TestAllowSpacesInModelNamesFalse: a warning with the flag false; the default (true) fails the parse naming the file', async () => {
    const p = dbtProject({ models: { 'my model.sql': 'select 1 as id' } });
    p.write({ 'dbt_project.yml': ALLOW_SPACES });
    const warned = await p.dbt(['parse']);
    expect(spacesLines(warned.out).filter((l) => l.includes('Found spaces in the name'))).toHaveLength(1);
    p.write({ 'dbt_project.yml': ALLOW_SPACES.replace('false', 'true') });
    const failed = await p.dbt(['parse'], { expectPass: false });
    const text = failed.out.join('\n');
    expect(text).toContain('Resource names cannot contain spaces');
    expect(text).toContain('my model.sql');
    expect(text).not.toContain('Found spaces in the name');
    // dbt 1.10's default is true: without the flag the parse fails too, and a run builds nothing.
    p.write({ 'dbt_project.yml': 'name: test\nprofile: test\nconfig-version: 2\n' });
    expect((await p.dbt(['run'], { expectPass: false })).out.join('\n')).toContain("* 'model.test.my model' (models/my model.sql)");
  });
});
