{#- fivetran's dbt_facebook_ads: get_url_tags_query(output_cte_name, url_tags_datatype) writes the CTEs that
    unnest a creative's url_tags (a JSON array of {"key", "value", "type"} objects) into one row per tag. Its
    default reads a CTE `unnested` it never defines (only BigQuery, Snowflake, Redshift, Postgres and Spark
    have versions), so facebook_ads__url_tags fails on ClickHouse — dbt-clickhouse too. This is its
    Postgres/BigQuery version for a text column (Fivetran's ClickHouse destination keeps JSON as text):
    surrounding quotes and backslashes removed, one row per array element (arrayJoin, as `cross join lateral
    json_array_elements`: no row for a NULL or empty array), and each field as Postgres' `->>` gives it — a
    string unquoted, a number or object as its JSON text, NULL when missing or JSON null. -#}
{#- Releases before 1.4 call it with no arguments (`adapter.dispatch('get_url_tags_query')()`) and read the CTE `fields`. -#}
{%- macro clickhouse__get_url_tags_query(output_cte_name='fields', url_tags_datatype=none) %}

    unnested as (
        select
            source_relation,
            _fivetran_id,
            creative_id,
            arrayJoin(JSONExtractArrayRaw(replace(trim(BOTH '"' FROM assumeNotNull(toString(url_tags))), '\\', ''))) as url_tag_element
        from required_fields
        where url_tags is not null
    ),

    {{ output_cte_name }} as (
        select
            source_relation,
            _fivetran_id,
            creative_id
            {%- for field in ['key', 'value', 'type'] %}
            {%- set raw = "JSONExtractRaw(url_tag_element, '" ~ field ~ "')" %},
            multiIf({{ raw }} = '' or JSONType({{ raw }}) = 'Null', NULL, JSONType({{ raw }}) = 'String', JSONExtractString({{ raw }}), {{ raw }}) as {{ field }}
            {%- endfor %}
        from unnested
    )
{%- endmacro %}
