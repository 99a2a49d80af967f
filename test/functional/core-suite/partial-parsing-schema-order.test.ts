import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/partial_parsing/test_pp_schema_file_order.py, on tsdbt's warm start
 * (each command reads the last one's; the edits between them are what partial parsing sees):
 * two schema files edited together keep every patch (TestSchemaFileOrder), a model gaining versions
 * in a new or edited YAML re-points the refs to it (TestNewVersionedSchemaFile,
 * TestMoreNewVersionedSchemaFile), and a source table, a model and its YAML entry added at once
 * leave the other models' patches in place (TestSourcesAndSchemaFiles). dbt's fixtures as written.
 */
const COLORS_SQL = `
    select 'green' as first, 'red' as second, 'blue' as third
`;
const ANOTHER_V1_SQL = `
select * from {{ ref("colors") }}
`;
const ANOTHER_REF_SQL = `
select * from {{ ref("another") }}
`;
const COLORS_YML = `
models:
  - name: colors
    description: "a list of colors"
  - name: another
    description: "another model"
    versions:
      - v: 1
`;
const COLORS_ALT_YML = `
models:
  - name: colors
    description: "a list of colors"
  - name: another
    description: "YET another model"
    versions:
      - v: 1
`;
const FOO_MODEL_SQL = `
select 1 as id
`;
const ANOTHER_REF_YML = `
models:
  - name: another_ref
    description: "model with reference to another ref"
  - name: foo_model
    description: "some random model"
`;
const ANOTHER_REF_ALT_YML = `
models:
  - name: another_ref
    description: "model with reference to another ref"
  - name: foo_model
    description: "some random other model"
`;
const FOO_SQL = `
select 1 c
`;
const BAR_SQL = `
select 1 c
`;
const BAR_WITH_REF_SQL = `
select * from {{ ref('foo') }}
`;
const FOO_V2_SQL = `
select 1 c
`;
const SCHEMA_YML = `
# models/schema.yml
models:
  - name: foo
    latest_version: 1
    versions:
      - v: 1
      - v: 2
`;
const FOO_YML = `
# models/foo.yml
models:
  - name: foo
`;
const BAR_YML = `
# models/bar.yml
models:
  - name: bar
    columns:
      - name: c
        tests:
          - relationships:
              to: ref('foo')
              field: c
`;
const FOO_ALT_YML = `
# models/foo.yml
models:
  - name: foo
    latest_version: 1
    versions:
      - v: 1
      - v: 2
`;
const SOURCES_YML = `
sources:
  - name: top_source
    tables:
      - name: abcd
      - name: efgh
      - name: ijkl
`;
const ABCD_SQL = `
select * from {{ source("top_source", "abcd") }}
`;
const EFGH_SQL = `
select * from {{ source("top_source", "efgh") }}
`;
const IJKL_SQL = `
select * from {{ source("top_source", "ijkl") }}
`;
const MODELS_YML = `
models:
  - name: abcd
    description: "abcd model"
  - name: efgh
    description: "efgh model"
  - name: ijkl
    description: "ijkl model"
`;
const APPEND_SOURCES_YML = `
      - name: mnop
`;
const APPEND_MODELS_YML = `
  - name: mnop
    description: "mnop model"
`;
const MNOP_SQL = `
select * from {{ source("top_source", "mnop") }}
`;

type Manifest = { nodes: Record<string, { name: string; description: string; depends_on: { nodes: string[] }; resource_type: string }> };

describe('partial parsing and schema file order (partial_parsing/test_pp_schema_file_order.py)', () => {
  it('TestSchemaFileOrder: two schema files edited together keep every description', async () => {
    const p = dbtProject({ models: { 'colors.sql': COLORS_SQL, 'colors.yml': COLORS_YML, 'another_v1.sql': ANOTHER_V1_SQL, 'another_ref.sql': ANOTHER_REF_SQL, 'foo_model.sql': FOO_MODEL_SQL, 'another_ref.yml': ANOTHER_REF_YML } });
    expect((await p.dbt(['run'])).results).toHaveLength(4);
    expect(p.readJson<Manifest>('target/manifest.json').nodes['model.test.another_ref']!.description).toBe('model with reference to another ref');
    p.write({ 'models/colors.yml': COLORS_ALT_YML, 'models/another_ref.yml': ANOTHER_REF_ALT_YML });
    expect((await p.dbt(['--partial-parse', 'run'])).results).toHaveLength(4);
    const nodes = p.readJson<Manifest>('target/manifest.json').nodes;
    expect(nodes['model.test.another_ref']!.description).toBe('model with reference to another ref');
    expect(nodes['model.test.foo_model']!.description).toBe('some random other model');
    expect(nodes['model.test.another.v1']!.description).toBe('YET another model');
  });

  it('TestNewVersionedSchemaFile: a ref to a model that gains versions points at its latest version', async () => {
    const p = dbtProject({ models: { 'foo.sql': FOO_SQL, 'bar.sql': BAR_WITH_REF_SQL } });
    await p.dbt(['compile']);
    p.write({ 'models/foo_v2.sql': FOO_V2_SQL, 'models/schema.yml': SCHEMA_YML });
    await p.dbt(['compile']);
    const nodes = p.readJson<Manifest>('target/manifest.json').nodes;
    expect(Object.keys(nodes).filter((id) => id.startsWith('model.')).sort()).toEqual(['model.test.bar', 'model.test.foo.v1', 'model.test.foo.v2']);
    expect(nodes['model.test.bar']!.depends_on.nodes).toEqual(['model.test.foo.v1']);
  });

  it('TestMoreNewVersionedSchemaFile: foo.sql replaced by two versions; the relationships test follows', async () => {
    const p = dbtProject({ models: { 'foo.sql': FOO_SQL, 'bar.sql': BAR_SQL, 'foo.yml': FOO_YML, 'bar.yml': BAR_YML } });
    await p.dbt(['compile']);
    p.remove('models/foo.sql');
    p.write({ 'models/foo_v1.sql': FOO_SQL, 'models/foo_v2.sql': FOO_SQL, 'models/foo.yml': FOO_ALT_YML });
    await p.dbt(['compile']);
    const nodes = p.readJson<Manifest>('target/manifest.json').nodes;
    expect(Object.keys(nodes).filter((id) => id.startsWith('model.')).sort()).toEqual(['model.test.bar', 'model.test.foo.v1', 'model.test.foo.v2']);
    const rel = Object.values(nodes).find((n) => n.resource_type === 'test' && n.name.startsWith('relationships_bar_c'))!;
    expect(rel.depends_on.nodes.sort()).toEqual(['model.test.bar', 'model.test.foo.v1']);
  });

  it('TestSourcesAndSchemaFiles: a source table, a model and its YAML entry added at once', async () => {
    const p = dbtProject({ models: { 'sources.yml': SOURCES_YML, 'abcd.sql': ABCD_SQL, 'efgh.sql': EFGH_SQL, 'ijkl.sql': IJKL_SQL, '_models.yml': MODELS_YML } });
    await p.dbt(['parse']);
    expect(Object.keys(p.readJson<Manifest>('target/manifest.json').nodes)).toHaveLength(3);
    p.write({ 'models/_models.yml': MODELS_YML + APPEND_MODELS_YML, 'models/mnop.sql': MNOP_SQL, 'models/sources.yml': SOURCES_YML + APPEND_SOURCES_YML });
    await p.dbt(['parse']);
    const nodes = Object.values(p.readJson<Manifest>('target/manifest.json').nodes);
    expect(nodes).toHaveLength(4);
    for (const node of nodes) expect(node.description, node.name).toBe(`${node.name} model`);
  });
});
