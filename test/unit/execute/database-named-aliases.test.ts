import { describe, expect, it } from 'vitest';
import { databaseNamedAliases } from '../../../packages/core/src/execute/dbt-semantics/database-named-aliases.js';

describe('dbt_semantics: a FROM item `db.t` beside an item aliased `db` (database-named-aliases.ts)', () => {
  it('reads `db.t` as a subquery under its alias, or its own name', () => {
    // tuva's chronic_conditions wide model: a CTE named as the schema of the relation it joins.
    expect(
      databaseNamedAliases('with cc as (select 1 as c) select u.p, cc.c from `cc`.`long` as u inner join cc as cc on u.c = cc.c'),
    ).toBe('with cc as (select 1 as c) select u.p, cc.c from (SELECT * FROM `cc`.`long`) as u inner join cc as cc on u.c = cc.c');
    expect(databaseNamedAliases('select t.a from cc.t final join system.one cc on 1 = 1, (select 1) as x')).toBe(
      'select t.a from (SELECT * FROM cc.t final) AS t join system.one cc on 1 = 1, (select 1) as x',
    );
    expect(databaseNamedAliases('select * from (select 1) as cc left join cc.t as q on 1 = 1', { allColumns: true })).toBe(
      'select * from (select 1) as cc left join (SELECT * FROM cc.t SETTINGS asterisk_include_materialized_columns = 1, asterisk_include_alias_columns = 1) as q on 1 = 1',
    );
  });

  it('lists the virtual columns read through its name after the `*` (which leaves them out)', () => {
    // not another name's, nor a bare one (in a join)
    expect(databaseNamedAliases('select u._part, u._partition_id, t._part, _part_offset from cc.t as u join cc as cc on 1 = 1 where u._block_number > 0')).toBe(
      'select u._part, u._partition_id, t._part, _part_offset from (SELECT *, _part, _partition_id, _block_number FROM cc.t) as u join cc as cc on 1 = 1 where u._block_number > 0',
    );
    expect(databaseNamedAliases('select t._part from cc.t join (select 1 as c) as cc on 1 = 1')).toBe('select t._part from (SELECT *, _part FROM cc.t) AS t join (select 1 as c) as cc on 1 = 1');
  });

  it('leaves a query ClickHouse reads as written alone', () => {
    for (const sql of [
      'select * from cc.t as cc',
      'with cc as (select 1 as x) select * from cc.t as q inner join cc on 1 = 1',
      'select * from cc.t as q join system.one as CC on 1 = 1',
      'select * from system.one as cc where 1 in (select a from cc.t)',
      'select cc.t.a from cc.t join system.one as cc on 1 = 1',
      "select 'cc.t' from x.t join y as cc on 1 = 1",
    ])
      expect(databaseNamedAliases(sql), sql).toBe(sql);
  });
});
