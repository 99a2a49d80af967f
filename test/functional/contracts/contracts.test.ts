import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const yml = (model: string, columns: string, extra = '') => `version: 2
models:
  - name: ${model}
    config:
      contract: {enforced: true}
${extra}    columns:
${columns}`;

async function describeTable(project: Parameters<typeof queryRows>[0], schema: string, table: string) {
  return (await queryRows<{ name: string; type: string }>(project, `DESCRIBE TABLE \`${schema}\`.\`${table}\``)).map((r) => `${r.name} ${r.type}`);
}

describe('model contracts', () => {
  it('builds the table with the declared types, in the declared order, ClickHouse aliases matching their canonical types', async () => {
    const { p, project } = setup({
      'models/orders.sql': "{{ config(materialized='table') }}select 'shipped' as status, toInt32(1) as id, toDecimal64(9.5, 2) as amount, toInt64(7) as n",
      'models/schema.yml': yml('orders', `      - name: id
        data_type: INTEGER
      - name: status
        data_type: TEXT
      - name: amount
        data_type: DECIMAL(18,2)
      - name: n
        data_type: bigint
`),
    });
    const result = await project.run();
    expectStatuses(result, { orders: 'success' });
    expect(await describeTable(project, p.schema, 'orders')).toEqual(['id Int32', 'status String', 'amount Decimal(18, 2)', 'n Int64']);
  });

  it('compares types without Nullable/LowCardinality: the table takes the declared type (tsdbt does better than dbt-clickhouse here)', async () => {
    const { p, project } = setup({
      'models/m.sql': "{{ config(materialized='table') }}select toNullable(toInt32(1)) as id, toLowCardinality('a') as code, toInt32(2) as maybe",
      'models/schema.yml': yml('m', `      - name: id
        data_type: Int32
      - name: code
        data_type: String
      - name: maybe
        data_type: Nullable(Int32)
`),
    });
    expectStatuses(await project.run(), { m: 'success' });
    expect(await describeTable(project, p.schema, 'm')).toEqual(['id Int32', 'code String', 'maybe Nullable(Int32)']);
  });

  it('fails a model whose columns differ with dbt\'s mismatch table, and keeps the previous table', async () => {
    const files = {
      'models/m.sql': "{{ config(materialized='table') }}select toInt32(1) as id, 'a' as name",
      'models/schema.yml': yml('m', `      - name: id
        data_type: Int32
      - name: name
        data_type: String
`),
    };
    const { p, project } = setup(files);
    expectStatuses(await project.run(), { m: 'success' });
    p.write({ 'models/m.sql': "{{ config(materialized='table') }}select 'x' as id, 2 as extra" });
    const again = setup.reopen(p);
    const result = await again.run();
    expectStatuses(result, { m: 'error' });
    const message = result.results[0]!.message;
    expect(message).toContain('This model has an enforced contract that failed.');
    // dbt's ContractError.get_mismatches rows, sorted by column name; indented under dbt's "Compilation Error in model m (path)"
    expect(message).toContain(`  | column_name | definition_type | contract_type | mismatch_reason       |
  | ----------- | --------------- | ------------- | --------------------- |
  | extra       | UInt8           |               | missing in contract   |
  | id          | String          | Int32         | data type mismatch    |
  | name        |                 | String        | missing in definition |`);
    expect(await queryRows(again, `SELECT id, name FROM \`${p.schema}\`.m`)).toEqual([{ id: 1, name: 'a' }]);
  });

  it('says which declared type ClickHouse does not know', async () => {
    const { project } = setup({
      'models/m.sql': "{{ config(materialized='table') }}select toInt32(1) as id",
      'models/schema.yml': yml('m', `      - name: id
        data_type: integr
`),
    });
    const result = await project.run();
    expectStatuses(result, { m: 'error' });
    expect(result.results[0]!.message).toMatch(/\| id +\| Int32 +\| integr +\| unknown data type \([^|]*Unknown data type family: integr/);
  });

  it("refuses another warehouse's type name (`string`, as dbt-clickhouse and dbt-postgres do) saying how ClickHouse spells it", async () => {
    const { project } = setup({
      'models/m.sql': "{{ config(materialized='table') }}select 'a' as name, toInt64(1) as id",
      'models/schema.yml': yml('m', `      - name: name
        data_type: string
      - name: id
        data_type: int64
`),
    });
    const result = await project.run();
    expectStatuses(result, { m: 'error' });
    const message = result.results[0]!.message;
    expect(message).toMatch(/\| id +\| Int64 +\| int64 +\| unknown data type: ClickHouse spells it Int64 +\|/);
    expect(message).toMatch(/\| name +\| String +\| string +\| unknown data type: ClickHouse spells it String +\|/);
  });

  it('a NULL in a column declared non-Nullable fails the build naming the column; the previous table stays', async () => {
    const files = {
      'models/m.sql': "{{ config(materialized='table') }}select toNullable(toInt32(number)) as id from numbers(3)",
      'models/schema.yml': yml('m', `      - name: id
        data_type: Int32
`),
    };
    const { p, project } = setup(files);
    expectStatuses(await project.run(), { m: 'success' });
    p.write({ 'models/m.sql': "{{ config(materialized='table') }}select if(number = 1, NULL, toInt32(number)) as id from numbers(3)" });
    const again = setup.reopen(p);
    const result = await again.run();
    expectStatuses(result, { m: 'error' });
    expect(result.results[0]!.message).toMatch(/returned NULL in a column its contract declares non-Nullable: id \(Int32\)/);
    expect((await queryRows<{ n: string }>(again, `SELECT count() AS n FROM \`${p.schema}\`.m`))[0]!.n).toBe('3');
  });

  it('fails a model with an enforced contract but no columns when run; a YAML entry without columns fails at load (dbt)', async () => {
    const { project } = setup({ 'models/m.sql': "{{ config(materialized='table', contract={'enforced': true}) }}select 1 as id" });
    const result = await project.run();
    expectStatuses(result, { m: 'error' });
    expect(result.results[0]!.message).toBe("Compilation Error in model m (models/m.sql)\n  This model has an enforced contract, and its 'columns' specification is missing");
    expect(() => setup({ 'models/m.sql': 'select 1 as id', 'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    config:\n      contract: {enforced: true}\n' })).toThrow(
      /Contract enforcement failed for: \(models\/m.sql\)/,
    );
  });

  it('checks and casts the columns of a contracted view', async () => {
    const { p, project } = setup({
      'models/v.sql': "select toLowCardinality('a') as code, toInt32(1) as id",
      'models/schema.yml': yml('v', `      - name: id
        data_type: Int32
      - name: code
        data_type: String
`),
    });
    expectStatuses(await project.run(), { v: 'success' });
    expect(await describeTable(project, p.schema, 'v')).toEqual(['id Int32', 'code String']);
  });

  it('writes contract and constraints to manifest.json', async () => {
    const { p, project } = setup({
      'models/m.sql': "{{ config(materialized='table') }}select toInt32(1) as id",
      'models/schema.yml': yml('m', `      - name: id
        data_type: Int32
        constraints: [{type: not_null}]
`, '    constraints:\n      - type: check\n        name: positive\n        expression: id > 0\n'),
    });
    await project.compile();
    const node = JSON.parse(readFileSync(join(p.dir, 'target', 'manifest.json'), 'utf8')).nodes['model.proj.m'];
    // dbt's contract checksum: the declared columns' names and types (state:modified.contract compares it)
    expect(node.contract).toEqual({ enforced: true, alias_types: true, checksum: createHash('sha256').update('idInt32').digest('hex') });
    expect(node.constraints).toEqual([{ type: 'check', name: 'positive', expression: 'id > 0', warn_unenforced: true, warn_unsupported: true, to: null, to_columns: [] }]);
    expect(node.columns.id.constraints).toEqual([{ type: 'not_null', name: null, expression: null, warn_unenforced: true, warn_unsupported: true, to: null, to_columns: [] }]);
  });
});

describe('constraints', () => {
  const constrained = (sql: string) => ({
    'models/pay.sql': `{{ config(materialized='table') }}${sql}`,
    'models/schema.yml': yml('pay', `      - name: id
        data_type: Nullable(Int32)
        constraints:
          - type: not_null
          - type: primary_key
      - name: amount
        data_type: Int32
        constraints:
          - type: check
            name: amount_not_negative
            expression: amount >= 0
      - name: note
        data_type: String
        constraints:
          - type: unique
`),
  });

  it('makes not_null and primary_key columns non-Nullable, the primary key the ORDER BY, CHECK a table constraint; unique warns once, when the model builds', async () => {
    const { p, project } = setup(constrained("select toInt32(number) as id, toInt32(number * 10) as amount, 'x' as note from numbers(3)"));
    const constraintWarnings = () => p.events.filter((e) => e.type === 'warning' && /constraint type (unique|primary_key) is not (supported|enforced) by clickhouse/.test(e.message));
    // dbt's adapters say ConstraintNotSupported / ConstraintNotEnforced as they build the table, not when the project is read (ls, show…).
    expect(constraintWarnings()).toHaveLength(0);
    expectStatuses(await project.run(), { pay: 'success' });
    expect(p.events.filter((e) => e.type === 'warning' && /constraint type unique is not supported by clickhouse/.test(e.message))).toHaveLength(1);
    expect(p.events.filter((e) => e.type === 'warning' && /primary_key is not enforced/.test(e.message))).toHaveLength(1);
    expect(await describeTable(project, p.schema, 'pay')).toEqual(['id Int32', 'amount Int32', 'note String']);
    const [t] = await queryRows<{ sorting_key: string; create_table_query: string }>(project, `SELECT sorting_key, create_table_query FROM system.tables WHERE database = '${p.schema}' AND name = 'pay'`);
    expect(t!.sorting_key).toBe('id');
    expect(t!.create_table_query).toMatch(/CONSTRAINT amount_not_negative CHECK \(?amount >= 0\)?/);
  });

  it('a row breaking a CHECK constraint fails the build (ClickHouse enforces it) and the previous table is intact', async () => {
    const { p, project } = setup(constrained("select toInt32(number) as id, toInt32(number) as amount, 'x' as note from numbers(3)"));
    expectStatuses(await project.run(), { pay: 'success' });
    p.write({ 'models/pay.sql': "{{ config(materialized='table') }}select toInt32(number) as id, toInt32(toInt32(number) - 1) as amount, 'y' as note from numbers(5)" });
    const again = setup.reopen(p);
    const result = await again.run();
    expectStatuses(result, { pay: 'error' });
    expect(result.results[0]!.message).toMatch(/a row breaks constraint amount_not_negative \(CHECK amount >= 0\)/);
    expect(await queryRows(again, `SELECT id, amount, note FROM \`${p.schema}\`.pay ORDER BY id`)).toEqual([
      { id: 0, amount: 0, note: 'x' },
      { id: 1, amount: 1, note: 'x' },
      { id: 2, amount: 2, note: 'x' },
    ]);
  });

  it('refuses several column-level primary keys, as dbt', () => {
    expect(() =>
      setup({
        'models/m.sql': 'select 1 as a, 2 as b',
        'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: a\n        constraints: [{type: primary_key}]\n      - name: b\n        constraints: [{type: primary_key}]\n',
      }),
    ).toThrow(/Found 2 columns \(a, b\) with primary key constraints defined/);
  });

  it('rejects a constraint of an unknown type', () => {
    expect(() => setup({ 'models/m.sql': 'select 1 as a', 'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    constraints: [{type: exclusion}]\n' })).toThrow(
      /Invalid constraint type on model 'm': 'exclusion'/,
    );
  });
});

describe('contracts on incremental models', () => {
  const incremental = (onSchemaChange: string, sql: string) => ({
    'models/inc.sql': `{{ config(materialized='incremental', on_schema_change='${onSchemaChange}') }}${sql}`,
    'models/schema.yml': yml('inc', `      - name: id
        data_type: Int64
      - name: amount
        data_type: Int32
        constraints: [{type: check, name: positive, expression: 'amount > 0'}]
`),
  });

  it("requires on_schema_change 'append_new_columns' or 'fail' (dbt's rule: the default 'ignore' is refused)", () => {
    expect(() => setup(incremental('ignore', 'select toInt64(1) as id, toInt32(1) as amount'))).toThrow(
      /Models materialized as incremental with contracts enabled must set on_schema_change to 'append_new_columns' or 'fail'/,
    );
  });

  it('appends rows cast to the declared types; a row breaking a constraint leaves the table as it was (no half-appended rows)', async () => {
    const sql = "select toNullable(toInt64(number)) as id, toInt32(number + 1) as amount from numbers(3){% if is_incremental() %} where 0{% endif %}";
    const { p, project } = setup(incremental('fail', sql));
    expectStatuses(await project.run(), { inc: 'success' });
    expect(await describeTable(project, p.schema, 'inc')).toEqual(['id Int64', 'amount Int32']);
    p.write({ 'models/inc.sql': "{{ config(materialized='incremental', on_schema_change='fail') }}select toNullable(toInt64(number + 10)) as id, toInt32(if(number = 299999, -1, number + 1)) as amount from numbers(300000)" });
    const again = setup.reopen(p);
    const result = await again.run();
    expectStatuses(result, { inc: 'error' });
    expect(result.results[0]!.message).toMatch(/breaks constraint positive/);
    expect((await queryRows<{ n: string }>(again, `SELECT count() AS n FROM \`${p.schema}\`.inc`))[0]!.n).toBe('3');
    p.write({ 'models/inc.sql': "{{ config(materialized='incremental', on_schema_change='fail') }}select toInt64(number + 10) as id, toInt32(number + 1) as amount from numbers(2)" });
    expectStatuses(await setup.reopen(p).run(), { inc: 'success' });
    expect((await queryRows<{ n: string }>(again, `SELECT count() AS n FROM \`${p.schema}\`.inc`))[0]!.n).toBe('5');
  });

  it('append_new_columns adds a newly declared column with its declared type and keeps the constraints', async () => {
    const { p, project } = setup(incremental('append_new_columns', 'select toInt64(number) as id, toInt32(number + 1) as amount from numbers(2)'));
    expectStatuses(await project.run(), { inc: 'success' });
    p.write({
      'models/inc.sql': "{{ config(materialized='incremental', on_schema_change='append_new_columns') }}select toInt64(number + 5) as id, toInt32(number + 1) as amount, toNullable('n') as note from numbers(1)",
      'models/schema.yml': incremental('append_new_columns', '')['models/schema.yml'] + '      - name: note\n        data_type: LowCardinality(String)\n',
    });
    const again = setup.reopen(p);
    expectStatuses(await again.run(), { inc: 'success' });
    expect(await describeTable(again, p.schema, 'inc')).toEqual(['id Int64', 'amount Int32', 'note LowCardinality(String)']);
    const [t] = await queryRows<{ q: string }>(again, `SELECT create_table_query AS q FROM system.tables WHERE database = '${p.schema}' AND name = 'inc'`);
    expect(t!.q).toMatch(/CONSTRAINT positive CHECK/);
    expect((await queryRows<{ n: string }>(again, `SELECT count() AS n FROM \`${p.schema}\`.inc`))[0]!.n).toBe('3');
  });
});
