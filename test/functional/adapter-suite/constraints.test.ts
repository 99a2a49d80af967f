import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-clickhouse's constraints/test_constraints.py (its version of dbt-tests-adapter's
 * constraints suite): contract column order, names and data types for table, view and incremental
 * models, unsupported constraints (a column-level CHECK, a foreign key) warned about, a model-level
 * CHECK that ClickHouse enforces, and codec/TTL column settings beside a contract.
 */
const CONTRACT_SCHEMA = `
version: 2
models:
  - name: my_model_wrong_order
    config:
      contract:
        enforced: true
    columns:
      - name: id
        data_type: UInt32
        description: hello
        data_tests:
          - unique
      - name: color
        data_type: String
      - name: date_day
        data_type: Date
  - name: my_model_wrong_name
    config:
      contract:
        enforced: true
    columns:
      - name: id
        data_type: Int32
        description: hello
      - name: color
        data_type: String
      - name: date_day
        data_type: Date
`;
const config = (materialized: string, extra = '') => `\n{{\n  config(\n    materialized = "${materialized}"${extra}\n  )\n}}\n`;
const WRONG_ORDER = "\nselect\n  'blue' as color,\n  1::UInt32 as id,\n  toDate('2019-01-01') as date_day\n";
const WRONG_NAME = "\nselect\n  'blue' as color,\n  1 as error,\n  '2019-01-01' as date_day\n";
const DATA_TYPES: [string, string, string][] = [
  ['1::Int32', 'Int32', 'Int32'],
  ["'1'", 'String', 'String'],
  ['true', 'Bool', 'Bool'],
  ["'2013-11-03'::DateTime", 'DateTime', 'DateTime'],
  ["['a','b','c']", 'Array(String)', 'Array(String)'],
  ['[1::Int32,2::Int32,3::Int32]', 'Array(Int32)', 'Array(Int32)'],
  ["'1'::Float64", 'Float64', 'Float64'],
];
const dataTypeSchema = (type: string) => `\nversion: 2\nmodels:\n  - name: my_model_data_type\n    config:\n      contract:\n        enforced: true\n    columns:\n      - name: wrong_data_type_column_name\n        data_type: ${type}\n`;

const contractOf = (p: DbtProject, name: string) => p.readJson('target/manifest.json').nodes[`model.test.${name}`].config.contract;
const logHas = (out: string, expected: string[]) => expect(expected.filter((e) => !out.includes(e) && !out.includes(e.toUpperCase())), out).toEqual([]);

describe.each([
  ['table', ''],
  ['view', ''],
  ['incremental', ",\n    on_schema_change='append_new_columns'"],
])('contract columns equal (%s models)', (materialized, extra) => {
  const project = () =>
    dbtProject({ models: { 'my_model_wrong_order.sql': config(materialized, extra) + WRONG_ORDER, 'my_model_wrong_name.sql': config(materialized, extra) + WRONG_NAME, 'contract_schema.yml': CONTRACT_SCHEMA } });

  it('wrong column order builds (the YAML order is enforced)', async () => {
    const p = project();
    await p.dbt(['run', '-s', 'my_model_wrong_order']);
    expect(contractOf(p, 'my_model_wrong_order').enforced).toBe(true);
    if (materialized === 'incremental') await p.dbt(['run', '-s', 'my_model_wrong_order']);
    expect((await p.query<{ name: string }>("select name from system.columns where database = '{schema}' and table = 'my_model_wrong_order' order by position")).map((c) => c.name)).toEqual(['id', 'color', 'date_day']);
  });

  it('wrong column names fail with the mismatch table', async () => {
    const p = project();
    const r = await p.dbt(['run', '-s', 'my_model_wrong_name'], { expectPass: false });
    expect(contractOf(p, 'my_model_wrong_name').enforced).toBe(true);
    logHas(r.out.join('\n'), ['id', 'error', 'missing in definition', 'missing in contract']);
  });

  if (materialized !== 'incremental')
    it('wrong data types fail naming the column and both types; right ones build', async () => {
      const p = project();
      for (const [sqlValue, schemaType, errorType] of DATA_TYPES) {
        p.write({ 'models/my_model_data_type.sql': `${config(materialized)}\nselect\n  ${sqlValue} as wrong_data_type_column_name\n`, 'models/contract_schema.yml': dataTypeSchema('Int128') });
        const r = await p.dbt(['run', '-s', 'my_model_data_type'], { expectPass: false });
        expect(contractOf(p, 'my_model_data_type').enforced).toBe(true);
        logHas(r.out.join('\n'), ['wrong_data_type_column_name', errorType, 'Int128', 'data type mismatch']);
        p.write({ 'models/contract_schema.yml': dataTypeSchema(schemaType) });
        await p.dbt(['run', '-s', 'my_model_data_type']);
      }
    });
});

const CONSTRAINT_SCHEMA = `
version: 2
models:
  - name: bad_column_constraint_model
    materialized: table
    config:
      contract:
        enforced: true
    columns:
      - name: id
        data_type: Int32
        constraints:
          - type: check
            expression: '> 0'
      - name: color
        data_type: String
      - name: date_day
        data_type: Date
  - name: bad_foreign_key_model
    config:
      contract:
        enforced: true
    constraints:
      - type: foreign_key
        columns: [ id ]
        expression: 'foreign_key_model (id)'
    columns:
      - name: id
        data_type: Int32
  - name: check_constraints_model
    config:
      contract:
        enforced: true
    constraints:
      - type: check
        name: valid_id
        expression: 'id > 100 and id < 200'
    columns:
      - name: id
        data_type: Int32
      - name: color
        data_type: String
      - name: date_day
        data_type: Date
`;

describe('constraints (dbt-clickhouse constraints/test_constraints.py)', () => {
  // dbt-clickhouse ignores column-level constraints ("not supported"); tsdbt enforces them, reading
  // a column check written as a predicate (`> 0`) as one on its column (`id > 0`).
  it('TestBadConstraints: a foreign key is "not supported" (warned); the column-level check `> 0` holds, the model builds', async () => {
    const p = dbtProject({
      models: {
        'bad_column_constraint_model.sql': `${config('table')}\nSELECT 5::Int32 as id, 'black' as color, toDate('2023-01-01') as date_day\n`,
        'bad_foreign_key_model.sql': `${config('table')}\nSELECT 1::Int32 as id\n`,
        'constraints_schema.yml': CONSTRAINT_SCHEMA,
      },
    });
    // dbt-clickhouse ignores column-level constraints with a "not supported" warning; tsdbt enforces the
    // column's check (below), so nothing is said. Only the model built says its constraints' warnings (dbt's adapters).
    expect((await p.dbt(['run', '-s', 'bad_column_constraint_model'])).out.join('\n')).not.toContain('not supported');
    expect((await p.dbt(['run', '-s', 'bad_foreign_key_model'])).out.join('\n')).toContain('not supported');
    const [t] = await p.query<{ q: string }>("select create_table_query as q from system.tables where database = '{schema}' and name = 'bad_column_constraint_model'");
    expect(t!.q).toMatch(/CONSTRAINT id_check1 CHECK \(?id > 0\)?/);
  });

  it('TestModelConstraints / TestModelConstraintApplied: a model-level CHECK builds when rows meet it, fails ("violated") when not', async () => {
    const ok = dbtProject({ models: { 'check_constraints_model.sql': `${config('table', ',')}\nselect\n  'blue' as color,\n  101::Int32 as id,\n  toDate('2019-01-01') as date_day\n`, 'constraints_schema.yml': CONSTRAINT_SCHEMA } });
    await ok.dbt(['run', '-s', 'check_constraints_model']);
    const bad = dbtProject({ models: { 'check_constraints_model.sql': `${config('table', ',')}\nselect\n  'blue' as color,\n  1::Int32 as id,\n  toDate('2019-01-01') as date_day\n`, 'constraints_schema.yml': CONSTRAINT_SCHEMA } });
    const r = await bad.dbt(['run', '-s', 'check_constraints_model'], { expectPass: false });
    // tsdbt checks the rows before the table is swapped in and says which row breaks the constraint
    // (dbt-clickhouse shows ClickHouse's "Constraint `valid_id` … is violated at row 1").
    expect(r.out.join('\n').toLowerCase()).toMatch(/violated|breaks constraint valid_id/);
  });

  it('TestModelCustomConstraints: codec and TTL beside a contract', async () => {
    const p = dbtProject({
      models: {
        'check_custom_constraints_model.sql': `${config('table', ',')}\nselect\n  101::Int32 as id,\n  UTCtimestamp() as ts,\n  'blue' as col_ttl\n`,
        'constraints_schema.yml':
          '\nversion: 2\nmodels:\n  - name: custom_column_constraint_model\n    materialized: table\n    config:\n      contract:\n        enforced: true\n    columns:\n      - name: id\n        data_type: Int32\n        codec: ZSTD\n      - name: ts\n        data_type: timestamp\n      - name: col_ttl\n        data_type: String\n        ttl: ts + INTERVAL 1 DAY\n',
      },
    });
    await p.dbt(['run', '-s', 'check_custom_constraints_model']);
  });
});

/*
 * dbt-tests-adapter constraints/test_constraints.py BaseConstraintsRollback (and its incremental
 * variant BaseIncrementalConstraintsRollback): a contract-breaking change (a NULL id under
 * not_null) fails the run and the previous table answers as before — no row lost. The model schema
 * is upstream's, with its check constraints on id.
 */
const ROLLBACK_SCHEMA = `
version: 2
models:
  - name: my_model
    config:
      contract:
        enforced: true
    columns:
      - name: id
        data_type: integer
        description: hello
        constraints:
          - type: not_null
          - type: primary_key
          - type: check
            expression: (id > 0)
          - type: check
            expression: id >= 1
        data_tests:
          - unique
      - name: color
        data_type: text
      - name: date_day
        data_type: text
`;
// `1` is a UInt8 in ClickHouse: the contract's integer (Int32) needs the literal cast (as dbt-clickhouse's fixtures do).
const GOOD = "\nselect\n  cast(1 as {{ dbt.type_int() }}) as id,\n  'blue' as color,\n  '2019-01-01' as date_day\n";
const NULLS = "\nselect\n  -- null value for 'id'\n  cast(null as {{ dbt.type_int() }}) as id,\n  -- change the color as well (to test rollback)\n  'red' as color,\n  '2019-01-01' as date_day\n";

describe('constraints rollback (dbt-tests-adapter constraints/test_constraints.py)', () => {
  it.each([
    ['BaseConstraintsRollback', config('table')],
    ['BaseIncrementalConstraintsRollback', config('incremental', ",\n    on_schema_change='append_new_columns'")],
  ])('%s: a NULL id under not_null fails the run and the previous rows stay', async (_name, head) => {
    const p = dbtProject({ models: { 'my_model.sql': head + GOOD, 'constraints_schema.yml': ROLLBACK_SCHEMA } });
    expect((await p.dbt(['run', '-s', 'my_model'])).results).toHaveLength(1);
    p.write({ 'models/my_model.sql': head + NULLS });
    const failing = await p.dbt(['run', '-s', 'my_model'], { expectPass: false });
    expect(failing.results).toHaveLength(1);
    expect(failing.results[0]!.status).toBe('error');
    expect(failing.results[0]!.message).toMatch(/id/);
    expect(await p.rows('my_model', ['id', 'color'])).toEqual([[1, 'blue']]);
    expect(contractOf(p, 'my_model').enforced).toBe(true);
  });
});

describe('incremental foreign key (dbt-tests-adapter constraints/test_constraints.py BaseIncrementalForeignKeyConstraint)', () => {
  it('a contracted incremental model with a foreign_key constraint builds, then runs incrementally', async () => {
    const schemaYml = (schema: string) => `
version: 2

models:
  - name: raw_numbers
    config:
      contract:
        enforced: true
      materialized: table
    columns:
        - name: n
          data_type: integer
          constraints:
            - type: primary_key
            - type: not_null
  - name: stg_numbers
    config:
      contract:
        enforced: true
      materialized: incremental
      on_schema_change: append_new_columns
      unique_key: n
    columns:
      - name: n
        data_type: integer
        constraints:
          - type: foreign_key
            expression: ${schema}.raw_numbers (n)
`;
    const p = dbtProject({
      macros: { 'create_table.sql': '\n{% macro create_table_macro() %}\ncreate table if not exists numbers (n int not null primary key)\n{% endmacro %}\n' },
      // ClickHouse's `1` is a UInt8: cast to the contract's integer.
      models: { 'raw_numbers.sql': '\nselect cast(1 as {{ dbt.type_int() }}) as n\n', 'stg_numbers.sql': "\nselect * from {{ ref('raw_numbers') }}\n" },
    });
    p.write({ 'models/schema.yml': schemaYml(p.schema) });
    await p.dbt(['run', '--select', 'raw_numbers']);
    await p.dbt(['run', '--select', 'stg_numbers']);
    const r = await p.dbt(['run', '--select', 'stg_numbers']);
    expect(r.results.map((x) => x.status)).toEqual(['success']);
    expect(await p.rows('stg_numbers')).toEqual([[1]]);
  });
});


describe('quoted column (dbt-tests-adapter constraints/test_constraints.py BaseConstraintQuotedColumn)', () => {
  // Upstream compares Postgres' DDL text; the port builds the same model and checks what the DDL
  // does: the reserved-word column `from` (quote: true) is in the contract, not NULL, and the
  // model-level check `("from" = 'blue')` is on the table and holds.
  const SCHEMA = `
version: 2
models:
  - name: my_model
    config:
      contract:
        enforced: true
      materialized: table
    constraints:
      - type: check
        # this one is the on the user
        expression: ("from" = 'blue')
        columns: [ '"from"' ]
    columns:
      - name: id
        data_type: integer
        description: hello
        constraints:
          - type: not_null
        data_tests:
          - unique
      - name: from  # reserved word
        quote: true
        data_type: text
        constraints:
          - type: not_null
      - name: date_day
        data_type: text
`;
  // ClickHouse's `1` is a UInt8: cast to the contract's integer (as the foreign-key port above).
  const MODEL = "\nselect\n  'blue' as {{ adapter.quote('from') }},\n  cast(1 as {{ dbt.type_int() }}) as id,\n  '2019-01-01' as date_day\n";
  it('builds with the contract order and types, the check on the table', async () => {
    const p = dbtProject({ models: { 'my_model.sql': MODEL, 'constraints_schema.yml': SCHEMA } });
    const r = await p.dbt(['build']);
    expect(r.results.map((x) => x.status).sort()).toEqual(['pass', 'success']);
    const columns = await p.query<{ name: string; type: string }>("select name, type from system.columns where database = '{schema}' and table = 'my_model' order by position");
    expect(columns).toEqual([
      { name: 'id', type: 'Int32' },
      { name: 'from', type: 'String' },
      { name: 'date_day', type: 'String' },
    ]);
    expect(await p.rows('my_model', ['id', 'from', 'date_day'])).toEqual([[1, 'blue', '2019-01-01']]);
    const [ddl] = await p.query<{ q: string }>("select create_table_query as q from system.tables where database = '{schema}' and name = 'my_model'");
    expect(ddl!.q).toMatch(/CONSTRAINT \S+ CHECK .*from.* = 'blue'/);
    p.write({ 'models/my_model.sql': MODEL.replace("'blue'", "'red'") });
    const failed = await p.dbt(['run'], { expectPass: false });
    expect(failed.results[0]!.status).toBe('error');
    expect(await p.rows('my_model', ['id', 'from', 'date_day'])).toEqual([[1, 'blue', '2019-01-01']]);
  });
});
