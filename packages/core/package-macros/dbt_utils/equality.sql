{#- dbt_utils.equality compares two relations with EXCEPT. On other warehouses the two sides'
    columns meet in a common type (a count(*) bigint against a seed's integer); ClickHouse has no
    common type for an unsigned and a signed integer (count() is UInt64, a seed's column Int32) and
    makes a Variant of the two, whose values of different types never compare equal: equal rows
    are reported as different. This version is dbt_utils' test (same arguments, errors, fail_calc
    and columns compared) with, where the two relations type a compared column differently, both
    sides of that column converted to a common type: Int128 for integers, Float64 for other numbers;
    and a column named in another case on one side (a seed's unquoted `COLUMN_NAME` header, which
    other warehouses fold) read by its own spelling there. -#}
{% macro clickhouse__test_equality(model, compare_model, compare_columns=None, exclude_columns=None, precision=None) %}
{%- if compare_columns and exclude_columns -%}
    {{ exceptions.raise_compiler_error("Both a compare and an ignore list were provided to the `equality` macro. Only one is allowed") }}
{%- endif -%}
{% set set_diff %}
    count(*) + coalesce(abs(
        sum(case when which_diff = 'a_minus_b' then 1 else 0 end) -
        sum(case when which_diff = 'b_minus_a' then 1 else 0 end)
    ), 0)
{% endset %}
{{ config(fail_calc = set_diff) }}
{%- if not execute -%}
    {{ return('') }}
{%- endif -%}
{%- do dbt_utils._is_relation(model, 'test_equality') -%}
{%- set excluded = (exclude_columns or []) | map('lower') | list -%}
{%- set a_types = {} -%}
{%- set b_types = {} -%}
{%- set model_columns = [] -%}
{%- if not compare_columns or precision -%}
    {%- do dbt_utils._is_ephemeral(model, 'test_equality') -%}
    {%- set model_columns = adapter.get_columns_in_relation(model) -%}
{%- endif -%}
{%- if not compare_columns -%}
    {%- do dbt_utils._is_ephemeral(compare_model, 'test_equality') -%}
    {%- set a_names = [] -%}
    {%- set b_names = [] -%}
    {%- for column in model_columns if column.name | lower not in excluded -%}{%- do a_names.append(column.quoted | lower) -%}{%- endfor -%}
    {%- for column in adapter.get_columns_in_relation(compare_model) if column.name | lower not in excluded -%}{%- do b_names.append(column.quoted | lower) -%}{%- endfor -%}
    {#- dbt_utils 1.2 added this check (with exclude_columns and precision); before it the model's columns were
        compared and a compare_model with more columns passed. 1.2 is told from older releases by a macro it added. -#}
    {%- if a_names | sort != b_names | sort and dbt_utils.databricks__deduplicate is defined -%}
        {{ exceptions.raise_compiler_error(compare_model ~ " has less columns than " ~ model ~ ", please ensure they have the same columns or use the `compare_columns` or `exclude_columns` arguments to subset them.") }}
    {%- endif -%}
{%- endif -%}
{#- The two sides' columns, when both are relations the warehouse can describe. -#}
{%- set a_exact = [] -%}
{%- set b_exact = [] -%}
{%- if not model.is_cte and not compare_model.is_cte -%}
    {%- for column in (model_columns or adapter.get_columns_in_relation(model)) -%}{%- do a_types.update({column.name | lower: column}) -%}{%- do a_exact.append(column.name) -%}{%- endfor -%}
    {%- for column in adapter.get_columns_in_relation(compare_model) -%}{%- do b_types.update({column.name | lower: column}) -%}{%- do b_exact.append(column.name) -%}{%- endfor -%}
{%- endif -%}
{#- Each compared column: how it is written, its bare name, the alias, its lower-case key, and whether it is rounded (precision). -#}
{%- set selected = [] -%}
{%- if precision -%}
    {%- for col in model_columns -%}
        {%- if (not compare_columns or col.name | lower in compare_columns | map('lower')) and col.name | lower not in excluded -%}
            {%- do selected.append({'ref': col.quoted, 'name': col.name, 'alias': col.quoted, 'key': col.name | lower, 'round': col.is_float() or col.is_numeric() or col.is_integer()}) -%}
        {%- endif -%}
    {%- endfor -%}
{%- elif compare_columns -%}
    {%- for name in compare_columns -%}
        {%- set bare = name | replace('"', '') | replace('`', '') -%}
        {%- do selected.append({'ref': name, 'name': bare, 'alias': name, 'key': bare | lower, 'round': false}) -%}
    {%- endfor -%}
{%- else -%}
    {%- for col in model_columns if col.name | lower not in excluded -%}{%- do selected.append({'ref': col.quoted, 'name': col.name, 'alias': col.quoted, 'key': col.name | lower, 'round': false}) -%}{%- endfor -%}
{%- endif -%}
{#- dbt_utils compares the two column lists in lower case, as unquoted names are on other warehouses (a
    seed's `COLUMN_NAME` header is `column_name` on Postgres): ClickHouse keeps the case, so a side with
    no column of exactly that name reads its own column spelled so but for case. -#}
{%- set a_exprs = [] -%}
{%- set b_exprs = [] -%}
{%- for s in selected -%}
    {%- set a_col = a_types.get(s['key']) -%}
    {%- set b_col = b_types.get(s['key']) -%}
    {%- set a_ref = a_col.quoted if a_col and s['name'] not in a_exact else s['ref'] -%}
    {%- set b_ref = b_col.quoted if b_col and s['name'] not in b_exact else s['ref'] -%}
    {%- for side, ref in [(a_exprs, a_ref), (b_exprs, b_ref)] -%}
        {%- if s['round'] -%}
            {%- do side.append('round(cast(' ~ ref ~ ' as ' ~ dbt.type_numeric() ~ '), ' ~ precision ~ ') as ' ~ s['alias']) -%}
        {%- elif a_col and b_col and a_col.dtype != b_col.dtype and a_col.is_number() and b_col.is_number() -%}
            {%- set common = 'Int128' if a_col.is_integer() and b_col.is_integer() else 'Float64' -%}
            {%- do side.append('cast(' ~ ref ~ ' as ' ~ ('Nullable(' ~ common ~ ')' if 'Nullable' in a_col.data_type or 'Nullable' in b_col.data_type else common) ~ ') as ' ~ s['alias']) -%}
        {%- elif ref != s['alias'] -%}
            {%- do side.append(ref ~ ' as ' ~ s['alias']) -%}
        {%- else -%}
            {%- do side.append(ref) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}
{%- set a_cols_csv = a_exprs | join(', ') -%}
{%- set b_cols_csv = b_exprs | join(', ') -%}
with a as (
    select * from {{ model }}
),
b as (
    select * from {{ compare_model }}
),
a_minus_b as (
    select {{ a_cols_csv }} from a
    {{ dbt.except() }}
    select {{ b_cols_csv }} from b
),
b_minus_a as (
    select {{ b_cols_csv }} from b
    {{ dbt.except() }}
    select {{ a_cols_csv }} from a
),
unioned as (
    select 'a_minus_b' as which_diff, a_minus_b.* from a_minus_b
    union all
    select 'b_minus_a' as which_diff, b_minus_a.* from b_minus_a
)
select * from unioned
{% endmacro %}
