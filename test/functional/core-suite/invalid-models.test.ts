import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtCase } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/invalid_model_tests/test_invalid_models.py: a malformed `enabled`, refs
 * to a disabled or missing model, a macro called with a keyword it does not take, sources disabled
 * in dbt_project.yml or missing. InvalidModelBase's seed and seed properties are written as upstream.
 */
const SEED = '\nfirst_name,last_name,email,gender,ip_address\nJack,Hunter,jhunter0@pbs.org,Male,59.80.20.168\nKathryn,Walker,kwalker1@ezinearticles.com,Female,194.121.179.35\n';
const SEED_TYPES = '\nversion: 2\nseeds:\n  - name: seeds__base_seed\n    config:\n      +column_types:\n        first_name: varchar(50),\n        last_name:  varchar(50),\n        email:      varchar(50),\n        gender:     varchar(50),\n        ip_address: varchar(20)\n';
const DISABLED_SOURCE = '\nversion: 2\nsources:\n  - name: test_source\n    schema: "{{ target.schema }}"\n    tables:\n      - name: test_table\n        identifier: seed\n';
const DEPENDENT = "\nselect * from {{ ref('models__view_disabled') }}\n";
const REFERENCING_SOURCE = "\nselect * from {{ source('test_source', 'test_table') }}\n";
const base = (c: DbtCase & { properties?: Record<string, string> }) =>
  dbtProject({ ...c, seeds: { 'seeds__base_seed.csv': SEED }, models: { ...c.models, ...(c.properties ?? { 'properties__seed_types.yml': SEED_TYPES }) } });

describe('invalid models (invalid_model_tests/test_invalid_models.py)', () => {
  it("TestMalformedEnabledParam: enabled = 'false' (a string) is a parsing error naming enabled", async () => {
    const p = base({ models: { 'models__view_bad_enabled_value.sql': "\n{{\n  config(\n    enabled = 'false'\n  )\n}}\nselect * from {{ this.schema }}.seed\n" } });
    expect((await p.dbt(['seed'], { expectPass: false })).out.join('\n')).toContain('enabled');
  });

  it('TestReferencingDisabledModel: "which is disabled"', async () => {
    const p = base({ models: { 'models__view_disabled.sql': '\n{{\n  config(\n    enabled = False\n  )\n}}\nselect * from {{ this.schema }}.seed\n', 'models__dependent_on_view.sql': DEPENDENT } });
    expect((await p.dbt(['run'], { expectPass: false })).out.join('\n')).toContain('which is disabled');
  });

  it('TestMissingModelReference: "which was not found"', async () => {
    const p = base({ models: { 'models__dependent_on_view.sql': DEPENDENT } });
    expect((await p.dbt(['run'], { expectPass: false })).out.join('\n')).toContain('which was not found');
  });

  it("TestInvalidMacroCall: \"macro 'dbt_macro__some_macro' takes no keyword argument 'invalid'\"", async () => {
    const p = base({ macros: { 'macros__bad_macros.sql': '\n{% macro some_macro(arg) %}\n    {{ arg }}\n{% endmacro %}\n' }, models: { 'models__with_bad_macro.sql': "\n{{ some_macro(invalid='test') }}\nselect 1 as id\n" } });
    expect((await p.dbt(['compile'], { expectPass: false })).out.join('\n')).toContain("macro 'dbt_macro__some_macro' takes no keyword argument 'invalid'");
  });

  it('TestInvalidDisabledSource: a source disabled in dbt_project.yml is "which is disabled"', async () => {
    const p = base({
      models: { 'models__referencing_disabled_source.sql': REFERENCING_SOURCE },
      properties: { 'properties__seed_types.yml': SEED_TYPES, 'properties__disabled_source.yml': DISABLED_SOURCE },
      projectConfig: 'sources:\n  test:\n    enabled: false\n',
    });
    expect((await p.dbt(['run'], { expectPass: false })).out.join('\n')).toContain('which is disabled');
  });

  it('TestInvalidMissingSource: "which was not found"', async () => {
    const p = base({ models: { 'models__referencing_disabled_source.sql': REFERENCING_SOURCE } });
    expect((await p.dbt(['run'], { expectPass: false })).out.join('\n')).toContain('which was not found');
  });
});
