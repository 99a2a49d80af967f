import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_sap (integration_tests, run unmodified: docs/public-projects.md) that
 * failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

describe('fivetran/dbt_sap constructs', () => {
  it('`cast(x as int) as x … group by cast(x as int)` groups by the column\'s cast, as every warehouse (NOT_AN_AGGREGATE before)', async () => {
    // As the compatibility view faglflext: its final SELECT casts each objnr column to its own name and
    // groups by the same casts; ClickHouse read the alias inside the GROUP BY term (a cast of the cast).
    const { p: ip, project: p } = setup({
      'models/gltt2.sql': `select toUInt8(number % 3) as objnr00, toUInt8(number % 2) as objnr01, toInt64(number) as tsl from numbers(6)`,
      'models/faglflext.sql': `select
    cast(objnr00 as {{ dbt.type_int() }}) as objnr00,
    cast(objnr01 as {{ dbt.type_int() }}) as objnr01,
    sum(tsl) as tsl
from {{ ref('gltt2') }}
group by cast(objnr00 as {{ dbt.type_int() }}), cast(objnr01 as {{ dbt.type_int() }})`,
    });
    expectStatuses(await p.build(), { gltt2: 'success', faglflext: 'success' });
    expect(await queryRows(p, `select f.objnr00 as a, f.objnr01 as b, toString(f.tsl) as s from ${ip.schema}.faglflext as f order by a, b`)).toEqual([
      { a: 0, b: 0, s: '0' },
      { a: 0, b: 1, s: '3' },
      { a: 1, b: 0, s: '4' },
      { a: 1, b: 1, s: '1' },
      { a: 2, b: 0, s: '2' },
      { a: 2, b: 1, s: '5' },
    ]);
  });
});
