import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/unit_testing/test_unit_testing.py, the versioned-ref classes: a unit test
 * of a model that refs a versioned model, its input given as ref('source') (the latest version) or a
 * pinned version. Ported as written (six classes); a model named `source` is fine on ClickHouse.
 * Also TestUnitTestIncrementalModelWithAlias / …WithVersion: an incremental model's unit tests
 * (is_incremental overridden, `this` an input) with an alias, or as the v1 of a versioned model.
 * TestUnitTestInvalidInputConfiguration: a fixture value of the wrong type fails the test at run
 * time; an input naming a model that does not exist fails that unit test with "not found in the
 * manifest" (dbt resolves inputs when the test runs: the rest of the project builds).
 */
const schema = (latest: number, input: string) => `
models:
  - name: source
    latest_version: ${latest}
    versions:
        - v: 1
        - v: 2
  - name: model_to_test
unit_tests:
  - name: ref_versioned
    model: 'model_to_test'
    given:
    - input: ${input}
      rows:
        - {result: 3}
    expect:
      rows:
        - {result: 3}
`;

const cases: { cls: string; model: string; files: Record<string, string>; latest: number; input: string; pass: boolean }[] = [
  { cls: 'TestUnitTestRefWithVersion', model: "select result from {{ ref('source')}}", files: { 'source.sql': 'select 2 as result', 'source_v2.sql': 'select 2 as result' }, latest: 1, input: "ref('source')", pass: true },
  { cls: 'TestUnitTestRefMissingVersionModel', model: "select result from {{ ref('source')}}", files: { 'source_v1.sql': 'select 2 as result', 'source_v2.sql': 'select 2 as result' }, latest: 1, input: "ref('source', v=1)", pass: true },
  { cls: 'TestUnitTestRefWithMissingVersionRef', model: "select result from {{ ref('source', v=1)}}", files: { 'source_v1.sql': 'select 2 as result', 'source_v2.sql': 'select 2 as result' }, latest: 1, input: "ref('source')", pass: true },
  { cls: 'TestUnitTestRefWithVersionLatestSecond', model: "select result from {{ ref('source')}}", files: { 'source_v1.sql': 'select 2 as result', 'source_v2.sql': 'select 2 as result' }, latest: 2, input: "ref('source')", pass: true },
  { cls: 'TestUnitTestRefWithVersionMissingRefTest', model: "select result from {{ ref('source', v=2)}}", files: { 'source_v1.sql': 'select 2 as result', 'source_v2.sql': 'select 2 as result' }, latest: 1, input: "ref('source')", pass: false },
  { cls: 'TestUnitTestRefWithVersionDiffLatest', model: "select result from {{ ref('source', v=2)}}", files: { 'source_v1.sql': 'select 2 as result', 'source_v2.sql': 'select 2 as result' }, latest: 1, input: "ref('source', v=2)", pass: true },
];

describe('unit_testing/test_unit_testing.py: inputs of versioned models', () => {
  for (const c of cases)
    it(`${c.cls}: the unit test ${c.pass ? 'passes' : "fails with dbt's compilation error"}`, async () => {
      const p = dbtProject({ models: { 'model_to_test.sql': c.model, ...c.files, 'schema.yml': schema(c.latest, c.input) } });
      const run = await p.dbt(['run']);
      expect(run.results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
      const tested = await p.dbt(['test', '--select', 'model_to_test'], { expectPass: c.pass });
      expect(tested.results).toHaveLength(1);
      if (c.pass) expect(tested.results[0]!.status).toBe('pass');
      else expect(tested.results[0]!.message!.toLowerCase().trimStart()).toMatch(/^compilation error/);
    });
});

const INCREMENTAL = (alias: string) => `
{{
    config(
        materialized='incremental'${alias}
    )
}}

select * from {{ ref('events') }}
{% if is_incremental() %}
where event_time > (select max(event_time) from {{ this }})
{% endif %}
`;
const EVENTS = "\nselect DATE '2020-01-01' as event_time, 1 as event\nunion all\nselect DATE '2020-01-02' as event_time, 2 as event\nunion all\nselect DATE '2020-01-03' as event_time, 3 as event\n";
const INCREMENTAL_TESTS = `
unit_tests:
  - name: incremental_false
    model: my_incremental_model
    overrides:
      macros:
        is_incremental: false
    given:
      - input: ref('events')
        rows:
          - {event_time: "2020-01-01", event: 1}
    expect:
      rows:
        - {event_time: "2020-01-01", event: 1}
  - name: incremental_true
    model: my_incremental_model
    overrides:
      macros:
        is_incremental: true
    given:
      - input: ref('events')
        rows:
          - {event_time: "2020-01-01", event: 1}
          - {event_time: "2020-01-02", event: 2}
          - {event_time: "2020-01-03", event: 3}
      - input: this
        rows:
          - {event_time: "2020-01-01", event: 1}
    expect:
      rows:
        - {event_time: "2020-01-02", event: 2}
        - {event_time: "2020-01-03", event: 3}
`;
const VERSIONED = '\nmodels:\n  - name: my_incremental_model\n    latest_version: 1\n    versions:\n      - v: 1\n';

describe('unit_testing/test_unit_testing.py: incremental models with an alias or a version', () => {
  for (const [cls, model, yml] of [
    ['TestUnitTestIncrementalModelWithAlias', INCREMENTAL(",\n        alias='alias_name'"), INCREMENTAL_TESTS],
    ['TestUnitTestIncrementalModelWithVersion', INCREMENTAL(''), VERSIONED + INCREMENTAL_TESTS],
  ] as const)
    it(`${cls}: run builds 2 models; test --select my_incremental_model runs its 2 unit tests, both pass`, async () => {
      const p = dbtProject({ models: { 'my_incremental_model.sql': model, 'events.sql': EVENTS, 'schema.yml': yml } });
      expect((await p.dbt(['run'])).results).toHaveLength(2);
      const tested = await p.dbt(['test', '--select', 'my_incremental_model']);
      expect(tested.results.map((r) => r.status)).toEqual(['pass', 'pass']);
    });
});

const MY_MODEL = "\nSELECT\na+b as c,\nconcat(string_a, string_b) as string_c,\nnot_testing, date_a\nFROM {{ ref('my_model_a')}} my_model_a\nJOIN {{ ref('my_model_b' )}} my_model_b\nON my_model_a.id = my_model_b.id\n";
const MY_MODEL_A = "\nSELECT\n1 as a,\n1 as id,\n2 as not_testing,\n'a' as string_a,\nDATE '2020-01-02' as date_a\n";
const MY_MODEL_B = "\nSELECT\n2 as b,\n1 as id,\n2 as c,\n'b' as string_b\n";
const invalidYml = (input: string, a: string) => `
unit_tests:
  - name: test_my_model
    model: my_model
    given:
      - input: ${input}
        rows:
          - {id: 1, a: ${a}}
      - input: ref('my_model_b')
        rows:
          - {id: 1, b: 2}
          - {id: 2, b: 2}
    expect:
      rows:
        - {c: 3}
`;

describe('unit_testing/test_unit_testing.py TestUnitTestInvalidInputConfiguration', () => {
  it('a wrongly typed fixture value fails the test; an input of a model not in the project fails with "not found in the manifest"', async () => {
    const p = dbtProject({ models: { 'my_model.sql': MY_MODEL, 'my_model_a.sql': MY_MODEL_A, 'my_model_b.sql': MY_MODEL_B, 'test_my_model.yml': invalidYml("ref('my_model_a')", '"a"') } });
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    await p.dbt(['test'], { expectPass: false });
    p.write({ 'models/test_my_model.yml': invalidYml("ref('my_model_x')", '1') });
    const r = await p.dbt(['test'], { expectPass: false });
    expect(r.results.map((x) => x.status)).toEqual(['error']);
    expect(r.results[0]!.message).toContain("Unit test 'test_my_model' had an input (ref('my_model_x')) which was not found in the manifest.");
  });

  it('beyond the port: the bad unit test errors alone — build builds the other models, ls lists it, compile succeeds as dbt', async () => {
    const p = dbtProject({ models: { 'my_model.sql': MY_MODEL, 'my_model_a.sql': MY_MODEL_A, 'my_model_b.sql': MY_MODEL_B, 'test_my_model.yml': invalidYml("ref('my_model_x')", '1') } });
    const built = await p.dbt(['build'], { expectPass: false });
    const status = Object.fromEntries(built.results.map((x) => [x.unique_id, x.status]));
    expect(status).toMatchObject({ 'model.test.my_model_a': 'success', 'model.test.my_model_b': 'success', 'unit_test.test.my_model.test_my_model': 'error' });
    // dbt's build: a model whose unit test errors is skipped.
    expect(status['model.test.my_model']).toBe('skipped');
    expect((await p.dbt(['ls', '--resource-type', 'unit_test'])).out.join('\n')).toContain('test_my_model');
    await p.dbt(['compile']);
    // dbt's manifest lists the unresolved input as written, in its place (UnitTestDefinition.given).
    const given = p.readJson('target/manifest.json').unit_tests['unit_test.test.my_model.test_my_model'].given;
    expect(given).toEqual([
      { input: "ref('my_model_x')", format: 'dict', rows: [{ id: 1, a: 1 }], fixture: null },
      { input: "ref('my_model_b')", format: 'dict', rows: [{ id: 1, b: 2 }, { id: 2, b: 2 }], fixture: null },
    ]);
    // A ref/source/this call is checked when the test runs too (dbt's InvalidUnitTestGivenInput).
    p.write({ 'models/test_my_model.yml': invalidYml("my_model_a", '1') });
    const r = await p.dbt(['test'], { expectPass: false });
    expect(r.results[0]!.message).toContain("Unit test given inputs must be either a 'ref', 'source' or 'this' call. Got: 'my_model_a'.");
  });
});
