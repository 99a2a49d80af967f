import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of dbt-labs/dbt-audit-helper's newer macros (compare_and_classify_query_results and its
 * integration_tests' unit tests) that failed when run unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('audit_helper (compare_and_classify) constructs', () => {
  it("unit-tests a model that builds its query as a string around ref(): the given input's rows are read, not the warehouse's table", async () => {
    const { project: p } = setup({
      'models/source_a.sql': 'select 12 as id, toNullable(22) as id_2',
      // As unit_compare_classify: `"select * from " ~ ref('x') ~ " where 1=1"` handed to a macro.
      'macros/wrap.sql': "{% macro wrap(query) %}select id, cast(id_2 as String) as id_2_text from ({{ query }}) q{% endmacro %}",
      'models/compared.sql': "{{ wrap(\"select * from \" ~ ref('source_a') ~ \" where 1=1\") }}",
      'models/compared.yml': `unit_tests:
  - name: reads_the_fixture
    model: compared
    given:
      - input: ref('source_a')
        rows:
          - {id: 1, id_2: 5}
          - {id: 2, id_2: }
    expect:
      rows:
        - {id: 1, id_2_text: '5'}
        - {id: 2, id_2_text: }
`,
    });
    // The NULL id_2 is CAST to String as the model's build would (dbt_semantics: cast_keep_nullable), not an error.
    expectStatuses(await p.build(), { source_a: 'success', compared: 'success', reads_the_fixture: 'pass' });
  });

  it('bool_or followed by an OVER clause (a window over dbt.bool_or)', async () => {
    const { p: ip, project: p } = setup({
      'models/classified.sql': `select k, case when {{ dbt.bool_or('in_a') }} over (partition by k) and {{ dbt.bool_or('in_b') }} over (partition by k) then 'modified' else 'other' end as status
from (select 1 as k, true as in_a, false as in_b union all select 1, false, true union all select 2, true, false)`,
    });
    expectStatuses(await p.run(), { classified: 'success' });
    expect(await queryRows(p, `select k, status from ${ip.schema}.classified order by k, status`)).toEqual([
      { k: 1, status: 'modified' }, { k: 1, status: 'modified' }, { k: 2, status: 'other' },
    ]);
  });
});
