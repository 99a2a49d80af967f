import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * An outer join on a range only — an event in the validity range of an SCD row, a date spine
 * against periods — is a nested-loop join on Postgres, Snowflake, BigQuery… ClickHouse refuses it
 * ("Cannot determine join keys in JOIN ON expression", code 403; INNER runs). Under dbt_semantics
 * the ON gets an always-equal key (execute/dbt-semantics/outer-join-keys.ts) and the join gives
 * dbt's rows: each match, and the rows without one kept with NULLs.
 */
describe('LEFT / RIGHT / FULL JOIN whose ON has only range conditions (dbt_semantics)', () => {
  it('gives every match and keeps the unmatched rows with NULLs, as dbt does on other warehouses', async () => {
    const p = dbtProject({
      seeds: {
        'events.csv': 'id,at\n1,2024-01-05\n2,2024-02-10\n3,2024-03-15\n4,\n',
        'periods.csv': 'name,starts,ends\nq1a,2024-01-01,2024-02-15\njan,2024-01-01,2024-02-01\nlate,2025-01-01,2025-02-01\n',
      },
      models: {
        'event_periods.sql': `{{ config(materialized='table') }}
select e.id, p.name
from {{ ref('events') }} e
left join {{ ref('periods') }} as p
  on e.at >= p.starts and e.at < p.ends
order by e.id, p.name`,
        'period_events.sql': `select p.name, e.id
from {{ ref('events') }} as e
right join {{ ref('periods') }} p on e.at between p.starts and p.ends
order by p.name, e.id`,
        'both_sides.sql': `{{ config(materialized='table') }}
select e.id, p.name
from {{ ref('events') }} e
full outer join {{ ref('periods') }} p on (e.at >= p.starts and e.at < p.ends and p.name != 'q1a')`,
      },
    });
    await p.dbt(['seed']);
    const run = await p.dbt(['run']);
    expect(run.results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(await p.query(`select id, name from {schema}.event_periods order by id, name`)).toEqual([
      { id: 1, name: 'jan' },
      { id: 1, name: 'q1a' },
      { id: 2, name: 'q1a' },
      { id: 3, name: null },
      { id: 4, name: null },
    ]);
    expect(await p.query(`select name, id from {schema}.period_events order by name, id`)).toEqual([
      { name: 'jan', id: 1 },
      { name: 'late', id: null },
      { name: 'q1a', id: 1 },
      { name: 'q1a', id: 2 },
    ]);
    expect(await p.query(`select id, name from {schema}.both_sides order by id nulls last, name`)).toEqual([
      { id: 1, name: 'jan' },
      { id: 2, name: null },
      { id: 3, name: null },
      { id: 4, name: null },
      { id: null, name: 'late' },
      { id: null, name: 'q1a' },
    ]);
  });
});
