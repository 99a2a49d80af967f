import { describe, expect, it } from 'vitest';
import { dbtProject, statusByName, type DbtProject } from './dbt-project.js';

/*
 * dbt-clickhouse's incremental materialization (macros/materializations/incremental/incremental.sql)
 * calls clickhouse__insert_into, clickhouse__incremental_delete_insert, _insert_overwrite and _legacy by
 * name: a project's macro of that name is the one that runs on dbt-clickhouse. tsdbt calls it at the
 * same point with the same arguments — on a copy of the table, swapped in once every statement of it
 * succeeded (a failing one leaves the table as it was; on dbt-clickhouse its earlier statements stay).
 */

const MODEL = (config: string) => `{{ config(materialized='incremental', order_by='id'${config}) }}
{% if not is_incremental() %}
select 1 as id, 'a' as msg union all select 2, 'b'
{% else %}
select 2 as id, 'B' as msg union all select 3, 'c'
{% endif %}
`;

const OVERRIDES = `
{% macro clickhouse__insert_into(target_relation, sql, has_contract, use_columns_from_sql=False) %}
  insert into {{ target_relation }} (id, msg) select id, concat(msg, '!') from ({{ sql }})
{% endmacro %}

{% macro clickhouse__incremental_delete_insert(existing_relation, unique_key, incremental_predicates, is_distributed=False) %}
  {% call statement('delete_existing_data') %}
    delete from {{ existing_relation }} where ({{ unique_key }}) in (select {{ unique_key }} from ({{ sql }}))
  {% endcall %}
  {% call statement('insert_new_data') %}
    insert into {{ existing_relation }} select id, concat(msg, '#1') from ({{ sql }})
  {% endcall %}
{% endmacro %}

{% macro clickhouse__incremental_insert_overwrite(existing_relation, partition_by, is_distributed=False) %}
  {% call statement('replace') %}
    alter table {{ existing_relation }} delete where id in (select id from ({{ sql }})) settings mutations_sync = 2
  {% endcall %}
  {% call statement('insert') %}
    insert into {{ existing_relation }} select id, concat(msg, '#2') from ({{ sql }})
  {% endcall %}
{% endmacro %}

{% macro clickhouse__incremental_legacy(existing_relation, intermediate_relation, column_changes, unique_key, is_distributed=False) %}
  {% call statement('main') %}create table {{ intermediate_relation }} as {{ existing_relation }}{% endcall %}
  {% call statement('old') %}
    insert into {{ intermediate_relation }} select * from {{ existing_relation }} where ({{ unique_key }}) not in (select {{ unique_key }} from ({{ sql }}))
  {% endcall %}
  {% call statement('new') %}insert into {{ intermediate_relation }} select id, concat(msg, '#3') from ({{ sql }}){% endcall %}
{% endmacro %}
`;

const rows = async (p: DbtProject, t: string) => (await p.query<{ id: number; msg: string }>(`select id, msg from {schema}.${t} order by id, msg`)).map((x) => `${x.id}${x.msg}`).join(' ');

describe("a project's own dbt-clickhouse incremental macros (clickhouse__insert_into, clickhouse__incremental_*)", () => {
  it('are called where dbt-clickhouse calls them: append / no unique_key, delete+insert, insert_overwrite, legacy and no strategy with a unique_key', async () => {
    const p = dbtProject({
      macros: { 'overrides.sql': OVERRIDES },
      models: {
        'app.sql': MODEL(", incremental_strategy='append', unique_key='id'"),
        'nokey.sql': MODEL(''),
        'di.sql': MODEL(", incremental_strategy='delete+insert', unique_key='id'"),
        'io.sql': MODEL(", incremental_strategy='insert_overwrite', partition_by='id'"),
        'lg.sql': MODEL(", incremental_strategy='legacy', unique_key='id'"),
        'key.sql': MODEL(", unique_key='id'"),
      },
    });
    // The first run builds each table: dbt-clickhouse's create_table_as fills it with clickhouse__insert_into.
    await p.dbt(['run']);
    const r = await p.dbt(['run']);
    expect(statusByName(r.results)).toEqual({ app: 'success', nokey: 'success', di: 'success', io: 'success', lg: 'success', key: 'success' });
    expect(await rows(p, 'app')).toBe('1a! 2B! 2b! 3c!');
    expect(await rows(p, 'nokey')).toBe('1a! 2B! 2b! 3c!');
    expect(await rows(p, 'di')).toBe('1a! 2B#1 3c#1');
    expect(await rows(p, 'io')).toBe('1a! 2B#2 3c#2');
    expect(await rows(p, 'lg')).toBe('1a! 2B#3 3c#3');
    expect(await rows(p, 'key')).toBe('1a! 2B#3 3c#3');
    // Nothing of the run left beside the tables.
    expect((await p.query<{ name: string }>("select name from system.tables where database = '{schema}' order by name")).map((t) => t.name)).toEqual(['app', 'di', 'io', 'key', 'lg', 'nokey']);
  });

  it('a statement of the override that fails leaves the table as it was (its earlier DELETE ran on a copy)', async () => {
    const failing = OVERRIDES.replace("concat(msg, '#1')", "concat(msg, toString(throwIf(id = 3, 'boom')))");
    const p = dbtProject({ macros: { 'overrides.sql': failing }, models: { 'di.sql': MODEL(", incremental_strategy='delete+insert', unique_key='id'") } });
    await p.dbt(['run']);
    const r = await p.dbt(['run'], { expectPass: false });
    expect(statusByName(r.results)).toEqual({ di: 'error' });
    expect(r.out.join('\n')).toMatch(/boom/);
    expect(await rows(p, 'di')).toBe('1a! 2b!');
  });

  it('an override naming the table without its database is refused before it runs, naming the macro and its file', async () => {
    const bare = OVERRIDES.replace('delete from {{ existing_relation }}', 'delete from {{ this.identifier }}');
    const p = dbtProject({ macros: { 'overrides.sql': bare }, models: { 'di.sql': MODEL(", incremental_strategy='delete+insert', unique_key='id'") } });
    await p.dbt(['run']);
    const r = await p.dbt(['run'], { expectPass: false });
    const out = r.out.join('\n');
    expect(out).toMatch(/clickhouse__incremental_delete_insert/);
    expect(out).toMatch(/macros\/overrides\.sql/);
    expect(out).toMatch(/without its database/);
    expect(await rows(p, 'di')).toBe('1a! 2b!');
  });

  it("a model whose own SQL names the table bare (a column of the table's name) runs the override on the table as written", async () => {
    const model = MODEL(", incremental_strategy='delete+insert', unique_key='id'").replace(/select (\d), ('\w')/g, 'select $1, $2, 1').replaceAll("as msg", "as msg, 1 as tag");
    const p = dbtProject({ macros: { 'overrides.sql': OVERRIDES.replace("select id, concat(msg, '#1')", "select id, concat(msg, '#1'), tag") }, models: { 'tag.sql': model } });
    await p.dbt(['run']);
    const r = await p.dbt(['run']);
    expect(statusByName(r.results)).toEqual({ tag: 'success' });
    expect(await rows(p, 'tag')).toBe('1a! 2B#1 3c#1');
  });

  it("clickhouse__insert_into fills every table build (dbt-clickhouse's create_table_as): table models, full refresh, with a contract", async () => {
    const contract = 'version: 2\nmodels:\n  - name: tc\n    config:\n      contract: {enforced: true}\n    columns:\n      - {name: id, data_type: UInt8}\n      - {name: msg, data_type: String}\n';
    const table = "{{ config(materialized='table', order_by='id') }}\nselect toUInt8(1) as id, 'a' as msg union all select 2, 'b'\n";
    const p = dbtProject({ macros: { 'overrides.sql': OVERRIDES }, models: { 't.sql': table, 'tc.sql': table, 'schema.yml': contract, 'inc.sql': MODEL('') } });
    await p.dbt(['run']);
    expect(await rows(p, 't')).toBe('1a! 2b!');
    expect(await rows(p, 'tc')).toBe('1a! 2b!');
    expect(await rows(p, 'inc')).toBe('1a! 2b!');
    p.write({ 'models/inc.sql': "{{ config(materialized='incremental', order_by='id') }}\nselect 5 as id, 'e' as msg\n" });
    await p.dbt(['run', '--full-refresh', '-s', 'inc']);
    expect(await rows(p, 'inc')).toBe('5e!');
  });

  it("clickhouse__insert_into fills a snapshot's first build (dbt's snapshot materialization calls create_table_as); failing, no table is left", async () => {
    const insertInto = `{% macro clickhouse__insert_into(target_relation, sql, has_contract, use_columns_from_sql=False) %}
  insert into {{ target_relation }} select * replace (concat(msg, '!'{{ extra }}) as msg) from ({{ sql }})
{% endmacro %}`;
    const snapshot = "{% snapshot snap %}\n{{ config(unique_key='id', strategy='check', check_cols=['msg']) }}\nselect 1 as id, 'a' as msg union all select 2, 'b'\n{% endsnapshot %}\n";
    const p = dbtProject({ macros: { 'overrides.sql': insertInto.replace('{{ extra }}', '') }, snapshots: { 'snap.sql': snapshot } });
    expect(statusByName((await p.dbt(['snapshot'])).results)).toEqual({ snap: 'success' });
    expect(await rows(p, 'snap')).toBe('1a! 2b!');
    expect((await p.query<{ n: string }>('select count() as n from {schema}.snap where dbt_valid_to is null and dbt_scd_id != \'\'')).map((x) => Number(x.n))).toEqual([2]);
    const q = dbtProject({ macros: { 'overrides.sql': insertInto.replace('{{ extra }}', ", toString(throwIf(id = 2, 'boom'))") }, snapshots: { 'snap.sql': snapshot } });
    const r = await q.dbt(['snapshot'], { expectPass: false });
    expect(r.out.join('\n')).toMatch(/boom/);
    expect(await q.query("select name from system.tables where database = '{schema}'")).toEqual([]);
  });

  it('a clickhouse__insert_into failing in a table build leaves the previous table as it was', async () => {
    const table = (n: string) => `{{ config(materialized='table', order_by='id') }}\nselect ${n} as id, 'a' as msg\n`;
    const p = dbtProject({ models: { 't.sql': table('1') } });
    await p.dbt(['run']);
    p.write({ 'macros/overrides.sql': OVERRIDES.replace("concat(msg, '!')", "concat(msg, toString(throwIf(id = 2, 'boom')))"), 'models/t.sql': table('2') });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toMatch(/boom/);
    expect(await rows(p, 't')).toBe('1a');
    expect((await p.query<{ name: string }>("select name from system.tables where database = '{schema}' order by name")).map((t) => t.name)).toEqual(['t']);
  });
});
