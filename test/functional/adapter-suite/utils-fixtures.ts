/** dbt-tests-adapter's BaseUtils macros: `equals` and the `assert_equal` generic test every utils case runs. */
export const ASSERT_EQUAL_MACROS = {
  'equals.sql': `{% macro equals(expr1, expr2) -%}
case when (({{ expr1 }} = {{ expr2 }}) or ({{ expr1 }} is null and {{ expr2 }} is null))
    then 0
    else 1
end = 0
{% endmacro %}`,
  'test_assert_equal.sql': `{% test assert_equal(model, actual, expected) %}
select * from {{ model }}
where not {{ equals(actual, expected) }}
{% endtest %}`,
};
