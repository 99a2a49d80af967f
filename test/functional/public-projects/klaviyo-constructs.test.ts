import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_klaviyo (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

const PROJECT = `name: proj
profile: proj
seeds:
  proj:
    +quote_columns: "{{ true if target.type == 'redshift' else false }}"
    flow:
      +column_types:
        PHONE_NUMBER: "{{ 'string' if target.type in ('bigquery', 'spark', 'databricks') else 'varchar' }}"
    quoted_flow:
      +quote_columns: true
`;

describe('fivetran/dbt_klaviyo constructs', () => {
  it("a seed with quote_columns: false has its header's names as an unquoted name reads (ID -> id), as on Postgres; quoted, they stay", async () => {
    // As the klaviyo seeds: upper-case Snowflake exports, read by lower-case staging SQL.
    const { p: ip, project: p } = setup({
        'project.yml': PROJECT,
        'seeds/flow.csv': '\ufeffID,NAME,PHONE_NUMBER,_FIVETRAN_DELETED\n1,Welcome,0123,false\n2,Winback,,true\n',
        'seeds/quoted_flow.csv': 'ID,Name\n1,a\n',
        'models/stg_flow.sql': `select id as flow_id, name, phone_number, _fivetran_deleted from {{ ref('flow') }} where not _fivetran_deleted`,
        'models/stg_quoted.sql': `select ID, Name from {{ ref('quoted_flow') }}`,
    });
    expectStatuses(await p.build(), { flow: 'success', quoted_flow: 'success', stg_flow: 'success', stg_quoted: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.stg_flow`)).toEqual([{ flow_id: 1, name: 'Welcome', phone_number: '0123', _fivetran_deleted: false }]);
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'quoted_flow' order by position`)).toEqual([
      { name: 'ID', type: 'Int32' },
      { name: 'Name', type: 'String' },
    ]);
  });
});
