import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual, type DbtProject } from '../adapter-suite/dbt-project.js';
import * as F from './sources-fixtures.js';

/*
 * dbt-core tests/functional/sources/test_simple_source.py: sources with Jinja-rendered schemas
 * (var(env_var(...))), quoting, tags on sources, tables and columns, source selectors (`source:x+`,
 * `@source:x`, `tag:`), source tests, a source in a run-operation, a malformed test entry, tests
 * whose arguments are rendered. ClickHouse: a "schema" is a database (created with CREATE DATABASE),
 * `engine = Memory` tables, `optimize table … final` for `vacuum`.
 */
const { MODELS, SEEDS, PROJECT } = F;

let previousEnv: string | undefined;
beforeAll(() => {
  previousEnv = process.env.DBT_TEST_SCHEMA_NAME_VARIABLE;
  process.env.DBT_TEST_SCHEMA_NAME_VARIABLE = 'test_run_schema';
});
afterAll(() => {
  if (previousEnv === undefined) delete process.env.DBT_TEST_SCHEMA_NAME_VARIABLE;
  else process.env.DBT_TEST_SCHEMA_NAME_VARIABLE = previousEnv;
});

const withVars = (p: DbtProject, args: string[], alt = true) => [
  ...args,
  '--vars',
  JSON.stringify({ test_run_schema: p.schema, ...(alt ? { test_run_alt_schema: `${p.schema}_other` } : {}), test_loaded_at: '`updated_at`' }),
];

/** SuccessfulSourcesTest: seeded, a dummy table and a view over it in an alternative schema. */
async function successful(extra: Partial<Parameters<typeof dbtProject>[0]> = {}): Promise<DbtProject> {
  const p = dbtProject({ models: MODELS, seeds: SEEDS, macros: { 'macro.sql': F.MACROS_MACRO_SQL }, projectConfig: PROJECT, ...extra });
  await p.dbt(withVars(p, ['seed']));
  await p.query(`DROP DATABASE IF EXISTS ${p.schema}_other`);
  await p.query(`CREATE DATABASE ${p.schema}_other`);
  await p.query(`CREATE TABLE ${p.schema}.dummy_table (id Int32) engine = Memory`);
  await p.query(`CREATE VIEW ${p.schema}_other.external_view AS (SELECT * FROM ${p.schema}.dummy_table)`);
  return p;
}
const absent = async (p: DbtProject, names: string[]) => expect(await p.relationTypes(names)).toEqual(Object.fromEntries(names.map((n) => [n, undefined])));

describe('sources (sources/test_simple_source.py)', () => {
  it('TestBasicSource: run builds 4 models, the source tests pass', async () => {
    const p = await successful();
    try {
      expect((await p.dbt(withVars(p, ['run']))).results).toHaveLength(4);
      await expectRelationsEqual(p, ['source', 'descendant_model', 'nonsource_descendant']);
      await expectRelationsEqual(p, ['expected_multi_source', 'multi_source_model']);
      expect((await p.dbt(withVars(p, ['test']))).results).toHaveLength(8);
    } finally {
      await p.query(`DROP DATABASE IF EXISTS ${p.schema}_other`);
    }
  });

  it('TestSourceSelector: source:, tag: on sources, tables and columns', async () => {
    const p = await successful();
    try {
      expect((await p.dbt(withVars(p, ['run', '--models', 'source:test_source.test_table+']))).results).toHaveLength(1);
      await expectRelationsEqual(p, ['source', 'descendant_model']);
      await absent(p, ['nonsource_descendant', 'multi_source_model']);
      expect((await p.dbt(withVars(p, ['run', '--models', 'tag:my_test_source_table_tag+']))).results).toHaveLength(1);
      expect((await p.dbt(withVars(p, ['test', '--models', 'source:test_source.test_table+']))).results).toHaveLength(6);
      expect((await p.dbt(withVars(p, ['test', '--models', 'tag:my_test_source_table_tag+']))).results).toHaveLength(6);
      expect((await p.dbt(withVars(p, ['test', '--models', 'tag:my_test_source_tag+']))).results).toHaveLength(8);
      expect((await p.dbt(withVars(p, ['test', '--models', 'tag:id_column']))).results).toHaveLength(4);
    } finally {
      await p.query(`DROP DATABASE IF EXISTS ${p.schema}_other`);
    }
  });

  it('TestEmptySource: a source alone selects nothing to run', async () => {
    const p = await successful();
    try {
      const r = await p.dbt(withVars(p, ['run', '--models', 'source:test_source.test_table']));
      await absent(p, ['nonsource_descendant', 'multi_source_model', 'descendant_model']);
      expect(r.results).toHaveLength(0);
    } finally {
      await p.query(`DROP DATABASE IF EXISTS ${p.schema}_other`);
    }
  });

  it('TestSourceDef: source:other_source+, then source:test_source+', async () => {
    const p = await successful();
    try {
      expect((await p.dbt(withVars(p, ['run', '--models', 'source:other_source+']))).results).toHaveLength(1);
      await expectRelationsEqual(p, ['expected_multi_source', 'multi_source_model']);
      await absent(p, ['nonsource_descendant', 'descendant_model']);
      expect((await p.dbt(withVars(p, ['run', '--models', 'source:test_source+']))).results).toHaveLength(2);
      await expectRelationsEqual(p, ['source', 'descendant_model']);
      await expectRelationsEqual(p, ['expected_multi_source', 'multi_source_model']);
      await absent(p, ['nonsource_descendant']);
    } finally {
      await p.query(`DROP DATABASE IF EXISTS ${p.schema}_other`);
    }
  });

  it("TestSourceChildrenParents: @source:test_source", async () => {
    const p = await successful();
    try {
      expect((await p.dbt(withVars(p, ['run', '--models', '@source:test_source']))).results).toHaveLength(2);
      await expectRelationsEqual(p, ['source', 'descendant_model']);
      await expectRelationsEqual(p, ['expected_multi_source', 'multi_source_model']);
      await absent(p, ['nonsource_descendant']);
    } finally {
      await p.query(`DROP DATABASE IF EXISTS ${p.schema}_other`);
    }
  });

  it('TestSourceRunOperation: source() in a run-operation macro', async () => {
    const p = await successful();
    try {
      await p.dbt(withVars(p, ['run-operation', 'vacuum_source', '--args', '{"source_name": "test_source", "table_name": "test_table"}']));
    } finally {
      await p.query(`DROP DATABASE IF EXISTS ${p.schema}_other`);
    }
  });

  it('TestMalformedSources: a test entry that is a list of one-key mappings fails the parse (even seed)', async () => {
    const p = dbtProject({ models: { 'schema.yml': F.MALFORMED_MODELS_SCHEMA_YML, 'descendant_model.sql': F.MALFORMED_MODELS_DESCENDANT_MODEL_SQL }, seeds: SEEDS, projectConfig: PROJECT });
    const r = await p.dbt(withVars(p, ['seed'], false), { expectPass: false });
    expect(r.code).toBe(2);
  });

  it("TestRenderingInSourceTests: a test argument's Jinja is rendered ('favorite' ~ 'color' names no column: the test errors)", async () => {
    const p = dbtProject({ models: { 'schema.yml': F.MALFORMED_SCHEMA_TESTS_SCHEMA_YML, 'model.sql': F.MALFORMED_SCHEMA_TESTS_MODEL_SQL }, seeds: SEEDS, projectConfig: PROJECT });
    await p.dbt(withVars(p, ['seed'], false));
    await p.dbt(withVars(p, ['run'], false));
    const r = await p.dbt(withVars(p, ['test'], false), { expectPass: false });
    expect(r.results.map((x) => x.status)).toEqual(['error']);
    expect(r.results[0]!.message).toMatch(/favoritecolor/);
  });

  it('TestUnquotedSources: quoting off, run and docs generate', async () => {
    const p = await successful({ projectConfig: PROJECT.replace('quoting:\n  database: true\n  schema: true\n  identifier: true\n', 'quoting:\n  identifier: false\n  schema: false\n  database: false\n') });
    try {
      await p.dbt(withVars(p, ['run']));
      await p.dbt(withVars(p, ['docs', 'generate']));
    } finally {
      await p.query(`DROP DATABASE IF EXISTS ${p.schema}_other`);
    }
  });
});

/* sources/test_source_configs.py: `enabled` from dbt_project.yml's sources:, the source's config, a table's config. */
const sourcesOf = (p: DbtProject) => Object.keys(p.readJson('target/manifest.json').sources).sort();
describe('source configs (sources/test_source_configs.py)', () => {
  it('TestSourceEnabledConfigProjectLevel: enabled in dbt_project.yml, then disabled', async () => {
    const basic = 'version: 2\n\nsources:\n  - name: test_source\n    tables:\n      - name: test_table\n  - name: other_source\n    tables:\n      - name: test_table\n';
    const p = dbtProject({ models: { 'schema.yml': basic }, projectConfig: 'sources:\n  test:\n    test_source:\n      enabled: true\n' });
    await p.dbt(['parse']);
    expect(sourcesOf(p)).toContain('source.test.test_source.test_table');
    p.write({ 'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\nsources:\n  test:\n    test_source:\n      enabled: false\n` });
    await p.dbt(['parse']);
    expect(sourcesOf(p)).toEqual(['source.test.other_source.test_table']);
    expect(Object.keys(p.readJson('target/manifest.json').disabled)).toContain('source.test.test_source.test_table');
  });

  it('TestConfigYamlSourceLevel: a source disabled in its config disables its tables', async () => {
    const p = dbtProject({ models: { 'schema.yml': 'version: 2\n\nsources:\n  - name: test_source\n    config:\n      enabled: False\n    tables:\n      - name: test_table\n      - name: disabled_test_table\n' } });
    await p.dbt(['parse']);
    expect(sourcesOf(p)).toEqual([]);
  });

  it('TestConfigYamlSourceTable: a table disabled in its config', async () => {
    const p = dbtProject({ models: { 'schema.yml': 'version: 2\n\nsources:\n  - name: test_source\n    tables:\n      - name: test_table\n      - name: disabled_test_table\n        config:\n            enabled: False\n' } });
    await p.dbt(['parse']);
    expect(sourcesOf(p)).toEqual(['source.test.test_source.test_table']);
  });
});
