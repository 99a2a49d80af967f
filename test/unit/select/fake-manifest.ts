import { ProjectGraph } from '../../../packages/core/src/graph/project-graph.js';
import { DEFAULT_MODEL_CONFIG, DEFAULT_SEED_CONFIG, DEFAULT_TEST_CONFIG, type NodeConfig } from '../../../packages/core/src/manifest/config.js';
import type { Manifest, SelectorDefinition } from '../../../packages/core/src/manifest/manifest.js';
import type {
  ManifestNode,
  ModelNode,
  SeedNode,
  SourceNode,
  TestNode,
} from '../../../packages/core/src/manifest/nodes.js';
import { selectNodes, type SelectionOptions } from '../../../packages/core/src/select/select-nodes.js';

export const PROJECT = 'shop';

function base(uniqueId: string, name: string, packageName: string, fqn: string[], file: string, config: NodeConfig, dependsOn: string[]) {
  return {
    uniqueId,
    name,
    packageName,
    fqn,
    originalFilePath: file,
    line: 1,
    description: '',
    config,
    tags: [...config.tags],
    columns: {},
    dependsOn,
    macrosUsed: [],
    relation: { schema: 'default', identifier: name },
  };
}

/** A model in `models/<folder>/<name>.sql`; `deps` are unique ids. */
export function model(
  name: string,
  folder: string,
  deps: string[] = [],
  config: Partial<NodeConfig> = {},
  extra: { packageName?: string; patchPath?: string } = {},
): ModelNode {
  const pkg = extra.packageName ?? PROJECT;
  const dirs = folder ? folder.split('/') : [];
  const file = ['models', ...dirs, `${name}.sql`].join('/');
  return {
    ...base(`model.${pkg}.${name}`, name, pkg, [pkg, ...dirs, name], file, { ...DEFAULT_MODEL_CONFIG, ...config } as NodeConfig, deps),
    resourceType: 'model',
    rawCode: 'select 1',
    renderedCode: 'select 1',
    refs: [],
    sources: [],
    renderAtRuntime: false,
    patchPath: extra.patchPath,
  };
}

export function seed(name: string, config: Partial<NodeConfig> = {}): SeedNode {
  return {
    ...base(`seed.${PROJECT}.${name}`, name, PROJECT, [PROJECT, name], `seeds/${name}.csv`, { ...DEFAULT_SEED_CONFIG, ...config } as NodeConfig, []),
    resourceType: 'seed',
    seedFile: `/proj/seeds/${name}.csv`,
  };
}

export function source(sourceName: string, name: string, file = 'models/sources.yml'): SourceNode {
  const config = { ...DEFAULT_MODEL_CONFIG, materialized: 'source' } as NodeConfig;
  return {
    ...base(`source.${PROJECT}.${sourceName}.${name}`, name, PROJECT, [PROJECT, sourceName, name], file, config, []),
    resourceType: 'source',
    sourceName,
    sourceDescription: '',
    loader: '',
  };
}

/** A generic test declared in `file` (a schema YAML); `parents` are unique ids, the first one the attached node. */
export function genericTest(
  name: string,
  testName: string,
  parents: string[],
  file: string,
  config: Partial<NodeConfig> = {},
  namespace?: string,
): TestNode {
  const dirs = file.split('/').slice(1, -1);
  return {
    ...base(`test.${PROJECT}.${name}`, name, PROJECT, [PROJECT, ...dirs, name], file, { ...DEFAULT_TEST_CONFIG, ...config } as NodeConfig, parents),
    resourceType: 'test',
    testType: 'generic',
    testMetadata: { name: testName, namespace, kwargs: {} },
    attachedNode: parents[0],
    rawCode: `{{ test_${testName}(**_dbt_generic_test_kwargs) }}`,
    renderedCode: '',
    refs: [],
    sources: [],
  };
}

export function singularTest(name: string, parents: string[], config: Partial<NodeConfig> = {}): TestNode {
  return {
    ...base(`test.${PROJECT}.${name}`, name, PROJECT, [PROJECT, name], `tests/${name}.sql`, { ...DEFAULT_TEST_CONFIG, ...config } as NodeConfig, parents),
    resourceType: 'test',
    testType: 'singular',
    rawCode: 'select 1',
    renderedCode: '',
    refs: [],
    sources: [],
  };
}

export function makeManifest(nodes: ManifestNode[], selectors: Record<string, unknown> = {}, defaults: string[] = []): Manifest {
  const defs: Record<string, SelectorDefinition> = {};
  for (const [name, definition] of Object.entries(selectors)) {
    defs[name] = { name, definition, default: defaults.includes(name), file: 'selectors.yml' };
  }
  return {
    projectName: PROJECT,
    projectRoot: '/proj',
    nodes: new Map(nodes.map((n) => [n.uniqueId, n])),
    macros: new Map(),
    selectors: defs,
  };
}

const M = (name: string) => `model.${PROJECT}.${name}`;

/**
 * The shop project:
 *   raw.orders → stg_orders → orders → customer_stats
 *   raw.customers → stg_customers ↗   orders → revenue ← utils_pkg.calendar
 *   country_codes (seed) → orders
 * with generic tests (one on a source, one relationships test with two parents,
 * one namespaced) and singular tests (one with two parents).
 */
export function shopNodes(): ManifestNode[] {
  return [
    source('raw', 'orders'),
    source('raw', 'customers'),
    seed('country_codes'),
    model('stg_orders', 'clean', ['source.shop.raw.orders'], { tags: ['nightly'] }, { patchPath: 'shop://models/clean/schema.yml' }),
    model('stg_customers', 'clean', ['source.shop.raw.customers'], { tags: ['nightly', 'pii'] }),
    model('orders', 'mart', [M('stg_orders'), M('stg_customers'), 'seed.shop.country_codes'], {
      materialized: 'table',
      tags: ['finance'],
      meta: { owner: 'ann' },
      order_by: ['id', 'created_at'],
    }),
    model('customer_stats', 'mart', [M('orders')], { materialized: 'incremental', inserts_only: true }),
    model('revenue', 'mart/finance', [M('orders'), 'model.utils_pkg.calendar'], {
      materialized: 'table',
      tags: ['finance', 'daily'],
      query_settings: { max_threads: 4 },
    }),
    model('calendar', '', [], {}, { packageName: 'utils_pkg' }),
    genericTest('not_null_stg_orders_id', 'not_null', [M('stg_orders')], 'models/clean/schema.yml'),
    genericTest('unique_orders_id', 'unique', [M('orders')], 'models/mart/schema.yml', { severity: 'warn' }),
    genericTest('relationships_orders_customer_id', 'relationships', [M('orders'), M('stg_customers')], 'models/mart/schema.yml'),
    genericTest('expression_is_true_revenue', 'expression_is_true', [M('revenue')], 'models/mart/schema.yml', {}, 'dbt_utils'),
    genericTest('source_not_null_raw_orders_id', 'not_null', ['source.shop.raw.orders'], 'models/sources.yml'),
    singularTest('assert_revenue_positive', [M('revenue')], { tags: ['finance'] }),
    singularTest('assert_stats_match_orders', [M('orders'), M('customer_stats')]),
  ];
}

export function shop(selectors: Record<string, unknown> = {}, defaults: string[] = []): { manifest: Manifest; graph: ProjectGraph } {
  const manifest = makeManifest(shopNodes(), selectors, defaults);
  return { manifest, graph: new ProjectGraph(manifest) };
}

/** A short, unique label per node: the name, `source.table` for sources. */
export function label(manifest: Manifest, id: string): string {
  const node = manifest.nodes.get(id)!;
  return node.resourceType === 'source' ? `${node.sourceName}.${node.name}` : node.name;
}

/** Runs a selection on the shop project and returns sorted labels. */
export function pick(options: SelectionOptions, selectors: Record<string, unknown> = {}, defaults: string[] = []): string[] {
  const { manifest, graph } = shop(selectors, defaults);
  return [...selectNodes(manifest, graph, options)].map((id) => label(manifest, id)).sort();
}

export const ALL_MODELS = ['calendar', 'customer_stats', 'orders', 'revenue', 'stg_customers', 'stg_orders'];
export const ALL_TESTS = [
  'assert_revenue_positive',
  'assert_stats_match_orders',
  'expression_is_true_revenue',
  'not_null_stg_orders_id',
  'relationships_orders_customer_id',
  'source_not_null_raw_orders_id',
  'unique_orders_id',
];
