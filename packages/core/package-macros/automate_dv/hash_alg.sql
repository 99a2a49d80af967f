{#- Datavault-UK's automate_dv hashes with Snowflake's MD5_BINARY / SHA2_BINARY / SHA1_BINARY by default, which
    ClickHouse lacks (dbt-clickhouse fails every hashed stage). ClickHouse's MD5, SHA256 and SHA1 return the same
    raw bytes (FixedString(16/32/20)), cast to the package's type_binary() as on Snowflake. -#}
{% macro clickhouse__hash_alg_md5() -%}
    {% do return(automate_dv.cast_binary('MD5([HASH_STRING_PLACEHOLDER])', quote=false)) %}
{% endmacro %}

{% macro clickhouse__hash_alg_sha256() -%}
    {% do return(automate_dv.cast_binary('SHA256([HASH_STRING_PLACEHOLDER])', quote=false)) %}
{% endmacro %}

{% macro clickhouse__hash_alg_sha1() -%}
    {% do return(automate_dv.cast_binary('SHA1([HASH_STRING_PLACEHOLDER])', quote=false)) %}
{% endmacro %}
