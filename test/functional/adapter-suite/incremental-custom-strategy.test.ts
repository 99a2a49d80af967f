import { describe, expect, it } from 'vitest';
import { dbtProject, statusByName } from './dbt-project.js';

/*
 * dbt's custom incremental strategies (dbt 1.3+; dbt-adapters' incremental materialization and
 * BaseAdapter.get_incremental_strategy_macro): `incremental_strategy: <name>` calls the macro
 * `get_incremental_<name>_sql(arg_dict)` the model's context sees, with arg_dict's target_relation,
 * temp_relation (the new rows, staged), unique_key, dest_columns and incremental_predicates, and runs
 * the SQL it returns as the model's 'main' statement. dbt-clickhouse refuses any strategy but its own
 * (its issue #545); tsdbt runs them.
 */

const MODEL = (config: string) => `{{ config(materialized='incremental', order_by='id'${config}) }}
{% if not is_incremental() %}
select 1 as id, 'a' as msg union all select 2, 'b'
{% else %}
select 2 as id, 'B' as msg union all select 3, 'c'
{% endif %}
`;

/** Inserts only the keys the table lacks: one statement, arg_dict's relations and columns. */
const INSERT_NEW = `{% macro get_incremental_insert_new_sql(arg_dict) %}
  {%- set cols = arg_dict['dest_columns'] | map(attribute='name') | join(', ') -%}
  insert into {{ arg_dict['target_relation'] }} ({{ cols }})
  select {{ cols }} from {{ arg_dict['temp_relation'] }}
  where {{ arg_dict['unique_key'] }} not in (select {{ arg_dict['unique_key'] }} from {{ arg_dict['target_relation'] }})
{% endmacro %}`;

/** Replaces the rows of the new keys by two statements (a mutation, then an insert), narrowed by incremental_predicates. */
const REPLACE_KEYS = `{% macro get_incremental_replace_keys_sql(arg_dict) %}
  {%- set key = arg_dict['unique_key'] -%}
  alter table {{ arg_dict['target_relation'] }} delete where {{ key }} in (select {{ key }} from {{ arg_dict['temp_relation'] }})
  {%- for p in arg_dict['incremental_predicates'] or [] %} and {{ p }}{% endfor %}
  settings mutations_sync = 2;
  insert into {{ arg_dict['target_relation'] }} select * from {{ arg_dict['temp_relation'] }}
{% endmacro %}`;

describe('custom incremental strategies', () => {
  it("incremental_strategy='insert_new' runs the project's get_incremental_insert_new_sql with dbt's arg_dict (the first build is a table build)", async () => {
    const p = dbtProject({ macros: { 'strategies.sql': INSERT_NEW }, models: { 'm.sql': MODEL(", unique_key='id', incremental_strategy='insert_new'") } });
    expect(statusByName((await p.dbt(['run'])).results)).toEqual({ m: 'success' });
    expect(await p.query('select id, msg from {schema}.m order by id')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }]);
    const r = await p.dbt(['run']);
    expect(statusByName(r.results)).toEqual({ m: 'success' });
    expect(r.results[0]!.message).toBe('OK insert_new 2 rows');
    // id 2 kept its old row (the macro inserts new keys only); id 3 added.
    expect(await p.query('select id, msg from {schema}.m order by id')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }]);
    // The staged new rows (temp_relation) are gone.
    expect(await p.query("select name from system.tables where database = '{schema}' order by name")).toEqual([{ name: 'm' }]);
  });

  it('a macro of several statements runs them in order; unique_key and incremental_predicates reach arg_dict; `+` is read as `_`', async () => {
    const p = dbtProject({
      macros: { 'strategies.sql': REPLACE_KEYS },
      models: { 'm.sql': MODEL(", unique_key='id', incremental_strategy='replace+keys', incremental_predicates=['id > 0']") },
    });
    await p.dbt(['run']);
    expect(statusByName((await p.dbt(['run'])).results)).toEqual({ m: 'success' });
    expect(await p.query('select id, msg from {schema}.m order by id')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'B' }, { id: 3, msg: 'c' }]);
  });

  it("on_schema_change='append_new_columns': the table gets the new column first (old rows NULL there, dbt_semantics), dest_columns name it", async () => {
    const p = dbtProject({
      macros: { 'strategies.sql': INSERT_NEW },
      models: {
        'm.sql': `{{ config(materialized='incremental', order_by='id', unique_key='id', incremental_strategy='insert_new', on_schema_change='append_new_columns') }}
{% if not is_incremental() %}select 1 as id, 'a' as msg{% else %}select 2 as id, 'b' as msg, 'x' as extra{% endif %}`,
      },
    });
    await p.dbt(['run']);
    expect(statusByName((await p.dbt(['run'])).results)).toEqual({ m: 'success' });
    expect(await p.query('select id, msg, extra from {schema}.m order by id')).toEqual([{ id: 1, msg: 'a', extra: null }, { id: 2, msg: 'b', extra: 'x' }]);
  });

  it("a failing strategy statement fails the model and leaves the table's rows; an unknown strategy without its macro is dbt's error", async () => {
    const p = dbtProject({
      macros: { 'strategies.sql': '{% macro get_incremental_broken_sql(arg_dict) %}insert into {{ arg_dict["target_relation"] }} select no_such_column from {{ arg_dict["temp_relation"] }}{% endmacro %}' },
      models: { 'm.sql': MODEL(", incremental_strategy='broken'"), 'n.sql': MODEL(", incremental_strategy='nowhere'") },
    });
    await p.dbt(['run', '--select', 'm']);
    const r = await p.dbt(['run'], { expectPass: false });
    expect(statusByName(r.results)).toEqual({ m: 'error', n: 'error' });
    expect(r.results.find((x) => x.unique_id === 'model.test.n')!.message).toContain('dbt could not find an incremental strategy macro with the name "get_incremental_nowhere_sql"');
    expect(await p.query('select id from {schema}.m order by id')).toEqual([{ id: 1 }, { id: 2 }]);
    // dbt looks the strategy's macro up before it looks at the table: n is never built.
    expect(await p.query("select name from system.tables where database = '{schema}' order by name")).toEqual([{ name: 'm' }]);
  });

  it("a statement failing after another leaves the table as before: the statements run on the table's copy, swapped in only when all succeed", async () => {
    const broken = REPLACE_KEYS.replace('replace_keys', 'replace_broken').replace('select * from', 'select id, no_such_column from');
    const p = dbtProject({ macros: { 'strategies.sql': broken }, models: { 'm.sql': MODEL(", unique_key='id', incremental_strategy='replace_broken'") } });
    await p.dbt(['run']);
    const r = await p.dbt(['run'], { expectPass: false });
    expect(statusByName(r.results)).toEqual({ m: 'error' });
    // The delete of id 2 (the first statement) ran on the copy only: the table still has both rows.
    expect(await p.query('select id, msg from {schema}.m order by id')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }]);
    expect(await p.query("select name from system.tables where database = '{schema}' order by name")).toEqual([{ name: 'm' }]);
  });

  it('`{{ this }}` in the macro names the table (its copy while the statements run); a materialized view reading the table sees the inserted rows', async () => {
    const p = dbtProject({
      macros: { 'strategies.sql': "{% macro get_incremental_via_this_sql(arg_dict) %}insert into {{ this }} select * from {{ arg_dict['temp_relation'] }} where id not in (select id from {{ this }}){% endmacro %}" },
      models: { 'm.sql': MODEL(", incremental_strategy='via_this'"), 'v.sql': MODEL(", incremental_strategy='via_this'").replace("order_by='id'", "order_by='id', alias='v'") },
      projectConfig: `on-run-end:
  - "create table if not exists {{ target.schema }}.seen (id UInt8) engine = MergeTree order by id"
  - "create materialized view if not exists {{ target.schema }}.seen_mv to {{ target.schema }}.seen as select id from {{ target.schema }}.v"
`,
    });
    await p.dbt(['run']);
    expect(statusByName((await p.dbt(['run'])).results.filter((x) => x.unique_id.startsWith('model.')))).toEqual({ m: 'success', v: 'success' });
    expect(await p.query('select id, msg from {schema}.m order by id')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }]);
    expect(await p.query('select id, msg from {schema}.v order by id')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }]);
    // v's strategy inserted into v itself (materialized views see inserts into the table, not into a copy).
    expect(await p.query('select id from {schema}.seen order by id')).toEqual([{ id: 3 }]);
  });
  it("a macro naming the table by its bare name (the profile's database) runs as written: the new rows stay", async () => {
    const p = dbtProject({
      macros: { 'strategies.sql': "{% macro get_incremental_bare_sql(arg_dict) %}insert into {{ arg_dict['target_relation'].identifier }} select * from {{ arg_dict['temp_relation'] }} where id not in (select id from {{ this.identifier }}){% endmacro %}" },
      models: { 'm.sql': MODEL(", incremental_strategy='bare'") },
    });
    await p.dbt(['run']);
    expect(statusByName((await p.dbt(['run'])).results)).toEqual({ m: 'success' });
    expect(await p.query('select id, msg from {schema}.m order by id')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }]);
  });

  it('a table materialized views write into runs the statements as written: rows the views insert meanwhile stay', async () => {
    // The macro's first statement feeds the view (as an ingest would while the strategy runs).
    const p = dbtProject({
      macros: {
        'strategies.sql': `{% macro get_incremental_fed_sql(arg_dict) %}
insert into {{ target.schema }}.src values (9);
insert into {{ arg_dict['target_relation'] }} select * from {{ arg_dict['temp_relation'] }} where id not in (select id from {{ arg_dict['target_relation'] }})
{% endmacro %}`,
      },
      models: { 'm.sql': MODEL(", incremental_strategy='fed'") },
      projectConfig: `on-run-end:
  - "create table if not exists {{ target.schema }}.src (id UInt8) engine = MergeTree order by id"
  - "create materialized view if not exists {{ target.schema }}.feed to {{ target.schema }}.m as select id, 'v' as msg from {{ target.schema }}.src"
`,
    });
    await p.dbt(['run']);
    expect(statusByName((await p.dbt(['run'])).results.filter((x) => x.unique_id.startsWith('model.')))).toEqual({ m: 'success' });
    expect(await p.query('select id, msg from {schema}.m order by id')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }, { id: 9, msg: 'v' }]);
  });
});
