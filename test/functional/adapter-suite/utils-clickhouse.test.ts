import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';
import { ASSERT_EQUAL_MACROS } from './utils-fixtures.js';

/*
 * dbt-clickhouse's own variants of dbt-tests-adapter utils/ (tests/integration/adapter/utils/):
 * test_safe_cast.py (TestSafeCast: ClickHouse types, a NULL cast to a non-Nullable type is its
 * default), test_last_day.py (seed columns typed Nullable(Date)), test_split_part.py (a literal
 * delimiter). The upstream classes are in utils.test.ts.
 */
const MACROS = ASSERT_EQUAL_MACROS;
const assertEqualYml = (model: string) => `version: 2\nmodels:\n  - name: ${model}\n    data_tests:\n      - assert_equal:\n          actual: actual\n          expected: expected\n`;

const SAFE_CAST = `
select
  {{ safe_cast("null", "String") }} as string_default,
  {{ safe_cast("null", "FixedString(10)") }} as fixedstring_default,
  {{ safe_cast("null", "Int32") }} as int_default,
  {{ safe_cast("null", "UInt32") }} as uint_default,
  {{ safe_cast("null", "Float32") }} as float_default,
  {{ safe_cast("null", "Decimal(10, 2)") }} as decimal_default,
  {{ safe_cast("null", "Date") }} as date_default,
  {{ safe_cast("null", "DateTime") }} as datetime_default,
  {{ safe_cast("null", "DateTime64(3)") }} as datetime64_default,
  {{ safe_cast("null", "DateTime('Europe/Paris')") }} as datetime_tz_default,
  {{ safe_cast("null", "UUID") }} as uuid_default,
  {{ safe_cast("null", "Bool") }} as bool_default,
  {{ safe_cast("null", "Array(String)") }} as array_default,
  {{ safe_cast("null", "Map(String, Int32)") }} as map_default,
  {{ safe_cast("null", "Tuple(String, Int32)") }} as tuple_default,
  {{ safe_cast("null", "Nullable(String)") }} as nullable_default,
  {{ safe_cast("'Alice'", "String") }} as provided_string,
  {{ safe_cast("42", "Int32") }} as provided_int,
  {{ safe_cast("toUUID('00000000-0000-0000-0000-000000000001')", "UUID") }} as provided_uuid
`;

describe("dbt-clickhouse's utils variants", () => {
  it('TestSafeCast: the defaults of a NULL cast to non-Nullable types, the types kept, provided values kept', async () => {
    const p = dbtProject({ models: { 'safe_cast_test.sql': SAFE_CAST } });
    const r = await p.dbt(['run', '--select', 'safe_cast_test']);
    expect(r.results).toHaveLength(1);
    const [row] = await p.query<Record<string, unknown>>("select *, toString(datetime_tz_default, 'UTC') as datetime_tz_utc from {schema}.safe_cast_test");
    expect(row).toMatchObject({
      string_default: '',
      fixedstring_default: '\u0000'.repeat(10),
      int_default: 0,
      uint_default: 0,
      float_default: 0,
      decimal_default: 0,
      date_default: '1970-01-01',
      datetime_default: '1970-01-01 00:00:00',
      datetime64_default: '1970-01-01 00:00:00.000',
      datetime_tz_utc: '1970-01-01 00:00:00',
      uuid_default: '00000000-0000-0000-0000-000000000000',
      bool_default: false,
      array_default: [],
      map_default: {},
      tuple_default: ['', 0],
      nullable_default: null,
      provided_string: 'Alice',
      provided_int: 42,
      provided_uuid: '00000000-0000-0000-0000-000000000001',
    });
    const types = await p.query<{ name: string; type: string }>("select name, type from system.columns where table = 'safe_cast_test' and database = '{schema}' order by name");
    expect(Object.fromEntries(types.map((t) => [t.name, t.type]))).toEqual({
      string_default: 'String', fixedstring_default: 'FixedString(10)', int_default: 'Int32', uint_default: 'UInt32',
      float_default: 'Float32', decimal_default: 'Decimal(10, 2)', date_default: 'Date', datetime_default: 'DateTime',
      datetime64_default: 'DateTime64(3)', datetime_tz_default: "DateTime('Europe/Paris')", uuid_default: 'UUID', bool_default: 'Bool',
      array_default: 'Array(String)', map_default: 'Map(String, Int32)', tuple_default: 'Tuple(String, Int32)',
      nullable_default: 'Nullable(String)', provided_string: 'String', provided_int: 'Int32', provided_uuid: 'UUID',
    });
  });

  it('TestLastDay: last_day of seed dates typed Nullable(Date) (a NULL date gives NULL)', async () => {
    const p = dbtProject({
      projectConfig: 'seeds:\n  test:\n    data_last_day:\n      +column_types:\n        date_day: Nullable(Date)\n        result: Nullable(Date)\n',
      seeds: { 'data_last_day.csv': 'date_day,date_part,result\n2018-01-02,month,2018-01-31\n2018-01-02,quarter,2018-03-31\n2018-01-02,year,2018-12-31\n,month,\n' },
      macros: MACROS,
      models: {
        'test_last_day.yml': assertEqualYml('test_last_day'),
        'test_last_day.sql': `
with data as (
    select * from {{ ref('data_last_day') }}
)
select
    case
        when date_part = 'month' then {{ last_day('date_day', 'month') }}
        when date_part = 'quarter' then {{ last_day('date_day', 'quarter') }}
        when date_part = 'year' then {{ last_day('date_day', 'year') }}
        else null
    end as actual,
    result as expected
from data
`,
      },
    });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => x.status).sort()).toEqual(['pass', 'success', 'success']);
  });

  it("TestSplitPart: split_part with the literal delimiter \"'|'\"", async () => {
    const p = dbtProject({
      seeds: { 'data_split_part.csv': 'parts,split_on,result_1,result_2,result_3,result_4\na|b|c,|,a,b,c,c\n1|2|3,|,1,2,3,3\n,|,,,,\n' },
      macros: MACROS,
      models: {
        'test_split_part.yml': assertEqualYml('test_split_part'),
        'test_split_part.sql': `
with data as (
    select * from {{ ref('data_split_part') }}
)
select
    {{ split_part('parts', "'|'", 1) }} as actual,
    result_1 as expected
from data
union all
select
    {{ split_part('parts', "'|'", 2) }} as actual,
    result_2 as expected
from data
union all
select
    {{ split_part('parts', "'|'", 3) }} as actual,
    result_3 as expected
from data
`,
      },
    });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => x.status).sort()).toEqual(['pass', 'success', 'success']);
  });
});
