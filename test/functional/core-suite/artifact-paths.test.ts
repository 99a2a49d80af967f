import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/artifacts/expected_manifest.py: a node's `path` is its file relative to
 * the resource folder it is under ('model.sql', 'seed.csv'), a generic test's its compiled file
 * name ('not_null_model_id.sql'), a source's its YAML's original path, a YAML resource's (exposure,
 * group, unit test) its YAML's relative path; a seed has its project's root_path. Installed packages
 * the same, relative to the package. graph.nodes holds the same dicts (dbt's flat_graph).
 */
describe("manifest.json: a node's path and a seed's root_path (expected_manifest.py)", () => {
  it('paths relative to the resource folder, in the project and an installed package', async () => {
    const pkgProject = "name: pkg\nversion: '1.0'\nconfig-version: 2\nmodel-paths: ['src/models']\n";
    const p = dbtProject({
      models: {
        'staging/stg_x.sql': 'select 1 as id',
        'staging/schema.yml': [
          'version: 2',
          'sources:',
          '  - name: raw',
          '    tables: [{name: t}]',
          'models:',
          '  - name: stg_x',
          '    columns:',
          '      - name: id',
          '        data_tests:',
          '          - not_null',
          '          - accepted_values:',
          '              values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]',
          'exposures:',
          '  - name: dash',
          '    type: dashboard',
          '    owner: {email: a@b.c}',
          '    depends_on: ["ref(\'stg_x\')"]',
          'unit_tests:',
          '  - name: ut',
          '    model: stg_x',
          '    given: []',
          '    expect: {rows: [{id: 1}]}',
          '',
        ].join('\n'),
      },
      seeds: { 'sub/my_seed.csv': 'a\n1\n' },
      tests: { 'checks/my_check.sql': "select * from {{ ref('stg_x') }} where id < 0" },
      analyses: { 'an.sql': "select * from {{ ref('stg_x') }}" },
      macros: { 'show_path.sql': "{% macro show_path(id) %}{{ log('PATH=' ~ graph.nodes[id].path ~ ' OFP=' ~ graph.nodes[id].original_file_path, info=true) }}{% endmacro %}" },
      files: {
        'dbt_packages/pkg/dbt_project.yml': pkgProject,
        'dbt_packages/pkg/src/models/inner/p_model.sql': 'select 2 as id',
        'dbt_packages/pkg/seeds/p_seed.csv': 'b\n2\n',
      },
    });
    await p.dbt(['parse']);
    const m = p.readJson('target/manifest.json');
    const node = (id: string) => m.nodes[id] ?? m.sources[id] ?? m.exposures[id] ?? m.unit_tests[id];
    const pathOf = (id: string) => [node(id).path, node(id).original_file_path];
    expect(pathOf('model.test.stg_x')).toEqual(['staging/stg_x.sql', 'models/staging/stg_x.sql']);
    expect(pathOf('seed.test.my_seed')).toEqual(['sub/my_seed.csv', 'seeds/sub/my_seed.csv']);
    expect(pathOf('test.test.my_check')).toEqual(['checks/my_check.sql', 'tests/checks/my_check.sql']);
    expect(pathOf('analysis.test.an')).toEqual(['an.sql', 'analyses/an.sql']);
    expect(pathOf('source.test.raw.t')).toEqual(['models/staging/schema.yml', 'models/staging/schema.yml']);
    expect(pathOf('exposure.test.dash')).toEqual(['staging/schema.yml', 'models/staging/schema.yml']);
    expect(pathOf('unit_test.test.stg_x.ut')).toEqual(['staging/schema.yml', 'models/staging/schema.yml']);
    // A generic test: its compiled file's name; a 64+ character name's is the short one (<first 30>_<md5>).
    const tests = Object.keys(m.nodes).filter((id) => id.startsWith('test.test.') && id !== 'test.test.my_check');
    const notNull = tests.find((id) => id.startsWith('test.test.not_null_stg_x_id.'))!;
    expect(pathOf(notNull)).toEqual(['not_null_stg_x_id.sql', 'models/staging/schema.yml']);
    const accepted = tests.find((id) => id.startsWith('test.test.accepted_values_stg_x_id'))!;
    expect(node(accepted).name.length).toBeGreaterThanOrEqual(64);
    expect(node(accepted).path).toMatch(/^accepted_values_stg_x_[0-9a-f]{32}\.sql$/);
    // An installed package: relative to the package, then to its resource folder.
    expect(pathOf('model.pkg.p_model')).toEqual(['inner/p_model.sql', 'src/models/inner/p_model.sql']);
    expect(pathOf('seed.pkg.p_seed')).toEqual(['p_seed.csv', 'seeds/p_seed.csv']);
    // dbt's SeedNode.root_path: its project's folder.
    expect(node('seed.test.my_seed').root_path).toBe(p.dir);
    expect(node('seed.pkg.p_seed').root_path).toBe(join(p.dir, 'dbt_packages', 'pkg'));
    // graph.nodes: the manifest's dicts.
    const { out } = await p.dbt(['run-operation', 'show_path', '--args', '{id: model.pkg.p_model}']);
    expect(out.join('\n')).toContain('PATH=inner/p_model.sql OFP=src/models/inner/p_model.sql');
  });
});
