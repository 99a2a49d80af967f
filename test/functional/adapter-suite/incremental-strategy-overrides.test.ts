import { describe, expect, it } from 'vitest';
import { dbtProject, statusByName } from './dbt-project.js';

/*
 * A project's override of dbt's built-in strategy macros (get_incremental_append_sql & co., their
 * clickhouse__ / default__ dispatch versions), as dbt-on-ClickHouse treats it: dbt-clickhouse's
 * incremental materialization (macros/materializations/incremental/incremental.sql) never calls them
 * — it runs clickhouse__insert_into / clickhouse__incremental_delete_insert / _insert_overwrite /
 * _legacy itself — so the overrides change nothing for append, delete+insert, insert_overwrite,
 * merge, legacy or default (dbt-core's default materialization, which calls them, does not run on
 * ClickHouse). They are used where dbt uses them: a custom strategy's macro that calls them.
 */

/** Every override fails the run if called. */
const OVERRIDES = ['append', 'delete_insert', 'insert_overwrite', 'merge', 'default', 'microbatch']
  .flatMap((s) => [
    `{% macro get_incremental_${s}_sql(arg_dict) %}{{ exceptions.raise_compiler_error('get_incremental_${s}_sql called') }}{% endmacro %}`,
    `{% macro clickhouse__get_incremental_${s}_sql(arg_dict) %}{{ exceptions.raise_compiler_error('clickhouse__get_incremental_${s}_sql called') }}{% endmacro %}`,
    `{% macro default__get_incremental_${s}_sql(arg_dict) %}{{ exceptions.raise_compiler_error('default__get_incremental_${s}_sql called') }}{% endmacro %}`,
  ])
  .join('\n');

const MODEL = (config: string) => `{{ config(materialized='incremental', order_by='id'${config}) }}
{% if not is_incremental() %}
select 1 as id, 'a' as msg union all select 2, 'b'
{% else %}
select 2 as id, 'B' as msg union all select 3, 'c'
{% endif %}
`;

describe("a project's override of dbt's built-in strategy macros (dbt-clickhouse's materialization never calls them)", () => {
  it('append, delete+insert, insert_overwrite, merge, legacy, default and no strategy run as without the overrides', async () => {
    const p = dbtProject({
      macros: { 'overrides.sql': OVERRIDES },
      models: {
        'app.sql': MODEL(", incremental_strategy='append'"),
        'di.sql': MODEL(", incremental_strategy='delete+insert', unique_key='id'"),
        'io.sql': MODEL(", incremental_strategy='insert_overwrite', partition_by='id'"),
        'mg.sql': MODEL(", incremental_strategy='merge', unique_key='id'"),
        'lg.sql': MODEL(", incremental_strategy='legacy', unique_key='id'"),
        'df.sql': MODEL(", incremental_strategy='default', unique_key='id'"),
        'nokey.sql': MODEL(''),
        'key.sql': MODEL(", unique_key='id'"),
      },
    });
    await p.dbt(['run']);
    const r = await p.dbt(['run']);
    const all = { app: 'success', di: 'success', io: 'success', mg: 'success', lg: 'success', df: 'success', nokey: 'success', key: 'success' };
    expect(statusByName(r.results)).toEqual(all);
    const rows = async (t: string) => (await p.query<{ id: number; msg: string }>(`select id, msg from {schema}.${t} order by id, msg`)).map((x) => `${x.id}${x.msg}`).join(' ');
    // Appended: the old rows and every new one.
    expect(await rows('app')).toBe('1a 2B 2b 3c');
    expect(await rows('nokey')).toBe('1a 2B 2b 3c');
    // A key's new row replaces its old one.
    for (const t of ['di', 'mg', 'lg', 'df', 'key']) expect(await rows(t)).toBe('1a 2B 3c');
    // The partitions the new rows fall in are replaced (id 2's, id 3's); id 1's kept.
    expect(await rows('io')).toBe('1a 2B 3c');
  });

  it("a custom strategy's macro calling get_incremental_append_sql gets the project's override (dbt's macro lookup: the root project first)", async () => {
    const p = dbtProject({
      macros: {
        'strategies.sql': `{% macro get_incremental_append_sql(arg_dict) %}insert into {{ arg_dict['target_relation'] }} select id, 'override' as msg from {{ arg_dict['temp_relation'] }}{% endmacro %}
{% macro get_incremental_via_append_sql(arg_dict) %}{{ return(get_incremental_append_sql(arg_dict)) }}{% endmacro %}`,
      },
      models: { 'm.sql': MODEL(", incremental_strategy='via_append'") },
    });
    await p.dbt(['run']);
    expect(statusByName((await p.dbt(['run'])).results)).toEqual({ m: 'success' });
    expect(await p.query('select id, msg from {schema}.m order by id, msg')).toEqual([
      { id: 1, msg: 'a' },
      { id: 2, msg: 'b' },
      { id: 2, msg: 'override' },
      { id: 3, msg: 'override' },
    ]);
  });
});
