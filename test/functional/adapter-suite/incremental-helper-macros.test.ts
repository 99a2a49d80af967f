import { describe, expect, it } from 'vitest';
import { dbtProject, statusByName } from './dbt-project.js';

/*
 * dbt's incremental helper macros (dbt-adapters' models/incremental/strategies.sql, merge.sql,
 * column_helpers.sql, on_schema_change.sql; BaseAdapter.get_incremental_strategy_macro), as projects
 * call them from custom strategies and materializations, and override them through adapter.dispatch.
 */

const MODEL = (strategy: string, extra = '') => `{{ config(materialized='incremental', order_by='id', unique_key='id', incremental_strategy='${strategy}'${extra}) }}
{% if not is_incremental() %}
select 1 as id, 'a' as msg union all select 2, 'b'
{% else %}
select 2 as id, 'B' as msg union all select 3, 'c'
{% endif %}
`;

const rows = (p: ReturnType<typeof dbtProject>, name: string) => p.query(`select id, msg from {schema}.${name} order by id, msg`);

describe("dbt's incremental helper macros", () => {
  it("custom strategies built on dbt's get_incremental_append_sql / _delete_insert_sql / _default_sql (get_insert_into_sql, get_quoted_csv, get_delete_insert_merge_sql with incremental_predicates)", async () => {
    const p = dbtProject({
      macros: {
        'strategies.sql': `
{% macro get_incremental_my_append_sql(arg_dict) %}{{ return(get_incremental_append_sql(arg_dict)) }}{% endmacro %}
{% macro get_incremental_my_delete_insert_sql(arg_dict) %}{{ return(dbt.get_incremental_delete_insert_sql(arg_dict)) }}{% endmacro %}
{% macro get_incremental_via_adapter_sql(arg_dict) %}{{ return(adapter.get_incremental_strategy_macro(context, none)(arg_dict)) }}{% endmacro %}`,
      },
      models: {
        'a.sql': MODEL('my_append'),
        'd.sql': MODEL('my_delete_insert'),
        'p.sql': MODEL('my_delete_insert', ", incremental_predicates=['id > 2']"),
        'v.sql': MODEL('via_adapter'),
      },
    });
    await p.dbt(['run']);
    expect(statusByName((await p.dbt(['run'])).results)).toEqual({ a: 'success', d: 'success', p: 'success', v: 'success' });
    const appended = [{ id: 1, msg: 'a' }, { id: 2, msg: 'B' }, { id: 2, msg: 'b' }, { id: 3, msg: 'c' }];
    expect(await rows(p, 'a')).toEqual(appended);
    // default: append (dbt's get_incremental_default_sql), found by adapter.get_incremental_strategy_macro(context, None).
    expect(await rows(p, 'v')).toEqual(appended);
    expect(await rows(p, 'd')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'B' }, { id: 3, msg: 'c' }]);
    // The predicate keeps id 2's old row from the delete.
    expect(await rows(p, 'p')).toEqual(appended);
  });

  it("a project's clickhouse__/default__ override of a dispatched helper wins over dbt's", async () => {
    const p = dbtProject({
      macros: {
        'strategies.sql': `
{% macro get_incremental_mine_sql(arg_dict) %}{{ return(get_incremental_append_sql(arg_dict)) }}{% endmacro %}
{% macro clickhouse__get_incremental_append_sql(arg_dict) %}
  insert into {{ arg_dict['target_relation'] }} ({{ get_quoted_csv(['id', 'msg']) }}) select id, upper(msg) from {{ arg_dict['temp_relation'] }} where id > 2
{% endmacro %}`,
      },
      models: { 'm.sql': MODEL('mine') },
    });
    await p.dbt(['run']);
    await p.dbt(['run']);
    expect(await rows(p, 'm')).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'b' }, { id: 3, msg: 'C' }]);
  });

  it("adapter.get_incremental_strategy_macro: dbt's errors for a builtin strategy dbt-clickhouse does not declare valid, and for a missing macro", async () => {
    const p = dbtProject({
      macros: {
        'ops.sql': `{% macro try(s) %}{% do adapter.get_incremental_strategy_macro(context, s) %}{% endmacro %}`,
      },
    });
    const merge = await p.dbt(['run-operation', 'try', '--args', '{s: merge}'], { expectPass: false });
    expect(merge.out.join('\n')).toContain("The incremental strategy 'merge' is not valid for this adapter");
    const missing = await p.dbt(['run-operation', 'try', '--args', '{s: nope}'], { expectPass: false });
    expect(missing.out.join('\n')).toContain('dbt could not find an incremental strategy macro with the name "get_incremental_nope_sql" in test');
  });

  it('the SQL of get_merge_sql / get_insert_overwrite_merge_sql / get_delete_insert_merge_sql; diff_columns, check_for_schema_changes and process_schema_changes against the warehouse', async () => {
    const p = dbtProject({
      macros: {
        'ops.sql': `{% macro show() %}
  {%- do run_query('create database if not exists ' ~ target.schema) -%}
  {%- do run_query('create table ' ~ target.schema ~ '.t (id UInt8, msg String) engine = MergeTree order by id') -%}
  {%- do run_query('create table ' ~ target.schema ~ '.s (id UInt8, msg String, extra String) engine = MergeTree order by id') -%}
  {%- set t = api.Relation.create(schema=target.schema, identifier='t') -%}
  {%- set s = api.Relation.create(schema=target.schema, identifier='s') -%}
  {%- set cols = adapter.get_columns_in_relation(t) -%}
  {%- do print('MERGE ' ~ (get_merge_sql(t, s, 'id', cols, ['DBT_INTERNAL_DEST.id > 0']) | replace('\\n', ' ') | replace('  ', ' '))) -%}
  {%- do print('OVERWRITE ' ~ (get_insert_overwrite_merge_sql(t, s, cols, none) | replace('\\n', ' '))) -%}
  {%- do print('DELETE_INSERT ' ~ (get_delete_insert_merge_sql(t, s, ['id'], cols, none) | replace('\\n', ' '))) -%}
  {%- do print('DIFF ' ~ (diff_columns(adapter.get_columns_in_relation(s), cols) | map(attribute='name') | join(','))) -%}
  {%- set changes = check_for_schema_changes(s, t) -%}
  {%- do print('CHANGED ' ~ changes['schema_changed'] ~ ' ' ~ (changes['source_not_in_target'] | map(attribute='name') | join(','))) -%}
  {%- do print('VALID ' ~ incremental_validate_on_schema_change('bogus') ~ ' ' ~ incremental_validate_on_schema_change('fail')) -%}
  {%- set source_columns = process_schema_changes('append_new_columns', s, t) -%}
  {%- do print('AFTER ' ~ (adapter.get_columns_in_relation(t) | map(attribute='name') | join(',')) ~ ' ' ~ (source_columns | length)) -%}
{% endmacro %}`,
      },
    });
    const out = (await p.dbt(['run-operation', 'show'])).out.join('\n');
    const line = (tag: string) => out.split('\n').find((l) => l.includes(`${tag} `))!.replace(/\s+/g, ' ');
    expect(line('MERGE')).toMatch(/merge into `[^`]+`\.`t` as DBT_INTERNAL_DEST using `[^`]+`\.`s` as DBT_INTERNAL_SOURCE on \(DBT_INTERNAL_DEST\.id > 0\) and \(\(DBT_INTERNAL_SOURCE\.id = DBT_INTERNAL_DEST\.id\)\) when matched then update set "id" = DBT_INTERNAL_SOURCE\."id", "msg" = DBT_INTERNAL_SOURCE\."msg" when not matched then insert \(`id`, `msg`\) values \(`id`, `msg`\)/);
    expect(line('OVERWRITE')).toMatch(/merge into `[^`]+`\.`t` as DBT_INTERNAL_DEST using `[^`]+`\.`s` as DBT_INTERNAL_SOURCE on FALSE when not matched by source then delete when not matched then insert/);
    // ClickHouse's DELETE FROM takes no alias: dbt-clickhouse-style projects run this one.
    expect(line('DELETE_INSERT')).toMatch(/delete from `[^`]+`\.`t` where \(id\) in \( select distinct id from `[^`]+`\.`s` as DBT_INTERNAL_SOURCE \); insert into `[^`]+`\.`t` \(`id`, `msg`\) \( select `id`, `msg` from `[^`]+`\.`s` \)/);
    expect(line('DIFF')).toMatch(/DIFF extra$/);
    expect(line('CHANGED')).toMatch(/CHANGED True extra$/);
    expect(line('VALID')).toMatch(/VALID ignore fail$/);
    expect(line('AFTER')).toMatch(/AFTER id,msg,extra 3$/);
  });
});
