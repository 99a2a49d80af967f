import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

/**
 * An installed package named dbt_utils with only what these tests need: dbt_utils' dispatching
 * wrappers and the package's own default versions (which do not run, or answer differently, on
 * ClickHouse). tsdbt's packages/core/package-macros/dbt_utils supplies the clickhouse__ versions.
 */
const DBT_UTILS: Record<string, string> = {
  'dbt_packages/dbt_utils/dbt_project.yml': "name: dbt_utils\nversion: '1.4.1'\n",
  'dbt_packages/dbt_utils/macros/width_bucket.sql':
    "{% macro width_bucket(expr, min_value, max_value, num_buckets) %}{{ return(adapter.dispatch('width_bucket', 'dbt_utils')(expr, min_value, max_value, num_buckets)) }}{% endmacro %}\n" +
    '{% macro default__width_bucket(expr, min_value, max_value, num_buckets) %}least(ceil(({{ expr }} - {{ min_value }}) / (({{ max_value }} - {{ min_value }}) / {{ num_buckets }})), {{ num_buckets }} + 1){% endmacro %}\n',
  'dbt_packages/dbt_utils/macros/slugify.sql': '{% macro slugify(s) %}{{ return(s | lower) }}{% endmacro %}',
  'dbt_packages/dbt_utils/macros/sequential_values.sql':
    "{% test sequential_values(model, column_name, interval=1, datepart=None, group_by_columns = []) %}{{ return(adapter.dispatch('test_sequential_values', 'dbt_utils')(model, column_name, interval, datepart, group_by_columns)) }}{% endtest %}\n" +
    '{% macro default__test_sequential_values(model, column_name, interval=1, datepart=None, group_by_columns = []) %}select * from (select {{ column_name }}, lag({{ column_name }}) over (order by {{ column_name }}) as prev from {{ model }}) where not({{ column_name }} = prev + {{ interval }}){% endmacro %}\n',
  'dbt_packages/dbt_utils/macros/mutually_exclusive_ranges.sql':
    "{% test mutually_exclusive_ranges(model, lower_bound_column, upper_bound_column, partition_by=None, gaps='allowed', zero_length_range_allowed=False) %}{{ return(adapter.dispatch('test_mutually_exclusive_ranges', 'dbt_utils')(model, lower_bound_column, upper_bound_column, partition_by, gaps, zero_length_range_allowed)) }}{% endtest %}\n",
};

const EQUALITY: Record<string, string> = {
  'dbt_packages/dbt_utils/macros/equality.sql':
    "{% test equality(model, compare_model, compare_columns=None, exclude_columns=None, precision = None) %}{{ return(adapter.dispatch('test_equality', 'dbt_utils')(model, compare_model, compare_columns, exclude_columns, precision)) }}{% endtest %}\n",
  'dbt_packages/dbt_utils/macros/jinja_helpers.sql': '{% macro _is_relation(obj, macro) %}{% endmacro %}{% macro _is_ephemeral(obj, macro) %}{% endmacro %}',
};

const BUCKETS = {
  'seeds/amounts.csv': 'amount,expected\n150,0\n200,1\n399.99,2\n400,3\n599,4\n600,5\n',
  'models/bucketed.sql': "select amount, expected, {{ dbt_utils.width_bucket('amount', 200, 600, 4) }} as bucket from {{ ref('amounts') }}",
};

describe("tsdbt's ClickHouse versions of package macros (packages/core/package-macros)", () => {
  it("adapter.dispatch finds tsdbt's clickhouse__ version for the installed package: width_bucket answers as SQL's width_bucket", async () => {
    const { p, project } = setup({ ...DBT_UTILS, ...BUCKETS });
    expect(project.manifest.macros.get('macro.dbt_utils.clickhouse__width_bucket')?.originalFilePath).toMatch(/package-macros\/dbt_utils\/width_bucket\.sql$/);
    expectStatuses(await project.build(), { amounts: 'success', bucketed: 'success' });
    // The package's default fails here (least() of Float64 and Int64 has no common type in ClickHouse).
    const rows = await queryRows<{ expected: number; bucket: number }>(project, `select toInt32(expected) as expected, toInt32(bucket) as bucket from ${p.schema}.bucketed order by amount`);
    expect(rows.map((r) => r.bucket)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows.map((r) => r.bucket)).toEqual(rows.map((r) => r.expected));
  });

  it("the root project's override wins over tsdbt's, and a package's own clickhouse__ version wins over tsdbt's", async () => {
    const root = setup({ ...DBT_UTILS, ...BUCKETS, 'macros/mine.sql': '{% macro clickhouse__width_bucket(expr, min_value, max_value, num_buckets) %}42{% endmacro %}' }).project;
    expect((await root.compile({ select: ['bucketed'], write: false }))[0]!.sql).toContain('42 as bucket');
    const own = setup({
      ...DBT_UTILS,
      ...BUCKETS,
      'dbt_packages/dbt_utils/macros/own.sql': '{% macro clickhouse__width_bucket(expr, min_value, max_value, num_buckets) %}7{% endmacro %}',
    }).project;
    expect((await own.compile({ select: ['bucketed'], write: false }))[0]!.sql).toContain('7 as bucket');
    expect(own.manifest.macros.get('macro.dbt_utils.clickhouse__width_bucket')?.originalFilePath).toBe('dbt_packages/dbt_utils/macros/own.sql');
  });

  it("dbt_utils before 0.9 (its own cross-database macros, Postgres defaults) runs them as dbt's: dbt-labs/mrr-playbook's date_spine", async () => {
    const dispatching = (name: string, args: string, body: string) =>
      `{% macro ${name}(${args}) %}{{ return(adapter.dispatch('${name}', 'dbt_utils')(${args})) }}{% endmacro %}\n{% macro default__${name}(${args}) %}${body}{% endmacro %}\n`;
    const { p, project } = setup({
      'dbt_packages/dbt_utils/dbt_project.yml': "name: dbt_utils\nversion: '0.8.0'\n",
      'dbt_packages/dbt_utils/macros/cross_db_utils.sql':
        dispatching('datediff', 'first_date, second_date, datepart', 'datediff({{ datepart }}, {{ first_date }}, {{ second_date }})') +
        dispatching('split_part', 'string_text, delimiter_text, part_number', 'split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})') +
        dispatching('dateadd', 'datepart, interval, from_date_or_timestamp', "dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})") +
        dispatching('type_string', '', 'varchar'),
      'models/m.sql': `select
  {{ dbt_utils.datediff("'2018-01-01'", "'2018-04-15'", 'month') }} as months,
  {{ dbt_utils.split_part("'a-b-c'", "'-'", 2) }} as part,
  {{ dbt_utils.dateadd('day', 3, "toDate('2020-01-30')") }} as later,
  cast(7 as {{ dbt_utils.type_string() }}) as s`,
    });
    expectStatuses(await project.build(), { m: 'success' });
    // datediff of strings fails on ClickHouse as the package's default writes it (dateDiff takes no strings).
    expect(await queryRows(project, `select toInt32(months) as months, part, toString(toDate(later)) as later, s from ${p.schema}.m`)).toEqual([
      { months: 3, part: 'b', later: '2020-02-02', s: '7' },
    ]);
  });

  it("fivetran's shopify packages convert time zones on ClickHouse as their Postgres version does (its default is Snowflake's convert_timezone)", async () => {
    const { p, project } = setup({
      'dbt_packages/shopify_source/dbt_project.yml': "name: shopify_source\nversion: '0.20.0'\n",
      'dbt_packages/shopify_source/macros/fivetran_convert_timezone.sql':
        "{%- macro fivetran_convert_timezone(column, target_tz=None, source_tz=None) -%}{{ return(adapter.dispatch('fivetran_convert_timezone', 'shopify_source')(column, target_tz or 'UTC', source_tz or 'UTC')) }}{%- endmacro -%}\n" +
        "{% macro default__fivetran_convert_timezone(column, target_tz, source_tz) -%}convert_timezone('{{ source_tz }}', '{{ target_tz }}', cast({{ column }} as {{ dbt.type_timestamp() }})){%- endmacro %}\n",
      'models/m.sql': `select
  {{ shopify_source.fivetran_convert_timezone(column="'2021-03-14 09:30:15.25'", target_tz='America/New_York', source_tz='UTC') }} as to_ny,
  {{ shopify_source.fivetran_convert_timezone(column="'2021-03-14 09:30:15'", target_tz='UTC', source_tz='America/New_York') }} as from_ny,
  {{ shopify_source.fivetran_convert_timezone(column="'2021-01-01 00:00:00'") }} as utc`,
    });
    expectStatuses(await project.build(), { m: 'success' });
    // Postgres: timestamp '2021-03-14 09:30:15' at time zone 'UTC' at time zone 'America/New_York' = 05:30:15 (EDT began 07:00 UTC).
    expect(await queryRows(project, `select toString(to_ny) as to_ny, toString(from_ny) as from_ny, toString(utc) as utc from ${p.schema}.m`)).toEqual([
      { to_ny: '2021-03-14 05:30:15.250000', from_ny: '2021-03-14 13:30:15.000000', utc: '2021-01-01 00:00:00.000000' },
    ]);
  });

  it("fivetran's ad_reporting (its own copy of fivetran_convert_timezone, read by its metricflow_time_spine) converts as the shopify packages do", async () => {
    const { p, project } = setup({
      'dbt_packages/ad_reporting/dbt_project.yml': "name: ad_reporting\nversion: '2.2.0'\n",
      'dbt_packages/ad_reporting/macros/fivetran_convert_timezone.sql':
        "{%- macro fivetran_convert_timezone(column, target_tz=None, source_tz=None) -%}{{ return(adapter.dispatch('fivetran_convert_timezone', 'ad_reporting')(column, target_tz or 'UTC', source_tz or 'UTC')) }}{%- endmacro -%}\n" +
        "{% macro default__fivetran_convert_timezone(column, target_tz, source_tz) -%}convert_timezone('{{ source_tz }}', '{{ target_tz }}', cast({{ column }} as {{ dbt.type_timestamp() }})){%- endmacro %}\n",
      'models/m.sql': `select {{ ad_reporting.fivetran_convert_timezone(column="'2021-03-14 09:30:15'", target_tz='America/Los_Angeles', source_tz='UTC') }} as to_la`,
    });
    // Before: UNKNOWN_FUNCTION convert_timezone (ad_reporting v2.2.0's metricflow_time_spine failed).
    expectStatuses(await project.build(), { m: 'success' });
    expect(await queryRows(project, `select toString(to_la) as to_la from ${p.schema}.m`)).toEqual([{ to_la: '2021-03-14 01:30:15.000000' }]);
  });

  it("fivetran_utils' json_parse and max_bool answer on ClickHouse as their Postgres versions (defaults: Redshift's json_extract_path_text, bool_or)", async () => {
    const { p, project } = setup({
      'dbt_packages/fivetran_utils/dbt_project.yml': "name: fivetran_utils\nversion: '0.4.10'\n",
      'dbt_packages/fivetran_utils/macros/json_parse.sql':
        "{% macro json_parse(string, string_path) -%}{{ adapter.dispatch('json_parse', 'fivetran_utils')(string, string_path) }}{%- endmacro %}\n" +
        "{% macro default__json_parse(string, string_path) %}json_extract_path_text({{ string }}, {%- for s in string_path -%}'{{ s }}'{%- if not loop.last -%},{%- endif -%}{%- endfor -%}){% endmacro %}\n",
      'dbt_packages/fivetran_utils/macros/max_bool.sql':
        "{% macro max_bool(boolean_field) -%}{{ adapter.dispatch('max_bool', 'fivetran_utils')(boolean_field) }}{%- endmacro %}\n{% macro default__max_bool(boolean_field) %}bool_or({{ boolean_field }}){% endmacro %}\n",
      'seeds/receipts.csv': 'id,receipt,flag\n1,"{""charges"": {""data"": [{""rate"": 1.25, ""cur"": ""usd"", ""none"": null}]}, ""0"": ""key zero""}",true\n2,{},false\n',
      'models/parsed.sql': `select
  id,
  {{ fivetran_utils.json_parse('receipt', ['charges', 'data', 0, 'rate']) }} as rate,
  {{ fivetran_utils.json_parse('receipt', ['charges', 'data', '0', 'cur']) }} as cur,
  {{ fivetran_utils.json_parse('receipt', ['charges', 'data', 0, 'none']) }} as none_value,
  {{ fivetran_utils.json_parse('receipt', ['0']) }} as zero_key,
  {{ fivetran_utils.max_bool('flag') }} over () as any_flag
from {{ ref('receipts') }}`,
    });
    expectStatuses(await project.build(), { receipts: 'success', parsed: 'success' });
    // Postgres: receipt::json #>> '{charges,data,0,rate}' = '1.25'; a missing path or a JSON null is NULL; '0' on an object is a key.
    expect(await queryRows(project, `select id, rate, cur, none_value, zero_key, toUInt8(any_flag) as any_flag from ${p.schema}.parsed order by id`)).toEqual([
      { id: 1, rate: '1.25', cur: 'usd', none_value: null, zero_key: 'key zero', any_flag: 1 },
      { id: 2, rate: null, cur: null, none_value: null, zero_key: null, any_flag: 1 },
    ]);
  });

  it('is not loaded for a package that is not installed', () => {
    const { project } = setup({ 'models/m.sql': 'select 1 as x' });
    expect([...project.manifest.macros.keys()].filter((k) => k.startsWith('macro.dbt_utils.'))).toEqual([]);
  });

  it("sequential_values and mutually_exclusive_ranges: no previous/next row is NULL as in SQL (ClickHouse's lag()/lead() give 0 there)", async () => {
    const { project } = setup({
      ...DBT_UTILS,
      'seeds/evens.csv': 'n\n10\n12\n14\n',
      'seeds/gappy.csv': 'n\n10\n12\n15\n',
      'seeds/ranges.csv': 'k,lo,hi\n1,5,10\n1,10,20\n2,3,4\n',
      'seeds/overlapping.csv': 'k,lo,hi\n1,5,10\n1,8,20\n',
      'seeds/schema.yml': [
        'version: 2',
        'seeds:',
        '  - name: evens',
        '    columns: [{name: n, data_tests: [{dbt_utils.sequential_values: {interval: 2}}]}]',
        '  - name: gappy',
        '    columns: [{name: n, data_tests: [{dbt_utils.sequential_values: {interval: 2}}]}]',
        '  - name: ranges',
        '    data_tests: [{dbt_utils.mutually_exclusive_ranges: {lower_bound_column: lo, upper_bound_column: hi, partition_by: k}}]',
        '  - name: overlapping',
        '    data_tests: [{dbt_utils.mutually_exclusive_ranges: {lower_bound_column: lo, upper_bound_column: hi, partition_by: k}}]',
        '',
      ].join('\n'),
    });
    const run = await project.build();
    const tested = (r: (typeof run.results)[number]) => ('dependsOn' in r.node ? r.node.dependsOn : []).map((id) => id.split('.').pop()).join();
    const byModel = Object.fromEntries(run.results.filter((r) => r.node.resourceType === 'test').map((r) => [tested(r), [r.status, r.failures]]));
    // evens: the first row has no predecessor (not a failure); gappy: 12 → 15 is one; ranges: the
    // last range of each partition has no next one; overlapping: 10 > 8 is one.
    expect(byModel).toEqual({ evens: ['pass', 0], gappy: ['fail', 1], ranges: ['pass', 0], overlapping: ['fail', 1] });
  });

  it("equality: a count() (UInt64) equals a seed's Int32 as on other warehouses; a different row still fails", async () => {
    const { project } = setup({
      ...DBT_UTILS,
      ...EQUALITY,
      'seeds/raw.csv': 'k\na\na\nb\n',
      'seeds/expected_counts.csv': 'k,n\na,2\nb,1\n',
      'seeds/wrong_counts.csv': 'k,n\na,2\nb,3\n',
      'models/counts.sql': "select k, count(*) as n from {{ ref('raw') }} group by k",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: counts',
        "    data_tests: [{dbt_utils.equality: {compare_model: ref('expected_counts')}}, {dbt_utils.equality: {compare_model: ref('wrong_counts'), compare_columns: ['k', 'n']}}]",
        '',
      ].join('\n'),
    });
    const run = await project.build();
    const tests = Object.fromEntries(run.results.filter((r) => r.node.resourceType === 'test').map((r) => [r.node.name.includes('wrong') ? 'wrong' : 'expected', [r.status, r.failures]]));
    // ClickHouse alone makes a Variant(Int32, UInt64) of n, whose 2 and 2 differ: 4 rows "differ".
    expect(tests).toEqual({ expected: ['pass', 0], wrong: ['fail', 2] });
  });

  it("equality: a seed whose unquoted headers are upper case (audit_helper's expected_results) is compared in lower case, as dbt_utils does; a different row still fails", async () => {
    const { project } = setup({
      ...DBT_UTILS,
      ...EQUALITY,
      'project.yml': 'name: proj\nprofile: proj\nseeds:\n  +quote_columns: false\n',
      'seeds/expected_upper.csv': 'COLUMN_NAME,N\na,2\nb,1\n',
      'seeds/wrong_upper.csv': 'COLUMN_NAME,N\na,2\nb,3\n',
      'models/cols.sql': "select 'a' as column_name, 2 as n union all select 'b', 1",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: cols',
        "    data_tests: [{dbt_utils.equality: {compare_model: ref('expected_upper')}}, {dbt_utils.equality: {compare_model: ref('wrong_upper')}}, {dbt_utils.equality: {compare_model: ref('expected_upper'), compare_columns: ['column_name']}}, {dbt_utils.equality: {compare_model: ref('wrong_upper'), precision: 2}}]",
        '',
      ].join('\n'),
    });
    const run = await project.build();
    const tests = Object.fromEntries(run.results.filter((r) => r.node.resourceType === 'test').map((r) => [r.node.name, [r.status, r.failures]]));
    // Before: UNKNOWN_IDENTIFIER `column_name` (the seed's column is COLUMN_NAME), every one an error.
    expect(Object.values(tests).sort()).toEqual([['fail', 2], ['fail', 2], ['pass', 0], ['pass', 0]]);
  });

  it("equality: dbt_utils before 1.2 compares the model's columns (a compare_model with more passes, omnata-labs/dbt-ml-preprocessing's normalizer); 1.2+ refuses different column sets", async () => {
    const files = (release: 'old' | 'new'): Record<string, string> => ({
      ...DBT_UTILS,
      ...(release === 'new'
        ? {
            ...EQUALITY,
            // a macro dbt_utils 1.2 added with the column check: how tsdbt tells the releases apart
            'dbt_packages/dbt_utils/macros/deduplicate.sql': '{%- macro databricks__deduplicate(relation, partition_by, order_by) -%}{%- endmacro -%}',
          }
        : {
            'dbt_packages/dbt_utils/dbt_project.yml': "name: dbt_utils\nversion: '0.8.0'\n",
            'dbt_packages/dbt_utils/macros/equality.sql':
              "{% test equality(model, compare_model, compare_columns=None) %}{{ return(adapter.dispatch('test_equality', 'dbt_utils')(model, compare_model, compare_columns)) }}{% endtest %}\n",
            'dbt_packages/dbt_utils/macros/jinja_helpers.sql': EQUALITY['dbt_packages/dbt_utils/macros/jinja_helpers.sql'] as string,
          }),
      'seeds/expected.csv': 'id,x,x_normalized\n1,4,0.8\n2,3,0.6\n',
      'seeds/wrong.csv': 'id,x,x_normalized\n1,4,0.8\n2,3,0.7\n',
      'models/normalized.sql': 'select 0.8 as x_normalized union all select 0.6',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: normalized',
        "    data_tests: [{dbt_utils.equality: {compare_model: ref('expected')}}, {dbt_utils.equality: {compare_model: ref('wrong')}}]",
        '',
      ].join('\n'),
    });
    const statuses = async (release: 'old' | 'new') => {
      const run = await setup(files(release)).project.build();
      return Object.fromEntries(run.results.filter((r) => r.node.resourceType === 'test').map((r) => [r.node.name.includes('wrong') ? 'wrong' : 'expected', r.status]));
    };
    expect(await statuses('old')).toEqual({ expected: 'pass', wrong: 'fail' });
    expect(await statuses('new')).toEqual({ expected: 'error', wrong: 'error' });
  });

  it("dbt_ml_preprocessing's label_encoder: each value's 0-based rank among the distinct values, as its Postgres/Redshift version (its default is Snowflake's array_agg … within group)", async () => {
    const { p, project } = setup({
      'dbt_packages/dbt_ml_preprocessing/dbt_project.yml': "name: dbt_ml_preprocessing\nversion: '1.0.0'\n",
      'dbt_packages/dbt_ml_preprocessing/macros/label_encoder.sql': `
{% macro label_encoder(source_table,source_column, include_columns='*') %}
{{ adapter.dispatch('label_encoder','dbt_ml_preprocessing')(source_table,source_column,include_columns) }}
{% endmacro %}
{% macro default__label_encoder(source_table,source_column,include_columns) %}
with distinct_values as (
    select array_agg(distinct {{ source_column }}) within group (order by {{ source_column }} asc) as all_values_array from {{ source_table }}
)
select {% for column in include_columns %}{{ source_table }}.{{ column }},{% endfor %}
array_position({{ source_column }}::variant,all_values_array) as {{ source_column }}_encoded
from distinct_values,{{ source_table }}
{% endmacro %}
{% macro redshift__label_encoder(source_table,source_column,include_columns) %}
with distinct_values as (
    select distinct {{ source_column }} as distinct_value from {{ source_table }}
),
numbered_distinct_values as(
  select distinct_value, row_number() over (order by distinct_value) - 1 as row_num from distinct_values)
select {% for column in include_columns %}{{ source_table }}.{{ column }},{% endfor %}
(select row_num from numbered_distinct_values where distinct_value={{ source_column }}) as {{ source_column }}_encoded
from {{ source_table }}
{% endmacro %}`,
      'seeds/cities.csv': 'id,city\n1,paris\n2,tokyo\n3,paris\n4,berlin\n',
      'models/encoded.sql': "{{ dbt_ml_preprocessing.label_encoder(ref('cities'), 'city') }}",
    });
    expectStatuses(await project.build(), { cities: 'success', encoded: 'success' });
    expect(await queryRows(project, `select id, city, toInt32(city_encoded) as encoded from ${p.schema}.encoded order by id`)).toEqual([
      { id: 1, city: 'paris', encoded: 1 },
      { id: 2, city: 'tokyo', encoded: 2 },
      { id: 3, city: 'paris', encoded: 1 },
      { id: 4, city: 'berlin', encoded: 0 },
    ]);
  });

  it("dbt_expectations' regex flags: RE2's i/m/s/U in front of the pattern, c (case-sensitive) cancels i", async () => {
    const { p, project } = setup({
      'dbt_packages/dbt_expectations/dbt_project.yml': "name: dbt_expectations\nversion: '0.10.9'\n",
      'dbt_packages/dbt_expectations/macros/regexp_instr.sql':
        "{% macro regexp_instr(source_value, regexp, position=1, occurrence=1, is_raw=False, flags='') %}{{ adapter.dispatch('regexp_instr', 'dbt_expectations')(source_value, regexp, position, occurrence, is_raw, flags) }}{% endmacro %}\n" +
        "{% macro default__regexp_instr(source_value, regexp, position, occurrence, is_raw, flags) %}regexp_instr({{ source_value }}, '{{ regexp }}', {{ position }}, {{ occurrence }}){% endmacro %}\n",
      'dbt_packages/dbt_expectations/macros/datatypes.sql':
        "{% macro type_timestamp() %}{{ return(adapter.dispatch('type_timestamp', 'dbt_expectations')()) }}{% endmacro %}{% macro default__type_timestamp() %}timestamp{% endmacro %}",
      'models/typed.sql': "select cast('2020-01-01' as {{ dbt_expectations.type_timestamp() }}) as ts",
      'models/m.sql': `select
  {{ dbt_expectations.regexp_instr("'ABC'", '[a-z]') }} as plain,
  {{ dbt_expectations.regexp_instr("'ABC'", '[a-z]', flags='i') }} as insensitive,
  {{ dbt_expectations.regexp_instr("'ABC'", '[a-z]', flags='ic') }} as sensitive_again`,
    });
    expectStatuses(await project.run(), { m: 'success', typed: 'success' });
    // The column's type is what type_timestamp() names (dbt_expectations' column type tests compare them).
    expect(await queryRows(project, `SELECT type FROM system.columns WHERE database = '${p.schema}' AND table = 'typed'`)).toEqual([{ type: 'DateTime' }]);
    expect((await project.compile({ select: ['typed'], write: false }))[0]!.sql).toContain('as DateTime)');
    expect(await queryRows(project, `SELECT toInt32(plain) AS plain, toInt32(insensitive) AS insensitive, toInt32(sensitive_again) AS sensitive_again FROM ${p.schema}.m`)).toEqual([{ plain: 0, insensitive: 1, sensitive_again: 0 }]);
  });
  it("fivetran_utils.string_agg of `distinct x` aggregates on ClickHouse (tsdbt's clickhouse__string_agg: groupConcat)", async () => {
    const { p, project } = setup({
      'dbt_packages/fivetran_utils/dbt_project.yml': "name: fivetran_utils\nversion: '0.4.10'\n",
      'dbt_packages/fivetran_utils/macros/string_agg.sql':
        "{% macro string_agg(field_to_agg, delimiter) -%}{{ adapter.dispatch('string_agg', 'fivetran_utils') (field_to_agg, delimiter) }}{%- endmacro %}\n" +
        '{% macro default__string_agg(field_to_agg, delimiter) %}string_agg({{ field_to_agg }}, {{ delimiter }}){% endmacro %}\n',
      'models/disputes.sql': "select 1 as id, 'fraud' as reason union all select 1, 'fraud' union all select 1, 'duplicate' union all select 1, null",
      'models/agg.sql': "select id, {{ fivetran_utils.string_agg('distinct reason', \"','\") }} as reasons, {{ fivetran_utils.string_agg('reason', \"','\") }} as all_reasons from {{ ref('disputes') }} group by id",
    });
    expectStatuses(await project.run(), { disputes: 'success', agg: 'success' });
    const [row] = await queryRows<{ reasons: string; all_reasons: string }>(project, `select reasons, all_reasons from ${p.schema}.agg`);
    expect(row!.reasons.split(',').sort()).toEqual(['duplicate', 'fraud']);
    expect(row!.all_reasons.split(',').sort()).toEqual(['duplicate', 'fraud', 'fraud']);
  });
});
