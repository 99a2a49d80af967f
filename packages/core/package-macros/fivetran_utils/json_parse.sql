{#- fivetran_utils' json_parse(string, path): its default is Redshift's `json_extract_path_text`,
    which ClickHouse lacks. This answers as its Postgres version (`string::json #>> '{a,b,0}'`):
    the text of the value at the path — a string unquoted, a number, object or array as its JSON
    text, NULL when the path is missing or the value is JSON null. A path element that is a number
    (or digits) is an array index from 0 where the value is an array, and a key elsewhere. -#}
{% macro clickhouse__json_parse(string, string_path) -%}
    {%- set ns = namespace(raw='toString(' ~ string ~ ')') -%}
    {%- for s in string_path -%}
        {%- set key = "'" ~ (s | string | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'" -%}
        {%- if s is number or (s | string).isdigit() -%}
            {%- set ns.raw = "if(JSONType(" ~ ns.raw ~ ") = 'Array', JSONExtractRaw(" ~ ns.raw ~ ", " ~ ((s | int) + 1) ~ "), JSONExtractRaw(" ~ ns.raw ~ ", " ~ key ~ "))" -%}
        {%- else -%}
            {%- set ns.raw = "JSONExtractRaw(" ~ ns.raw ~ ", " ~ key ~ ")" -%}
        {%- endif -%}
    {%- endfor -%}
    multiIf({{ ns.raw }} = '' or JSONType({{ ns.raw }}) = 'Null', NULL, JSONType({{ ns.raw }}) = 'String', JSONExtractString({{ ns.raw }}), {{ ns.raw }})
{%- endmacro %}
