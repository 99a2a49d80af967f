import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of tuva-health/tuva (the Tuva Project, its integration_tests) that failed when parsed
 * unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('tuva constructs', () => {
  it("a macro argument the caller did not pass (or passed undefined: `flags=N`) is Undefined, not dbt's global of that name", async () => {
    const { p: ip, project: p } = setup({
      'macros/regex.sql': `{% macro inner(a, flags) %}{{ 'undefined' if flags is not defined else 'defined' }}/{{ (flags or 'none') }}{% endmacro %}
{% macro outer(a, flags="") %}{{ inner(a, flags) }}{% endmacro %}
{% macro top(a, flags=N) %}{{ outer(a, flags=flags) }}{% endmacro %}`,
      'models/m.sql': "select '{{ top(1) }}' as passed_undefined, '{{ inner(1) }}' as not_passed, '{{ 'global' if flags.FULL_REFRESH is defined else 'missing' }}' as global_flags",
    });
    expectStatuses(await p.run(), { m: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.m`)).toEqual([{ passed_undefined: 'undefined/none', not_passed: 'undefined/none', global_flags: 'global' }]);
  });

  it("renders `var('x', None)` in the project file as None (a default given), and Jinja's replace filter makes text of None", async () => {
    const { p: ip, project: p } = setup({
      'project.yml': `name: proj
profile: proj
models:
  proj:
    +alias: "{%- if var('tuva_schema_prefix', None) != None -%}{{ var('tuva_schema_prefix') }}_m{% else %}plain_m{%- endif -%}"
`,
      'models/m.sql': "{%- set clean = var('predictions', None) | replace('`', '') -%}\nselect '{{ clean.split('.') | join('|') }}' as parts",
    });
    expectStatuses(await p.run(), { m: 'success' });
    expect(await queryRows(p, `select parts from ${ip.schema}.plain_m`)).toEqual([{ parts: 'None' }]);
  });
});
