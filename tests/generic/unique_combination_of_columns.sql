{#- A composite key: the rows of every combination of the columns that occurs more than once, with its
    count (dbt_utils' unique_combination_of_columns: `group by <columns> having count(*) > 1`).
    PERFORMANCE (same rows): grouping 33.8M (order, product) lines by the pair is a 33.8M-entry hash table
    (3.9 s CPU at scale 1). A combination can only repeat inside one value of the first column, and it
    repeats there exactly when that value's row count exceeds the distinct count of the other columns, so
    the first column's values are checked that way (3.4M small groups: 1.4 s CPU) and only the values that
    fail it (none, when the key holds) are grouped by the whole combination. NULLs: uniqExact skips them,
    so a group with a NULL counts as failing and is grouped exactly; rows whose first column is NULL are
    always grouped exactly. With two columns the distinct count is arrayUniq(groupArray(col)) — one small array
    per group instead of a hash-set state per group (2.5 instead of 3.4 s CPU at scale 1, under load); groupArray
    skips NULLs as uniqExact does, so a group with a NULL fails the check and is grouped exactly. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set first = combination_of_columns[0] -%}
{%- set columns = combination_of_columns | join(', ') -%}
select {{ columns }}, count(*) as n_records
from {{ model }}
where {{ first }} is null or {{ first }} in (
    select {{ first }}
    from {{ model }}
    group by {{ first }}
    {%- if combination_of_columns | length == 2 %}
    having count(*) != arrayUniq(groupArray({{ combination_of_columns[1] }}))
    {%- else %}
    having count(*) != uniqExact({{ combination_of_columns[1:] | join(', ') }})
    {%- endif %}
)
group by {{ columns }}
having count(*) > 1
{% endtest %}
