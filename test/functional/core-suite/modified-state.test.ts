import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/defer_state/test_modified_state.py: what `state:modified` /
 * `state:unmodified` select after an edit, against a kept manifest.json (BaseModifiedState: seed +
 * run, then state/manifest.json). Upstream fixtures (defer_state/fixtures.py) as written. Where
 * upstream runs `run --models state:modified` to count what the selection builds, the ported case
 * lists the same selection with `ls --resource-type model` unless the run itself matters.
 */
const F = {
  seed_csv: 'id,name\n1,Alice\n2,Bob\n',
  table_model_sql: "\n{{ config(materialized='table') }}\nselect * from {{ ref('ephemeral_model') }}\n\n-- establish a macro dependency to trigger state:modified.macros\n-- depends on: {{ my_macro() }}\n",
  view_model_sql: "\nselect * from {{ ref('seed') }}\n\n-- establish a macro dependency that trips infinite recursion if not handled\n-- depends on: {{ my_infinitely_recursive_macro() }}\n",
  ephemeral_model_sql: "\n{{ config(materialized='ephemeral') }}\nselect * from {{ ref('view_model') }}\n",
  schema_yml: '\nversion: 2\nmodels:\n  - name: view_model\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              config:\n                severity: error\n          - not_null\n      - name: name\n',
  exposures_yml: "\nversion: 2\nexposures:\n  - name: my_exposure\n    type: application\n    depends_on:\n      - ref('view_model')\n    owner:\n      email: test@example.com\n",
  macros_sql: "\n{% macro my_macro() %}\n    {% do log('in a macro' ) %}\n{% endmacro %}\n",
  infinite_macros_sql:
    "\n{# trigger infinite recursion if not handled #}\n\n{% macro my_infinitely_recursive_macro() %}\n  {{ return(adapter.dispatch('my_infinitely_recursive_macro')()) }}\n{% endmacro %}\n\n{% macro default__my_infinitely_recursive_macro() %}\n    {% if unmet_condition %}\n        {{ my_infinitely_recursive_macro() }}\n    {% else %}\n        {{ return('') }}\n    {% endif %}\n{% endmacro %}\n",
  semantic_model_schema_yml:
    "\nmodels:\n  - name: view_model\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              severity: error\n          - not_null\n      - name: name\n\nsemantic_models:\n  - name: my_sm\n    model: ref('view_model')\n",
  modified_semantic_model_schema_yml:
    "\nmodels:\n  - name: view_model\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              severity: error\n          - not_null\n      - name: name\n\nsemantic_models:\n  - name: my_sm\n    model: ref('view_model')\n    description: modified description\n",
};
const PROJECT_CONFIG = 'seeds:\n  test:\n    quote_columns: false\n';

function baseModifiedState(models?: Record<string, string>): DbtProject {
  return dbtProject({
    models: models ?? { 'table_model.sql': F.table_model_sql, 'view_model.sql': F.view_model_sql, 'ephemeral_model.sql': F.ephemeral_model_sql, 'schema.yml': F.schema_yml, 'exposures.yml': F.exposures_yml },
    macros: { 'macros.sql': F.macros_sql, 'infinite_macros.sql': F.infinite_macros_sql },
    seeds: { 'seed.csv': F.seed_csv },
    projectConfig: PROJECT_CONFIG,
  });
}
function copyState(p: DbtProject): void {
  mkdirSync(join(p.dir, 'state'), { recursive: true });
  copyFileSync(join(p.dir, 'target/manifest.json'), join(p.dir, 'state/manifest.json'));
}
async function runAndSaveState(p: DbtProject): Promise<void> {
  await p.dbt(['seed']);
  await p.dbt(['run']);
  copyState(p);
}
/** `dbt ls …` as run_dbt returns it: the listed selectors. */
async function ls(p: DbtProject, args: string[], options?: { expectPass?: boolean }): Promise<string[]> {
  const r = await p.dbt(['ls', ...args], options);
  return r.out.flatMap((l) => l.split('\n')).filter((l) => /^(test\.|exposure:|source:|metric:|semantic_model:|saved_query:|unit_test:)/.test(l));
}
const seedLs = (p: DbtProject, method: '--select' | '--exclude', sel: string) => ls(p, ['--resource-type', 'seed', method, sel, '--state', './state']);

describe('state:modified (defer_state/test_modified_state.py)', () => {
  it('TestChangedSeedContents: a seed row added; a seed over 1MB is compared by path', async () => {
    const p = baseModifiedState();
    await runAndSaveState(p);
    expect(await seedLs(p, '--select', 'state:modified')).toEqual([]);
    expect(await seedLs(p, '--exclude', 'state:unmodified')).toEqual([]);
    expect(await seedLs(p, '--select', 'state:unmodified')).toHaveLength(1);
    p.write({ 'seeds/seed.csv': `${F.seed_csv}\n3,carl` });
    expect(await seedLs(p, '--select', 'state:modified')).toEqual(['test.seed']);
    expect(await seedLs(p, '--exclude', 'state:unmodified')).toEqual(['test.seed']);
    expect(await seedLs(p, '--select', 'state:unmodified')).toEqual([]);
    expect(await ls(p, ['--select', 'state:modified', '--state', './state'])).toEqual(['test.seed']);
    expect(await ls(p, ['--exclude', 'state:unmodified', '--state', './state'])).toEqual(['test.seed']);
    expect(await ls(p, ['--select', 'state:unmodified', '--state', './state'])).toHaveLength(6);
    const downstream = ['test.table_model', 'test.view_model', 'test.ephemeral_model', 'test.not_null_view_model_id', 'test.unique_view_model_id', 'exposure:test.my_exposure'];
    expect(new Set(await ls(p, ['--select', 'state:modified+', '--state', './state']))).toEqual(new Set(['test.seed', ...downstream]));
    expect(new Set(await ls(p, ['--select', 'state:unmodified+', '--state', './state']))).toEqual(new Set(downstream));

    rmSync(join(p.dir, 'state'), { recursive: true });
    copyState(p);
    // a seed of more than 1MB: modified (it was smaller), and dbt's ">1MB" warning
    const lines = [F.seed_csv];
    for (let i = 4; i < (1024 * 1024) / 64 + 4; i++) lines.push(`${i},${Array.from({ length: 62 }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(Math.random() * 52)]).join('')}`);
    const big = lines.join('\n');
    p.write({ 'seeds/seed.csv': big });
    expect(await seedLs(p, '--select', 'state:modified')).toEqual(['test.seed']);
    const warnError = await p.dbt(['--warn-error', 'ls', '--resource-type', 'seed', '--select', 'state:modified', '--state', './state'], { expectPass: false });
    expect(warnError.out.join('\n')).toContain('Found a seed (test.seed) >1MB in size. The previous file was <=1MB, so it has changed');
    expect(await seedLs(p, '--select', 'state:unmodified')).toEqual([]);

    rmSync(join(p.dir, 'state'), { recursive: true });
    // dbt's ls wrote manifest.json; tsdbt's does not (a warm ls reads no manifest): parse writes it
    await p.dbt(['parse']);
    copyState(p);
    // once compared by path, a change of the big seed is not seen
    p.write({ 'seeds/seed.csv': `${big}\n1,test` });
    expect(await seedLs(p, '--select', 'state:modified')).toEqual([]);
    expect(await seedLs(p, '--exclude', 'state:unmodified')).toEqual([]);
    expect(await seedLs(p, '--select', 'state:unmodified')).toHaveLength(1);
    const samePath = await p.dbt(['ls', '--resource-type', 'seed', '--select', 'state:modified', '--state', './state']);
    expect(samePath.out.join('\n')).toContain('Found a seed (test.seed) >1MB in size at the same path, dbt cannot tell if it has changed: assuming they are the same');
  });

  it('TestChangedSeedConfig: a changed seed config (quote_columns) modifies the seed', async () => {
    const p = dbtProject({
      models: { 'table_model.sql': F.table_model_sql, 'view_model.sql': F.view_model_sql, 'ephemeral_model.sql': F.ephemeral_model_sql, 'schema.yml': F.schema_yml, 'exposures.yml': F.exposures_yml },
      macros: { 'macros.sql': F.macros_sql, 'infinite_macros.sql': F.infinite_macros_sql },
      seeds: { 'seed.csv': F.seed_csv },
    });
    await runAndSaveState(p);
    expect(await seedLs(p, '--select', 'state:modified')).toEqual([]);
    expect(await seedLs(p, '--exclude', 'state:unmodified')).toEqual([]);
    expect(await seedLs(p, '--select', 'state:unmodified')).toHaveLength(1);
    p.write({ 'dbt_project.yml': readFileSync(join(p.dir, 'dbt_project.yml'), 'utf8') + PROJECT_CONFIG });
    expect(await seedLs(p, '--select', 'state:modified')).toEqual(['test.seed']);
    expect(await seedLs(p, '--exclude', 'state:unmodified')).toEqual(['test.seed']);
    expect(await seedLs(p, '--select', 'state:unmodified')).toEqual([]);
  });

  it('TestUnrenderedConfigSame: a config set explicitly to its default value is a change', async () => {
    const p = baseModifiedState();
    await runAndSaveState(p);
    const models = (m: '--select' | '--exclude', s: string) => ls(p, ['--resource-type', 'model', m, s, '--state', './state']);
    expect(await models('--select', 'state:modified')).toEqual([]);
    expect(await models('--exclude', 'state:unmodified')).toEqual([]);
    expect(await models('--select', 'state:unmodified')).toHaveLength(3);
    p.write({ 'dbt_project.yml': readFileSync(join(p.dir, 'dbt_project.yml'), 'utf8').replace('seeds:', 'models:\n  test:\n    materialized: view\nseeds:') });
    expect(await models('--select', 'state:modified')).toEqual(['test.view_model']);
    expect(await models('--exclude', 'state:unmodified')).toEqual(['test.view_model']);
    expect(new Set(await models('--select', 'state:unmodified'))).toEqual(new Set(['test.table_model', 'test.ephemeral_model']));
  });

  it('TestChangedModelContents: run --models state:modified runs the changed model only', async () => {
    const p = baseModifiedState();
    await runAndSaveState(p);
    expect((await p.dbt(['run', '--models', 'state:modified', '--state', './state'])).results).toHaveLength(0);
    p.write({ 'models/table_model.sql': '\n        {{ config(materialized="table") }}\n\n        select * from {{ ref("seed") }}\n        ' });
    let r = await p.dbt(['run', '--models', 'state:modified', '--state', './state']);
    expect(r.results.map((x) => x.unique_id)).toEqual(['model.test.table_model']);
    r = await p.dbt(['run', '--exclude', 'state:unmodified', '--state', './state']);
    expect(r.results.map((x) => x.unique_id)).toEqual(['model.test.table_model']);
  });

  it('TestNewMacro: a new macro (a new file, or added to a file) modifies nothing', async () => {
    const p = baseModifiedState();
    await runAndSaveState(p);
    const NEW_MACRO = '\n            {% macro my_other_macro() %}\n            {% endmacro %}\n        ';
    p.write({ 'macros/second_macro.sql': NEW_MACRO });
    expect(await ls(p, ['--resource-type', 'model', '--select', 'state:modified', '--state', './state'])).toEqual([]);
    p.remove('macros/second_macro.sql');
    writeFileSync(join(p.dir, 'macros/macros.sql'), readFileSync(join(p.dir, 'macros/macros.sql'), 'utf8') + NEW_MACRO);
    expect(await ls(p, ['--resource-type', 'model', '--select', 'state:modified', '--state', './state'])).toEqual([]);
    expect(await ls(p, ['--resource-type', 'model', '--exclude', 'state:unmodified', '--state', './state'])).toEqual([]);
  });

  it('TestChangedMacroContents: a changed macro modifies the model that calls it', async () => {
    const p = baseModifiedState();
    await runAndSaveState(p);
    p.write({ 'macros/macros.sql': '\n        {% macro my_macro() %}\n            {% do log("in a macro", info=True) %}\n        {% endmacro %}\n        ' });
    expect(await ls(p, ['--resource-type', 'model', '--select', 'state:modified', '--state', './state'])).toEqual(['test.table_model']);
    expect(await ls(p, ['--resource-type', 'model', '--exclude', 'state:unmodified', '--state', './state'])).toEqual(['test.table_model']);
  });

  it('TestChangedExposure: +state:modified of a changed exposure runs what it reads', async () => {
    const p = baseModifiedState();
    await runAndSaveState(p);
    p.write({ 'models/exposures.yml': `${F.exposures_yml}\n      name: John Doe\n` });
    const r = await p.dbt(['run', '--models', '+state:modified', '--state', './state']);
    expect(r.results.map((x) => x.unique_id)).toEqual(['model.test.view_model']);
    expect((await p.dbt(['run', '--exclude', 'state:unmodified', '--state', './state'])).results).toHaveLength(0);
  });

  it('TestModifiedAccess / TestModifiedDeprecationDate: access and deprecation_date are changes', async () => {
    for (const yml of ['\nversion: 2\nmodels:\n  - name: table_model\n    access: public\n', '\nversion: 2\nmodels:\n  - name: table_model\n    deprecation_date: 2020-01-01\n']) {
      const p = baseModifiedState();
      await runAndSaveState(p);
      expect(await ls(p, ['-s', 'state:modified', '--state', './state'])).toEqual([]);
      p.write({ 'models/schema.yml': yml });
      expect(await ls(p, ['-s', 'state:modified', '--state', './state'])).toEqual(['test.table_model']);
    }
  });

  it('TestModifiedVersion / TestModifiedLatestVersion: a model that becomes versioned, a new latest version', async () => {
    let p = baseModifiedState();
    await runAndSaveState(p);
    p.write({ 'models/schema.yml': '\nversion: 2\nmodels:\n  - name: table_model\n    versions:\n      - v: 1\n        defined_in: table_model\n' });
    expect(await ls(p, ['-s', 'state:modified', '--state', './state'])).toEqual(['test.table_model.v1']);

    p = baseModifiedState();
    p.write({ 'models/schema.yml': '\nversion: 2\nmodels:\n  - name: table_model\n    latest_version: 1\n    versions:\n      - v: 1\n        defined_in: table_model\n' });
    await runAndSaveState(p);
    p.write({
      'models/table_model_v2.sql': F.table_model_sql,
      'models/schema.yml': '\nversion: 2\nmodels:\n  - name: table_model\n    latest_version: 2\n    versions:\n      - v: 1\n        defined_in: table_model\n      - v: 2\n',
    });
    expect(await ls(p, ['-s', 'state:modified', '--state', './state'])).toEqual(['test.table_model.v1', 'test.table_model.v2']);
  });

  it('TestChangedSemanticModelContents: a changed semantic model is modified', async () => {
    const p = baseModifiedState({ 'view_model.sql': F.view_model_sql, 'schema.yml': F.semantic_model_schema_yml, 'metricflow_time_spine.sql': "select toDate('2020-01-01') as date_day" });
    await runAndSaveState(p);
    expect(await ls(p, ['-s', 'state:modified', '--state', './state'])).toEqual([]);
    p.write({ 'models/schema.yml': F.modified_semantic_model_schema_yml });
    expect(await ls(p, ['-s', 'state:modified', '--state', './state'])).toHaveLength(1);
  });
});

/** defer_state/fixtures.py's contract schema files: table_model (optionally versioned, disabled, unenforced). */
function contractYml(options: { versioned?: boolean; enforced?: boolean | null; disabled?: boolean; secondColumn?: string } = {}): string {
  const config = options.enforced === null ? '    config: {}\n' : `    config:\n      contract:\n        enforced: ${options.enforced === false ? 'False' : 'True'}\n${options.disabled ? '      enabled: False\n' : ''}`;
  return `\nversion: 2\nmodels:\n  - name: table_model\n${config}${options.versioned ? '    versions:\n      - v: 1\n' : ''}    columns:\n      - name: id\n        data_type: integer\n        data_tests:\n          - unique:\n              severity: error\n          - not_null\n      - name: ${options.secondColumn ?? 'name'}\n        data_type: text\n`;
}

describe('state:modified of contracts (defer_state/test_modified_state.py)', () => {
  const UNVERSIONED = 'While comparing to previous project state, dbt detected a breaking change to an unversioned model';
  const ENFORCED = 'While comparing to previous project state, dbt detected a breaking change to an enforced contract.';
  const lsOut = async (p: DbtProject, args: string[], expectPass = true) => (await p.dbt(['ls', ...args, '--state', './state'], { expectPass })).out.join('\n');

  for (const versioned of [false, true])
    it(`TestChangedContract${versioned ? 'Versioned' : 'Unversioned'}: enforcing is a change; a removed column and removed enforcement are breaking`, async () => {
      const p = baseModifiedState();
      await runAndSaveState(p);
      const model = versioned ? 'test.table_model.v1' : 'test.table_model';
      p.write({ 'models/schema.yml': contractYml({ versioned }) });
      expect(await ls(p, ['--resource-type', 'model', '--select', 'state:modified', '--state', './state'])).toEqual([model]);
      expect(await ls(p, ['--resource-type', 'model', '--exclude', 'state:unmodified', '--state', './state'])).toEqual([model]);
      expect(await ls(p, ['--resource-type', 'model', '--select', 'state:modified.contract', '--state', './state'])).toEqual([model]);
      const unrendered = p.readJson('state/manifest.json') && (await p.dbt(['parse']), p.readJson('target/manifest.json').nodes[`model.${model}`].unrendered_config);
      expect(unrendered).toEqual({ contract: { enforced: true }, materialized: 'table' });
      copyState(p);
      // a column renamed: breaking
      p.write({ 'models/schema.yml': contractYml({ versioned, secondColumn: 'user_name' }) });
      if (versioned) expect(await lsOut(p, ['--select', 'state:modified.contract'], false)).toContain(ENFORCED);
      else {
        const out = await lsOut(p, ['--select', 'state:modified.contract']);
        expect(out).toContain(UNVERSIONED);
        expect(out).toContain('Columns were removed: \n    - name');
      }
      // the contract removed, then unenforced: breaking (an error under --warn-error when unversioned)
      p.write({ 'models/schema.yml': contractYml({ versioned, enforced: null }) });
      if (versioned) expect(await lsOut(p, ['--select', 'state:modified.contract'], false)).toContain(ENFORCED);
      else expect(await lsOut(p, ['--select', 'state:modified.contract'])).toContain('Contract enforcement was removed');
      p.write({ 'models/schema.yml': contractYml({ versioned, enforced: false }) });
      if (versioned) expect(await lsOut(p, ['--select', 'state:modified.contract'], false)).toContain(ENFORCED);
      else expect(await lsOut(p, ['--warn-error', '--select', 'state:modified.contract'], false)).toContain('Contract enforcement was removed');
    });

  for (const versioned of [false, true])
    for (const how of ['deleted', 'disabled'] as const)
      it(`Test${how === 'deleted' ? 'Delete' : 'Disable'}${versioned ? 'Versioned' : 'Unversioned'}ContractedModel: a ${how} contracted model is a breaking change`, async () => {
        const p = baseModifiedState();
        p.write({ 'models/schema.yml': contractYml({ versioned }) });
        await runAndSaveState(p);
        const id = versioned ? 'model.test.table_model.v1' : 'model.test.table_model';
        if (how === 'deleted') p.remove('models/table_model.sql');
        else p.write({ 'models/schema.yml': contractYml({ versioned, disabled: true }) });
        const change = how === 'deleted' ? `Contracted model '${id}' was deleted or renamed.` : `Contracted model '${id}' was disabled.`;
        for (const selector of how === 'deleted' ? ['state:modified.contract', 'state:modified'] : ['state:modified.contract']) {
          const out = await lsOut(p, ['--select', selector], !versioned);
          expect(out).toContain(change);
          expect(out).toContain(versioned ? ENFORCED : UNVERSIONED);
        }
      });

  for (const versioned of [false, true])
    it(`TestDisable${versioned ? 'Versioned' : 'Unversioned'}UncontractedModel: disabling a model without an enforced contract is no breaking change`, async () => {
      const p = baseModifiedState();
      p.write({ 'models/schema.yml': contractYml({ versioned, enforced: false }) });
      await runAndSaveState(p);
      p.write({ 'models/schema.yml': contractYml({ versioned, enforced: false, disabled: true }) });
      expect((await lsOut(p, ['--select', 'state:modified.contract'])).toLowerCase()).not.toContain('breaking change');
    });

  // ClickHouse types `select 1` as UInt8: the models cast to the contract's int (Int32) so that the first run's contract holds.
  it('TestModifiedBodyAndContract: a breaking type change with a body change fails state:modified too; an added column does not', async () => {
    const yml = (cols: string) => `\nmodels:\n  - name: my_model\n    latest_version: 1\n    config:\n      contract:\n        enforced: true\n    columns:\n${cols}    versions:\n      - v: 1\n`;
    const p = dbtProject({ models: { 'my_model.sql': '\nselect cast(1 as int) as id\n', 'my_model.yml': yml('      - name: id\n        data_type: int\n') } });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    copyState(p);
    p.write({ 'models/my_model.yml': yml('      - name: id\n        data_type: text\n'), 'models/my_model.sql': '\n-- a comment\nselect cast(1 as int) as id\n' });
    for (const args of [['-s', 'state:modified'], ['--exclude', 'state:unmodified']]) expect(await lsOut(p, args, false)).toContain(ENFORCED);
    p.write({ 'models/my_model.yml': yml('      - name: id\n        data_type: int\n      - name: color\n        data_type: text\n'), 'models/my_model.sql': "\n-- a comment\nselect cast(1 as int) as id, 'blue' as color\n" });
    expect(await ls(p, ['-s', 'state:modified', '--state', './state'])).toEqual(['test.my_model.v1']);
    expect(await ls(p, ['-s', 'state:modified.contract', '--state', './state'])).toEqual(['test.my_model.v1']);
  });
});
