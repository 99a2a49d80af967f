import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/exposures/test_exposure_configs.py: `enabled` for exposures from
 * dbt_project.yml (`exposures:`) and from the exposure's `config:`, tags and meta layered with the
 * exposure's own winning, and a non-boolean `enabled`. TestExposureEnabledConfigProjectLevel's
 * exposure depends on a metric of the semantic layer: here only on a ref and a source.
 */
const notebook = `  - name: notebook_exposure
    type: notebook
    depends_on:
      - ref('model')
      - ref('second_model')
    owner:
      email: something@example.com
      name: Some name
    description: >
      A description of the complex exposure
    maturity: medium
    meta:
      tool: 'my_tool'
      languages:
        - python
    tags: ['my_department']
    url: http://example.com/notebook/1
`;
const exposures = (simple: string) => `\nversion: 2\n\nexposures:\n  - name: simple_exposure\n    type: dashboard\n${simple}    depends_on:\n      - ref('model')\n    owner:\n      email: something@example.com\n${notebook}`;
const models = { 'model.sql': '\nselect 1 as id\n', 'second_model.sql': '\nselect 1 as id\n' };
const exposuresOf = (p: ReturnType<typeof dbtProject>) => p.readJson('target/manifest.json').exposures as Record<string, { tags: string[]; meta: unknown; config: { enabled: boolean; tags: string[]; meta: unknown } }>;

describe('exposure configs (exposures/test_exposure_configs.py)', () => {
  it('TestExposureEnabledConfigProjectLevel: exposures: in dbt_project.yml enables and disables', async () => {
    const files = { ...models, 'exposure.yml': exposures(''), 'schema.yml': 'version: 2\n\nsources:\n  - name: test_source\n    tables:\n      - name: test_table\n' };
    const p = dbtProject({ models: files, projectConfig: 'exposures:\n  simple_exposure:\n    enabled: true\n' });
    await p.dbt(['parse']);
    expect(Object.keys(exposuresOf(p))).toContain('exposure.test.simple_exposure');
    p.write({ 'dbt_project.yml': 'name: test\nprofile: test\nconfig-version: 2\nexposures:\n  test:\n    simple_exposure:\n      enabled: false\n' });
    await p.dbt(['parse']);
    expect(Object.keys(exposuresOf(p))).not.toContain('exposure.test.simple_exposure');
    expect(Object.keys(exposuresOf(p))).toContain('exposure.test.notebook_exposure');
  });

  it('TestConfigYamlLevel: config: {enabled: False} on the exposure', async () => {
    const p = dbtProject({ models: { ...models, 'schema.yml': exposures('    config:\n      enabled: False\n') } });
    await p.dbt(['parse']);
    expect(Object.keys(exposuresOf(p))).toEqual(['exposure.test.notebook_exposure']);
  });

  it("TestExposureConfigsInheritence: the exposure's config wins over the project's", async () => {
    const own = "    config:\n      enabled: True\n      tags: ['local_tag', 'common_tag']\n      meta:\n        some_key: 'some_value'\n        type_change: 123\n";
    const project = 'exposures:\n  enabled: false\n  tags: ["global_tag", "common_tag"]\n  meta:\n    some_key: should_be_overridden\n    another_key: should_stay\n    type_change: ["foo", "bar"]\n';
    const p = dbtProject({ models: { ...models, 'schema.yml': exposures(own) }, projectConfig: project });
    await p.dbt(['parse']);
    const all = exposuresOf(p);
    expect(Object.keys(all)).toEqual(['exposure.test.simple_exposure']);
    const e = all['exposure.test.simple_exposure']!;
    const meta = { some_key: 'some_value', another_key: 'should_stay', type_change: 123 };
    expect(e.tags).toEqual(['common_tag', 'global_tag', 'local_tag']);
    expect(e.meta).toEqual(meta);
    expect(e.config.enabled).toBe(true);
    expect(e.config.tags).toEqual(['common_tag', 'global_tag', 'local_tag']);
    expect(e.config.meta).toEqual(meta);
  });

  it("TestInvalidConfig: enabled: True and False is not a boolean", async () => {
    const p = dbtProject({ models: { ...models, 'schema.yml': "\nversion: 2\n\nexposures:\n  - name: simple_exposure\n    type: dashboard\n    config:\n      enabled: True and False\n    depends_on:\n      - ref('model')\n    owner:\n      email: something@example.com\n" } });
    expect((await p.dbt(['parse'], { expectPass: false })).out.join('\n')).toContain("'True and False' is not of type 'boolean'");
  });
});
