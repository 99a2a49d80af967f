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

  it('a seed column declared in column_types holds NULL for an empty value, as dbt loads it, not the type default', async () => {
    const { p: ip, project: p } = setup({
      'seeds/salesorderheader.csv': 'salesorderid,creditcardid,comment\n1,16281,\n2,,rush\n',
      'seeds/salesorderheader.yml': 'seeds:\n  - name: salesorderheader\n    config:\n      column_types:\n        salesorderid: integer\n        creditcardid: integer\n        comment: varchar\n',
      'models/with_card.sql': "select distinct creditcardid from {{ ref('salesorderheader') }} where creditcardid is not null",
    });
    expectStatuses(await p.build(), { salesorderheader: 'success', with_card: 'success' });
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'salesorderheader' order by position`)).toEqual([
      { name: 'salesorderid', type: 'Int32' }, { name: 'creditcardid', type: 'Nullable(Int32)' }, { name: 'comment', type: 'Nullable(String)' },
    ]);
    expect(await queryRows(p, `select creditcardid from ${ip.schema}.with_card`)).toEqual([{ creditcardid: 16281 }]);
  });

  it('computes percentile_cont(p) within group (order by x) as SQL does (linear interpolation; NULLs skipped; an empty group is NULL)', async () => {
    // As DataRecce/jaffle-shop-expand's distribution marts (written for DuckDB).
    const { p: ip, project: p } = setup({
      'models/dist.sql': `select
  k,
  round(percentile_cont(0.5) within group (order by v), 2) as median_v,
  percentile_cont(0.25) within group (order by v) as p25,
  percentile_cont(0.25) within group (order by v desc) as p25_desc,
  percentile_cont(0.5) within group (order by toDecimal64(v, 2)) as median_decimal,
  percentile_disc(0.5) within group (order by v) as disc_median,
  percentile_disc(0.75) within group (order by v desc) as disc_75_desc
from (select 1 as k, arrayJoin([1, 2, 3, 4]) as v union all select 2, cast(null as Nullable(Int32)))
group by k`,
    });
    expectStatuses(await p.run(), { dist: 'success' });
    // percentile_disc as Postgres: the ceil(p * n)-th value (1-based) in the order.
    expect(await queryRows(p, `select k, median_v, p25, p25_desc, median_decimal, disc_median, disc_75_desc from ${ip.schema}.dist order by k`)).toEqual([
      { k: 1, median_v: 2.5, p25: 1.75, p25_desc: 3.25, median_decimal: 2.5, disc_median: 2, disc_75_desc: 2 },
      { k: 2, median_v: null, p25: null, p25_desc: null, median_decimal: null, disc_median: null, disc_75_desc: null },
    ]);
  });

  it('runs string_agg/array_agg with an ORDER BY in their arguments and listagg … within group as those warehouses do', async () => {
    const { p: ip, project: p } = setup({
      'models/events.sql': `select
  k,
  string_agg(e, ', ' order by e) as sorted,
  listagg(e, '|') within group (order by n desc) as by_n_desc,
  listagg(distinct e, ',') within group (order by e) as uniq,
  array_agg(n order by n desc) as ns,
  string_agg(nothing, ',' order by e) as all_null
from (select 1 as k, arrayJoin([('b', 1), ('a', 2), ('c', 3), ('a', 4), (NULL, 5)]) as pair, pair.1 as e, toInt32(pair.2) as n, cast(null as Nullable(String)) as nothing)
group by k`,
    });
    expectStatuses(await p.run(), { events: 'success' });
    expect(await queryRows(p, `select sorted, by_n_desc, uniq, ns, all_null from ${ip.schema}.events`)).toEqual([
      { sorted: 'a, a, b, c', by_n_desc: 'a|c|a|b', uniq: 'a,b,c', ns: [5, 4, 3, 2, 1], all_null: null },
    ]);
  });

  it("casts to float as a double (Postgres, Redshift, Snowflake), so 0.1 from a model equals 0.1 from a seed", async () => {
    const { p: ip, project: p } = setup({
      'seeds/expected_rates.csv': 'id,rate\n1,0.1\n',
      'models/rates.sql': "select 1 as id, cast('0.1' as float) as rate, (1::float / 3) as third",
      'models/rates.yml': "models:\n  - name: rates\n    data_tests:\n      - dbt_utils_like_equality\n",
      'tests/generic/dbt_utils_like_equality.sql': "{% test dbt_utils_like_equality(model) %}select id, rate from {{ model }} except select id, rate from {{ ref('expected_rates') }}{% endtest %}",
    });
    expectStatuses(await p.build(), { expected_rates: 'success', rates: 'success', dbt_utils_like_equality_rates_: 'pass' /* dbt's name of a test without arguments */ });
    expect(await queryRows(p, `select toTypeName(rate) as t, rate from ${ip.schema}.rates`)).toEqual([{ t: 'Float64', rate: 0.1 }]);
  });
});
