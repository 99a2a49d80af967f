import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * A FROM item `db.t` beside an item aliased `db` (a CTE named as the schema, tuva's chronic_conditions wide model):
 * ClickHouse 26.7 reads `db.t` as the alias' column and refuses the query; under dbt_semantics the item is read as
 * `(SELECT * FROM db.t) AS <its alias>` (execute/dbt-semantics/database-named-aliases.ts). A `*` leaves out the
 * table's virtual columns: those the query reads through the item's name are listed after it.
 */
describe('a relation beside an alias named as its schema keeps its virtual columns (dbt_semantics)', () => {
  it('u._part and u._partition_id read through the subquery', async () => {
    const p = dbtProject({
      models: {
        'long.sql': `{{ config(materialized='table') }}
select 1 as person_id, 'copd' as condition union all select 2, 'chf'`,
        'wide.sql': `{{ config(materialized='table') }}
with {{ this.schema }} as (select 'copd' as condition, 'has_copd' as column_name)
select u.person_id, {{ this.schema }}.column_name, u._part as part, u._partition_id as partition_id
from {{ ref('long') }} as u
inner join {{ this.schema }} as {{ this.schema }} on u.condition = {{ this.schema }}.condition`,
      },
    });
    // Before: "Identifier 'u._part' cannot be resolved from subquery with name u".
    const run = await p.dbt(['run']);
    expect(run.results.filter((r) => r.status !== 'success')).toEqual([]);
    expect(await p.query("select person_id, column_name, part <> '' as has_part, partition_id from {schema}.wide")).toEqual([
      { person_id: 1, column_name: 'has_copd', has_part: 1, partition_id: 'all' },
    ]);
  });
});
