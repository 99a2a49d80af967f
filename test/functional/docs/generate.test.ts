import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/docs/test_generate.py: `docs generate` flags and what its catalog.json
 * holds — --no-compile, --empty-catalog, --select / --exclude limiting the catalog to the selected
 * nodes and sources (a seed and a source of one relation apart). Not ported: TestGenerateCatalogWithExternalNodes
 * (dbt's plugin nodes) and the MAX_SCHEMA_METADATA_RELATIONS mock (tsdbt reads the catalog in one query).
 */
const SAMPLE_SEED = 'sample_num,sample_bool\n1,true\n2,false\n3,true\n';
const SAMPLE_CONFIG = `
sources:
  - name: my_source_schema
    schema: "{{ target.schema }}"
    tables:
      - name: sample_source
      - name: second_source
      - name: non_existent_source
      - name: source_from_seed
`;

const base = (seeds: Record<string, string> = {}) =>
  dbtProject({
    models: { 'my_model.sql': 'select 1 as fun', 'alt_model.sql': 'select 1 as notfun', 'sample_config.yml': SAMPLE_CONFIG },
    seeds: { 'sample_seed.csv': SAMPLE_SEED, 'second_seed.csv': SAMPLE_SEED, ...seeds },
  });

interface CatalogJson {
  nodes: Record<string, unknown>;
  sources: Record<string, unknown>;
  errors: unknown;
}
async function generate(p: DbtProject, ...args: string[]): Promise<CatalogJson> {
  await p.dbt(['docs', 'generate', ...args]);
  return p.readJson<CatalogJson>('target/catalog.json');
}
const sourceTables = async (p: DbtProject) => {
  await p.query('create database if not exists {schema}');
  await p.query('create table {schema}.sample_source (id Int32) engine = MergeTree order by tuple()');
  await p.query('create table {schema}.second_source (id Int32) engine = MergeTree order by tuple()');
};

describe('docs generate (docs/test_generate.py)', () => {
  it('TestGenerateManifestNotCompiled: --no-compile compiles nothing (no manifest.json, as BaseDocsGenerate asserts; dbt reads its parse cache)', async () => {
    const p = base();
    await p.dbt(['docs', 'generate', '--no-compile']);
    expect(existsSync(join(p.dir, 'target/manifest.json'))).toBe(false);
    expect(existsSync(join(p.dir, 'target/compiled'))).toBe(false);
    expect(p.readJson<CatalogJson>('target/catalog.json').nodes).toEqual({});
  });

  it('TestGenerateEmptyCatalog: --empty-catalog writes a catalog without asking the warehouse', async () => {
    const p = base();
    await p.dbt(['run']);
    const catalog = await generate(p, '--empty-catalog');
    expect(catalog.nodes).toEqual({});
    expect(catalog.sources).toEqual({});
    expect(catalog.errors).toBeNull();
  });

  it('TestGenerateSelectLimitsCatalog and TestGenerateSelectLimitsNoMatch', async () => {
    const p = base();
    await p.dbt(['run']);
    const catalog = await generate(p, '--select', 'my_model');
    expect(Object.keys(catalog.nodes)).toEqual(['model.test.my_model']);
    const none = await generate(p, '--select', 'my_missing_model');
    expect([Object.keys(none.nodes).length, Object.keys(none.sources).length]).toEqual([0, 0]);
  });

  it('TestGenerateCatalogWithSources: the sources that exist are in the catalog', async () => {
    const p = base();
    await sourceTables(p);
    await p.dbt(['build']);
    const catalog = await generate(p);
    // 2 seeds + 2 models; 2 sources (only the ones that exist)
    expect(Object.keys(catalog.nodes)).toHaveLength(4);
    expect(Object.keys(catalog.sources)).toHaveLength(2);
  });

  it('TestGenerateSelectSource and TestGenerateSelectSeed: a seed and a source of one relation are selected apart', async () => {
    const p = base({ 'source_from_seed.csv': SAMPLE_SEED });
    await p.dbt(['build']);
    await sourceTables(p);
    let catalog = await generate(p, '--select', 'source:test.my_source_schema.sample_source');
    expect([Object.keys(catalog.sources), Object.keys(catalog.nodes)]).toEqual([['source.test.my_source_schema.sample_source'], []]);
    catalog = await generate(p, '--select', 'source:test.my_source_schema.source_from_seed');
    expect([Object.keys(catalog.sources), Object.keys(catalog.nodes)]).toEqual([['source.test.my_source_schema.source_from_seed'], []]);
    catalog = await generate(p, '--select', 'sample_seed');
    expect([Object.keys(catalog.nodes), Object.keys(catalog.sources)]).toEqual([['seed.test.sample_seed'], []]);
    catalog = await generate(p, '--select', 'source_from_seed');
    expect([Object.keys(catalog.nodes), Object.keys(catalog.sources)]).toEqual([['seed.test.source_from_seed'], []]);
    // TestGenerateSelectOverMaxSchemaMetadataRelations' selections (tsdbt has no per-relation limit)
    catalog = await generate(p);
    expect([Object.keys(catalog.sources).length, Object.keys(catalog.nodes).length]).toEqual([3, 5]);
    catalog = await generate(p, '--select', 'source:*');
    expect([Object.keys(catalog.sources).length, Object.keys(catalog.nodes).length]).toEqual([3, 0]);
    catalog = await generate(p, '--exclude', 'source:*');
    expect([Object.keys(catalog.sources).length, Object.keys(catalog.nodes).length]).toEqual([0, 5]);
    catalog = await generate(p, '--select', 'my_model', 'alt_model');
    expect([Object.keys(catalog.sources).length, Object.keys(catalog.nodes).length]).toEqual([0, 2]);
  });
});
