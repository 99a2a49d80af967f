import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_recharge v1.4.1 (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on tsdbt, reproduced minimally: its seeds keep upper-case headers (CREATED_AT) and a model
 * asks the warehouse for its calendar's start while rendering (dbt_utils.get_single_value → run_query).
 */
const setup = openedPerTest();

describe('fivetran/dbt_recharge constructs', () => {
  it("a run_query whose SQL names a column in another case than the seed's header is answered (unquoted names are case-insensitive elsewhere)", async () => {
    const { p, project } = setup({
      'seeds/charge_data.csv': 'ID,CREATED_AT\n1,2021-03-04\n2,2021-01-02\n',
      'models/spine_start.sql': `{% set first_day = run_query("select cast(min(created_at) as date) from " ~ ref('charge_data')).columns[0].values()[0] if execute else none %}
select cast('{{ first_day }}' as date) as first_day`,
      'models/as_written.sql': `{{ config(dbt_semantics=false) }}
{% set n = run_query("select count(*) from " ~ ref('charge_data') ~ " where created_at is not null").columns[0].values()[0] if execute else none %}
select {{ n }} as n`,
    });
    const run = await project.build();
    // With dbt_semantics off the name is sent as written: ClickHouse's UNKNOWN_IDENTIFIER.
    expectStatuses(run, { charge_data: 'success', spine_start: 'success', as_written: 'error' });
    expect(await queryRows(project, `select toString(first_day) as first_day from ${p.schema}.spine_start`)).toEqual([{ first_day: '2021-01-02' }]);
  });
});
