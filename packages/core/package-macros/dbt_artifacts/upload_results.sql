{#- dbt_artifacts uploads dbt's results and graph from its on-run-end `upload_results(results)`:
    for each dataset `get_<dataset>_dml_sql` writes the rows and `insert_into_metadata_table` runs
    the INSERT. Its defaults are Snowflake's (`select $1, … from values (…)`) and its
    `default__insert_into_metadata_table` does nothing, so on ClickHouse (dbt-clickhouse too) the
    run succeeds and no row is uploaded. Its Postgres versions are what ClickHouse runs:
    `insert into t (cols) values (…), (…)` with text in '…' and the free text (messages, meta,
    all_results JSON) in $$…$$, which ClickHouse also reads as a raw string. The tables are the
    package's own models (all columns Nullable text/timestamps/numbers on ClickHouse). -#}
{% macro clickhouse__insert_into_metadata_table(relation, fields, content) -%}
    {% do return(dbt_artifacts.postgres__insert_into_metadata_table(relation, fields, content)) %}
{%- endmacro %}

{% macro clickhouse__get_model_executions_dml_sql(models) -%}{{ return(dbt_artifacts.postgres__get_model_executions_dml_sql(models)) }}{%- endmacro %}
{% macro clickhouse__get_seed_executions_dml_sql(seeds) -%}{{ return(dbt_artifacts.postgres__get_seed_executions_dml_sql(seeds)) }}{%- endmacro %}
{% macro clickhouse__get_test_executions_dml_sql(tests) -%}{{ return(dbt_artifacts.postgres__get_test_executions_dml_sql(tests)) }}{%- endmacro %}
{% macro clickhouse__get_snapshot_executions_dml_sql(snapshots) -%}{{ return(dbt_artifacts.postgres__get_snapshot_executions_dml_sql(snapshots)) }}{%- endmacro %}
{% macro clickhouse__get_exposures_dml_sql(exposures) -%}{{ return(dbt_artifacts.postgres__get_exposures_dml_sql(exposures)) }}{%- endmacro %}
{% macro clickhouse__get_seeds_dml_sql(seeds) -%}{{ return(dbt_artifacts.postgres__get_seeds_dml_sql(seeds)) }}{%- endmacro %}
{% macro clickhouse__get_snapshots_dml_sql(snapshots) -%}{{ return(dbt_artifacts.postgres__get_snapshots_dml_sql(snapshots)) }}{%- endmacro %}
{% macro clickhouse__get_invocations_dml_sql(invocation_args=invocation_args_dict) -%}{{ return(dbt_artifacts.postgres__get_invocations_dml_sql(invocation_args)) }}{%- endmacro %}
{% macro clickhouse__get_sources_dml_sql(sources) -%}{{ return(dbt_artifacts.postgres__get_sources_dml_sql(sources)) }}{%- endmacro %}
{% macro clickhouse__get_tests_dml_sql(tests) -%}{{ return(dbt_artifacts.postgres__get_tests_dml_sql(tests)) }}{%- endmacro %}
{% macro clickhouse__get_models_dml_sql(models) -%}{{ return(dbt_artifacts.postgres__get_models_dml_sql(models)) }}{%- endmacro %}
