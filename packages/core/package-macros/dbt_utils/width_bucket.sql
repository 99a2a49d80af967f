{#- The default computes the bucket with least(ceil(<Float64>), <num_buckets> + 1): ClickHouse
    finds no common type for Float64 and Int64 (an integer column plus 1), so it fails. ClickHouse
    has the SQL function itself (widthBucket, as Snowflake's width_bucket that dbt_utils uses
    there): 0 below min_value, num_buckets + 1 at or above max_value. Its bucket count must be
    unsigned. -#}
{% macro clickhouse__width_bucket(expr, min_value, max_value, num_buckets) -%}
    widthBucket({{ expr }}, {{ min_value }}, {{ max_value }}, toUInt64({{ num_buckets }}))
{%- endmacro %}
