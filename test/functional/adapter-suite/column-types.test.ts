import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter column_types/test_column_types.py (BaseColumnTypes with BasePostgresColumnTypes'
 * model): a project generic test `is_type` asks adapter.get_columns_in_relation for the model's
 * columns and checks each with Column.is_string/is_float/is_number/is_numeric/is_integer. The
 * upstream model runs on ClickHouse as written: `::smallint`, `::real`, `::numeric`, `::text`,
 * `::varchar(20)` are ClickHouse type aliases (Int16, Float32, Decimal, String, String).
 */
const MACRO_TEST_IS_TYPE_SQL = `
{% macro simple_type_check_column(column, check) %}
    {% if check == 'string' %}
        {{ return(column.is_string()) }}
    {% elif check == 'float' %}
        {{ return(column.is_float()) }}
    {% elif check == 'number' %}
        {{ return(column.is_number()) }}
    {% elif check == 'numeric' %}
        {{ return(column.is_numeric()) }}
    {% elif check == 'integer' %}
        {{ return(column.is_integer()) }}
    {% else %}
        {% do exceptions.raise_compiler_error('invalid type check value: ' ~ check) %}
    {% endif %}
{% endmacro %}

{% macro type_check_column(column, type_checks) %}
    {% set failures = [] %}
    {% for type_check in type_checks %}
        {% if type_check.startswith('not ') %}
            {% if simple_type_check_column(column, type_check[4:]) %}
                {% do log('simple_type_check_column got ', True) %}
                {% do failures.append(type_check) %}
            {% endif %}
        {% else %}
            {% if not simple_type_check_column(column, type_check) %}
                {% do failures.append(type_check) %}
            {% endif %}
        {% endif %}
    {% endfor %}
    {% if (failures | length) > 0 %}
        {% do log('column ' ~ column.name ~ ' had failures: ' ~ failures, info=True) %}
    {% endif %}
    {% do return((failures | length) == 0) %}
{% endmacro %}

{% test is_type(model, column_map) %}
    {% if not execute %}
        {{ return(None) }}
    {% endif %}
    {% if not column_map %}
        {% do exceptions.raise_compiler_error('test_is_type must have a column name') %}
    {% endif %}
    {% set columns = adapter.get_columns_in_relation(model) %}
    {% if (column_map | length) != (columns | length) %}
        {% set column_map_keys = (column_map | list | string) %}
        {% set column_names = (columns | map(attribute='name') | list | string) %}
        {% do exceptions.raise_compiler_error('did not get all the columns/all columns not specified:\\n' ~ column_map_keys ~ '\\nvs\\n' ~ column_names) %}
    {% endif %}
    {% set bad_columns = [] %}
    {% for column in columns %}
        {% set column_key = (column.name | lower) %}
        {% if column_key in column_map %}
            {% set type_checks = column_map[column_key] %}
            {% if not type_checks %}
                {% do exceptions.raise_compiler_error('no type checks?') %}
            {% endif %}
            {% if not type_check_column(column, type_checks) %}
                {% do bad_columns.append(column.name) %}
            {% endif %}
        {% else %}
            {% do exceptions.raise_compiler_error('column key ' ~ column_key ~ ' not found in ' ~ (column_map | list | string)) %}
        {% endif %}
    {% endfor %}
    {% do log('bad columns: ' ~ bad_columns, info=True) %}
    {% for bad_column in bad_columns %}
      select '{{ bad_column }}' as bad_column
      {{ 'union all' if not loop.last }}
    {% endfor %}
      select * from (select 1 limit 0) as nothing
{% endtest %}
`;

const MODEL_SQL = `
select
    1::smallint as smallint_col,
    2::integer as int_col,
    3::bigint as bigint_col,
    4.0::real as real_col,
    5.0::double precision as double_col,
    6.0::numeric as numeric_col,
    '7'::text as text_col,
    '8'::varchar(20) as varchar_col
`;

const SCHEMA_YML = `
version: 2
models:
  - name: model
    data_tests:
      - is_type:
          column_map:
            smallint_col: ['integer', 'number']
            int_col: ['integer', 'number']
            bigint_col: ['integer', 'number']
            real_col: ['float', 'number']
            double_col: ['float', 'number']
            numeric_col: ['numeric', 'number']
            text_col: ['string', 'not number']
            varchar_col: ['string', 'not number']
`;

describe('column types (dbt-tests-adapter column_types/test_column_types.py)', () => {
  it('BasePostgresColumnTypes.test_run_and_test: the is_type test passes on the model', async () => {
    const p = dbtProject({ macros: { 'test_is_type.sql': MACRO_TEST_IS_TYPE_SQL }, models: { 'model.sql': MODEL_SQL, 'schema.yml': SCHEMA_YML } });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    const r = await p.dbt(['test']);
    expect(r.results.map((x) => x.status)).toEqual(['pass']);
    expect(r.out.join('\n')).toContain('bad columns: []');
  });

  it('a column that is not of the kind the map says does not pass (the check is real)', async () => {
    const p = dbtProject({
      macros: { 'test_is_type.sql': MACRO_TEST_IS_TYPE_SQL },
      models: { 'model.sql': MODEL_SQL, 'schema.yml': SCHEMA_YML.replace("text_col: ['string', 'not number']", "text_col: ['number']") },
    });
    await p.dbt(['run']);
    const r = await p.dbt(['test'], { expectPass: false });
    // Upstream's macro then writes `select 'text_col' as bad_column` straight before its closing
    // select (no union all after the last bad column): a syntax error on any warehouse, so an error.
    expect(r.results.map((x) => x.status)).toEqual(['error']);
    expect(r.out.join('\n')).toContain("column text_col had failures: ['number']");
  });
});
