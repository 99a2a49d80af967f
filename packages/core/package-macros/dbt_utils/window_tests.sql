{#- dbt_utils' tests that compare a row with its neighbour (sequential_values, mutually_exclusive_ranges)
    rely on SQL's lag()/lead() giving NULL where there is no previous/next row. ClickHouse's give the
    type's default there (0, '', 1970-01-01), so the first row of a sequence or the last range of a
    partition would fail the test. These versions read the neighbour with lagInFrame/leadInFrame
    over the whole partition, NULL where there is none: the tests' answers are dbt's. -#}
{% macro clickhouse__test_sequential_values(model, column_name, interval=1, datepart=None, group_by_columns=[]) %}
{%- set previous_column_name = "previous_" ~ dbt_utils.slugify(column_name) -%}
{%- set partition = ('partition by ' ~ (group_by_columns | join(', '))) if group_by_columns | length > 0 else '' -%}
{%- set timestamp_type = 'Nullable(' ~ dbt.type_timestamp() ~ ')' -%}
select *
from (
    select
        {% for col in group_by_columns %}{{ col }}, {% endfor %}{{ column_name }},
        lagInFrame(toNullable({{ column_name }}), 1, NULL) over (
            {{ partition }}
            order by {{ column_name }}
            rows between unbounded preceding and current row
        ) as {{ previous_column_name }}
    from {{ model }}
) as windowed
{% if datepart %}
where not(cast({{ column_name }} as {{ timestamp_type }}) = cast({{ dbt.dateadd(datepart, interval, previous_column_name) }} as {{ timestamp_type }}))
{% else %}
where not({{ column_name }} = {{ previous_column_name }} + {{ interval }})
{% endif %}
{% endmacro %}

{% macro clickhouse__test_mutually_exclusive_ranges(model, lower_bound_column, upper_bound_column, partition_by=None, gaps='allowed', zero_length_range_allowed=False) %}
{%- set gap_operators = {'not_allowed': '=', 'allowed': '<=', 'required': '<'} -%}
{%- set gap_words = {'not_allowed': 'equal_to', 'allowed': 'less_than_or_equal_to', 'required': 'less_than'} -%}
{%- if gaps not in gap_operators -%}
    {{ exceptions.raise_compiler_error("`gaps` argument for mutually_exclusive_ranges test must be one of ['not_allowed', 'allowed', 'required'] Got: '" ~ gaps ~ "'.'") }}
{%- endif -%}
{%- set zero_operator = '<=' if zero_length_range_allowed else '<' -%}
{%- set zero_words = 'less_than_or_equal_to' if zero_length_range_allowed else 'less_than' -%}
{%- set bounds_ok = 'lower_bound_' ~ zero_words ~ '_upper_bound' -%}
{%- set next_ok = 'upper_bound_' ~ gap_words[gaps] ~ '_next_lower_bound' -%}
{%- set partition_clause = ('partition by ' ~ partition_by) if partition_by else '' -%}
with window_functions as (
    select
        {% if partition_by %}{{ partition_by }} as partition_by_col,{% endif %}
        {{ lower_bound_column }} as lower_bound,
        {{ upper_bound_column }} as upper_bound,
        leadInFrame(toNullable({{ lower_bound_column }}), 1, NULL) over (
            {{ partition_clause }}
            order by {{ lower_bound_column }}, {{ upper_bound_column }}
            rows between current row and unbounded following
        ) as next_lower_bound,
        row_number() over (
            {{ partition_clause }}
            order by {{ lower_bound_column }} desc, {{ upper_bound_column }} desc
        ) = 1 as is_last_record
    from {{ model }}
),
calc as (
    select
        *,
        coalesce(lower_bound {{ zero_operator }} upper_bound, false) as {{ bounds_ok }},
        coalesce(upper_bound {{ gap_operators[gaps] }} next_lower_bound, is_last_record, false) as {{ next_ok }}
    from window_functions
)
select * from calc
where not({{ bounds_ok }} and {{ next_ok }})
{% endmacro %}
