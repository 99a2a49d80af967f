import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const unitTest = (name: string, model: string, input: string, expectRows: string) => `  - name: ${name}
    model: ${model}
    config: {tags: [ut_${name}]}
    given:
      - input: ref('${input}')
        rows: [{id: 1}, {id: 2}]
    expect:
      rows: [${expectRows}]
`;

const files = {
  'models/a.sql': 'select toInt32(1) as id',
  'models/b.sql': "select id * 2 as id from {{ ref('a') }}",
  'models/c.sql': "select id + 1 as id from {{ ref('b') }}",
  'models/schema.yml': `version: 2
models:
  - name: a
    columns:
      - name: id
        data_tests: [not_null]
unit_tests:
${unitTest('b_doubles', 'b', 'a', '{id: 2}, {id: 4}')}${unitTest('c_adds_one', 'c', 'b', '{id: 2}, {id: 3}')}`,
};

describe('selecting unit tests', () => {
  it('test_type:unit, unit_test:, resource_type:unit_test and tags pick unit tests; a model selects its unit tests indirectly', () => {
    const { project: p } = setup(files);
    const ids = (select: string) => p.select({ select: [select] }).filter((id) => id.startsWith('unit_test.'));
    expect(p.select({ select: ['test_type:unit'] })).toEqual(['unit_test.proj.b.b_doubles', 'unit_test.proj.c.c_adds_one']);
    expect(p.select({ select: ['test_type:data'] }).map((id) => id.split('.')[0])).toEqual(['test']);
    expect(p.select({ select: ['unit_test:c_adds_one'] })).toEqual(['unit_test.proj.c.c_adds_one']);
    expect(p.select({ select: ['unit_test:proj.b.*'] })).toEqual(['unit_test.proj.b.b_doubles']);
    expect(p.select({ select: ['resource_type:unit_test'] })).toHaveLength(2);
    expect(p.select({ select: ['tag:ut_b_doubles'] })).toEqual(['unit_test.proj.b.b_doubles']);
    expect(ids('b')).toEqual(['unit_test.proj.b.b_doubles']);
    expect(ids('a+')).toEqual(['unit_test.proj.b.b_doubles', 'unit_test.proj.c.c_adds_one']);
  });

  it('tsdbt run runs no unit test; tsdbt test runs them without building anything', async () => {
    const { project: p } = setup(files);
    expectStatuses(await p.test({ select: ['test_type:unit'] }), { b_doubles: 'pass', c_adds_one: 'pass' });
    expect((await p.run()).results.map((r) => r.node.resourceType)).toEqual(['model', 'model', 'model']);
  });
});

describe('unit tests and state:', () => {
  it("state:modified picks a unit test whose given, expect or overrides changed (dbt's unit test checksum)", async () => {
    const { p, project } = setup(files);
    await project.compile();
    cpSync(join(p.dir, 'target'), join(p.dir, 'state'), { recursive: true });
    p.write({ 'models/schema.yml': files['models/schema.yml'].replace('{id: 2}, {id: 3}', '{id: 2}, {id: 30}') });
    const next = p.open();
    expect(next.select({ select: ['state:modified'], state: 'state' })).toEqual(['unit_test.proj.c.c_adds_one']);
    await next.close();
  });
});

describe('unit tests in build', () => {
  it("runs a model's unit tests before the model (after its inputs) and skips the model and its descendants when one fails", async () => {
    const failing = { ...files, 'models/schema.yml': files['models/schema.yml'].replace('{id: 2}, {id: 4}', '{id: 2}, {id: 5}') };
    const { project: p } = setup(failing);
    const result = await p.build();
    expectStatuses(result, { a: 'success', not_null_a_id: 'pass', b_doubles: 'fail', b: 'skipped', c_adds_one: 'skipped', c: 'skipped' });
    const order = result.results.map((r) => r.node.name);
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b_doubles'));
    expect(result.results.find((r) => r.node.name === 'b')!.message).toContain('unit_test.proj.b.b_doubles');
  });

  it('builds the model once its unit tests pass, and writes unit tests to run_results and manifest.json as dbt does', async () => {
    const { p, project } = setup(files);
    const result = await project.build();
    expectStatuses(result, { a: 'success', not_null_a_id: 'pass', b_doubles: 'pass', b: 'success', c_adds_one: 'pass', c: 'success' });
    const order = result.results.map((r) => r.node.name);
    expect(order.indexOf('b_doubles')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('c_adds_one')).toBeLessThan(order.indexOf('c'));
    const runResults = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8'));
    expect(runResults.results.find((r: { unique_id: string }) => r.unique_id === 'unit_test.proj.b.b_doubles')).toMatchObject({ status: 'pass', failures: 0, relation_name: null });
    const manifest = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8'));
    expect(manifest.nodes['unit_test.proj.b.b_doubles']).toBeUndefined();
    expect(manifest.unit_tests['unit_test.proj.b.b_doubles']).toMatchObject({
      resource_type: 'unit_test',
      model: 'b',
      name: 'b_doubles',
      given: [{ input: "ref('a')", format: 'dict', rows: [{ id: 1 }, { id: 2 }] }],
      expect: { format: 'dict', rows: [{ id: 2 }, { id: 4 }] },
      depends_on: { nodes: ['model.proj.b'] },
      fqn: ['proj', 'b', 'b_doubles'],
    });
    expect(manifest.child_map['model.proj.b']).toContain('unit_test.proj.b.b_doubles');
  });
});

describe('unit test errors', () => {
  it("says which input a model reads that the test does not give (a unit test never reads the warehouse's tables)", async () => {
    const { project: p } = setup({
      ...files,
      'models/schema.yml': `version: 2
unit_tests:
  - name: missing_input
    model: b
    given: []
    expect: {rows: [{id: 2}]}
`,
    });
    const r = (await p.test()).results[0]!;
    expect(r.status).toBe('error');
    expect(r.message).toContain("the model reads ref('a'), which is not among the test's given inputs");
  });

  it("an input that is not ref/source/this errors that unit test when it runs (dbt: not at parse); an unknown model fails the load, with dbt's messages", async () => {
    const bad = (entry: string) => ({ 'models/a.sql': 'select 1 as id', 'models/u.yml': `version: 2\nunit_tests:\n${entry}` });
    const { project: p } = setup(bad(`  - name: t
    model: a
    given:
      - input: "ref('a', revision=2)"
        rows: []
    expect: {rows: []}
`));
    const r = (await p.test()).results[0]!;
    expect(r.status).toBe('error');
    expect(r.message).toContain("Unit test given inputs must be either a 'ref', 'source' or 'this' call. Got: 'ref('a', revision=2)'.");
    expect(() => setup(bad(`  - name: t
    model: nope
    given: []
    expect: {rows: []}
`))).toThrow("Unable to find model 'proj.nope' for unit test 't' in models/u.yml");
  });
});
