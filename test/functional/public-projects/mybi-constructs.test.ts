import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of kzzzr/mybi-dbt-core (a dbt-clickhouse package; its integration_tests seeds were
 * exported with thousands separators) that failed when run unmodified (docs/public-projects.md).
 */
const setup = openedPerTest();

describe('mybi-dbt-core constructs', () => {
  it('reads seed numbers written with thousands separators as numbers, as agate does, so they join an integer key', async () => {
    const { p: ip, project: p } = setup({
      'seeds/currency_item_facts.csv': '"id","dates_id","rate"\n"6,427","35,578","57.341"\n"6,428","35,579","1,043.7118"\n',
      'seeds/general_dates.csv': 'id,simple_date\n35578,2021-09-19\n35579,2021-09-20\n',
      'seeds/typed.csv': 'id\n"1,234"\n',
      'seeds/typed.yml': 'seeds:\n  - name: typed\n    config:\n      column_types:\n        id: String\n',
      'models/facts.sql': `select f.id as id, f.rate as rate, gd.simple_date as dt
from {{ ref('currency_item_facts') }} as f
inner join {{ ref('general_dates') }} as gd on gd.id = f.dates_id`,
    });
    expectStatuses(await p.build(), { currency_item_facts: 'success', general_dates: 'success', typed: 'success', facts: 'success' });
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'currency_item_facts' order by position`)).toEqual([
      { name: 'id', type: 'Int32' }, { name: 'dates_id', type: 'Int32' }, { name: 'rate', type: 'Float64' },
    ]);
    expect(await queryRows(p, `select id, rate, toString(dt) as dt from ${ip.schema}.facts order by id`)).toEqual([
      { id: 6427, rate: 57.341, dt: '2021-09-19' }, { id: 6428, rate: 1043.7118, dt: '2021-09-20' },
    ]);
    // A column named in column_types is text to agate: its value is loaded as written.
    expect(await queryRows(p, `select id from ${ip.schema}.typed`)).toEqual([{ id: '1,234' }]);
  });
});
