import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * Seeds get dbt's answers: dbt reads a seed with agate's type tester (dbt-common
 * clients/agate_helper.py build_type_tester), where `''` and `null` — any case, spaces around — are
 * NULL in every column type, numbers and dates are read with the spaces around them stripped, and a
 * number with decimals is a float column (dbt-clickhouse: Float32; tsdbt: Float64, the float8 of
 * dbt-snowflake/redshift/bigquery, so 0.1 reads back as 0.1).
 */

const types = async (p: ReturnType<typeof dbtProject>, table: string) =>
  Object.fromEntries((await p.query<{ name: string; type: string }>(`select name, type from system.columns where database = '{schema}' and table = '${table}' order by position`)).map((c) => [c.name, c.type]));

describe("seed values read as dbt's agate reads them", () => {
  it("'null' in any case, a quoted empty value and blanks are NULL; a column of numbers and nulls stays numeric", async () => {
    const p = dbtProject({
      seeds: {
        'people.csv': 'id,name,score,joined,active\n1,Ann,1.5,2024-01-01,true\n2,null,NULL,null,Null\n3,"",  7 , 2024-01-03 ,false\n4," ",,,\n5,"a ""quoted"", \'single\' name",0.1,2024-01-05,true\n',
      },
    });
    await p.dbt(['seed']);
    expect(await types(p, 'people')).toEqual({
      id: 'Int32',
      name: 'Nullable(String)',
      score: 'Nullable(Float64)',
      joined: 'Nullable(Date)',
      active: 'Nullable(Bool)',
    });
    expect(await p.query(`select id, name, score, toString(joined) as joined, active from {schema}.people order by id`)).toEqual([
      { id: 1, name: 'Ann', score: 1.5, joined: '2024-01-01', active: true },
      { id: 2, name: null, score: null, joined: null, active: null },
      { id: 3, name: null, score: 7, joined: '2024-01-03', active: false },
      { id: 4, name: null, score: null, joined: null, active: null },
      { id: 5, name: `a "quoted", 'single' name`, score: 0.1, joined: '2024-01-05', active: true },
    ]);
  });

  it('column_types: a text column keeps its spaces and leading zeros; nulls are NULL there too; another delimiter', async () => {
    const p = dbtProject({
      seeds: { 'codes.csv': 'code|label\n007| padded \nnull|x\n' },
      projectConfig: "seeds:\n  test:\n    codes:\n      +delimiter: '|'\n      +column_types: {code: 'Nullable(String)', label: 'Nullable(String)'}\n",
    });
    await p.dbt(['seed']);
    expect(await p.query(`select code, label from {schema}.codes order by code nulls last`)).toEqual([
      { code: '007', label: ' padded ' },
      { code: null, label: 'x' },
    ]);
  });

  it('dbt-clickhouse basic/test_basic.py TestCSVSeed: column_types Nullable(UInt32) / Nullable(String) and a settings config', async () => {
    const p = dbtProject({
      seeds: {
        'schema.yml': '\nversion: 2\n\nseeds:\n  - name: empty\n    config:\n      column_types:\n        val2: Nullable(UInt32)\n        str1: Nullable(String)\n      settings:\n        allow_nullable_key: 1\n',
        'boolean.csv': 'key,value\nabc,true\ndef,false\nhij,true\nklm,false\n',
        'empty.csv': 'key,val1,val2,str1\nabc,1,1,some_str\nabc,1,0,"another string"\ndef,1,0,\nhij,1,1,Caps\nhij,1,,"second string"\nklm,1,0,"test"\nklm,1,,"test4"\n',
      },
    });
    expect((await p.dbt(['seed'])).results).toHaveLength(2);
    // Unqualified, as upstream: the profile's schema is the session's database.
    const columns = await p.query<{ name: string; type: string }>('DESCRIBE TABLE empty');
    expect(columns[2]!.type).toBe('Nullable(UInt32)');
    expect(columns[3]!.type).toBe('Nullable(String)');
    expect(await p.rows('empty', ['key', 'val2', 'str1'])).toContainEqual(['def', 0, null]);
  });

  it("column_types `float` is a double under dbt_semantics (dbt's float8), Float32 with dbt_semantics off (ClickHouse's FLOAT)", async () => {
    const yml = (semantics: boolean) => `version: 2\nseeds:\n  - name: floats\n    config:\n      dbt_semantics: ${semantics}\n      column_types:\n        v: float\n        w: Float32\n`;
    for (const semantics of [true, false]) {
      const p = dbtProject({ seeds: { 'floats.csv': 'v,w\n3.3,3.3\n', 'schema.yml': yml(semantics) } });
      await p.dbt(['seed']);
      const types = await p.query<{ name: string; type: string }>('DESCRIBE TABLE {schema}.floats');
      expect(types.map((c) => c.type)).toEqual([semantics ? 'Float64' : 'Float32', 'Float32']);
      // What a comparison with a literal sees: Float32's 3.3 is 3.299999952316284 as a double.
      const [row] = await p.query<{ eq: number }>('select toFloat64(v) = 3.3 as eq from {schema}.floats');
      expect(Boolean(Number(row!.eq))).toBe(semantics);
    }
  });

  it("column_types `timestamp` keeps a time before 1970 under dbt_semantics (DateTime64(0), as cast(x as timestamp)); ClickHouse's DateTime with dbt_semantics off", async () => {
    const yml = (semantics: boolean) => `version: 2\nseeds:\n  - name: times\n    config:\n      dbt_semantics: ${semantics}\n      column_types:\n        ts: timestamp\n        dt: DateTime\n`;
    for (const semantics of [true, false]) {
      const p = dbtProject({ seeds: { 'times.csv': 'ts,dt\n1900-01-01 00:00:00,2020-01-02 03:04:05\n2020-01-02 03:04:05,2020-01-02 03:04:05\n', 'schema.yml': yml(semantics) } });
      await p.dbt(['seed']);
      const types = await p.query<{ name: string; type: string }>('DESCRIBE TABLE {schema}.times');
      expect(types.map((c) => c.type)).toEqual([semantics ? 'DateTime64(0)' : 'DateTime', 'DateTime']);
      const rows = await p.query<{ ts: string }>('select toString(ts) as ts from {schema}.times order by ts');
      expect(rows.map((r) => r.ts)).toEqual(semantics ? ['1900-01-01 00:00:00', '2020-01-02 03:04:05'] : ['1970-01-01 00:00:00', '2020-01-02 03:04:05']);
    }
  });

  it("column_types `date` keeps a day before 1970 under dbt_semantics (Date32, as cast(x as date)), its dtype still Date; ClickHouse's Date with dbt_semantics off", async () => {
    const yml = (semantics: boolean) =>
      `version: 2\nseeds:\n  - name: days\n    config:\n      dbt_semantics: ${semantics}\n      column_types:\n        d: date\n        up: DATE\n        ch: Date\n`;
    for (const semantics of [true, false]) {
      const p = dbtProject({
        seeds: { 'days.csv': 'd,up,ch\n1960-05-01,1960-05-01,2020-01-02\n2020-01-02,,2020-01-02\n', 'schema.yml': yml(semantics) },
        macros: { 'dtypes.sql': "{% macro dtypes() %}{% for c in adapter.get_columns_in_relation(ref('days')) %}{{ log(c.name ~ '=' ~ c.dtype, info=true) }}{% endfor %}{% endmacro %}" },
      });
      await p.dbt(['seed']);
      const types = await p.query<{ name: string; type: string }>('DESCRIBE TABLE {schema}.days');
      expect(types.map((c) => c.type)).toEqual(semantics ? ['Date32', 'Nullable(Date32)', 'Date'] : ['Date', 'Date', 'Date']);
      const rows = await p.query<{ d: string; up: string | null }>('select toString(d) as d, toString(up) as up from {schema}.days order by d');
      expect(rows).toEqual(semantics ? [{ d: '1960-05-01', up: '1960-05-01' }, { d: '2020-01-02', up: null }] : [{ d: '1970-01-01', up: '1970-01-01' }, { d: '2020-01-02', up: '1970-01-01' }]);
      // dbt_expectations' type tests read the dtype: SQL's date either way (render/column.ts).
      const out = await p.dbt(['run-operation', 'dtypes']);
      expect(out.out.join('\n')).toMatch(/d=Date\b[\s\S]*up=Date\b[\s\S]*ch=Date\b/);
    }
  });

  it('column_types `numeric` / `decimal` without precision keep the decimals under dbt_semantics (Decimal(76, 10), as cast(x as numeric)); ClickHouse\'s Decimal(10, 0) with dbt_semantics off', async () => {
    const yml = (semantics: boolean) => `version: 2\nseeds:\n  - name: amounts\n    config:\n      dbt_semantics: ${semantics}\n      column_types:\n        a: numeric\n        b: DECIMAL\n        c: Decimal(10, 2)\n`;
    for (const semantics of [true, false]) {
      const p = dbtProject({ seeds: { 'amounts.csv': 'a,b,c\n0.29,12.5,0.29\n', 'schema.yml': yml(semantics) } });
      await p.dbt(['seed']);
      const types = await p.query<{ name: string; type: string }>('DESCRIBE TABLE {schema}.amounts');
      expect(types.map((c) => c.type)).toEqual(semantics ? ['Decimal(76, 10)', 'Decimal(76, 10)', 'Decimal(10, 2)'] : ['Decimal(10, 0)', 'Decimal(10, 0)', 'Decimal(10, 2)']);
      const rows = await p.query<{ a: string; b: string }>('select toString(a) as a, toString(b) as b from {schema}.amounts');
      expect(rows).toEqual(semantics ? [{ a: '0.29', b: '12.5' }] : [{ a: '0', b: '12' }]);
    }
  });
});
