import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Constructs of Datavault-UK/automate-dv (its hub/link/sat/eff_sat/pit/bridge macros on a small vault, run
 * unmodified: docs/public-projects.md) that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

/*
 * automate_dv's dispatching wrappers and Snowflake defaults, as the package writes them (0.11.5): it ships no
 * default__ for get_escape_characters, cast_date and cast_datetime, and its defaults hash with MD5_BINARY and cast
 * hex text to BINARY(16) — tsdbt's packages/core/package-macros/automate_dv supplies the clickhouse__ versions.
 */
const AUTOMATE_DV: Record<string, string> = {
  'dbt_packages/automate_dv/dbt_project.yml': "name: automate_dv\nversion: '0.11.5'\n",
  'dbt_packages/automate_dv/macros/supporting.sql': `
{% macro get_escape_characters() -%}
  {%- do return(adapter.dispatch('get_escape_characters', 'automate_dv')()) -%}
{%- endmacro %}
{%- macro snowflake__get_escape_characters() %}{%- do return (('"', '"')) -%}{%- endmacro %}
{%- macro cast_date(column_str, as_string=false, datetime=false, alias=none, date_type=none) -%}
  {%- if datetime -%}
    {{- automate_dv.cast_datetime(column_str=column_str, as_string=as_string, alias=alias, date_type=date_type) -}}
  {%- else -%}
    {{ return(adapter.dispatch('cast_date', 'automate_dv')(column_str=column_str, as_string=as_string, alias=alias)) }}
  {%- endif -%}
{%- endmacro -%}
{%- macro snowflake__cast_date(column_str, as_string=false, alias=none) -%}TO_DATE('{{ column_str }}'){%- endmacro -%}
{%- macro cast_datetime(column_str, as_string=false, alias=none, date_type=none) -%}
  {%- if as_string -%}{%- set column_str -%} '{{ column_str }}' {%- endset -%}{%- endif -%}
  {%- set date_type = date_type | lower -%}
  {{ return(adapter.dispatch('cast_datetime', 'automate_dv')(column_str=column_str, as_string=as_string, alias=alias, date_type=date_type)) }}
{%- endmacro -%}
{%- macro snowflake__cast_datetime(column_str, as_string=false, alias=none, date_type=none) -%}TO_TIMESTAMP({{ column_str }}){%- endmacro -%}
{%- macro cast_binary(column_str, alias=none, quote=true) -%}
  {{ return(adapter.dispatch('cast_binary', 'automate_dv')(column_str=column_str, alias=alias, quote=quote)) }}
{%- endmacro -%}
{%- macro default__cast_binary(column_str, alias=none, quote=true) -%}
  {%- if quote -%}CAST('{{ column_str }}' AS {{ automate_dv.type_binary() }})
  {%- else -%}CAST({{ column_str }} AS {{ automate_dv.type_binary() }}){%- endif -%}
  {%- if alias %} AS {{ alias }} {%- endif -%}
{%- endmacro -%}
{%- macro type_binary(for_dbt_compare) -%}
  {{- return(adapter.dispatch('type_binary', 'automate_dv')(for_dbt_compare=for_dbt_compare)) -}}
{%- endmacro -%}
{%- macro default__type_binary(for_dbt_compare=false) -%}BINARY(16){%- endmacro -%}
{%- macro hash_alg_md5() -%}{{- adapter.dispatch('hash_alg_md5', 'automate_dv')() -}}{%- endmacro %}
{% macro default__hash_alg_md5() -%}
  {% do return(automate_dv.cast_binary('MD5_BINARY([HASH_STRING_PLACEHOLDER])', quote=false)) %}
{% endmacro %}
{%- macro binary_ghost(alias, hash) -%}{{ adapter.dispatch('binary_ghost', 'automate_dv')(alias=alias, hash=hash) }}{%- endmacro -%}
{%- macro default__binary_ghost(alias, hash) -%}
  {{- automate_dv.cast_binary(column_str='0' * 32, alias=alias, quote=true) -}}
{%- endmacro -%}
{%- macro date_ghost(date_type, alias) -%}{{ adapter.dispatch('date_ghost', 'automate_dv')(date_type=date_type, alias=alias) }}{%- endmacro -%}
{%- macro default__date_ghost(date_type, alias=none) -%}
  {%- if date_type == 'date' -%}
    {{ automate_dv.cast_date('1900-01-01', as_string=true, datetime=false, alias=alias) }}
  {%- else -%}
    {{ automate_dv.cast_date('1900-01-01 00:00:00', as_string=true, datetime=true, alias=alias, date_type=date_type) }}
  {%- endif -%}
{%- endmacro -%}
{%- macro max_datetime() -%}{%- do return(adapter.dispatch('max_datetime', 'automate_dv')()) -%}{%- endmacro %}
{%- macro default__max_datetime() %}{%- do return(var('max_datetime', '9999-12-31 23:59:59.999999')) -%}{%- endmacro -%}
`,
};

describe('Datavault-UK/automate-dv constructs', () => {
  it('runs an incremental model whose SQL has a plain UNION again (eff_sat: new_open UNION new_reopened UNION new_closed)', async () => {
    // The second run reads the new rows' columns with DESCRIBE (…); ClickHouse refused the plain UNION there
    // (EXPECTED_ALL_OR_DISTINCT): union_default_mode was only in the SETTINGS of the last SELECT.
    const { p: ip, project: p } = setup({
      'seeds/src.csv': 'k,v\n1,a\n2,b\n',
      'models/appended.sql': `{{ config(materialized='incremental') }}
select k, v from {{ ref('src') }}
{% if is_incremental() %} where k not in (select k from {{ this }}) {% endif %}
union
select k, v from {{ ref('src') }} where k = 1 {% if is_incremental() %} and k = 0 {% endif %}`,
      'models/keyed.sql': `{{ config(materialized='incremental', unique_key='k') }}
select k, v from {{ ref('src') }} union select 3 as k, 'c' as v`,
    });
    expectStatuses(await p.build(), { src: 'success', appended: 'success', keyed: 'success' });
    ip.write({ 'seeds/src.csv': 'k,v\n1,a\n2,b\n4,d\n' });
    const again = ip.open();
    try {
      expectStatuses(await again.build(), { src: 'success', appended: 'success', keyed: 'success' });
      const rows = (model: string) => queryRows(again, `select toInt32(k) as k, v from ${ip.schema}.${model} order by k`);
      expect(await rows('appended')).toEqual([
        { k: 1, v: 'a' },
        { k: 2, v: 'b' },
        { k: 4, v: 'd' },
      ]);
      expect(await rows('keyed')).toEqual([
        { k: 1, v: 'a' },
        { k: 2, v: 'b' },
        { k: 3, v: 'c' },
        { k: 4, v: 'd' },
      ]);
    } finally {
      await again.close();
    }
  });
  it("a template's statement holding several statements runs none of them on chDB, as a server refuses it (pit_incremental: truncate; insert)", async () => {
    // automate-dv's pit_incremental runs `TRUNCATE TABLE t; INSERT INTO t … FROM <temporary table>` as one
    // statement('main'); dbt-clickhouse's temporary table is not where the insert reads (as here), and ClickHouse
    // refuses the pair whole. chDB ran the TRUNCATE, then failed the INSERT: the model's rows were gone.
    const { p: ip, project: p } = setup({
      'macros/replace_all.sql': `{% materialization replace_all, default %}
  {%- set existing = load_relation(this) -%}
  {%- if existing is none -%}
    {%- call statement('main') -%}create table {{ this }} engine = MergeTree order by tuple() as {{ sql }}{%- endcall -%}
  {%- else -%}
    {%- call statement('main') -%}
      truncate table {{ this }};
      insert into {{ this }} select * from {{ this.schema }}.{{ this.identifier }}__missing_tmp;
    {%- endcall -%}
  {%- endif -%}
  {{ return({'relations': [this]}) }}
{% endmaterialization %}`,
      'models/pit.sql': "{{ config(materialized='replace_all') }}\nselect number as k from numbers(3)",
    });
    expectStatuses(await p.run(), { pit: 'success' });
    const again = await p.run();
    expect(again.results[0]?.status).toBe('error');
    expect(again.results[0]?.message).toContain('Multi-statements are not allowed');
    expect(await queryRows(p, `select count() as n from ${ip.schema}.pit`)).toEqual([{ n: '3' }]);
  });

  it("automate_dv's hashes, ghost records and end of time on ClickHouse: MD5_BINARY's bytes, a hex ghost key, 1900-01-01 (its defaults do not run there)", async () => {
    const { p: ip, project: p } = setup({
      ...AUTOMATE_DV,
      'seeds/src.csv': 'id,K\n1,c001\n2,\n',
      'models/hashed.sql': `{%- set esc = automate_dv.get_escape_characters() -%}
{%- set key = "NULLIF(UPPER(TRIM(CAST(" ~ esc[0] ~ "K" ~ esc[1] ~ " AS VARCHAR))), '')" -%}
select id,
  {{ automate_dv.hash_alg_md5() | replace('[HASH_STRING_PLACEHOLDER]', key) }} as HK,
  {{ automate_dv.binary_ghost(alias='GHOST', hash='md5') }},
  {{ automate_dv.date_ghost('date', alias='GHOST_DATE') }},
  {{ automate_dv.date_ghost('timestamp_ntz', alias='GHOST_TS') }},
  {{ automate_dv.cast_datetime(automate_dv.max_datetime(), as_string=true, alias='END_DATE') }}
from {{ ref('src') }}`,
    });
    expectStatuses(await p.build(), { src: 'success', hashed: 'success' });
    const rows = await queryRows(
      p,
      `select hex(HK) as hk, hex(GHOST) as ghost, toString(GHOST_DATE) as gd, toString(GHOST_TS) as gt, toString(END_DATE) as end_date from ${ip.schema}.hashed order by id`,
    );
    const ghosts = { ghost: '0'.repeat(32), gd: '1900-01-01', gt: '1900-01-01 00:00:00.000000', end_date: '2299-12-31 23:59:59.999999' };
    // md5('C001') as Snowflake's MD5_BINARY gives it; a NULL key hashes to NULL
    expect(rows).toEqual([
      { hk: '928C6512B3A8A0DC74A93EE63E77842A', ...ghosts },
      { hk: null, ...ghosts },
    ]);
  });

  it("automate_dv's pit_incremental replaces the table's rows on ClickHouse (its default is `TRUNCATE t; INSERT INTO t … FROM tmp` in one statement); a failed replace keeps the old rows", async () => {
    const { p: ip, project: p } = setup({
      'dbt_packages/automate_dv/dbt_project.yml': "name: automate_dv\nversion: '0.11.5'\n",
      'dbt_packages/automate_dv/macros/pit.sql': `
{%- materialization pit_incremental, default -%}
  {%- set existing_relation = load_relation(this) -%}
  {%- if existing_relation is none -%}
    {%- set build_sql = create_table_as(False, this, sql) -%}
  {%- else -%}
    {%- set tmp_relation = make_temp_relation(this) -%}
    {%- do run_query(create_table_as(True, tmp_relation, sql)) -%}
    {%- set build_sql = automate_dv.incremental_pit_replace(tmp_relation, this) -%}
  {%- endif -%}
  {%- call statement("main") -%}{{ build_sql }}{%- endcall -%}
  {%- do adapter.commit() -%}
  {{ return({'relations': [this]}) }}
{%- endmaterialization -%}
{% macro incremental_pit_replace(tmp_relation, target_relation, statement_name="main") %}
  {{ adapter.dispatch('incremental_pit_replace', 'automate_dv')(tmp_relation=tmp_relation, target_relation=target_relation, statement_name="main") }}
{%- endmacro -%}
{% macro default__incremental_pit_replace(tmp_relation, target_relation, statement_name="main") %}
  {%- set dest_cols_csv = adapter.get_columns_in_relation(target_relation) | map(attribute='quoted') | join(', ') -%}
  TRUNCATE TABLE {{ target_relation }};
  INSERT INTO {{ target_relation }} ({{ dest_cols_csv }})
  (SELECT {{ dest_cols_csv }} FROM {{ tmp_relation }});
{%- endmacro %}`,
      'seeds/as_of.csv': 'k,as_of\n1,2024-01-01\n',
      'models/pit.sql': "{{ config(materialized='pit_incremental') }}\nselect cast(k as int) as k, as_of from {{ ref('as_of') }}",
    });
    expectStatuses(await p.build(), { as_of: 'success', pit: 'success' });
    const rows = (project: typeof p) => queryRows(project, `select k, toString(as_of) as as_of from ${ip.schema}.pit order by k, as_of`);
    const tables = (project: typeof p) => queryRows(project, `select name from system.tables where database = '${ip.schema}' and name like 'pit%' order by name`);
    ip.write({ 'seeds/as_of.csv': 'k,as_of\n1,2024-01-01\n1,2024-02-01\n2,2024-02-01\n' });
    const again = ip.open();
    try {
      expectStatuses(await again.build(), { as_of: 'success', pit: 'success' });
      expect(await rows(again)).toEqual([
        { k: 1, as_of: '2024-01-01' },
        { k: 1, as_of: '2024-02-01' },
        { k: 2, as_of: '2024-02-01' },
      ]);
      expect(await tables(again)).toEqual([{ name: 'pit' }]);
    } finally {
      await again.close();
    }
    // a key the table's Int32 column cannot hold: the new rows fail to go in, and the table keeps its rows
    ip.write({ 'seeds/as_of.csv': 'k,as_of\n1,2024-01-01\nx,2024-03-01\n', 'models/pit.sql': "{{ config(materialized='pit_incremental') }}\nselect k, as_of from {{ ref('as_of') }}" });
    const failing = ip.open();
    try {
      const result = await failing.build();
      expect(result.results.find((r) => r.node.name === 'pit')?.status).toBe('error');
      expect(await rows(failing)).toEqual([
        { k: 1, as_of: '2024-01-01' },
        { k: 1, as_of: '2024-02-01' },
        { k: 2, as_of: '2024-02-01' },
      ]);
    } finally {
      await failing.close();
    }
  });
});
