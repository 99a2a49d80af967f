import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/artifacts/expected_manifest.py (get_rendered_model_config,
 * get_rendered_seed_config, get_rendered_tst_config, get_rendered_snapshot_config): manifest.json
 * writes every field a node's config class declares, with its default; and the node fields of a
 * ParsedResource / CompiledResource (build_path, docs, compiled_path, extra_ctes, metrics).
 */
const nodeConfig = (materialized: string) => ({
  enabled: true, alias: null, schema: null, database: null, tags: [], meta: {}, group: null, static_analysis: null,
  materialized, incremental_strategy: null, batch_size: null, lookback: 1, begin: null, persist_docs: {},
  'post-hook': [], 'pre-hook': [], quoting: {}, column_types: {}, full_refresh: null, unique_key: null,
  on_schema_change: 'ignore', on_configuration_change: 'apply', grants: {}, packages: [],
  docs: { show: true, node_color: null }, contract: { enforced: false, alias_types: true }, event_time: null, concurrent_batches: null,
});

describe('manifest.json node configs hold every declared field with its default (expected_manifest.py)', () => {
  it('model, seed, test and snapshot configs; hooks as {sql, transaction, index}; tsdbt-added query_settings not shown', async () => {
    const p = dbtProject({
      models: {
        'model.sql': "{{ config(post_hook='select 1', docs={'show': false}) }}select 1 as id",
        // joins: dbt_semantics runs it with join_use_nulls = 1 (load/dbt-semantics.ts), no config the project set.
        'joined.sql': "select a.id from {{ ref('model') }} a left join {{ ref('model') }} b on a.id = b.id",
        'own_settings.sql': "{{ config(query_settings={'max_threads': 2}) }}select a.id from {{ ref('model') }} a left join {{ ref('model') }} b on a.id = b.id",
        'schema.yml': 'version: 2\nmodels:\n  - name: model\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
      },
      seeds: { 'seed.csv': 'id\n1\n' },
      snapshots: { 'snap.sql': "{% snapshot snap %}{{ config(strategy='check', check_cols='all', unique_key='id') }}select * from {{ ref('model') }}{% endsnapshot %}" },
    });
    await p.dbt(['compile']);
    const nodes = p.readJson('target/manifest.json').nodes;
    expect(nodes['model.test.model'].config).toEqual({
      ...nodeConfig('view'), access: 'protected', freshness: null,
      'post-hook': [{ sql: 'select 1', transaction: true, index: null }], docs: { show: false, node_color: null },
    });
    expect(nodes['model.test.joined'].config).toEqual({ ...nodeConfig('view'), access: 'protected', freshness: null });
    expect(nodes['model.test.own_settings'].config.query_settings).toEqual({ max_threads: 2 });
    expect(nodes['seed.test.seed'].config).toEqual({ ...nodeConfig('seed'), delimiter: ',', quote_columns: null });
    const testId = Object.keys(nodes).find((id) => id.startsWith('test.test.not_null_model_id'))!;
    expect(nodes[testId].config).toEqual({
      enabled: true, alias: null, schema: 'dbt_test__audit', database: null, tags: [], meta: {}, group: null, static_analysis: null,
      materialized: 'test', severity: 'ERROR', store_failures: null, store_failures_as: null, where: null, limit: null,
      fail_calc: 'count(*)', warn_if: '!= 0', error_if: '!= 0',
    });
    expect(nodes['snapshot.test.snap'].config).toMatchObject({
      ...nodeConfig('snapshot'), strategy: 'check', check_cols: 'all', unique_key: 'id', target_schema: null, target_database: null, updated_at: null,
      snapshot_meta_column_names: { dbt_valid_to: null, dbt_valid_from: null, dbt_scd_id: null, dbt_updated_at: null, dbt_is_deleted: null },
      dbt_valid_to_current: null,
    });
    // The node fields dbt writes beside the config.
    const model = nodes['model.test.model'];
    expect([model.build_path, model.docs, model.compiled_path, model.extra_ctes, model.extra_ctes_injected, model.metrics])
      .toEqual([null, { show: false, node_color: null }, 'target/compiled/test/models/model.sql', [], true, []]);
    expect([nodes[testId].file_key_name, nodes[testId].compiled_path]).toEqual(['models.model', `target/compiled/test/models/schema.yml/${nodes[testId].alias}.sql`]);
    expect([nodes['seed.test.seed'].build_path, nodes['seed.test.seed'].docs]).toEqual([null, { show: true, node_color: null }]);
    // ls --output json shows the same config.
    const { out } = await p.dbt(['ls', '--select', 'joined', '--output', 'json', '--output-keys', 'config']);
    expect(JSON.parse(out.find((l) => l.startsWith('{'))!).config).toEqual(nodes['model.test.joined'].config);
  });

  it("config.get of a declared field gives its value, dbt's default when not set, not the fallback (RuntimeConfigObject._lookup)", async () => {
    const p = dbtProject({
      models: {
        'model.sql': [
          "{{ config(materialized='table') }}",
          "select '{{ config.get('alias', 'x') }}' as alias_, '{{ config.get('on_schema_change', 'x') }}' as osc,",
          " '{{ config.get('materialized', 'x') }}' as mat, '{{ config.get('engine', 'x') }}' as engine_, '{{ config.get('docs', 'x') }}' as docs_",
        ].join('\n'),
      },
    });
    await p.dbt(['compile']);
    const sql = readFileSync(join(p.dir, 'target/compiled/test/models/model.sql'), 'utf8');
    expect(sql).toContain("'None' as alias_");
    expect(sql).toContain("'ignore' as osc");
    expect(sql).toContain("'table' as mat");
    // Not a field of dbt's config classes: the fallback.
    expect(sql).toContain("'x' as engine_");
    expect(sql).toContain("'{'show': True, 'node_color': None}' as docs_");
  });
});
