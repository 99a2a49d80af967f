import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, type DbtProject } from './dbt-project.js';
import { ASSERT_EQUAL_MACROS } from './utils-fixtures.js';

/*
 * dbt-tests-adapter utils/ (dbt's cross-database macros; dbt-clickhouse runs most of them unchanged
 * in tests/integration/adapter/utils/test_unchanged.py and adapts dateadd, datediff, last_day,
 * listagg, replace, safe_cast, split_part, arrays). Each case is BaseUtils' shape: seeds, a model
 * calling the macro as a bare name (as the upstream models do), and the project's own generic test
 * `assert_equal(actual, expected)` with its `equals` macro (null-safe) — all in one project, built
 * with one `dbt build`. Where an upstream model is written in Postgres SQL, the ClickHouse spelling
 * (dbt-clickhouse's fixture) is used; the expected values are upstream's.
 */
const BASE_MACROS = {
  ...ASSERT_EQUAL_MACROS,
  'replace_empty.sql': `{% macro replace_empty(expr) -%}
case
    when {{ expr }} = 'EMPTY' then ''
    else {{ expr }}
end
{% endmacro %}`,
};

interface UtilCase {
  readonly seeds?: Record<string, string>;
  readonly sql: string;
  /** assert_equal's column names (default actual / expected). */
  readonly actual?: string;
  readonly expected?: string;
}

const compare = (data: string, out: string, calc: string, join: string) =>
  `with data as (select * from {{ ref('${data}') }}),
data_output as (select * from {{ ref('${out}') }}),
calculate as (${calc})
select calculate.${join.split(':')[0]} as actual, data_output.${join.split(':')[1]} as expected
from calculate left join data_output on ${join.split(':')[2]}`;

const CASES: Record<string, UtilCase> = {
  any_value: {
    seeds: { data_any_value: 'id,key_name,static_col\n1,abc,dbt\n2,abc,dbt\n3,jkl,dbt\n4,jkl,dbt\n5,jkl,dbt\n6,xyz,test\n', data_any_value_expected: 'key_name,static_col,num_rows\nabc,dbt,2\njkl,dbt,3\nxyz,test,1\n' },
    sql: compare('data_any_value', 'data_any_value_expected', "select key_name, {{ any_value('static_col') }} as static_col, count(id) as num_rows from data group by key_name", 'num_rows:num_rows:calculate.key_name = data_output.key_name and calculate.static_col = data_output.static_col'),
  },
  bool_or: {
    seeds: { data_bool_or: 'key_column,val1,val2\nabc,1,1\nabc,1,0\ndef,1,0\nhij,1,1\nhij,1,\nklm,1,0\nklm,1,\n', data_bool_or_expected: 'key_column,value\nabc,true\ndef,false\nhij,true\nklm,false\n' },
    sql: compare('data_bool_or', 'data_bool_or_expected', "select key_column, {{ bool_or('val1 = val2') }} as value from data group by key_column", 'value:value:calculate.key_column = data_output.key_column'),
  },
  cast_bool_to_text: {
    sql: `with data as (
    select 0=1 as input, 'false' as expected union all
    select 1=1 as input, 'true' as expected union all
    select null as input, null as expected
)
select {{ cast_bool_to_text("input") }} as actual, expected from data`,
  },
  concat: {
    seeds: { data_concat: 'input_1,input_2,output\na,b,ab\na,EMPTY,a\nEMPTY,b,b\nEMPTY,EMPTY,EMPTY\n' },
    sql: `with seed_data as (select * from {{ ref('data_concat') }}),
data as (select {{ replace_empty('input_1') }} as input_1, {{ replace_empty('input_2') }} as input_2, {{ replace_empty('output') }} as output from seed_data)
select {{ concat(['input_1', 'input_2']) }} as actual, output as expected from data`,
  },
  date_trunc: {
    seeds: { data_date_trunc: 'updated_at,day,month\n2018-01-05 12:00:00,2018-01-05,2018-01-01\n,,\n' },
    sql: `with data as (select * from {{ ref('data_date_trunc') }})
select cast({{ date_trunc('day', 'updated_at') }} as date) as actual, day as expected from data
union all
select cast({{ date_trunc('month', 'updated_at') }} as date) as actual, month as expected from data`,
  },
  hash: {
    seeds: { data_hash: 'input_1,output\nab,187ef4436122d1cc2f40dc2b92f0eba0\na,0cc175b9c0f1b6a831c399e269772661\n1,c4ca4238a0b923820dcc509a6f75849b\nEMPTY,d41d8cd98f00b204e9800998ecf8427e\n' },
    sql: `with seed_data as (select * from {{ ref('data_hash') }}),
data as (select {{ replace_empty('input_1') }} as input_1, {{ replace_empty('output') }} as output from seed_data)
select {{ hash('input_1') }} as actual, output as expected from data`,
  },
  length: {
    seeds: { data_length: 'expression,output\nabcdef,6\nfishtown,8\ndecember,8\nwww.google.com/path,19\n' },
    sql: "with data as (select * from {{ ref('data_length') }}) select {{ length('expression') }} as actual, output as expected from data",
  },
  position: {
    seeds: { data_position: 'substring_text,string_text,result\ndef,abcdef,4\nland,earth,0\ntown,fishtown,5\nember,december,4\n' },
    sql: "with data as (select * from {{ ref('data_position') }}) select {{ position('substring_text', 'string_text') }} as actual, result as expected from data",
  },
  right: {
    seeds: { data_right: 'string_text,length_expression,output\nabcdef,3,def\nfishtown,4,town\ndecember,5,ember\ndecember,0,\n' },
    sql: "with data as (select * from {{ ref('data_right') }}) select {{ right('string_text', 'length_expression') }} as actual, coalesce(output, '') as expected from data",
  },
  safe_cast: {
    seeds: { data_safe_cast: 'field,output\nabc,abc\n123,123\n,\n' },
    sql: "with data as (select * from {{ ref('data_safe_cast') }}) select {{ safe_cast('field', api.Column.translate_type('string')) }} as actual, output as expected from data",
  },
  cast: {
    seeds: { data_cast: 'field,output\nabc,abc\n123,123\n,\n' },
    sql: "with data as (select * from {{ ref('data_cast') }}) select {{ cast('field', api.Column.translate_type('string')) }} as actual, output as expected from data",
  },
  string_literal: {
    sql: `select {{ string_literal("abc") }} as actual, 'abc' as expected union all
select {{ string_literal("1") }} as actual, '1' as expected union all
select {{ string_literal("") }} as actual, '' as expected union all
select {{ string_literal(none) }} as actual, 'None' as expected`,
  },
  escape_single_quotes: {
    // BaseEscapeSingleQuotesBackslash (dbt-clickhouse escapes with a backslash) and …Quote ('' is a quote in ClickHouse too).
    sql: `select '{{ escape_single_quotes("they're") }}' as actual, 'they\\'re' as expected,
  {{ length(string_literal(escape_single_quotes("they're"))) }} as actual_length, 7 as expected_length
union all
select '{{ escape_single_quotes("they are") }}' as actual, 'they are' as expected,
  {{ length(string_literal(escape_single_quotes("they are"))) }} as actual_length, 8 as expected_length
union all
select '{{ escape_single_quotes("they're") }}' as actual, 'they''re' as expected, 7 as actual_length, 7 as expected_length`,
  },
  dateadd: {
    seeds: { data_dateadd: 'from_time,interval_length,datepart,result\n2018-01-01 01:00:00,1,day,2018-01-02 01:00:00\n2018-01-01 01:00:00,1,month,2018-02-01 01:00:00\n2018-01-01 01:00:00,1,year,2019-01-01 01:00:00\n2018-01-01 01:00:00,1,hour,2018-01-01 02:00:00\n,1,day,\n' },
    sql: `with data as (select * from {{ ref('data_dateadd') }})
select case
  ${['hour', 'day', 'month', 'year'].map((d) => `when datepart = '${d}' then cast({{ dateadd('${d}', 'interval_length', 'from_time') }} as {{ api.Column.translate_type('timestamp') }})`).join('\n  ')}
  else null end as actual,
  result as expected
from data`,
  },
  datediff: {
    seeds: {
      data_datediff: `first_date,second_date,datepart,result
2018-01-01 01:00:00,2018-01-02 01:00:00,day,1
2018-01-01 01:00:00,2018-02-01 01:00:00,month,1
2018-01-01 01:00:00,2019-01-01 01:00:00,year,1
2018-01-01 01:00:00,2018-01-01 02:00:00,hour,1
2018-01-01 01:00:00,2018-01-01 02:01:00,minute,61
2018-01-01 01:00:00,2018-01-01 02:00:01,second,3601
2019-12-31 00:00:00,2019-12-27 00:00:00,week,-1
2019-12-31 00:00:00,2019-12-30 00:00:00,week,0
2019-12-31 00:00:00,2020-01-02 00:00:00,week,0
2019-12-31 00:00:00,2020-01-06 02:00:00,week,1
,2018-01-01 02:00:00,hour,
2018-01-01 02:00:00,,hour,
`,
    },
    sql: `with data as (select * from {{ ref('data_datediff') }})
select case
  ${['second', 'minute', 'hour', 'day', 'week', 'month', 'year'].map((d) => `when datepart = '${d}' then {{ datediff('first_date', 'second_date', '${d}') }}`).join('\n  ')}
  else null end as actual,
  result as expected
from data
${[['microsecond', '2000-01-01'], ['millisecond', '2000-01-01'], ['second', '2000-01-01'], ['minute', '2000-01-01'], ['hour', '2000-01-01'], ['day', '2000-01-01'], ['week', '2000-01-03'], ['month', '2000-01-01'], ['quarter', '2000-01-01'], ['year', '2000-01-01']]
  .map(([part, to]) => `union all select {{ datediff("'1999-12-31 23:59:59.999999'", "'${to} 00:00:00.000000'", "${part}") }} as actual, 1 as expected`)
  .join('\n')}`,
  },
  last_day: {
    seeds: { data_last_day: 'date_day,date_part,result\n2018-01-02,month,2018-01-31\n2018-01-02,quarter,2018-03-31\n2018-01-02,year,2018-12-31\n,month,\n' },
    sql: `with data as (select * from {{ ref('data_last_day') }})
select case
  ${['month', 'quarter', 'year'].map((d) => `when date_part = '${d}' then {{ last_day('date_day', '${d}') }}`).join('\n  ')}
  else null end as actual,
  result as expected
from data`,
  },
  listagg: {
    seeds: {
      data_listagg: 'group_col,string_text,order_col\n1,a,1\n1,b,2\n1,c,3\n2,a,2\n2,1,1\n2,p,3\n3,g,1\n3,g,2\n3,g,3\n',
      data_listagg_output: 'group_col,expected,version\n1,"a_|_b_|_c",bottom_ordered\n2,"1_|_a_|_p",bottom_ordered\n3,"g_|_g_|_g",bottom_ordered\n1,"a_|_b",bottom_ordered_limited\n2,"1_|_a",bottom_ordered_limited\n3,"g_|_g",bottom_ordered_limited\n3,"g, g, g",comma_whitespace_unordered\n3,"g",distinct_comma\n3,"g,g,g",no_params\n',
    },
    sql: `with data as (select * from {{ ref('data_listagg') }}),
data_output as (select * from {{ ref('data_listagg_output') }}),
calculate as (
    select group_col, {{ listagg('string_text', "'_|_'", "order by order_col") }} as actual, 'bottom_ordered' as version from data group by group_col
    union all
    select group_col, {{ listagg('string_text', "'_|_'", "order by order_col", 2) }} as actual, 'bottom_ordered_limited' as version from data group by group_col
    union all
    select group_col, {{ listagg('string_text', "', '") }} as actual, 'comma_whitespace_unordered' as version from data where group_col = 3 group by group_col
    union all
    select group_col, {{ listagg('DISTINCT string_text', "','") }} as actual, 'distinct_comma' as version from data where group_col = 3 group by group_col
    union all
    select group_col, {{ listagg('string_text') }} as actual, 'no_params' as version from data where group_col = 3 group by group_col
)
select calculate.actual, data_output.expected
from calculate left join data_output on calculate.group_col = data_output.group_col and calculate.version = data_output.version`,
  },
  replace: {
    seeds: { data_replace: 'string_text,search_chars,replace_chars,result\na,a,b,b\nhttp://google.com,http://,"",google.com\n' },
    sql: `with data as (select *, coalesce(search_chars, '') as old_chars, coalesce(replace_chars, '') as new_chars from {{ ref('data_replace') }})
select {{ replace('string_text', 'old_chars', 'new_chars') }} as actual, result as expected from data`,
  },
  split_part: {
    seeds: { data_split_part: 'parts,split_on,result_1,result_2,result_3,result_4\na|b|c,|,a,b,c,c\n1|2|3,|,1,2,3,3\n,|,,,,\n' },
    sql: `with data as (select * from {{ ref('data_split_part') }})
${[[1, 1], [2, 2], [3, 3], [-1, 4]].map(([n, r]) => `select {{ split_part('parts', 'split_on', ${n}) }} as actual, result_${r} as expected from data`).join('\nunion all\n')}`,
  },
  null_compare: { sql: 'select null as actual, null as expected' },
  get_powers_of_two: {
    sql: [[1, 1], [4, 2], [27, 5], [256, 8], [3125, 12], [46656, 16], [823543, 20]].map(([n, e]) => `select {{ get_powers_of_two(${n}) }} as actual, ${e} as expected`).join('\nunion all\n'),
  },
  get_intervals_between: { sql: `select {{ get_intervals_between("'09/01/2023'", "'09/12/2023'", "day") }} as intervals, 11 as expected`, actual: 'intervals' },
  generate_series: {
    sql: `with generated_numbers as ({{ dbt.generate_series(10) }}),
expected_numbers as (${Array.from({ length: 10 }, (_, i) => `select ${i + 1} as expected`).join(' union all ')}),
joined as (select generated_numbers.generated_number, expected_numbers.expected from generated_numbers left join expected_numbers on generated_numbers.generated_number = expected_numbers.expected)
select * from joined`,
    actual: 'generated_number',
  },
  date_spine: {
    // The upstream model as written: on ClickHouse (target.type 'clickhouse') its last branch, which joins the spine's
    // DateTime with dates written as text (dbt_semantics casts the join keys and the comparison to one type).
    sql: `with generated_dates as (
    {% if target.type == 'postgres' %}
        {{ date_spine("day", "'2023-09-01'::date", "'2023-09-10'::date") }}
    {% elif target.type == 'bigquery' or target.type == 'redshift' %}
        select cast(date_day as date) as date_day
        from ({{ date_spine("day", "'2023-09-01'", "'2023-09-10'") }})
    {% else %}
        {{ date_spine("day", "'2023-09-01'", "'2023-09-10'") }}
    {% endif %}
), expected_dates as (
    {% if target.type == 'postgres' %}
${Array.from({ length: 9 }, (_, i) => `        select '2023-09-0${i + 1}'::date as expected`).join('\n        union all\n')}
    {% elif target.type == 'bigquery' or target.type == 'redshift' %}
${Array.from({ length: 9 }, (_, i) => `        select cast('2023-09-0${i + 1}' as date) as expected`).join('\n        union all\n')}
    {% else %}
${Array.from({ length: 9 }, (_, i) => `        select '2023-09-0${i + 1}' as expected`).join('\n        union all\n')}
    {% endif %}
), joined as (
    select
        generated_dates.date_day,
        expected_dates.expected
    from generated_dates
    left join expected_dates on generated_dates.date_day = expected_dates.expected
)

SELECT * from joined`,
    actual: 'date_day',
  },
  date: {
    sql: `with generated_dates as ({{ dbt.date_spine("day", date(2023, 9, 7), date(2023, 9, 10)) }}),
expected_dates as (select cast('2023-09-07' as date) as expected union all select cast('2023-09-08' as date) as expected union all select cast('2023-09-09' as date) as expected),
joined as (select generated_dates.date_day, expected_dates.expected from generated_dates full outer join expected_dates on generated_dates.date_day = expected_dates.expected)
select * from joined`,
    actual: 'date_day',
  },
};

/** The models, seeds and assert_equal tests of every case, in one project. */
function utilsProject(cases: Record<string, UtilCase>): DbtProject {
  const models: Record<string, string> = {};
  const seeds: Record<string, string> = {};
  const yml: string[] = [];
  for (const [name, c] of Object.entries(cases)) {
    models[`test_${name}.sql`] = c.sql;
    for (const [seed, csv] of Object.entries(c.seeds ?? {})) seeds[`${seed}.csv`] = csv;
    yml.push(`  - name: test_${name}\n    data_tests:\n      - assert_equal:\n          actual: ${c.actual ?? 'actual'}\n          expected: ${c.expected ?? 'expected'}`);
  }
  models['schema.yml'] = `version: 2\nmodels:\n${yml.join('\n')}\n`;
  return dbtProject({ macros: BASE_MACROS, models, seeds });
}

describe("dbt's cross-database macros (dbt-tests-adapter utils/)", () => {
  it(`Base${'Utils'}: ${Object.keys(CASES).length} macros, each model equal to the upstream expected values (one dbt build)`, async () => {
    const p = utilsProject(CASES);
    const r = await p.dbt(['build'], { expectPass: null });
    const bad = r.results.filter((x) => x.status !== 'success' && x.status !== 'pass').map((x) => `${x.unique_id}: ${x.status}: ${x.message}`);
    expect(bad).toEqual([]);
    expect(r.results.filter((x) => x.unique_id.startsWith('test.')).length).toBe(Object.keys(CASES).length);
  });

  it('BaseMixedNullCompare: 1 and NULL are not equal (the test fails)', async () => {
    const p = utilsProject({ mixed_null_compare: { sql: 'select 1 as actual, null as expected' } });
    await p.dbt(['run']);
    const r = await p.dbt(['test'], { expectPass: false });
    expect(r.results.map((x) => x.status)).toEqual(['fail']);
  });

  it('BaseEquals: equals() is null-safe (3 same, 6 different)', async () => {
    const p = dbtProject({
      seeds: { 'data_equals.csv': 'key_name,x,y,expected\n1,1,1,same\n2,1,2,different\n3,1,null,different\n4,2,1,different\n5,2,2,same\n6,2,null,different\n7,null,1,different\n8,null,2,different\n9,null,null,same\n' },
      models: {
        'equal_values.sql': "with data as (select * from {{ ref('data_equals') }}) select * from data where {{ equals('x', 'y') }}",
        'not_equal_values.sql': "with data as (select * from {{ ref('data_equals') }}) select * from data where not {{ equals('x', 'y') }}",
      },
      // "null" in a CSV is NULL to agate's type tester (every column type): the null-safe equals() of
      // upstream's BaseUtils (base_utils.macros__equals_sql) finds the NULL/NULL row equal.
      macros: {
        'equals.sql': '{% macro equals(expr1, expr2) -%}\ncase when (({{ expr1 }} = {{ expr2 }}) or ({{ expr1 }} is null and {{ expr2 }} is null))\n    then 0\n    else 1\nend = 0\n{% endmacro %}\n',
      },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect(await p.query("select count(*) as n from {schema}.equal_values where expected = 'same'")).toEqual([{ n: '3' }]);
    expect(await p.query("select count(*) as n from {schema}.not_equal_values where expected = 'different'")).toEqual([{ n: '6' }]);
  });

  // BaseArrayConstruct / BaseArrayAppend / BaseArrayConcat as upstream (fixture_array_*.py), and dbt-clickhouse's
  // utils/test_array.py variants (a -77777777 member in the expected arrays forces Int32 there).
  it.each([
    ['array_construct', ['{{ array_construct([1,2,3]) }}', '{{ array_construct([]) }}'], ['{{ array_construct([1,2,3]) }}', '{{ array_construct([]) }}']],
    ['array_append', ['{{ array_construct([1,2,3,4]) }}', '{{ array_construct([4]) }}'], ['{{ array_append(array_construct([1,2,3]), 4) }}', '{{ array_append(array_construct([]), 4) }}']],
    ['array_concat', ['{{ array_construct([1,2,3,4,5,6]) }}', '{{ array_construct([2]) }}', '{{ array_construct([3]) }}'], ['{{ array_concat(array_construct([1,2,3]), array_construct([4,5,6])) }}', '{{ array_concat(array_construct([]), array_construct([2])) }}', '{{ array_concat(array_construct([3]), array_construct([])) }}']],
    ['array_append (dbt-clickhouse)', ['{{ array_construct([1,2,3,-77777777]) }}', '{{ array_construct([4]) }}'], ['{{ array_append(array_construct([1,2,3]), 4) }}', '{{ array_append(array_construct([]), 4) }}']],
    ['array_concat (dbt-clickhouse)', ['{{ array_construct([1,2,3,4,5,-77777777]) }}', '{{ array_construct([2]) }}', '{{ array_construct([3]) }}'], ['{{ array_concat(array_construct([1,2,3]), array_construct([4,5,6])) }}', '{{ array_concat(array_construct([]), array_construct([2])) }}', '{{ array_concat(array_construct([3]), array_construct([])) }}']],
  ])('BaseArrayUtils %s: expected and actual have the same column types (and, upstream\'s, the same rows)', async (name, expected, actual) => {
    const rows = (items: string[]) => items.map((x, i) => `select ${i + 1} as id, ${x} as array_col`).join(' union all\n');
    const p = dbtProject({ models: { 'expected.sql': rows(expected), 'actual.sql': rows(actual) } });
    await p.dbt(['build']);
    // dbt-clickhouse's expected arrays differ from the actual ones by design (only the types are compared there).
    if (!name.includes('dbt-clickhouse')) await expectRelationsEqual(p, ['expected', 'actual']);
    // get_relation_columns: integers given as numbers make Array(Int32), Postgres' int4[], so a
    // non-empty array has the empty array's type (ClickHouse alone would type [1,2,3] Array(UInt8)).
    const types = (t: string) => p.query<{ name: string; type: string }>(`select name, type from system.columns where database = '{schema}' and table = '${t}' order by position`);
    expect(await types('actual')).toEqual(await types('expected'));
    expect((await types('actual'))[1]!.type).toBe('Array(Int32)');
  });

  it("dbt-clickhouse TestCustomListagg: listagg with an upper-case ORDER BY … DESC and a limit", async () => {
    const p = dbtProject({
      seeds: { 'data_listagg.csv': 'group_col,string_text,order_col\n1,a,1\n1,b,2\n1,c,3\n2,a,2\n2,1,1\n2,p,3\n3,g,1\n3,g,2\n3,g,3\n' },
      models: {
        'test_listagg.sql': `
select
  group_col,
  {{ listagg('string_text', "'_|_'", "ORDER BY order_col DESC", 2) }} as actual,
  'top_ordered_limited' as version
from {{ ref('data_listagg') }} group by group_col
`,
        // upstream's test_listagg.yaml: an assert_equal test whose macro this project never defines —
        // dbt parses it and runs the models; the test would fail only when it runs
        'test_listagg.yaml': 'version: 2\nmodels:\n  - name: test_listagg\n    data_tests:\n      - assert_equal:\n          actual: actual\n          expected: expected\n',
      },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    // Upstream reads the rows in ClickHouse's group order (3, 2, 1); sorted here.
    const rows = await p.query<{ group_col: string; actual: string; version: string }>('select * from {schema}.test_listagg order by group_col desc');
    expect(rows.map((r) => [Number(r.group_col), r.actual, r.version])).toEqual([
      [3, 'g_|_g', 'top_ordered_limited'],
      [2, 'p_|_a', 'top_ordered_limited'],
      [1, 'c_|_b', 'top_ordered_limited'],
    ]);
  });

  it('BaseCurrentTimestampNaive: current_timestamp() is a naive timestamp close to UTC now', async () => {
    const p = dbtProject({ models: { 'current_ts.sql': 'select {{ dbt.current_timestamp() }} as current_ts_column' } });
    await p.dbt(['build']);
    const [row] = await p.query<{ ts: string; tz: string }>("select toString(current_ts_column, 'UTC') as ts, toTypeName(current_ts_column) as tz from {schema}.current_ts");
    const seconds = Math.abs(Date.parse(`${row!.ts.replace(' ', 'T')}Z`) - Date.now()) / 1000;
    expect(seconds).toBeLessThan(300);
  });
});
