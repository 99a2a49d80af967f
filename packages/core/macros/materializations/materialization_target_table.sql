{#- dbt-clickhouse's explicit target of a materialized view: `{{ materialization_target_table(ref('events_daily')) }}`
    in the model is the same as config(target=ref('events_daily')). -#}
{% macro materialization_target_table(relation) -%}
  {%- do config(target=relation) -%}
{%- endmacro %}
