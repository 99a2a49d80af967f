import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

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
