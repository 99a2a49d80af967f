import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter functions/ (dbt 1.11 user-defined functions: test_udfs.py, test_udafs.py; files.py's
 * fixtures) with dbt-core's tests/functional/functions/test_udfs.py cases that a project relies on
 * (calling a function from a model, ref()/source() in a function, resource-type selection, argument
 * order). On ClickHouse a function is a server-wide SQL lambda (execute/run-function.ts): the CREATE is
 * `CREATE OR REPLACE FUNCTION <name> AS (args) -> expr`, with no volatility keyword (a volatility set
 * is warned about and ignored, as dbt's default macro does for an adapter without one) and no DEFAULT.
 */
const MY_UDF_SQL = 'SELECT price * 2';
const MY_UDF_YML = `
functions:
  - name: price_for_xlarge
    description: Calculate the price for the xlarge version of a standard item
    arguments:
      - name: price
        data_type: float
        description: The price of the standard item
    returns:
      data_type: float
      description: The resulting xlarge price
`;
const MY_UDF_WITH_DEFAULT_ARG_YML = MY_UDF_YML.replace('        description: The price of the standard item\n', '        description: The price of the standard item\n        default_value: 100\n');
const MY_UDF_PYTHON = 'def price_for_xlarge(price: float) -> float:\n  return price * 2\n';
const MY_UDF_PYTHON_YML = MY_UDF_YML.replace('    arguments:', '    config:\n      entry_point: price_for_xlarge\n      runtime_version: "3.11"\n    arguments:');
const BASIC_MODEL_SQL = 'SELECT 1 as id, 1 as value\nUNION ALL\nSELECT 2 as id, 2 as value\nUNION ALL\nSELECT 3 as id, 3 as value\n';
const SUM_SQUARED_UDAF_SQL = 'POWER(SUM(value), 2)\n';
const SUM_SQUARED_UDAF_SQL_YML = `
functions:
  - name: sum_squared
    description: Sums all the values, then squares the result
    config:
      type: aggregate
    arguments:
      - name: value
        data_type: numeric
        description: The value to to agg (and in the end square the result)
    returns:
      data_type: numeric
      description: The sum of the input values, then squared
`;
const UDF = { 'price_for_xlarge.sql': MY_UDF_SQL, 'price_for_xlarge.yml': MY_UDF_YML };

const showValue = (out: string[]) => Object.values((JSON.parse(out.find((l) => l.trim().startsWith('{'))!).show as Record<string, unknown>[])[0]!)[0];
/** The statement the build sent for a function (target/run, dbt's SQLQuery event). */
const createOf = (dir: string, name: string) => readFileSync(join(dir, 'target', 'run', 'test', 'functions', `${name}.sql`), 'utf8');

describe('functions (dbt-tests-adapter functions/test_udfs.py)', () => {
  it('UDFsBasic: build creates price_for_xlarge, no volatility keyword; show --inline calls it (200)', async () => {
    const p = dbtProject({ functions: UDF });
    const r = await p.dbt(['build', '--debug']);
    expect(r.results).toHaveLength(1);
    expect(r.results[0]).toMatchObject({ unique_id: 'function.test.price_for_xlarge', status: 'success' });
    const sql = createOf(p.dir, 'price_for_xlarge');
    expect(sql).toContain('CREATE OR REPLACE FUNCTION');
    for (const word of ['VOLATILE', 'STABLE', 'IMMUTABLE']) expect(sql).not.toContain(word);
    const show = await p.dbt(['show', '--inline', "SELECT {{ function('price_for_xlarge') }}(100)", '--output', 'json']);
    expect(Number(showValue(show.out))).toBe(200);
  });

  it.each(['deterministic', 'stable', 'non-deterministic'])('volatility %s: dbt warns that the adapter does not support it and builds the function', async (volatility) => {
    const p = dbtProject({ functions: UDF, projectConfig: `functions:\n  +volatility: ${volatility}\n` });
    const r = await p.dbt(['build']);
    expect(r.results[0]!.status).toBe('success');
    expect(r.out.join('\n')).toContain(`Found \`${volatility}\` volatility specified on function \`price_for_xlarge\`. This volatility is not supported by clickhouse, and will be ignored`);
    for (const word of ['VOLATILE', 'STABLE', 'IMMUTABLE']) expect(createOf(p.dir, 'price_for_xlarge')).not.toContain(word);
  });

  it("ErrorForUnsupportedType: type table fails with dbt's dispatch error", async () => {
    const p = dbtProject({ functions: UDF, projectConfig: 'functions:\n  +type: table\n' });
    const r = await p.dbt(['build'], { expectPass: false });
    expect(r.results).toHaveLength(1);
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toContain("No macro named 'table_function_sql' found within namespace");
  });

  it("PythonUDFNotSupported: a .py function fails with dbt's dispatch error", async () => {
    const p = dbtProject({ functions: { 'price_for_xlarge.py': MY_UDF_PYTHON, 'price_for_xlarge.yml': MY_UDF_PYTHON_YML } });
    const r = await p.dbt(['build'], { expectPass: false });
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toContain("No macro named 'scalar_function_python' found within namespace");
  });

  it.each([
    ['functions:\n  +entry_point: price_for_xlarge\n', 'A `runtime_version` is required for python functions'],
    ['functions:\n  +runtime_version: "3.11"\n', 'An `entry_point` is required for python functions'],
  ])('PythonUDFRuntimeVersionRequired / EntryPointRequired (%j)', async (projectConfig, message) => {
    const p = dbtProject({ functions: { 'price_for_xlarge.py': MY_UDF_PYTHON, 'price_for_xlarge.yml': MY_UDF_YML }, projectConfig });
    const r = await p.dbt(['build'], { expectPass: false });
    expect(r.results[0]!.status).toBe('error');
    expect(r.results[0]!.message).toContain(message);
  });

  it('SqlUDFDefaultArgSupport: no DEFAULT in the CREATE (ClickHouse functions have none)', async () => {
    const p = dbtProject({ functions: { 'price_for_xlarge.sql': MY_UDF_SQL, 'price_for_xlarge.yml': MY_UDF_WITH_DEFAULT_ARG_YML } });
    await p.dbt(['build']);
    expect(createOf(p.dir, 'price_for_xlarge')).not.toContain('DEFAULT 100');
  });
});

describe('aggregate functions (dbt-tests-adapter functions/test_udafs.py)', () => {
  it('BasicSQLUDAF: sum_squared(value) over basic_model is 36', async () => {
    const p = dbtProject({ models: { 'basic_model.sql': BASIC_MODEL_SQL }, functions: { 'sum_squared.sql': SUM_SQUARED_UDAF_SQL, 'sum_squared.yml': SUM_SQUARED_UDAF_SQL_YML } });
    await p.dbt(['build']);
    const show = await p.dbt(['show', '--inline', "SELECT {{ function('sum_squared') }}(value) FROM {{ ref('basic_model') }}", '--output', 'json']);
    expect(Number(showValue(show.out))).toBe(36);
  });
});

describe("functions in a project (dbt-core tests/functional/functions/test_udfs.py)", () => {
  const DOUBLE_IT = {
    'double_it.sql': 'SELECT value * 2\n',
    'double_it.yml': 'functions:\n  - name: double_it\n    description: Doubles whatever number is passed in\n    arguments:\n      - name: value\n        data_type: float\n        description: A number to be doubled\n    returns:\n      data_type: float\n',
  };

  it('TestBasicSQLUDF: parse puts the function in the manifest with its arguments, returns and config', async () => {
    const p = dbtProject({ functions: { ...DOUBLE_IT, 'double_it.sql': "{{ config(volatility='deterministic') }}\nSELECT value * 2\n" } });
    await p.dbt(['parse']);
    const fn = p.readJson('target/manifest.json').functions['function.test.double_it'];
    expect(fn).toMatchObject({ resource_type: 'function', language: 'sql', description: 'Doubles whatever number is passed in', returns: { data_type: 'float' } });
    expect(fn.config).toMatchObject({ type: 'scalar', volatility: 'deterministic' });
    expect(fn.arguments).toEqual([{ name: 'value', data_type: 'float', description: 'A number to be doubled', default_value: null }]);
  });

  it('TestCanCallUDFInModel: a model calling function() depends on it, is built after it and reads 2.0', async () => {
    const p = dbtProject({ functions: DOUBLE_IT, models: { 'double_it_model.sql': "select {{ function('double_it') }}(1) as double_it" } });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => x.unique_id)).toEqual(['function.test.double_it', 'model.test.double_it_model']);
    const model = p.readJson('target/manifest.json').nodes['model.test.double_it_model'];
    expect(model.depends_on.nodes).toEqual(['function.test.double_it']);
    expect(model.functions).toEqual([['double_it']]);
    expect(await p.query('select double_it, toTypeName(double_it) as t from {schema}.double_it_model')).toEqual([{ double_it: 2, t: 'Float64' }]);
  });

  it('TestCanUseRefInUDF / TestCanUseSourceInUDF: a function reading a model and a seed through ref() and source()', async () => {
    const yml = (name: string) => `functions:\n  - name: ${name}\n    description: Sums the numbers\n    returns:\n      data_type: integer\n`;
    const p = dbtProject({
      functions: {
        'sum_numbers_function.sql': "SELECT sum(number) as sum_numbers FROM {{ ref('numbers_model') }}\n",
        'sum_numbers_function.yml': yml('sum_numbers_function'),
        'sum_seed_function.sql': "SELECT sum(number) as sum_numbers FROM {{ source('test_source', 'numbers_seed') }}\n",
        'sum_seed_function.yml': yml('sum_seed_function'),
      },
      models: {
        'numbers_model.sql': 'SELECT 1 as number\nUNION ALL\nSELECT 2 as number\nUNION ALL\nSELECT 3 as number\n',
        'numbers_source.yml': 'sources:\n  - name: test_source\n    schema: "{{ target.schema }}"\n    tables:\n      - name: numbers_seed\n',
      },
      seeds: { 'numbers_seed.csv': 'number\n1\n2\n3\n' },
    });
    await p.dbt(['seed']);
    await p.dbt(['build']);
    for (const fn of ['sum_numbers_function', 'sum_seed_function']) {
      const show = await p.dbt(['show', '--inline', `select {{ function('${fn}') }}() as summed_numbers`, '--output', 'json']);
      expect(Number(showValue(show.out))).toBe(6);
    }
    expect(p.readJson('target/manifest.json').functions['function.test.sum_numbers_function'].depends_on.nodes).toEqual(['model.test.numbers_model']);
  });

  it('TestDefaultArgumentsMustComeLast: a defaulted argument before one without is a parsing error', async () => {
    const p = dbtProject({
      functions: {
        'sum_2_values.sql': 'SELECT val1 + val2 as sum_2_values\n',
        'sum_2_values.yml': 'functions:\n  - name: sum_2_values\n    arguments:\n      - name: val1\n        data_type: integer\n        default_value: 0\n      - name: val2\n        data_type: integer\n    returns:\n      data_type: integer\n',
      },
    });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.out.join('\n')).toContain("Non-defaulted argument 'val2' of function 'sum_2_values' comes after a defaulted argument. Non-defaulted arguments cannot come after defaulted arguments.");
  });

  it('TestFunctionsIncludeAndExcludeByResourceType', async () => {
    const p = dbtProject({ functions: DOUBLE_IT });
    expect((await p.dbt(['build', '--resource-type', 'function'])).results.map((x) => x.unique_id)).toEqual(['function.test.double_it']);
    expect((await p.dbt(['build', '--exclude-resource-type', 'function'])).results).toEqual([]);
  });

  it('validate creates the function in its scratch warehouse: a model calling it is checked, a bad body is reported', async () => {
    const p = dbtProject({ functions: DOUBLE_IT, models: { 'double_it_model.sql': "select {{ function('double_it') }}(1) as double_it" } });
    const ok = await p.dbt(['validate']);
    expect(ok.out.join('\n')).toContain('no errors');
    p.write({ 'functions/double_it.sql': 'SELECT value * 2, value * 3\n' });
    const bad = await p.dbt(['validate'], { expectPass: false });
    expect(bad.out.join('\n')).toContain("Function 'double_it' selects 2 values: a function returns one");
  });

  it('a project written for dbt < 1.11 keeping macros in functions/ (macro-paths: [macros, functions]) has no function nodes', async () => {
    const p = dbtProject({
      projectConfig: 'macro-paths: ["macros", "functions"]\n',
      functions: { 'helpers.sql': '{% macro times_two(x) %}({{ x }} * 2){% endmacro %}\n' },
      models: { 'm.sql': 'select {{ times_two(21) }} as answer\n' },
    });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => [x.unique_id, x.status])).toEqual([['model.test.m', 'success']]);
    expect(p.readJson('target/manifest.json').functions).toEqual({});
  });

  it('a project whose require-dbt-version stops before 1.11 keeps its functions/ folder out (dbt 1.10 never read it)', async () => {
    const p = dbtProject({
      projectConfig: 'require-dbt-version: [">=1.5.0", "<1.11.0"]\n',
      functions: { 'setup_grants.sql': '-- a DBA script kept beside the project\ngrant select on m to analyst;\n' },
      models: { 'm.sql': 'select 1 as x\n' },
    });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => [x.unique_id, x.status])).toEqual([['model.test.m', 'success']]);
    expect(p.readJson('target/manifest.json').functions).toEqual({});
    // A range admitting 1.11 reads it as dbt 1.11 does.
    const q = dbtProject({ projectConfig: 'require-dbt-version: ">=1.5.0"\n', functions: DOUBLE_IT });
    await q.dbt(['parse']);
    expect(Object.keys(q.readJson('target/manifest.json').functions)).toEqual(['function.test.double_it']);
  });

  it('a function() naming no function fails the load, naming the model', async () => {
    const p = dbtProject({ functions: DOUBLE_IT, models: { 'm.sql': "select {{ function('double_ti') }}(1) as x" } });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.out.join('\n')).toContain("depends on a function named 'double_ti' which was not found");
  });

  it("tsdbt: a function's pre-hooks and post-hooks run around its CREATE, as dbt's function materialization runs them", async () => {
    const p = dbtProject({
      functions: UDF,
      projectConfig: `functions:
  +pre-hook: "create table if not exists {{ target.schema }}.fn_log (what String, n UInt64) engine = MergeTree order by what"
  +post-hook: "insert into {{ target.schema }}.fn_log select '{{ this.identifier }}', count() from system.functions where name = '{{ this.identifier }}'"
`,
    });
    const r = await p.dbt(['build']);
    expect(r.results[0]!.status).toBe('success');
    // The post-hook saw the function created.
    expect(await p.query('select what, toInt32(n) as n from {schema}.fn_log')).toEqual([{ what: 'price_for_xlarge', n: 1 }]);
  });

  it('a function with a return type called on a NULL gives NULL, as on every warehouse dbt runs on (its CAST is not a NULL error)', async () => {
    const p = dbtProject({
      functions: DOUBLE_IT,
      models: {
        'maybe.sql': 'select nullif(n, 2) as n from (select 1 as n union all select 2 as n)\n',
        'doubled.sql': "select n, {{ function('double_it') }}(n) as d from {{ ref('maybe') }}\n",
      },
    });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => [x.unique_id, x.status])).toEqual([['function.test.double_it', 'success'], ['model.test.maybe', 'success'], ['model.test.doubled', 'success']]);
    expect(await p.query('select n, d, toTypeName(d) as t from {schema}.doubled order by n')).toEqual([{ n: 1, d: 2, t: 'Nullable(Float64)' }, { n: null, d: null, t: 'Nullable(Float64)' }]);
  });

  it("typed arguments: a call's values are converted to each argument's data_type before the body reads them (a string or a timestamp to a date)", async () => {
    const p = dbtProject({
      functions: {
        'next_day.sql': 'SELECT d + 1\n',
        'next_day.yml': 'functions:\n  - name: next_day\n    arguments:\n      - name: d\n        data_type: date\n    returns:\n      data_type: date\n',
        'halved.sql': 'SELECT n / 2\n',
        'halved.yml': 'functions:\n  - name: halved\n    arguments:\n      - name: n\n        data_type: integer\n    returns:\n      data_type: float\n',
      },
      models: {
        'days.sql': [
          "select {{ function('next_day') }}('2024-01-31') as from_text,",
          "  {{ function('next_day') }}(toDateTime('2024-02-28 10:00:00')) as from_timestamp,",
          "  {{ function('next_day') }}(nullif(toDate('2024-01-01'), toDate('2024-01-01'))) as from_null,",
          "  {{ function('halved') }}(7) as halved,",
          "  {{ function('next_day') }}('1960-05-01') as before_1970",
          '',
        ].join('\n'),
      },
    });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => x.status)).toEqual(['success', 'success', 'success']);
    // A date is any day, as on dbt's warehouses (Date32 under dbt_semantics, as cast(x as date); ClickHouse's Date starts in 1970).
    expect(await p.query('select toString(from_text) as a, toString(from_timestamp) as b, from_null, halved, toString(before_1970) as c from {schema}.days')).toEqual([
      { a: '2024-02-01', b: '2024-02-29', from_null: null, halved: 3.5, c: '1960-05-02' },
    ]);
    // An integer argument given a value out of its range is an error, as on Postgres — never wrapped (CAST would give a negative half).
    const show = await p.dbt(['show', '--inline', "select {{ function('halved') }}(3000000000) as h", '--output', 'json'], { expectPass: false });
    expect(show.out.join('\n')).toContain('cannot be safely converted into type');
  });

  it("a project's clickhouse__scalar_function_sql replaces tsdbt's statement, as it replaces dbt's default macro (model, target_relation as dbt gives them)", async () => {
    const override = [
      '{% macro clickhouse__scalar_function_sql(target_relation) %}',
      "  {%- if not target_relation.is_function or model.returns.data_type != 'integer' %}{{ exceptions.raise_compiler_error('not a function') }}{% endif -%}",
      "  CREATE OR REPLACE FUNCTION {{ target_relation.identifier }} AS ({{ model.arguments | map(attribute='name') | join(', ') }}) -> ({{ model.compiled_code | replace('SELECT', '') }}) * 100;",
      '{% endmacro %}',
      '',
    ].join('\n');
    const p = dbtProject({
      functions: { 'times_three.sql': 'SELECT x * 3', 'times_three.yml': 'functions:\n  - name: times_three\n    arguments:\n      - name: x\n        data_type: integer\n    returns:\n      data_type: integer\n' },
      macros: { 'function_override.sql': override },
    });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => x.status)).toEqual(['success']);
    const show = await p.dbt(['show', '--inline', "select {{ function('times_three') }}(2) as x", '--output', 'json']);
    expect(Number(showValue(show.out))).toBe(600);
    // A type tsdbt cannot build itself is built by the project's macro for it.
    p.write({ 'functions/times_three.yml': 'functions:\n  - name: times_three\n    config:\n      type: table\n    arguments:\n      - name: x\n        data_type: integer\n    returns:\n      data_type: integer\n', 'macros/function_override.sql': override.replaceAll('scalar_function_sql', 'table_function_sql') });
    expect((await p.dbt(['build'])).results.map((x) => x.status)).toEqual(['success']);
    // validate creates it in its scratch warehouse with the same macro (was: tsdbt's statement, the dispatch error for a table function).
    p.write({ 'models/tripled.sql': "select {{ function('times_three') }}(2) as x\n" });
    expect((await p.dbt(['validate'])).out.join('\n')).toContain('no errors');
  });

  it("a project's clickhouse__scalar_function_body_sql / _create_replace_signature_sql / formatted_scalar_function_args_sql replace those parts of the statement, as in dbt-clickhouse's clickhouse__scalar_function_sql", async () => {
    const yml = 'functions:\n  - name: times_three\n    arguments:\n      - name: x\n        data_type: integer\n    returns:\n      data_type: integer\n';
    const p = dbtProject({
      functions: { 'times_three.sql': 'SELECT x * 3', 'times_three.yml': yml },
      macros: { 'function_body.sql': "{% macro clickhouse__scalar_function_body_sql() %}\n  ({{ model.compiled_code | replace('SELECT', '') }}) * 100\n{% endmacro %}\n" },
    });
    expect((await p.dbt(['build'])).results.map((x) => x.status)).toEqual(['success']);
    const value = async () => Number(showValue((await p.dbt(['show', '--inline', "select {{ function('times_three') }}(2) as x", '--output', 'json'])).out));
    expect(await value()).toBe(600);
    // The signature and the argument list: a parameter renamed, the body (tsdbt's) reading the declared name through it.
    p.write({
      'macros/function_body.sql':
        "{% macro clickhouse__formatted_scalar_function_args_sql() %}x{% endmacro %}\n" +
        "{% macro default__scalar_function_create_replace_signature_sql(target_relation) %}\n  CREATE OR REPLACE FUNCTION {{ target_relation.identifier }} AS ({{ formatted_scalar_function_args_sql() }}) -> 7 +\n{% endmacro %}\n",
    });
    expect((await p.dbt(['build'])).results.map((x) => x.status)).toEqual(['success']);
    expect(await value()).toBe(13);
  });

  it('grants on a function: built, with a warning that ClickHouse has no privilege on one function (dbt applies them after the CREATE)', async () => {
    const p = dbtProject({ functions: UDF, projectConfig: 'functions:\n  +grants:\n    execute: ["analyst"]\n' });
    const r = await p.dbt(['build']);
    expect(r.results[0]!.status).toBe('success');
    expect(r.out.join('\n')).toContain('Function `price_for_xlarge`: grants {"execute":["analyst"]} are not applied');
  });

  it('a function without a YAML entry parses (dbt puts returns INVALID_TYPE on it) and fails its build saying returns is required, naming its file', async () => {
    const p = dbtProject({ functions: { 'no_yaml.sql': 'SELECT 1\n' }, models: { 'm.sql': 'select 1 as x\n' } });
    await p.dbt(['parse']);
    const r = await p.dbt(['build'], { expectPass: false });
    expect(r.results.map((x) => [x.unique_id, x.status])).toEqual([['function.test.no_yaml', 'error'], ['model.test.m', 'success']]);
    expect(r.results[0]!.message).toContain("Function 'no_yaml' has no return type: dbt requires returns.data_type for every function");
    expect(r.out.join('\n')).toContain('functions/no_yaml.sql');
  });

  it("tsdbt: a call leaving out a defaulted argument gets its default_value (ClickHouse's functions take exactly their parameters)", async () => {
    const p = dbtProject({
      functions: { 'price_for_xlarge.sql': MY_UDF_SQL, 'price_for_xlarge.yml': MY_UDF_WITH_DEFAULT_ARG_YML },
      models: { 'prices.sql': "select {{ function('price_for_xlarge') }}() as by_default, {{ function('price_for_xlarge') }}(5) as given" },
    });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => x.status)).toEqual(['success', 'success']);
    expect(await p.query('select toInt32(by_default) as by_default, toInt32(given) as given from {schema}.prices')).toEqual([{ by_default: 200, given: 10 }]);
  });

  it("a function's values convert as on dbt's warehouses: a NULL stays NULL in a caller with dbt_semantics off, an integer result out of range is an error, a Decimal argument or result rounds", async () => {
    const p = dbtProject({
      functions: {
        ...DOUBLE_IT,
        'billions.sql': 'SELECT x * 1000000000\n',
        'billions.yml': 'functions:\n  - name: billions\n    arguments:\n      - name: x\n        data_type: bigint\n    returns:\n      data_type: integer\n',
        'cents.sql': 'SELECT amount\n',
        'cents.yml': 'functions:\n  - name: cents\n    arguments:\n      - name: amount\n        data_type: numeric(10, 2)\n    returns:\n      data_type: numeric(10, 1)\n',
      },
      models: {
        'maybe.sql': 'select nullif(n, 2) as n from (select 1 as n union all select 2 as n)\n',
        'doubled_ch.sql': "{{ config(dbt_semantics=false) }}\nselect n, {{ function('double_it') }}(n) as d from {{ ref('maybe') }}\n",
        'rounded.sql': "select toString({{ function('cents') }}(1.239)) as from_decimal_text, toString({{ function('cents') }}(toFloat64(0.285))) as from_float, toString({{ function('cents') }}(toDecimal64('-2.675', 3))) as from_decimal, toString({{ function('cents') }}(nullif(1, 1))) as from_null\n",
      },
    });
    const r = await p.dbt(['build']);
    expect(Object.fromEntries(r.results.map((x) => [x.unique_id, x.status]))).toMatchObject({ 'model.test.doubled_ch': 'success', 'model.test.rounded': 'success' });
    expect(await p.query('select n, d from {schema}.doubled_ch order by n')).toEqual([{ n: 1, d: 2 }, { n: null, d: null }]);
    // numeric(10, 2) argument: 1.239 -> 1.24, 0.285 -> 0.29, -2.675 -> -2.68; then numeric(10, 1): 1.2, 0.3, -2.7 (ClickHouse truncated: 1.2, 0.2, -2.6).
    expect(await p.query('select * from {schema}.rounded')).toEqual([{ from_decimal_text: '1.2', from_float: '0.3', from_decimal: '-2.7', from_null: null }]);
    // 3 * 1e9 does not fit an integer: an error, as on Postgres — CAST wrapped it to -1294967296.
    const show = await p.dbt(['show', '--inline', "select {{ function('billions') }}(3) as b", '--output', 'json'], { expectPass: false });
    expect(show.out.join('\n')).toContain('cannot be safely converted into type');
    expect(Number(showValue((await p.dbt(['show', '--inline', "select {{ function('billions') }}(2) as b", '--output', 'json'])).out))).toBe(2000000000);
  });
});
