import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of tnightengale/dbt-meta-testing (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

describe('tnightengale/dbt-meta-testing constructs', () => {
  it("a singular test in graph.nodes has no test_metadata key: `node.get('test_metadata', {}).get('name')` falls back (tests_per_model)", async () => {
    const { p, project } = setup({
      'models/a.sql': 'select 1 as id',
      'models/a.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n',
      'tests/singular_check.sql': "select * from {{ ref('a') }} where id < 0",
      'models/names.sql': `{% set names = [] %}{% if execute %}{% for n in graph.nodes.values() | selectattr('resource_type', 'equalto', 'test') | sort(attribute='name') %}
{% do names.append(n.get('test_metadata', {}).get('name') or n['name']) %}{% endfor %}{% endif %}
select '{{ names | join(",") }}' as names`,
    });
    // Before: "Unable to call `the return value of (n["get"])["get"]`" (the key held undefined).
    expectStatuses(await project.run({ select: ['a', 'names'] }), { a: 'success', names: 'success' });
    expect(await queryRows(project, `select names from ${p.schema}.names`)).toEqual([{ names: 'singular_check,unique' }]);
  });
});
