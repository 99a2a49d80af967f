import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * The fields dbt 1.10/1.11's artifact schemas (schemas.getdbt.com: manifest v12, run-results v6,
 * sources v3; dbt-core's schemas/ folder) give each object — a tool validating against them, or
 * parsing them with classes that forbid extra keys (dbt-artifacts-parser), refuses an artifact with a
 * field missing or one too many:
 * - BaseArtifactMetadata (run_results, sources, catalog): dbt_schema_version, dbt_version, generated_at,
 *   invocation_id, invocation_started_at, env — no adapter_type (the manifest's metadata has it);
 * - a macro: resource_type 'macro' and path (required);
 * - a node is named by alias (no identifier field: a property of dbt's node object), a source by
 *   identifier (no alias, depends_on, group or checksum); a seed's depends_on holds macros only; a
 *   singular test has no attached_node; an exposure no checksum; a unit test's checksum is a string
 *   and it has no columns, database, group, meta or relation_name;
 * - each run result's timing is dbt's compile then execute.
 */
const BASE_METADATA = ['dbt_schema_version', 'dbt_version', 'generated_at', 'invocation_id', 'invocation_started_at', 'env'];

describe("artifacts hold the fields of dbt's schemas", () => {
  it('run_results.json, sources.json and manifest.json metadata; macros, nodes, sources, seeds, tests, exposures', async () => {
    const p = dbtProject({
      seeds: { 'raw.csv': 'id,ts\n1,2024-01-01 00:00:00\n' },
      models: {
        'm.sql': "select * from {{ ref('raw') }}",
        'schema.yml': [
          'version: 2',
          'sources:',
          '  - name: src',
          '    schema: "{{ target.schema }}"',
          '    loaded_at_field: ts',
          '    freshness: {warn_after: {count: 1, period: day}}',
          '    tables: [{name: raw}]',
          'models:',
          '  - name: m',
          '    columns: [{name: id, data_tests: [not_null]}]',
          'exposures:',
          '  - name: dash',
          '    type: dashboard',
          '    owner: {name: me}',
          "    depends_on: [ref('m')]",
          'unit_tests:',
          '  - name: ut_m',
          '    model: m',
          "    given: [{input: ref('raw'), rows: [{id: 1, ts: '2024-01-01 00:00:00'}]}]",
          '    expect: {rows: [{id: 1}]}',
        ].join('\n'),
      },
      tests: { 'singular.sql': "select * from {{ ref('m') }} where id < 0" },
      macros: { 'my_macros.sql': '{% macro my_macro() %}1{% endmacro %}' },
      projectConfig: 'on-run-end: ["{% for r in results %}{{ log(\'IDENT \' ~ r.node.name ~ \'=\' ~ r.node.identifier, info=true) }}{% endfor %}"]\n',
    });
    await p.dbt(['seed']);
    const { out } = await p.dbt(['build']);
    const runResults = p.readJson('target/run_results.json');
    expect(Object.keys(runResults.metadata)).toEqual(BASE_METADATA);
    const manifest = p.readJson('target/manifest.json');
    // One invocation: its start in both, before either was generated.
    expect(manifest.metadata.invocation_started_at).toBe(runResults.metadata.invocation_started_at);
    expect(manifest.metadata.invocation_id).toBe(runResults.metadata.invocation_id);
    expect(Date.parse(runResults.metadata.invocation_started_at)).toBeLessThanOrEqual(Date.parse(runResults.metadata.generated_at));
    expect(manifest.metadata.adapter_type).toBe('clickhouse');
    // Each node's timing is dbt's compile then execute (dbt_artifacts reads the compile step's start).
    for (const r of (runResults.results as { unique_id: string; status: string; timing: { name: string; started_at: string; completed_at: string }[] }[]).filter((x) => x.status !== 'no-op')) {
      expect(r.timing.map((t) => t.name), r.unique_id).toEqual(['compile', 'execute']);
      expect(r.timing[1]!.started_at, r.unique_id).toBe(r.timing[0]!.completed_at);
      expect(Date.parse(r.timing[0]!.completed_at)).toBeGreaterThanOrEqual(Date.parse(r.timing[0]!.started_at));
    }

    const macro = manifest.macros['macro.test.my_macro'];
    expect([macro.resource_type, macro.path, macro.original_file_path]).toEqual(['macro', 'macros/my_macros.sql', 'macros/my_macros.sql']);
    expect(manifest.nodes['model.test.m'].alias).toBe('m');
    expect(manifest.nodes['model.test.m']).not.toHaveProperty('identifier');
    const source = manifest.sources['source.test.src.raw'];
    expect(source.identifier).toBe('raw');
    for (const key of ['alias', 'depends_on', 'group', 'checksum']) expect(source, key).not.toHaveProperty(key);
    expect(manifest.nodes['seed.test.raw'].depends_on).toEqual({ macros: [] });
    expect(manifest.nodes['test.test.singular']).not.toHaveProperty('attached_node');
    const generic = Object.values(manifest.nodes as Record<string, { name: string; attached_node?: string }>).find((n) => n.name === 'not_null_m_id')!;
    expect(generic.attached_node).toBe('model.test.m');
    expect(manifest.exposures['exposure.test.dash']).not.toHaveProperty('checksum');
    // A unit test's checksum is the hash itself (UnitTestDefinition.checksum: str); it has no columns, database, group, meta or relation_name.
    const unit = manifest.unit_tests['unit_test.test.m.ut_m'];
    expect(unit.checksum).toMatch(/^[0-9a-f]{64}$/);
    for (const key of ['columns', 'database', 'group', 'meta', 'relation_name', 'identifier', 'alias']) expect(unit, key).not.toHaveProperty(key);
    // on-run-end's result.node still reads identifier (dbt's node object has the property).
    expect(out.join('\n')).toContain('IDENT m=m');

    await p.dbt(['source', 'freshness']);
    expect(Object.keys(p.readJson('target/sources.json').metadata)).toEqual(BASE_METADATA);
    await p.dbt(['docs', 'generate']);
    expect(Object.keys(p.readJson('target/catalog.json').metadata)).toEqual(BASE_METADATA);
  });

  it("the semantic layer's resources in dbt's shapes: measures and metric inputs as objects, filters as WhereFilterIntersection, windows as MetricTimeWindow", async () => {
    const p = dbtProject({
      models: {
        'orders.sql': "select 1 as order_id, toDate('2024-01-01') as ordered_at, 10 as total",
        'semantic.yml': [
          'version: 2',
          'semantic_models:',
          '  - name: orders',
          "    model: ref('orders')",
          '    defaults: {agg_time_dimension: ordered_at}',
          '    entities: [{name: order_id, type: primary}]',
          '    dimensions: [{name: ordered_at, type: time, type_params: {time_granularity: day}}]',
          '    measures: [{name: total, agg: sum}, {name: order_count, expr: 1, agg: sum}]',
          'metrics:',
          '  - {name: revenue, label: Revenue, type: simple, type_params: {measure: total}}',
          "  - {name: orders_n, label: Orders, type: simple, type_params: {measure: {name: order_count, join_to_timespine: true}}, filter: \"{{ Dimension('order_id__ordered_at') }} > '2020-01-01'\"}",
          '  - {name: per_order, label: Per order, type: ratio, type_params: {numerator: revenue, denominator: {name: orders_n, alias: n}}}',
          '  - {name: weekly, label: Weekly, type: cumulative, type_params: {measure: total, window: 7 days}}',
          'saved_queries:',
          '  - name: kpis',
          '    query_params: {metrics: [revenue], group_by: ["TimeDimension(\'order_id__ordered_at\', \'day\')"], where: ["{{ Dimension(\'order_id__ordered_at\') }} > \'2020-01-01\'"]}',
          '    exports: [{name: kpis_export, config: {export_as: table, schema: exports}}]',
        ].join('\n'),
      },
    });
    await p.dbt(['parse']);
    const manifest = p.readJson('target/manifest.json');
    const metric = (name: string) => manifest.metrics[`metric.test.${name}`];
    const measure = (name: string, more: object = {}) => ({ name, filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null, ...more });
    expect(metric('revenue').type_params).toMatchObject({ measure: measure('total'), input_measures: [measure('total')], numerator: null, metrics: [] });
    expect(metric('orders_n').type_params.measure).toEqual(measure('order_count', { join_to_timespine: true }));
    expect(metric('orders_n').filter).toEqual({ where_filters: [{ where_sql_template: "{{ Dimension('order_id__ordered_at') }} > '2020-01-01'" }] });
    expect(metric('per_order').type_params).toMatchObject({
      numerator: { name: 'revenue', filter: null, alias: null, offset_window: null, offset_to_grain: null },
      denominator: { name: 'orders_n', filter: null, alias: 'n', offset_window: null, offset_to_grain: null },
    });
    expect(metric('weekly').type_params.window).toEqual({ count: 7, granularity: 'day' });
    const saved = manifest.saved_queries['saved_query.test.kpis'];
    expect(saved.query_params.where).toEqual({ where_filters: [{ where_sql_template: "{{ Dimension('order_id__ordered_at') }} > '2020-01-01'" }] });
    expect(saved.exports).toEqual([{ name: 'kpis_export', config: { export_as: 'table', schema_name: 'exports', alias: null, database: null }, unrendered_config: {} }]);
    for (const key of ['meta', 'sources', 'metrics']) expect(saved, key).not.toHaveProperty(key);
    const model = manifest.semantic_models['semantic_model.test.orders'];
    for (const key of ['tags', 'meta', 'sources', 'metrics']) expect(model, key).not.toHaveProperty(key);
    expect(model.node_relation).toMatchObject({ alias: 'orders', schema_name: p.schema });
  });
});
