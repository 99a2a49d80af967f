import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, expectRelationsEqual } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/basic/: a one-model project, an invalid ref, varchar widening under an
 * incremental model, the simple-reference project (every materialization reading a seed, a var whose
 * value is `{{ ref("view_copy") }}`), and dbt_project.yml's version checks. The users seed is made
 * here with upstream's shape and counts (seed-initial.csv: 100 rows, 40 Female / 60 Male;
 * seed-update.csv: those 100 and 100 more, 94 / 106) instead of its names.
 */
function users(n: number): string {
  const lines = ['id,first_name,last_name,email,gender,ip_address'];
  for (let i = 1; i <= n; i++) {
    // 40 of the first 100 are Female, 54 of the next 100.
    const female = i <= 100 ? i % 5 < 2 : i - 100 <= 54;
    lines.push(`${i},First${i},Last${i},user${i}@example.com,${female ? 'Female' : 'Male'},10.0.${i % 256}.${i % 7}`);
  }
  return lines.join('\n') + '\n';
}

const cfg = (m: string) => `\n{{\n  config(\n    materialized = "${m}"\n  )\n}}\n`;
const SIMPLE_REFERENCE = {
  'ephemeral_copy.sql': `${cfg('ephemeral')}\nselect * from {{ this.schema }}.users\n`,
  'ephemeral_summary.sql': `${cfg('table')}\nselect gender, count(*) as ct from {{ref('ephemeral_copy')}}\ngroup by gender\norder by gender asc\n`,
  'incremental_copy.sql': `${cfg('incremental')}\nselect * from {{ this.schema }}.users\n\n{% if is_incremental() %}\n\n    where id > (select max(id) from {{this}})\n\n{% endif %}\n`,
  'incremental_summary.sql': '\n{{\n  config(\n    materialized = "table",\n  )\n}}\n\nselect gender, count(*) as ct from {{ref(\'incremental_copy\')}}\ngroup by gender\norder by gender asc\n',
  'materialized_copy.sql': `${cfg('table')}\nselect * from {{ this.schema }}.users\n`,
  'materialized_summary.sql': `${cfg('table')}\nselect gender, count(*) as ct from {{ref('materialized_copy')}}\ngroup by gender\norder by gender asc\n`,
  'view_copy.sql': `${cfg('view')}\nselect * from {{ this.schema }}.users\n`,
  'view_summary.sql': `${cfg('view')}\nselect gender, count(*) as ct from {{ref('view_copy')}}\ngroup by gender\norder by gender asc\n`,
  'view_using_ref.sql': `${cfg('view')}\nselect gender, count(*) as ct from {{ var('var_ref') }}\ngroup by gender\norder by gender asc\n`,
};
const SIMPLE_REFERENCE_SEEDS = {
  'properties.yml': 'version: 2\nseeds:\n  - name: summary_expected\n    config:\n      column_types:\n        ct: BIGINT\n        gender: text\n',
  'users.csv': users(100),
  'summary_expected.csv': 'gender,ct\nFemale,40\nMale,60\n',
};
const SIMPLE_REFERENCE_CONFIG = 'vars:\n  test:\n    var_ref: \'{{ ref("view_copy") }}\'\nseeds:\n  quote_columns: false\n';
const COPIES = ['users', 'incremental_copy', 'materialized_copy', 'view_copy'];
const SUMMARIES = ['summary_expected', 'incremental_summary', 'materialized_summary', 'view_summary', 'ephemeral_summary', 'view_using_ref'];

describe('basic (basic/)', () => {
  it('test_basic: a project with a single model runs; the manifest has it', async () => {
    const p = dbtProject({ models: { 'my_model.sql': '\n  select 1 as fun\n' } });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    expect(Object.keys(p.readJson('target/manifest.json').nodes)).toContain('model.test.my_model');
  });

  it('test_invalid_reference: ref(model) with an undefined name fails compile', async () => {
    const p = dbtProject({ models: { 'descendant.sql': "\n-- should be ref('model')\nselect * from {{ ref(model) }}\n", 'model.sql': '\nselect 1 as id\n' } });
    const r = await p.dbt(['compile'], { expectPass: false });
    expect(r.out.join('\n')).toMatch(/descendant/);
  });

  it('test_simple_reference: every materialization copies and summarises the seed, again after the seed grows', async () => {
    const p = dbtProject({ models: SIMPLE_REFERENCE, seeds: SIMPLE_REFERENCE_SEEDS, projectConfig: SIMPLE_REFERENCE_CONFIG });
    expect((await p.dbt(['seed'])).results).toHaveLength(2);
    expect((await p.dbt(['run'])).results).toHaveLength(8);
    await expectRelationsEqual(p, COPIES);
    await expectRelationsEqual(p, SUMMARIES);
    const manifest = p.readJson('target/manifest.json');
    expect(manifest.nodes['model.test.view_using_ref'].depends_on.nodes).toEqual(['model.test.view_copy']);

    p.write({ 'seeds/users.csv': users(200), 'seeds/summary_expected.csv': 'gender,ct\nFemale,94\nMale,106\n' });
    expect((await p.dbt(['seed'])).results).toHaveLength(2);
    expect((await p.dbt(['run'])).results).toHaveLength(8);
    await expectRelationsEqual(p, COPIES);
    await expectRelationsEqual(p, SUMMARIES);
    expect(await p.rows('incremental_copy')).toHaveLength(200);
  });

  it('test_simple_reference_with_models_and_children / test_simple_ref_with_models', async () => {
    const p = dbtProject({ models: SIMPLE_REFERENCE, seeds: SIMPLE_REFERENCE_SEEDS, projectConfig: SIMPLE_REFERENCE_CONFIG });
    await p.dbt(['seed']);
    expect((await p.dbt(['run', '--models', 'materialized_copy', 'ephemeral_copy'])).results).toHaveLength(1);
    await expectRelationsEqual(p, ['users', 'materialized_copy']);
    expect((await p.dbt(['run', '--models', 'materialized_copy+', 'ephemeral_copy+'])).results).toHaveLength(3);
    await expectRelationsEqual(p, ['summary_expected', 'materialized_summary', 'ephemeral_summary']);
    const created = await p.relationTypes(['incremental_copy', 'incremental_summary', 'view_copy', 'view_summary', 'ephemeral_copy', 'materialized_copy', 'materialized_summary', 'ephemeral_summary']);
    expect(created).toEqual({
      incremental_copy: undefined, incremental_summary: undefined, view_copy: undefined, view_summary: undefined, ephemeral_copy: undefined,
      materialized_copy: 'table', materialized_summary: 'table', ephemeral_summary: 'table',
    });
  });

  it('test_varchar_widening: incremental and table copies follow a seed whose column widens', async () => {
    const p = dbtProject({
      models: {
        'incremental.sql': `${cfg('incremental')}\nselect * from {{ this.schema }}.seed\n\n{% if is_incremental() %}\n\n    where id > (select max(id) from {{this}})\n\n{% endif %}\n`,
        'materialized.sql': `${cfg('table')}\nselect * from {{ this.schema }}.seed\n`,
      },
    });
    const rows = (from: number, gender: (i: number) => string) =>
      Array.from({ length: 100 }, (_, k) => `(${from + k}, 'F${from + k}', 'L${from + k}', 'e${from + k}@example.com', '${gender(from + k)}', '10.0.0.${k}')`).join(', ');
    await p.query('CREATE DATABASE IF NOT EXISTS {schema}');
    await p.query('CREATE TABLE {schema}.seed (id Int64, first_name String, last_name String, email String, `GenDEr` VARCHAR(10), ip_address String) ENGINE = MergeTree ORDER BY id');
    await p.query(`INSERT INTO {schema}.seed VALUES ${rows(1, (i) => (i % 2 ? 'Male' : 'Female'))}`);
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    await expectRelationsEqual(p, ['seed', 'incremental']);
    await expectRelationsEqual(p, ['seed', 'materialized']);
    // varchar300_seed.sql: the column widens, then 100 rows with long values (VARCHAR(n) is String on
    // ClickHouse, so the ALTER is a no-op there).
    await p.query('ALTER TABLE {schema}.seed MODIFY COLUMN `GenDEr` VARCHAR(300)');
    await p.query(`INSERT INTO {schema}.seed VALUES ${rows(101, (i) => `Gemini Pharmaceuticals, Inc. dba ONDRA Pharmaceuticals ${i}`)}`);
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    await expectRelationsEqual(p, ['seed', 'incremental']);
    await expectRelationsEqual(p, ['seed', 'materialized']);
  });
});

describe('dbt_project.yml versions (basic/test_project.py)', () => {
  const models = { 'simple_model.sql': '\nselect true as my_column\n', 'simple_model.yml': 'models:\n  - name: simple_model\n    description: "is sythentic data ok? my column:"\n    columns:\n      - name: my_column\n        description: asked and answered\n' };

  it('TestSchemaYmlVersionMissing, TestProjectConfigVersionMissing, TestProjectYamlVersionValid', async () => {
    const p = dbtProject({ models });
    await p.dbt(['run']);
    p.write({ 'dbt_project.yml': 'name: test\nprofile: test\n' });
    await p.dbt(['run']);
    p.write({ 'dbt_project.yml': "name: test\nprofile: test\nversion: '1.0.0'\n" });
    await p.dbt(['run']);
  });

  it("TestProjectYamlVersionInvalid: version 'invalid' is dbt's error", async () => {
    const p = dbtProject({ models });
    await p.dbt(['run']);
    p.write({ 'dbt_project.yml': 'name: test\nprofile: test\nconfig-version: 2\nversion: invalid\n' });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toContain("at path ['version']: 'invalid' is not valid under any of the given schemas");
  });

  it('TestProjectDbtCloudConfig: a dbt-cloud mapping parses and dbt_project.yml stays as written', async () => {
    const p = dbtProject({ models });
    const text = 'name: test\nprofile: test\nflags:\n  send_anonymous_usage_stats: false\ndbt-cloud:\n  account_id: "123"\n  application: test\n  environment: test\n  api_key: test\n';
    p.write({ 'dbt_project.yml': text });
    await p.dbt(['parse']);
    expect(readFileSync(join(p.dir, 'dbt_project.yml'), 'utf8')).toBe(text);
  });

  it("TestProjectDbtCloudConfigString: dbt-cloud as a string is dbt's error", async () => {
    const p = dbtProject({ models });
    p.write({ 'dbt_project.yml': 'name: test\nprofile: test\ndbt-cloud: Some string\n' });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.out.join('\n')).toContain("at path ['dbt-cloud']: 'Some string' is not valid under any of the given schemas");
  });

  it('TestVersionSpecifierChecksComeBeforeYamlValidation, TestArchiveNotAllowed: unknown keys are "Additional properties are not allowed"', async () => {
    const p = dbtProject({ models });
    p.write({ 'dbt_project.yml': 'name: test\nprofile: test\nthis-is-not-a-valid-key: my-value-for-invalid-key\n' });
    expect((await p.dbt(['parse'], { expectPass: false })).out.join('\n')).toContain('Additional properties are not allowed');
    p.write({ 'dbt_project.yml': "name: test\nprofile: test\nthis-is-not-a-valid-key: my-value-for-invalid-key\nrequire-dbt-version: ['>0.0.0', '<=0.0.1']\n" });
    expect((await p.dbt(['parse'], { expectPass: false })).out.join('\n')).toMatch(/This version of .* is not supported/);
    p.write({ 'dbt_project.yml': "name: test\nprofile: test\narchive:\n  source_schema: a\n  target_schema: b\n  tables:\n    - source_table: seed\n      target_table: archive_actual\n      updated_at: updated_at\n      unique_key: \"id || '-' || first_name\"\n" });
    expect((await p.dbt(['parse'], { expectPass: false })).out.join('\n')).toContain('Additional properties are not allowed');
    // dbt 1.11's keys (UDFs, OSI) are the contract's too
    p.write({ 'dbt_project.yml': "name: test\nprofile: test\nfunction-paths: ['functions']\nosi-paths: ['osi']\nfunctions:\n  +enabled: true\n" });
    await p.dbt(['parse']);
  });
});
