import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of Data-Engineer-Camp/dbt-dimensional-modelling (adventureworks, written for DuckDB and
 * Postgres) that failed when run unmodified (docs/public-projects.md), reproduced minimally.
 */
const setup = openedPerTest();

describe('dbt-dimensional-modelling constructs', () => {
  it("loads seeds typed with Postgres/DuckDB names ClickHouse lacks (timestamptz, int8 = 8 bytes) as the type of the same range", async () => {
    const { p: ip, project: p } = setup({
      'seeds/creditcard.csv': 'creditcardid,cardnumber,modifieddate\n1,33332664695310,2013-07-29 00:00:00.000\n2,55552127249722,2013-12-05 00:00:00.000\n',
      'seeds/creditcard.yml': 'seeds:\n  - name: creditcard\n    config:\n      column_types:\n        creditcardid: int4\n        cardnumber: int8\n        modifieddate: timestamptz\n',
    });
    expectStatuses(await p.seed(), { creditcard: 'success' });
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'creditcard' order by position`)).toEqual([
      { name: 'creditcardid', type: 'Int32' }, { name: 'cardnumber', type: 'Int64' }, { name: 'modifieddate', type: 'DateTime64(6)' },
    ]);
    expect(await queryRows(p, `select toString(cardnumber) as n, toString(modifieddate) as d from ${ip.schema}.creditcard order by creditcardid`)).toEqual([
      { n: '33332664695310', d: '2013-07-29 00:00:00.000000' }, { n: '55552127249722', d: '2013-12-05 00:00:00.000000' },
    ]);
  });
});
