{#- Datavault-UK's automate_dv closes open effectivity records at max_datetime(), '9999-12-31 23:59:59.999999' by
    default; ClickHouse's DateTime64 ends at 2299-12-31 (a later text is out of range). The var still wins. -#}
{%- macro clickhouse__max_datetime() %}
    {%- do return(var('max_datetime', '2299-12-31 23:59:59.999999')) -%}
{%- endmacro -%}
