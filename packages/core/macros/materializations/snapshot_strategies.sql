{#
    dbt's snapshot strategy macros (dbt-adapters: materializations/snapshots/strategies.sql), for the
    custom strategies that call them (`snapshot_<name>_strategy` macros: execute/snapshot-strategy.ts).
    tsdbt's own timestamp and check strategies are TypeScript (adapter/materializations/snapshot-sql.ts);
    these give the same SQL as dicts for a custom strategy to return or adapt.
#}

{% macro strategy_dispatch(name) -%}
  {%- if '.' in name -%}
    {%- set package_name, bare = name.split('.', 1) -%}
    {{ return(context[package_name]['snapshot_' ~ bare ~ '_strategy']) }}
  {%- endif -%}
  {{ return(context['snapshot_' ~ name ~ '_strategy']) }}
{%- endmacro %}

{% macro snapshot_hash_arguments(args) -%}
  {{ adapter.dispatch('snapshot_hash_arguments', 'dbt')(args) }}
{%- endmacro %}

{% macro default__snapshot_hash_arguments(args) -%}
    md5({%- for arg in args -%}
        coalesce(cast({{ arg }} as varchar ), '')
        {% if not loop.last %} || '|' || {% endif %}
    {%- endfor -%})
{%- endmacro %}

{# The lower-case hex md5 of tsdbt's own snapshots (Postgres' md5()): the same dbt_scd_id for the same arguments. #}
{% macro clickhouse__snapshot_hash_arguments(args) -%}
    lower(hex(MD5(concat({%- for arg in args -%}
        coalesce(toString({{ arg }}), ''){% if not loop.last %}, '|', {% endif %}
    {%- endfor -%}))))
{%- endmacro %}

{% macro get_true_sql() -%}
  {{ adapter.dispatch('get_true_sql', 'dbt')() }}
{%- endmacro %}

{% macro default__get_true_sql() -%}
    {{ return('TRUE') }}
{%- endmacro %}

{% macro get_snapshot_table_column_names() -%}
    {%- set names = config.get('snapshot_meta_column_names') or {} -%}
    {{ return({
        'dbt_valid_to': names.dbt_valid_to or 'dbt_valid_to',
        'dbt_valid_from': names.dbt_valid_from or 'dbt_valid_from',
        'dbt_scd_id': names.dbt_scd_id or 'dbt_scd_id',
        'dbt_updated_at': names.dbt_updated_at or 'dbt_updated_at',
        'dbt_is_deleted': names.dbt_is_deleted or 'dbt_is_deleted'
    }) }}
{%- endmacro %}

{# adapter.get_hard_deletes_behavior(config) #}
{% macro snapshot_hard_deletes_behavior() -%}
    {%- set mode = config.get('hard_deletes') -%}
    {%- if config.get('invalidate_hard_deletes') or mode == 'invalidate' -%}
        {{ return('invalidate') }}
    {%- elif mode == 'new_record' -%}
        {{ return('new_record') }}
    {%- endif -%}
    {{ return('ignore') }}
{%- endmacro %}

{% macro snapshot_scd_args(primary_key, updated_at) -%}
    {%- set args = (primary_key | list) if (primary_key is iterable and primary_key is not string) else [primary_key] -%}
    {{ return(args + [updated_at]) }}
{%- endmacro %}

{% macro snapshot_timestamp_strategy(node, snapshotted_rel, current_rel, model_config, target_exists) %}
    {% set primary_key = config.get('unique_key') %}
    {% set updated_at = config.get('updated_at') %}
    {% set hard_deletes = snapshot_hard_deletes_behavior() %}
    {% set columns = get_snapshot_table_column_names() %}
    {% set row_changed_expr -%}
        ({{ snapshotted_rel }}.{{ columns.dbt_valid_from }} < {{ current_rel }}.{{ updated_at }})
    {%- endset %}
    {% set scd_id_expr = snapshot_hash_arguments(snapshot_scd_args(primary_key, updated_at)) %}
    {% do return({
        "unique_key": primary_key,
        "updated_at": updated_at,
        "row_changed": row_changed_expr,
        "scd_id": scd_id_expr,
        "invalidate_hard_deletes": hard_deletes == 'invalidate',
        "hard_deletes": hard_deletes
    }) %}
{% endmacro %}

{% macro snapshot_check_all_get_existing_columns(node, target_exists, check_cols_config) -%}
    {%- if check_cols_config == 'all' -%}
        {%- set query_columns = get_columns_in_query(node['compiled_code'] or sql) -%}
    {%- elif check_cols_config is iterable and (check_cols_config | length) > 0 -%}
        {%- set query_columns = get_columns_in_query('select ' ~ (check_cols_config | join(', ')) ~ ' from (\n' ~ (node['compiled_code'] or sql) ~ '\n) subq') -%}
    {%- else -%}
        {% do exceptions.raise_compiler_error("Invalid value for 'check_cols': " ~ check_cols_config) %}
    {%- endif -%}
    {%- if not target_exists -%}
        {{ return((false, query_columns)) }}
    {%- endif -%}
    {%- set existing_cols = adapter.get_columns_in_relation(this) | map(attribute = 'name') | list -%}
    {%- set ns = namespace(column_added=false) -%}
    {%- set intersection = [] -%}
    {%- for col in query_columns -%}
        {%- if col in existing_cols -%}
            {%- do intersection.append(adapter.quote(col)) -%}
        {%- else -%}
            {%- set ns.column_added = true -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return((ns.column_added, intersection)) }}
{%- endmacro %}

{% macro snapshot_check_strategy(node, snapshotted_rel, current_rel, model_config, target_exists) %}
    {% set check_cols_config = config.get('check_cols') %}
    {% set primary_key = config.get('unique_key') %}
    {% set hard_deletes = snapshot_hard_deletes_behavior() %}
    {% set updated_at = config.get('updated_at') or snapshot_get_time() %}
    {% set column_added, check_cols = snapshot_check_all_get_existing_columns(node, target_exists, check_cols_config) %}
    {%- set row_changed_expr -%}
    (
    {%- if column_added -%}
        {{ get_true_sql() }}
    {%- else -%}
    {%- for col in check_cols -%}
        {{ snapshotted_rel }}.{{ col }} != {{ current_rel }}.{{ col }}
        or
        (
            (({{ snapshotted_rel }}.{{ col }} is null) and not ({{ current_rel }}.{{ col }} is null))
            or
            ((not {{ snapshotted_rel }}.{{ col }} is null) and ({{ current_rel }}.{{ col }} is null))
        )
        {%- if not loop.last %} or {% endif -%}
    {%- endfor -%}
    {%- if not check_cols %}FALSE{% endif -%}
    {%- endif -%}
    )
    {%- endset %}
    {% set scd_id_expr = snapshot_hash_arguments(snapshot_scd_args(primary_key, updated_at)) %}
    {% do return({
        "unique_key": primary_key,
        "updated_at": updated_at,
        "row_changed": row_changed_expr,
        "scd_id": scd_id_expr,
        "invalidate_hard_deletes": hard_deletes == 'invalidate',
        "hard_deletes": hard_deletes
    }) %}
{% endmacro %}
