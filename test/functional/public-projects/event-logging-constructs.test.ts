import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of dbt-labs/dbt-event-logging (integration_tests, run unmodified:
 * docs/public-projects.md) that failed on tsdbt, reproduced minimally: its audit macros look the
 * project's own override up through dbt's `context` dict, and its hooks end with `commit;`.
 */
const setup = openedPerTest();

const MACROS = `
{% macro audit_schema() %}
  {# the root project's own macro wins, as dbt-event-logging's get_audit_schema #}
  {% if context.get(project_name, {}).get('my_audit_schema') %}
    {{ return(context[project_name].my_audit_schema()) }}
  {% else %}
    {{ return(target.schema ~ '_meta') }}
  {% endif %}
{% endmacro %}
{% macro my_audit_schema() %}{{ return(target.schema) }}{% endmacro %}
{% macro audit_table() %}{{ return(audit_schema() ~ '.audit_log') }}{% endmacro %}
`;

describe('dbt-labs/dbt-event-logging constructs', () => {
  it("dbt's `context`: a package finds the project's own macro with context.get(project_name, {}).get(name) and calls context[project_name].name()", async () => {
    const { p: ip, project: p } = setup({
      'macros/audit.sql': MACROS,
      'models/m.sql': [
        "select '{{ audit_schema() }}' as audit,",
        "  '{{ context.get('no_such_package', 'fallback') }}' as missing,",
        "  '{{ context.get(project_name, {}).get('no_such_macro', 'none') }}' as no_macro,",
        "  '{{ 'yes' if 'target' in context else 'no' }}' as has_target",
      ].join('\n'),
    });
    expect(await p.show({ select: 'm' })).toEqual([{ audit: ip.schema, missing: 'fallback', no_macro: 'none', has_target: 'yes' }]);
  });

  it('a hook ending with `commit;` runs (ClickHouse commits every statement; its COMMIT outside a transaction was an error)', async () => {
    const { p: ip, project: p } = setup({
      'macros/audit.sql': "{% macro audit_table() %}{{ return(target.schema ~ '.audit_log') }}{% endmacro %}",
      'project.yml': [
        'name: proj',
        'profile: proj',
        'on-run-start:',
        '  - "create table if not exists {{ audit_table() }} (event String) engine = MergeTree order by tuple(); commit;"',
        'models:',
        '  +pre-hook: "insert into {{ audit_table() }} values (\'start {{ this.name }}\');\\n  commit;"',
        'on-run-end:',
        '  - "insert into {{ audit_table() }} values (\'end\'); COMMIT;"',
      ].join('\n'),
      'models/m.sql': 'select 1 as x',
    });
    const result = await p.build();
    expectStatuses(result, { m: 'success' });
    expect(result.hooks.map((h) => h.status)).toEqual(['success', 'success']);
    expect(await queryRows(p, `select event from ${ip.schema}.audit_log order by event`)).toEqual([{ event: 'end' }, { event: 'start m' }]);
  });
});
