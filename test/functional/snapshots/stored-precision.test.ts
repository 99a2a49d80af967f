import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';
import { APPLY_PATHS, rows, useApplyPath } from './snapshot-fixture.js';

/*
 * A timestamp snapshot whose table stores updated_at at a lower precision than its query gives: a table
 * dbt-clickhouse built (its `::timestamp` is DateTime, whole seconds) from a source whose column became a
 * DateTime64 later. The query's 10:00:00.5 is stored as 10:00:00; compared as is it was later than
 * the stored version on every run, and every run added a version of an unchanged row.
 */
const snapshot = (updatedAt: string) =>
  `{% snapshot s %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='updated_at', target_schema=target.schema) }}\nselect 1 as id, ${updatedAt} as updated_at\n{% endsnapshot %}\n`;

describe('timestamp snapshot over a table storing whole seconds', () => {
  it('an unchanged row whose updated_at has a fraction adds no version; a later one does', async () => {
    const p = dbtProject({ snapshots: { 's.sql': snapshot(`toDateTime('2024-01-01 10:00:00')`) } });
    await p.dbt(['snapshot']);
    expect(await p.query("select toTypeName(dbt_valid_from) as t from {schema}.s")).toEqual([{ t: 'DateTime' }]);
    // The same instant, as the query now gives it (a DateTime64(6) with its fraction).
    p.write({ 'snapshots/s.sql': snapshot(`toDateTime64('2024-01-01 10:00:00.5', 6)`) });
    await p.dbt(['snapshot']);
    await p.dbt(['snapshot']);
    const versions = () => p.query('select toString(dbt_valid_from) as f, toString(dbt_valid_to) as t from {schema}.s order by f, t');
    expect(await versions()).toEqual([{ f: '2024-01-01 10:00:00', t: null }]);
    p.write({ 'snapshots/s.sql': snapshot(`toDateTime64('2024-01-01 10:00:01.25', 6)`) });
    await p.dbt(['snapshot']);
    await p.dbt(['snapshot']);
    expect(await versions()).toEqual([
      { f: '2024-01-01 10:00:00', t: '2024-01-01 10:00:01' },
      { f: '2024-01-01 10:00:01', t: null },
    ]);
  });
});

/*
 * A check snapshot built before `cast(x as date)` became a Date32 (2135ca8): its Date column stored a day
 * before 1970 as 1970-01-01. A query that now really gives a Date32 (toDate32) for it has 1960-05-01, which a
 * Date cannot hold: the new version was written wrapped (2139-10-06), differed from the query again, and every
 * run added a version of an unchanged row. The column is widened to Date32 (as dbt's expand_target_column_types
 * widens a snapshot's columns): one new version with the query's day, then none. The same `cast(x as date)` as
 * before is computed as the stored Date instead (stored-dates.ts): the row did not change, no version is added.
 */
const checked = (d: string, semantics = true) =>
  `{% snapshot c %}\n{{ config(unique_key='id', strategy='check', check_cols=['d'], target_schema=target.schema${semantics ? '' : ', dbt_semantics=false'}) }}\nselect 1 as id, ${d} as d\n{% endsnapshot %}\n`;

describe.each(APPLY_PATHS)('check snapshot whose Date column the query now gives as Date32 (%s)', (path) => {
  const setup = openedPerTest();

  it('the column is widened: the day kept, no version added by later runs', async () => {
    const { p, project: first } = setup({ 'snapshots/c.sql': checked("cast('1960-05-01' as date)", false) });
    const opened = [first];
    const run = async () => {
      const project = opened[opened.length - 1]!;
      await useApplyPath(project, path);
      expectStatuses(await project.snapshot(), { c: 'success' });
    };
    const edit = (d: string) => {
      p.write({ 'snapshots/c.sql': checked(d) });
      opened.push(setup.reopen(p));
    };
    const query = (sql: string) => rows(opened[opened.length - 1]!, sql.replace('{schema}', p.schema));
    const stored = () => query('select toTypeName(c.d) as t from {schema}.c limit 1');
    const versions = () => query('select toString(c.d) as v, c.dbt_valid_to is null as current from {schema}.c order by c.dbt_valid_from, current');
    await run();
    expect(await stored()).toEqual([{ t: 'Date' }]);
    edit("cast('1960-05-01' as date)");
    await run();
    await run();
    expect(await stored()).toEqual([{ t: 'Date' }]);
    expect(await versions()).toEqual([{ v: '1970-01-01', current: 1 }]);
    edit("toDate32('1960-05-01')");
    await run();
    await run();
    expect(await stored()).toEqual([{ t: 'Date32' }]);
    expect(await versions()).toEqual([
      { v: '1970-01-01', current: 0 },
      { v: '1960-05-01', current: 1 },
    ]);
    edit("cast('1999-12-31' as date)");
    await run();
    await run();
    expect(await versions()).toEqual([
      { v: '1970-01-01', current: 0 },
      { v: '1960-05-01', current: 0 },
      { v: '1999-12-31', current: 1 },
    ]);
  });
});

/*
 * A snapshot keyed by a `::date` column, built while it was ClickHouse's Date (dbt-clickhouse, an older tsdbt, or
 * dbt_semantics off): a key day before 1970 is stored as 1970-01-01. Computed as Date32 the key was 1960-05-01: it
 * matched no stored version, so the old one was never closed and a second current version of the row appeared.
 * The cast is computed as the stored Date (stored-dates.ts), with a warning.
 */
describe('snapshot keyed by a cast to date over a table storing Date', () => {
  const keyed = (v: string, semantics = true) =>
    `{% snapshot k %}\n{{ config(unique_key='d', strategy='check', check_cols=['v'], target_schema=target.schema${semantics ? '' : ', dbt_semantics=false'}) }}\nselect '1960-05-01'::date as d, '${v}' as v\n{% endsnapshot %}\n`;

  it('the stored version is found by its key: one current version, closed when the row changes', async () => {
    const p = dbtProject({ snapshots: { 'k.sql': keyed('a', false) } });
    await p.dbt(['snapshot']);
    p.write({ 'snapshots/k.sql': keyed('a') });
    const run = await p.dbt(['snapshot']);
    expect(run.out.join('\n')).toMatch(/snapshot k: d is ClickHouse's Date in .*\.k\b/);
    const versions = () => p.query('select toString(k.d) as d, toTypeName(k.d) as t, v, dbt_valid_to is null as current from {schema}.k order by dbt_valid_from, v');
    expect(await versions()).toEqual([{ d: '1970-01-01', t: 'Date', v: 'a', current: 1 }]);
    p.write({ 'snapshots/k.sql': keyed('b') });
    await p.dbt(['snapshot']);
    await p.dbt(['snapshot']);
    expect(await versions()).toEqual([
      { d: '1970-01-01', t: 'Date', v: 'a', current: 0 },
      { d: '1970-01-01', t: 'Date', v: 'b', current: 1 },
    ]);
  });
});
