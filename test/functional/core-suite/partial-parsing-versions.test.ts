import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/partial_parsing/test_versioned_models.py, on tsdbt's warm start:
 * versions defined in another file (defined_in), latest_version moved from 2 to 1 (the unpinned ref
 * follows), a versioned model's SQL edited, then an unversioned model_one.sql beside the versioned
 * one (dbt's DuplicateVersionedUnversionedError, also on a cold parse); an unversioned model gaining versions.
 * dbt's fixtures as written; the UnpinnedRefNewVersionAvailable log line is not checked.
 */
const MODEL_ONE_SQL = `
select 1 as fun
`;
const MODEL_ONE_DOWNSTREAM_SQL = `
select fun from {{ ref('model_one') }}
`;
const MODELS_VERSIONS_SCHEMA_YML = `

models:
    - name: model_one
      description: "The first model"
      versions:
        - v: 1
        - v: 2
`;
const MODELS_VERSIONS_DEFINED_IN_SCHEMA_YML = `
models:
    - name: model_one
      description: "The first model"
      versions:
        - v: 1
        - v: 2
          defined_in: model_one_different
`;
const MODELS_VERSIONS_UPDATED_SCHEMA_YML = `
models:
    - name: model_one
      latest_version: 1
      description: "The first model"
      versions:
        - v: 1
        - v: 2
          defined_in: model_one_different
`;
const MODEL_TWO_SQL = `
select 1 as notfun
`;
const MODEL_UNVERSIONED_SCHEMA_YML = `
models:
    - name: model_one
      description: "The first model"
`;
const MODEL_VERSIONED_SCHEMA_YML = `
models:
    - name: model_one
      description: "The first model"
      latest_version: 1
      versions:
        - v: 1
`;

type Manifest = { nodes: Record<string, { depends_on: { nodes: string[] }; is_latest_version?: boolean; latest_version?: unknown; version?: unknown }> };
const isLatest = (m: Manifest, id: string) => String(m.nodes[id]!.version) === String(m.nodes[id]!.latest_version);

describe('partial parsing of versioned models (partial_parsing/test_versioned_models.py)', () => {
  it('TestVersionedModels', async () => {
    const p = dbtProject({ models: { 'model_one_v1.sql': MODEL_ONE_SQL, 'model_one.sql': MODEL_ONE_SQL, 'model_one_downstream.sql': MODEL_ONE_DOWNSTREAM_SQL, 'schema.yml': MODELS_VERSIONS_SCHEMA_YML } });
    const manifest = () => p.readJson<Manifest>('target/manifest.json');
    expect((await p.dbt(['run'])).results).toHaveLength(3);
    let m = manifest();
    expect(isLatest(m, 'model.test.model_one.v1')).toBe(false);
    expect(isLatest(m, 'model.test.model_one.v2')).toBe(true);
    expect(m.nodes['model.test.model_one_downstream']!.depends_on.nodes).toEqual(['model.test.model_one.v2']);

    p.remove('models/model_one.sql');
    p.write({ 'models/model_one_different.sql': MODEL_ONE_SQL, 'models/schema.yml': MODELS_VERSIONS_DEFINED_IN_SCHEMA_YML });
    expect((await p.dbt(['--partial-parse', 'run'])).results).toHaveLength(3);

    p.write({ 'models/schema.yml': MODELS_VERSIONS_UPDATED_SCHEMA_YML });
    expect((await p.dbt(['--partial-parse', 'run'])).results).toHaveLength(3);
    m = manifest();
    expect(isLatest(m, 'model.test.model_one.v1')).toBe(true);
    expect(isLatest(m, 'model.test.model_one.v2')).toBe(false);
    expect(m.nodes['model.test.model_one_downstream']!.depends_on.nodes).toEqual(['model.test.model_one.v1']);

    p.write({ 'models/model_one_different.sql': MODEL_TWO_SQL });
    expect((await p.dbt(['--partial-parse', 'run'])).results).toHaveLength(3);
    expect(Object.keys(manifest().nodes)).toHaveLength(3);

    p.write({ 'models/model_one.sql': MODEL_ONE_SQL });
    const r = await p.dbt(['parse'], { expectPass: false });
    expect(r.out.join('\n')).toContain('dbt found versioned and unversioned models with the name "model_one"');
    expect(r.out.join('\n')).toContain('model.test.model_one (models/model_one.sql)');
  });

  it('DuplicateVersionedUnversionedError on a cold parse too', async () => {
    const p = dbtProject({ models: { 'model_one_v1.sql': MODEL_ONE_SQL, 'model_one_different.sql': MODEL_ONE_SQL, 'model_one.sql': MODEL_ONE_SQL, 'model_one_downstream.sql': MODEL_ONE_DOWNSTREAM_SQL, 'schema.yml': MODELS_VERSIONS_DEFINED_IN_SCHEMA_YML } });
    const r = await p.dbt(['parse', '--no-partial-parse'], { expectPass: false });
    expect(r.out.join('\n')).toContain('dbt found versioned and unversioned models with the name "model_one"');
  });

  it('TestAddingVersioningToModel', async () => {
    const p = dbtProject({ models: { 'model_one.sql': MODEL_ONE_SQL, 'model_one_downstream.sql': MODEL_ONE_DOWNSTREAM_SQL, 'schema.yml': MODEL_UNVERSIONED_SCHEMA_YML } });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    p.write({ 'models/schema.yml': MODEL_VERSIONED_SCHEMA_YML });
    expect((await p.dbt(['--partial-parse', 'run'])).results).toHaveLength(2);
  });
});
