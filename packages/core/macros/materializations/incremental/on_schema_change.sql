{#- dbt's on_schema_change macros (dbt-adapters' on_schema_change.sql), for projects and packages
    that call them from their own materializations. tsdbt's incremental materialization plans schema
    changes itself (adapter/materializations/schema-change.ts): the table rebuilt and swapped, not
    altered in place. These ALTER the relation given, as dbt's do. -#}

{#- on_schema_change as given when dbt knows it, else `default` (with dbt's log line). -#}
{% macro incremental_validate_on_schema_change(on_schema_change, default='ignore') %}
  {%- if on_schema_change in ['sync_all_columns', 'append_new_columns', 'fail', 'ignore'] -%}
    {{ return(on_schema_change) }}
  {%- endif -%}
  {%- do log('Invalid value for on_schema_change (' ~ on_schema_change ~ ') specified. Setting default value of ' ~ default ~ '.') -%}
  {{ return(default) }}
{% endmacro %}

{% macro check_for_schema_changes(source_relation, target_relation) %}
  {{ return(adapter.dispatch('check_for_schema_changes', 'dbt')(source_relation, target_relation)) }}
{% endmacro %}

{#- dbt's changes dict: schema_changed, source_not_in_target, target_not_in_source, source_columns,
    target_columns, new_target_types. -#}
{% macro default__check_for_schema_changes(source_relation, target_relation) %}
  {%- set source_columns = adapter.get_columns_in_relation(source_relation) -%}
  {%- set target_columns = adapter.get_columns_in_relation(target_relation) -%}
  {%- set source_not_in_target = diff_columns(source_columns, target_columns) -%}
  {%- set target_not_in_source = diff_columns(target_columns, source_columns) -%}
  {%- set new_target_types = diff_column_data_types(source_columns, target_columns) -%}
  {%- set changes = {
    'schema_changed': source_not_in_target != [] or target_not_in_source != [] or new_target_types != [],
    'source_not_in_target': source_not_in_target,
    'target_not_in_source': target_not_in_source,
    'source_columns': source_columns,
    'target_columns': target_columns,
    'new_target_types': new_target_types
  } -%}
  {%- do log('In ' ~ target_relation ~ ':\n    Schema changed: ' ~ changes['schema_changed'] ~ '\n    Source columns not in target: ' ~ source_not_in_target ~ '\n    Target columns not in source: ' ~ target_not_in_source ~ '\n    New column types: ' ~ new_target_types) -%}
  {{ return(changes) }}
{% endmacro %}

{% macro sync_column_schemas(on_schema_change, target_relation, schema_changes_dict) %}
  {{ return(adapter.dispatch('sync_column_schemas', 'dbt')(on_schema_change, target_relation, schema_changes_dict)) }}
{% endmacro %}

{#- append_new_columns: the source's new columns added; sync_all_columns: added, removed and retyped. -#}
{% macro default__sync_column_schemas(on_schema_change, target_relation, schema_changes_dict) %}
  {%- set to_add = schema_changes_dict['source_not_in_target'] -%}
  {%- set to_remove = schema_changes_dict['target_not_in_source'] -%}
  {%- set retyped = schema_changes_dict['new_target_types'] -%}
  {%- if on_schema_change == 'append_new_columns' -%}
    {%- if to_add | length > 0 -%}{%- do alter_relation_add_remove_columns(target_relation, to_add, none) -%}{%- endif -%}
  {%- elif on_schema_change == 'sync_all_columns' -%}
    {%- if to_add | length > 0 or to_remove | length > 0 -%}{%- do alter_relation_add_remove_columns(target_relation, to_add, to_remove) -%}{%- endif -%}
    {%- for change in retyped -%}{%- do alter_column_type(target_relation, change['column_name'], change['new_type']) -%}{%- endfor -%}
  {%- endif -%}
  {%- do log('In ' ~ target_relation ~ ':\n    Schema change approach: ' ~ on_schema_change ~ '\n    Columns added: ' ~ to_add ~ '\n    Columns removed: ' ~ to_remove ~ '\n    Data types changed: ' ~ retyped) -%}
{% endmacro %}

{% macro process_schema_changes(on_schema_change, source_relation, target_relation) %}
  {{ return(adapter.dispatch('process_schema_changes', 'dbt')(on_schema_change, source_relation, target_relation)) }}
{% endmacro %}

{#- {} for 'ignore'; else the source's columns, after failing ('fail') or syncing the target when they differ. -#}
{% macro default__process_schema_changes(on_schema_change, source_relation, target_relation) %}
  {%- if on_schema_change == 'ignore' -%}
    {{ return({}) }}
  {%- endif -%}
  {%- set changes = check_for_schema_changes(source_relation, target_relation) -%}
  {%- if changes['source_columns'] | length == 0 -%}
    {%- set message = 'Could not read any columns for ' ~ source_relation ~ ' while checking for schema changes on incremental model ' ~ target_relation ~ " (on_schema_change='" ~ on_schema_change ~ "')." -%}
    {%- if on_schema_change == 'append_new_columns' -%}
      {%- do exceptions.warn(message ~ " Continuing with the target's columns.") -%}
    {%- else -%}
      {%- do exceptions.raise_compiler_error(message ~ " Set on_schema_change='ignore' or run with --full-refresh.") -%}
    {%- endif -%}
  {%- endif -%}
  {%- if changes['schema_changed'] -%}
    {%- if on_schema_change == 'fail' -%}
      {%- do exceptions.raise_compiler_error("The source and target schemas on this incremental model are out of sync!\n  They can be reconciled in several ways:\n    - set the `on_schema_change` config to either append_new_columns or sync_all_columns, depending on your situation.\n    - Re-run the incremental model with `full_refresh: True` to update the target schema.\n    - update the schema manually and re-run the process.\n\n  Additional troubleshooting context:\n     Source columns not in target: " ~ changes['source_not_in_target'] ~ "\n     Target columns not in source: " ~ changes['target_not_in_source'] ~ "\n     New column types: " ~ changes['new_target_types']) -%}
    {%- else -%}
      {%- do sync_column_schemas(on_schema_change, target_relation, changes) -%}
    {%- endif -%}
  {%- endif -%}
  {{ return(changes['source_columns']) }}
{% endmacro %}
