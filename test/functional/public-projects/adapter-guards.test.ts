import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Packages written for several adapters test for an adapter method before calling it
 * (`{% if adapter.<method> %}`, `adapter.<method> is defined`). dbt's adapter wrapper raises
 * AttributeError for a method the adapter lacks, which Jinja turns into Undefined: false, not
 * defined, printed as ''. (Called, it is still a Compilation Error at run time: adapter-suite/ephemeral.)
 */
const setup = openedPerTest();

describe('adapter methods ClickHouse lacks, tested before use', () => {
  it('are false in {% if %}, not defined, and print nothing', async () => {
    const { p: ip, project: p } = setup({
      'models/guarded.sql': `{% if adapter.is_replaceable %}select 'has it' as v{% else %}select 'lacks it' as v{% endif %}
{%- if adapter.no_such_method is defined %}, 1 as wrongly_defined{% endif %}, '{{ adapter.no_such_method }}' as printed
{%- if not adapter.no_such_method %}, 'not' as negated{% endif %}`,
    });
    expectStatuses(await p.run(), { guarded: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.guarded`)).toEqual([{ v: 'lacks it', printed: '', negated: 'not' }]);
  });
});
