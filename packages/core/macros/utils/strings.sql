{#- dbt's string macros. ClickHouse's length() and right() count bytes: the ClickHouse versions
    count characters, as length() and right() do on other warehouses. -#}
{% macro escape_single_quotes(expression) -%}
    {{ return(adapter.dispatch('escape_single_quotes', 'dbt')(expression)) }}
{%- endmacro %}

{% macro default__escape_single_quotes(expression) -%}
{{ expression | replace("'", "''") }}
{%- endmacro %}

{#- A ClickHouse string literal also reads backslash escapes: escape the backslash too. -#}
{% macro clickhouse__escape_single_quotes(expression) -%}
{{ expression | replace("\\", "\\\\") | replace("'", "\\'") }}
{%- endmacro %}

{% macro string_literal(value) -%}
    {{ return(adapter.dispatch('string_literal', 'dbt')(value)) }}
{%- endmacro %}

{% macro default__string_literal(value) -%}
    '{{ value }}'
{%- endmacro %}

{% macro hash(field) -%}
    {{ return(adapter.dispatch('hash', 'dbt')(field)) }}
{%- endmacro %}

{% macro default__hash(field) -%}
    md5(cast({{ field }} as {{ api.Column.translate_type('string') }}))
{%- endmacro %}

{% macro clickhouse__hash(field) -%}
    lower(hex(MD5(toString({{ field }}))))
{%- endmacro %}

{% macro length(expression) -%}
    {{ return(adapter.dispatch('length', 'dbt')(expression)) }}
{%- endmacro %}

{% macro default__length(expression) -%}
    length(
        {{ expression }}
    )
{%- endmacro %}

{% macro clickhouse__length(expression) -%}
    lengthUTF8(
        {{ expression }}
    )
{%- endmacro %}

{% macro position(substring_text, string_text) -%}
    {{ return(adapter.dispatch('position', 'dbt')(substring_text, string_text)) }}
{%- endmacro %}

{% macro default__position(substring_text, string_text) -%}
    position(
        {{ substring_text }} in {{ string_text }}
    )
{%- endmacro %}

{% macro clickhouse__position(substring_text, string_text) -%}
    positionUTF8({{ string_text }}, {{ substring_text }})
{%- endmacro %}

{% macro replace(field, old_chars, new_chars) -%}
    {{ return(adapter.dispatch('replace', 'dbt')(field, old_chars, new_chars)) }}
{%- endmacro %}

{% macro default__replace(field, old_chars, new_chars) -%}
    replace(
        {{ field }},
        {{ old_chars }},
        {{ new_chars }}
    )
{%- endmacro %}

{#- dbt-clickhouse: replaceAll with the arguments given as SQL expressions. -#}
{% macro clickhouse__replace(field, old_chars, new_chars) -%}
    replaceAll({{ field }}, {{ old_chars }}, {{ new_chars }})
{%- endmacro %}

{% macro right(string_text, length_expression) -%}
    {{ return(adapter.dispatch('right', 'dbt')(string_text, length_expression)) }}
{%- endmacro %}

{% macro default__right(string_text, length_expression) -%}
    right(
        {{ string_text }},
        {{ length_expression }}
    )
{%- endmacro %}

{% macro clickhouse__right(string_text, length_expression) -%}
    rightUTF8({{ string_text }}, {{ length_expression }})
{%- endmacro %}

{% macro split_part(string_text, delimiter_text, part_number) -%}
    {{ return(adapter.dispatch('split_part', 'dbt')(string_text, delimiter_text, part_number)) }}
{%- endmacro %}

{% macro default__split_part(string_text, delimiter_text, part_number) -%}
    split_part(
        {{ string_text }},
        {{ delimiter_text }},
        {{ part_number }}
        )
{%- endmacro %}

{% macro _split_part_negative(string_text, delimiter_text, part_number) -%}
    split_part(
        {{ string_text }},
        {{ delimiter_text }},
          length({{ string_text }})
          - length(
              replace({{ string_text }},  {{ delimiter_text }}, '')
          ) + 2 + {{ part_number }}
        )
{%- endmacro %}

{#- ClickHouse arrays count from 1, and from the end with a negative index, as split_part does. -#}
{#- splitByString needs a constant delimiter: a delimiter that is a column (dbt-tests-adapter's
    split_part case) is first replaced by a character that text does not hold. -#}
{% macro clickhouse__split_part(string_text, delimiter_text, part_number) -%}
    {%- set literal = delimiter_text | trim -%}
    {#- NULL text has no parts: NULL, as split_part gives elsewhere (ClickHouse would split it as ''). -#}
    if(isNull({{ string_text }}), NULL,
    {%- if literal.startswith("'") and literal.endswith("'") %}
    splitByString({{ delimiter_text }}, assumeNotNull({{ string_text }}))[{{ part_number }}]
    {%- else %}
    splitByChar('\0', replaceAll(assumeNotNull({{ string_text }}), assumeNotNull({{ delimiter_text }}), '\0'))[{{ part_number }}]
    {%- endif %})
{%- endmacro %}

{% macro listagg(measure, delimiter_text="','", order_by_clause=none, limit_num=none) -%}
    {{ return(adapter.dispatch('listagg', 'dbt')(measure, delimiter_text, order_by_clause, limit_num)) }}
{%- endmacro %}

{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {% if limit_num -%}
    array_to_string(
        array_slice(
            array_agg(
                {{ measure }}
            ){% if order_by_clause -%}
            within group ({{ order_by_clause }})
            {%- endif %}
            ,0
            ,{{ limit_num }}
        ),
        {{ delimiter_text }}
        )
    {%- else %}
    listagg(
        {{ measure }},
        {{ delimiter_text }}
        )
        {% if order_by_clause -%}
        within group ({{ order_by_clause }})
        {%- endif %}
    {%- endif %}
{%- endmacro %}

{#- dbt-clickhouse's listagg: one `order by` field (desc allowed), sorted with arraySort over the pairs. -#}
{% macro clickhouse__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause and 'order by' == ' '.join(order_by_clause.split()[:2]).lower() -%}
      {%- set tokens = order_by_clause.split() -%}
      {%- if ',' in tokens -%}
        {{ exceptions.raise_compiler_error('ClickHouse does not support multiple order by fields.') }}
      {%- endif -%}
      {%- set tokens = tokens[2:] -%}
      {%- set sort_direction = 'Reverse' if 'desc' in ''.join(tokens[1:]).lower() else '' -%}
      {%- set arr = "arrayMap(x -> x.1, array{}Sort(x -> x.2, arrayZip(array_agg({}), array_agg({}))))".format(sort_direction, measure, tokens[0]) -%}
    {%- else -%}
      {%- set arr = "array_agg({})".format(measure) -%}
    {%- endif -%}
    {%- if limit_num -%}
    arrayStringConcat(arraySlice({{ arr }}, 1, {{ limit_num }}), {{ delimiter_text }})
    {%- else -%}
    arrayStringConcat({{ arr }}, {{ delimiter_text }})
    {%- endif -%}
{%- endmacro %}
