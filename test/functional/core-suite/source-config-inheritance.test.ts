import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/sources/test_source_configs.py: TestSourceConfigsInheritence1-3 (enabled
 * from dbt_project.yml, the source and the table: the nearest wins) and TestInvalidSourceConfig.
 */
const SOURCES = (source: string, table: string) => `version: 2\n\nsources:\n  - name: test_source\n${source}    tables:\n      - name: test_table\n${table}      - name: other_test_table\n`;
const enabled = (indent: string, v: string) => `${indent}config:\n${indent}    enabled: ${v}\n`;
const sourcesOf = async (schemaYml: string, projectConfig: string) => {
  const p = dbtProject({ models: { 'schema.yml': schemaYml }, projectConfig });
  await p.dbt(['parse']);
  const sources = p.readJson('target/manifest.json').sources as Record<string, { config: { enabled: boolean } }>;
  return Object.fromEntries(Object.entries(sources).map(([id, s]) => [id.split('.').pop(), s.config.enabled]));
};

describe('source config inheritance (sources/test_source_configs.py)', () => {
  it('TestSourceConfigsInheritence1: source disabled, table enabled', async () => {
    expect(await sourcesOf(SOURCES(enabled('    ', 'False'), enabled('        ', 'True')), 'sources:\n  enabled: true\n')).toEqual({ test_table: true });
  });
  it('TestSourceConfigsInheritence2: project disabled, source enabled', async () => {
    expect(await sourcesOf(SOURCES(enabled('    ', 'True'), ''), 'sources:\n  enabled: false\n')).toEqual({ test_table: true, other_test_table: true });
  });
  it('TestSourceConfigsInheritence3: project disabled, table enabled', async () => {
    expect(await sourcesOf(SOURCES('', enabled('        ', 'True')), 'sources:\n  enabled: false\n')).toEqual({ test_table: true });
  });
  it("TestInvalidSourceConfig: enabled: True and False is \"'True and False' is not of type 'boolean'\"", async () => {
    const p = dbtProject({ models: { 'schema.yml': SOURCES('', enabled('        ', 'True and False')) } });
    expect((await p.dbt(['parse'], { expectPass: false })).out.join('\n')).toContain("'True and False' is not of type 'boolean'");
  });
});
