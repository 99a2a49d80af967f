import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * A seed that materialized views read. dbt-clickhouse reloads a seed by TRUNCATE + INSERT into the kept table
 * (dbt-core's reset_csv_table, then load_csv_rows): the views fire on the new rows, their targets gain them. tsdbt
 * swapped a new table in (EXCHANGE): the view followed the name, but the rows went into the staged table, so the
 * targets never got them. Now the seed's rows replace the kept table's partitions and each view's rows of them,
 * computed beside its target, are moved in (append-through-views.ts replaceThroughViews): the same result, without
 * an empty moment or a half-fed view when something fails.
 */
const MV = "{{ config(materialized='materialized_view', engine='MergeTree()', order_by='id') }}\nselect id, upper(v) as u from {{ ref('s') }}\n";

describe('a seed materialized views read', () => {
  it('a reload reaches the views: the seed holds the new rows, each target gains the rows its view makes of them', async () => {
    const p = dbtProject({ seeds: { 's.csv': 'id,v\n1,a\n2,b\n' }, models: { 'mv.sql': MV } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    // A second view, written by hand into a table of its own.
    await p.query('create table {schema}.w (id Int32, n UInt64) engine = SummingMergeTree order by id');
    await p.query('create materialized view {schema}.wv to {schema}.w as select id % 2 as id, count() as n from {schema}.s group by id');
    p.write({ 'seeds/s.csv': 'id,v\n3,c\n4,d\n5,e\n' });
    const out = await p.dbt(['seed']);
    expect(out.out.join('\n')).not.toMatch(/did not get its new rows/);
    expect(await p.rows('s')).toEqual([[3, 'c'], [4, 'd'], [5, 'e']]);
    expect(await p.rows('mv')).toEqual([[1, 'A'], [2, 'B'], [3, 'C'], [4, 'D'], [5, 'E']]);
    // The view saw the three rows in one go, as one INSERT of them feeds it.
    expect(await p.query('select id, n from {schema}.w order by id')).toEqual([{ id: 0, n: '1' }, { id: 1, n: '2' }]);
    // --full-refresh too (dbt-clickhouse: DROP, CREATE, INSERT; the views, bound to the name, fire again).
    p.write({ 'seeds/s.csv': 'id,v\n6,f\n' });
    await p.dbt(['seed', '--full-refresh']);
    expect(await p.rows('s')).toEqual([[6, 'f']]);
    expect((await p.rows('mv')).at(-1)).toEqual([6, 'F']);
    expect(await p.query("select name from system.tables where database = '{schema}' and name like '%tsdbt%'")).toEqual([]);
  });

  it('partitioned: partitions gone from the file are emptied, new ones added; a failing view leaves the seed and every target as they were', async () => {
    const p = dbtProject({
      seeds: { 's.csv': 'id,g,v\n1,x,a\n2,y,b\n' },
      models: { 'mv.sql': MV },
      projectConfig: 'seeds:\n  +partition_by: g\n  +order_by: id\n',
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    await p.query("create table {schema}.w (id Int32) engine = MergeTree order by id");
    await p.query("create materialized view {schema}.wv to {schema}.w as select id + throwIf(v = 'boom', 'view refused') as id from {schema}.s");
    p.write({ 'seeds/s.csv': 'id,g,v\n3,y,c\n4,z,boom\n' });
    const failed = await p.dbt(['seed'], { expectPass: false });
    expect(failed.out.join('\n')).toMatch(/view refused/);
    expect(await p.rows('s')).toEqual([[1, 'x', 'a'], [2, 'y', 'b']]);
    expect(await p.rows('mv')).toEqual([[1, 'A'], [2, 'B']]);
    expect(await p.rows('w')).toEqual([]);
    expect(await p.query("select name from system.tables where database = '{schema}' and name like '%tsdbt%'")).toEqual([]);
    p.write({ 'seeds/s.csv': 'id,g,v\n3,y,c\n4,z,d\n' });
    await p.dbt(['seed']);
    expect(await p.rows('s')).toEqual([[3, 'y', 'c'], [4, 'z', 'd']]);
    expect(await p.rows('mv')).toEqual([[1, 'A'], [2, 'B'], [3, 'C'], [4, 'D']]);
    expect(await p.rows('w')).toEqual([[3], [4]]);
  });

  it('where the rows cannot pass through the views (the seed gained a column), the seed is swapped in and a warning names the views', async () => {
    const p = dbtProject({ seeds: { 's.csv': 'id,v\n1,a\n' }, models: { 'mv.sql': MV } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    p.write({ 'seeds/s.csv': 'id,v,extra\n2,b,1\n' });
    const out = await p.dbt(['seed']);
    expect(out.out.join('\n')).toMatch(/seeds\/s\.csv: seed s was replaced as a new table, so the materialized view reading it \(\S+\.mv_mv\) did not get its new rows/);
    expect(await p.rows('s')).toEqual([[2, 'b', 1]]);
    expect(await p.rows('mv')).toEqual([[1, 'A']]);
  });
});
