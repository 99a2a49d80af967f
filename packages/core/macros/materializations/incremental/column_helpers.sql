{#- dbt's column helpers of incremental materializations (dbt-adapters' column_helpers.sql). -#}

{#- The names, each quoted by adapter.quote, comma-separated. -#}
{% macro get_quoted_csv(column_names) %}
  {%- set quoted = [] -%}
  {%- for name in column_names -%}
    {%- do quoted.append(adapter.quote(name)) -%}
  {%- endfor -%}
  {{ return(quoted | join(', ')) }}
{% endmacro %}

{#- The columns of source_columns whose name target_columns lacks (names only, not types). -#}
{% macro diff_columns(source_columns, target_columns) %}
  {%- set target_names = target_columns | map(attribute='column') | list -%}
  {%- set missing = [] -%}
  {%- for column in source_columns -%}
    {%- if column.name not in target_names -%}{%- do missing.append(column) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(missing) }}
{% endmacro %}

{% macro diff_column_data_types(source_columns, target_columns) %}
  {{ return(adapter.dispatch('diff_column_data_types', 'dbt')(source_columns, target_columns)) }}
{% endmacro %}

{#- [{'column_name', 'new_type'}] for each column both have whose type differs and cannot be expanded to. -#}
{% macro default__diff_column_data_types(source_columns, target_columns) %}
  {%- set changed = [] -%}
  {%- for column in source_columns -%}
    {%- set match = target_columns | selectattr('name', 'equalto', column.name) | list | first -%}
    {%- if match and column.expanded_data_type != match.expanded_data_type and not column.can_expand_to(other_column=match) -%}
      {%- do changed.append({'column_name': match.name, 'new_type': column.expanded_data_type}) -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(changed) }}
{% endmacro %}

{% macro get_merge_update_columns(merge_update_columns, merge_exclude_columns, dest_columns) %}
  {{ return(adapter.dispatch('get_merge_update_columns', 'dbt')(merge_update_columns, merge_exclude_columns, dest_columns)) }}
{% endmacro %}

{#- The quoted columns a merge updates: merge_update_columns as given, or dest_columns but merge_exclude_columns
    (compared case-insensitively), or all of dest_columns; both configs set is dbt's compiler error. -#}
{% macro default__get_merge_update_columns(merge_update_columns, merge_exclude_columns, dest_columns) %}
  {%- set all_columns = dest_columns | map(attribute="quoted") | list -%}
  {%- if merge_update_columns and merge_exclude_columns -%}
    {{ exceptions.raise_compiler_error('Model cannot specify merge_update_columns and merge_exclude_columns. Please update model to use only one config') }}
  {%- elif merge_update_columns -%}
    {%- set update_columns = merge_update_columns -%}
  {%- elif merge_exclude_columns -%}
    {%- set excluded = merge_exclude_columns | map("lower") | list -%}
    {%- set update_columns = [] -%}
    {%- for column in dest_columns -%}
      {%- if column.column | lower not in excluded -%}{%- do update_columns.append(column.quoted) -%}{%- endif -%}
    {%- endfor -%}
  {%- else -%}
    {%- set update_columns = all_columns -%}
  {%- endif -%}
  {{ return(update_columns) }}
{% endmacro %}
