import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * Under dbt_semantics substring/left/right/lpad/rpad count characters (execute/dbt-semantics/utf8-text.ts). A String
 * holding bytes that are not UTF-8 (Latin-1 'éabc' is E9 61 62 63) has no characters: warehouses' text cannot hold it,
 * and BigQuery's BYTES count bytes. ClickHouse's UTF-8 forms read E9 as the start of a three-byte character and
 * swallowed 'ab' (left(s, 2) was all four bytes, substring(s, 2) 'c'): such a value is cut by its bytes.
 */
describe('text functions of a value that is not valid UTF-8 count its bytes (dbt_semantics)', () => {
  it('Latin-1 bytes are cut one byte a character; UTF-8 text still by characters', async () => {
    const p = dbtProject({
      models: {
        'names.sql': `select k, s from (select 1 as k, unhex('E9616263') as s union all select 2, 'Zoë' union all select 3, cast(null as Nullable(String)))`,
        'cuts.sql': `select k,
  hex(left(s, 2)) as l, hex(substring(s, 2)) as sub, hex(substr(s, 2, 2)) as mid, hex(right(s, 3)) as r,
  hex(lpad(s, 6, '*')) as lp, hex(rpad(s, 5, '-')) as rp
from {{ ref('names') }}`,
      },
    });
    await p.dbt(['run']);
    expect(await p.query(`select k, l, sub, mid, r, lp, rp from {schema}.cuts order by k`)).toEqual([
      { k: 1, l: 'E961', sub: '616263', mid: '6162', r: '616263', lp: '2A2AE9616263', rp: 'E96162632D' },
      // 'Zoë' is 5A 6F C3AB: three characters, four bytes.
      { k: 2, l: '5A6F', sub: '6FC3AB', mid: '6FC3AB', r: '5A6FC3AB', lp: '2A2A2A5A6FC3AB', rp: '5A6FC3AB2D2D' },
      { k: 3, l: null, sub: null, mid: null, r: null, lp: null, rp: null },
    ]);
  });
});
