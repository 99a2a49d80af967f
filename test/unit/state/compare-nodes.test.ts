import { describe, expect, it } from 'vitest';
import { compareContract, modifiedMacros, sameBody, sameConfig, sameContents, sameRelation } from '../../../packages/core/src/state/compare-nodes.js';
const model = (over: Record<string, unknown> = {}) => ({
  resource_type: 'model', name: 'm', fqn: ['p', 'm'], raw_code: 'select 1', description: '',
  config: { materialized: 'view', tags: [], meta: {} }, columns: {}, checksum: { name: 'sha256', checksum: 'x' },
  ...over,
});

describe('node comparisons (dbt same_* rules)', () => {
  it('compares configs without database/schema/alias, which .relation compares', () => {
    const old = model({ config: { materialized: 'view', schema: 'a', tags: [], meta: {} } });
    const cur = model({ config: { materialized: 'view', schema: 'b', tags: [], meta: {} } });
    expect(sameConfig(cur, old)).toBe(true);
    expect(sameRelation(cur, old)).toBe(false);
    expect(sameContents(cur, old)).toBe(false);
    // key order does not matter
    expect(sameConfig(model({ config: { meta: {}, tags: [], materialized: 'view' } }), model())).toBe(true);
  });

  it("a test's unset schema is dbt's TestConfig default: a manifest holding null and one holding dbt_test__audit name the same relation", () => {
    const test = (schema: unknown) => model({ resource_type: 'test', config: { materialized: 'test', schema, tags: [], meta: {} } });
    expect(sameRelation(test('dbt_test__audit'), test(null))).toBe(true);
    expect(sameRelation(test('dbt_test__audit'), test(undefined))).toBe(true);
    expect(sameRelation(test('audit2'), test(null))).toBe(false);
    expect(sameRelation(model({ config: { schema: 'dbt_test__audit' } }), model({ config: { schema: null } }))).toBe(false);
  });

  it("compares a model's code as written, as dbt's same_body (raw_code ==): whitespace and comments are changes", () => {
    const code = (raw: string) => model({ raw_code: raw });
    expect(sameBody(code('select a+b as c'), code('select a+b as c'))).toBe(true);
    expect(sameBody(code('select a + b as c'), code('select a+b as c'))).toBe(false);
    expect(sameBody(code('select 1 -- why\n'), code('select 1\n'))).toBe(false);
    expect(sameBody(code('{# note #}select 1'), code('select 1'))).toBe(false);
    // dbt's raw_code is the file stripped at both ends: blank lines around the code are no change
    expect(sameBody(code('\nselect 1\n\n'), code('select 1'))).toBe(true);
  });

  it('compares seeds by their file checksum', () => {
    const seed = (sum: string) => ({ ...model(), resource_type: 'seed', raw_code: undefined, checksum: { name: 'sha256', checksum: sum } });
    expect(sameBody(seed('a'), seed('a'))).toBe(true);
    expect(sameBody(seed('a'), seed('b'))).toBe(false);
  });

  it('a source: description changes are not changes, freshness changes are', () => {
    const source = (over: Record<string, unknown>) => ({ resource_type: 'source', fqn: ['p', 's', 't'], schema: 'raw', identifier: 't', config: {}, description: '', ...over });
    expect(sameContents(source({ description: 'new' }), source({}))).toBe(true);
    expect(sameContents(source({ freshness: { warn_after: { count: 1, period: 'day' } } }), source({}))).toBe(false);
    expect(sameBody(source({}), source({}))).toBeUndefined();
  });

  it('a contract: enforcing is a change, removing a column or changing a type is a breaking change', () => {
    const contracted = (cols: Record<string, string>, enforced = true) =>
      model({ contract: { enforced, checksum: JSON.stringify(cols) }, columns: Object.fromEntries(Object.entries(cols).map(([n, t]) => [n, { name: n, data_type: t }])) });
    expect(compareContract(contracted({ id: 'Int32' }), contracted({ id: 'Int32' }))).toEqual({ same: true, breaking: [] });
    expect(compareContract(contracted({ id: 'Int32' }), contracted({ id: 'Int32' }, false))).toEqual({ same: false, breaking: [] });
    expect(compareContract(contracted({ id: 'Int32', x: 'String' }), contracted({ id: 'Int32' }))).toEqual({ same: false, breaking: [] });
    // dbt's words (ModelNode.same_contract)
    expect(compareContract(contracted({ id: 'Int64' }), contracted({ id: 'Int32', x: 'String' })).breaking).toEqual([
      'Columns were removed: \n    - x',
      'Columns with data_type changes: \n    - id (Int32 -> Int64)',
    ]);
    expect(compareContract(contracted({ id: 'Int32' }, false), contracted({ id: 'Int32' })).breaking).toEqual([
      'Contract enforcement was removed: Previously, this model had an enforced contract. It is no longer configured to enforce its contract, and this is a breaking change.',
    ]);
    // a materialization change is breaking only with constraints declared (they were enforced by the table)
    const view = (m: Record<string, unknown>) => ({ ...m, config: { ...(m.config as object), materialized: 'view' } });
    const table = (m: Record<string, unknown>) => ({ ...m, config: { ...(m.config as object), materialized: 'table' } });
    expect(compareContract(view(contracted({ id: 'Int64' })), table(contracted({ id: 'Int32' }))).breaking).toEqual(['Columns with data_type changes: \n    - id (Int32 -> Int64)']);
    expect(compareContract(view(contracted({ id: 'Int64' })), { ...table(contracted({ id: 'Int32' })), constraints: [{ type: 'check', expression: 'id > 0' }] }).breaking).toEqual([
      'Columns with data_type changes: \n    - id (Int32 -> Int64)',
      'Materialization changed with enforced constraints: \n    - table -> view',
    ]);
  });

  it('modified macros: changed text, added and removed', () => {
    const cur = new Map([['macro.p.a', { macro_sql: 'A2' }], ['macro.p.b', { macro_sql: 'B' }], ['macro.p.new', { macro_sql: 'N' }]]);
    const old = new Map([['macro.p.a', { macro_sql: 'A' }], ['macro.p.b', { macro_sql: 'B' }], ['macro.p.gone', { macro_sql: 'G' }]]);
    expect([...modifiedMacros(cur, old)].sort()).toEqual(['macro.p.a', 'macro.p.gone', 'macro.p.new']);
  });
});
