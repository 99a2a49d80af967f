import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Manifest } from './manifest.js';
import { dbtConfigDefaults } from './config-defaults.js';
import { shouldStoreFailures } from './store-failures.js';
import { inferPrimaryKey } from './primary-key.js';
import { isSemanticNode, type CompiledCode, type Constraint, type FreshnessRule, type ManifestNode, type UnitTestRows } from './nodes.js';
import { semanticDict } from './semantic-dict.js';

/** As dbt writes them, an installed package's paths are relative to the package: `(pkg, path) → path`. */
export function packageRelativePaths(manifest: Manifest): (pkg: string, path: string) => string {
  const packageDirs = new Map((manifest.packages ?? []).map((p) => [p.name, `${p.path}/`]));
  return (pkg, path) => {
    const dir = packageDirs.get(pkg);
    return dir && path.startsWith(dir) ? path.slice(dir.length) : path;
  };
}

/**
 * What a node's dict reads beyond the node: its package's paths relative to the package, dbt's
 * `path`, a seed's root_path, the tests of a model (its inferred primary_key).
 */
export interface NodeContext {
  /** dbt's original_file_path: an installed package's file relative to the package. */
  inPackage(pkg: string, path: string): string;
  /** dbt's `path`: the file relative to the resource folder it is under (`staging/stg_x.sql`, `schema.yml`). */
  resourcePath(pkg: string, path: string): string;
  /** dbt's root_path of a seed: the folder of its project (absolute). */
  rootPath(pkg: string): string;
  /** The generic tests attached to a node, enabled and disabled (dbt's build_model_to_generic_tests_map). */
  testsOf(id: string): readonly ManifestNode[];
}

const contexts = new WeakMap<Manifest, NodeContext>();

/** A manifest's NodeContext (resource folders as loaded: load-project.ts), made once per manifest. */
export function nodeContext(manifest: Manifest): NodeContext {
  let context = contexts.get(manifest);
  if (context) return context;
  const inPackage = packageRelativePaths(manifest);
  const packageDirs = new Map((manifest.packages ?? []).map((p) => [p.name, p.path]));
  const folders = manifest.resourceFolders ?? {};
  let tests: Map<string, ManifestNode[]> | undefined;
  context = {
    inPackage,
    resourcePath: (pkg, path) => {
      const rel = inPackage(pkg, path);
      // The longest folder the file is under (dbt's FilePath.relative_path, from the search root).
      let best = '';
      for (const f of folders[pkg] ?? []) if (f.length > best.length && rel.startsWith(`${f}/`)) best = f;
      return best ? rel.slice(best.length + 1) : rel;
    },
    rootPath: (pkg) => {
      const dir = packageDirs.get(pkg);
      return dir ? join(manifest.projectRoot, dir) : manifest.projectRoot;
    },
    testsOf: (id) => {
      if (!tests) {
        tests = new Map();
        const all = [...manifest.nodes.values(), ...[...(manifest.disabled?.values() ?? [])].flat()];
        for (const n of all) if (n.resourceType === 'test' && n.attachedNode && n.testMetadata) (tests.get(n.attachedNode) ?? tests.set(n.attachedNode, []).get(n.attachedNode)!).push(n);
      }
      return tests.get(id) ?? [];
    },
  };
  contexts.set(manifest, context);
  return context;
}

/** What a dict reads when no manifest is at hand: dbt's `path` is the original file path, no tests. */
function plainContext(inPackage: (pkg: string, path: string) => string): NodeContext {
  return { inPackage, resourcePath: inPackage, rootPath: () => '', testsOf: () => [] };
}

/**
 * One node in dbt's manifest v12 shape (the fields tools read): what target/manifest.json holds and
 * what templates see in `graph.nodes` / `graph.sources`.
 */

/**
 * dbt's node.relation_name (parser/base.py _update_node_relation_name): the quoted relation of a node
 * that is one in the warehouse — models but ephemeral ones, seeds, snapshots (and sources), a test
 * configured to store its failures (dbt's TestShouldStoreFailures.is_relational at parse); None for
 * the rest: ephemeral models, analyses, other tests (stored by --store-failures, they are named in
 * run_results), unit tests, exposures. With `storeFailuresFlag` (`--store-failures`), every test that
 * stores its failures under it: dbt's compile sets those (compilation.py), and the manifest.json a
 * `test --store-failures` writes holds them.
 */
export function relationNameOf(node: ManifestNode, storeFailuresFlag = false): string | null {
  // A function has no database: its name alone (dbt's FunctionNode relation).
  if (node.resourceType === 'function') return `\`${node.relation.identifier}\``;
  const relational =
    node.resourceType === 'seed' || node.resourceType === 'snapshot' || node.resourceType === 'source' ||
    (node.resourceType === 'model' && node.config.materialized !== 'ephemeral') || (node.resourceType === 'test' && shouldStoreFailures(node, storeFailuresFlag));
  return relational ? `\`${node.relation.schema}\`.\`${node.relation.identifier}\`` : null;
}

/** The resources dbt writes a patch_path for (its ParsedNode's). */
const PATCHED: ReadonlySet<string> = new Set(['model', 'seed', 'snapshot', 'analysis', 'test', 'function']);

/** Resources dbt writes as a ParsedResource (build_path, docs) and, but seeds, a CompiledResource. */
const COMPILED_RESOURCE: ReadonlySet<string> = new Set(['model', 'seed', 'snapshot', 'analysis', 'test', 'function']);

/** dbt's TestConfig.schema default: a test's failures go to `<target>_dbt_test__audit` (load/relation-names.ts testRelationFor). */
export const TEST_AUDIT_SCHEMA = 'dbt_test__audit';

/** Dict-valued config fields dbt fills key by key (a `docs: {show: false}` keeps node_color None). */
const MERGED_FIELDS: ReadonlySet<string> = new Set(['docs', 'contract', 'snapshot_meta_column_names']);

/**
 * A node's config as dbt's dict holds it: every field its config class declares, with dbt's default
 * when not set (manifest/config-defaults.ts; `alias`, `schema`, `database` None — `node.config.alias
 * is not none` is false, dbt-upstream-prod reads it so — a test's `schema` its TestConfig default
 * `dbt_test__audit`), then the keys set beyond them; hooks as dbt's `pre-hook`/`post-hook` lists of
 * {sql, transaction, index}. Also the `model.config` a template reads (render/model-context.ts).
 */
export function dbtConfigDict(resourceType: string, c: Record<string, unknown>): Record<string, unknown> {
  const out = dbtConfigDefaults(resourceType);
  if (!out) return c;
  for (const key in c) {
    const v = c[key];
    if (v === undefined) continue;
    if (key === 'pre_hook' || key === 'post_hook' || key === 'pre-hook' || key === 'post-hook') out[key.replace('_', '-')] = hooksDict(v);
    else if (MERGED_FIELDS.has(key) && isRecord(v) && isRecord(out[key])) out[key] = { ...(out[key] as Record<string, unknown>), ...v };
    else out[key] = v;
  }
  if (resourceType === 'test' && out.schema == null) out.schema = TEST_AUDIT_SCHEMA;
  if (resourceType === 'test') finalizeStoreFailures(out);
  return out;
}

/**
 * dbt's TestConfig.finalize_and_validate: store_failures_as, when set, decides store_failures ('ephemeral'
 * false, anything else true — an invalid value fails when the test runs); else store_failures sets it
 * (true 'table', false 'ephemeral', unset None).
 */
function finalizeStoreFailures(config: Record<string, unknown>): void {
  const as = config.store_failures_as;
  if (as === null || as === undefined) {
    const own = config.store_failures;
    config.store_failures_as = own === true ? 'table' : own === false ? 'ephemeral' : null;
  } else config.store_failures = as !== 'ephemeral';
}

/** Hooks as dbt's config dict holds them: a list of {sql, transaction, index} (after_commit's transaction false). */
function hooksDict(v: unknown): unknown[] {
  return (Array.isArray(v) ? v : v === null || v === '' ? [] : [v]).map((h) =>
    isRecord(h) && typeof h.sql === 'string' ? { sql: h.sql, transaction: h.transaction !== false, index: h.index ?? null } : { sql: String(h), transaction: true, index: null });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The node's config dict without what tsdbt adds on its own: dbt_semantics' `join_use_nulls` in
 * query_settings (load/dbt-semantics.ts) is no config the project set.
 */
function configDict(node: ManifestNode): Record<string, unknown> {
  const own = node.ownQuerySettings;
  if (own === undefined) return dbtConfigDict(node.resourceType, node.config);
  const config: Record<string, unknown> = { ...node.config, query_settings: own ?? undefined };
  return dbtConfigDict(node.resourceType, config);
}

export function nodeDict(
  node: ManifestNode,
  /** The node's compiled SQL (with the ephemeral models it inlined: dbt's extra_ctes), when compiled. */
  compiled?: string | CompiledCode,
  context: NodeContext | ((pkg: string, path: string) => string) = (_pkg, path) => path,
  storeFailuresFlag = false,
): Record<string, unknown> {
  const { inPackage, resourcePath, rootPath, testsOf } = typeof context === 'function' ? plainContext(context) : context;
  if (isSemanticNode(node)) return semanticDict(node, inPackage, resourcePath);
  const code: CompiledCode | undefined = typeof compiled === 'string' ? { sql: compiled, extraCtes: [], extraCtesInjected: true } : compiled;
  const base: Record<string, unknown> = {
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    name: node.name,
    package_name: node.packageName,
    path: dbtPath(node, inPackage, resourcePath),
    // dbt writes an installed package's paths relative to the package.
    original_file_path: inPackage(node.packageName, node.originalFilePath),
    fqn: node.fqn,
    description: node.description,
    tags: node.tags,
    config: configDict(node),
    meta: node.config.meta,
    database: '',
    schema: node.relation.schema,
    alias: node.relation.identifier,
    identifier: node.relation.identifier,
    relation_name: relationNameOf(node, storeFailuresFlag),
    columns: Object.fromEntries(
      // dbt 1.10's ColumnInfo.config (ColumnConfig): the column's merged meta and tags again (`column.config.meta.get(…)`).
      Object.values(node.columns).map((c) => [c.name, { name: c.name, description: c.description, data_type: c.dataType ?? null, meta: c.meta, tags: c.tags, constraints: (c.constraints ?? []).map(constraintDict), ...(c.quote !== undefined ? { quote: c.quote } : {}), config: { meta: c.meta, tags: c.tags }, doc_blocks: c.docBlocks ?? [] }]),
    ),
    depends_on: { nodes: node.dependsOn, macros: node.macrosUsed },
    // dbt's node.group: the config's group, None when in none.
    group: typeof node.config.group === 'string' ? node.config.group : null,
    // dbt 1.10: the docs blocks its description names.
    doc_blocks: node.docBlocks ?? [],
  };
  // dbt's schema: a node is named by its alias, a source by its identifier (neither has the other);
  // a source has no depends_on or group; a seed depends on macros only (MacroDependsOn).
  if (node.resourceType === 'source') {
    delete base.alias;
    delete base.depends_on;
    delete base.group;
  } else delete base.identifier;
  // dbt's SeedNode.root_path: the folder of the seed's project.
  if (node.resourceType === 'seed') {
    base.root_path = rootPath(node.packageName) || null;
    base.depends_on = { macros: node.macrosUsed };
  }
  if (node.unrenderedConfig) base.unrendered_config = node.unrenderedConfig;
  // dbt's ParsedNode.patch_path: the schema YAML file that describes it (`test://models/schema.yml`), else None.
  if (PATCHED.has(node.resourceType)) {
    const patchPath = (node as { patchPath?: string }).patchPath;
    base.patch_path = patchPath ? `${node.packageName}://${inPackage(node.packageName, patchPath)}` : null;
  }
  if (node.resourceType === 'unit_test') {
    // dbt's UnitTestDefinition: the tested model, fixtures as written (rows normalised), overrides.
    const fixture = (f: UnitTestRows) => ({ format: f.format, rows: f.format === 'sql' ? (f.sql ?? null) : (f.rows ?? []), fixture: f.fixtureFile ?? null });
    base.model = node.model;
    base.given = (node.givenAsWritten ?? node.given).map((g) => ({ input: g.input, ...fixture(g) }));
    base.expect = fixture(node.expect);
    base.overrides = { macros: node.overrides.macros, vars: node.overrides.vars, env_vars: node.overrides.envVars };
    base.version = node.version ?? null;
    base.versions = null;
    // UnitTestDefinition has no alias or top-level tags, and its config is UnitTestConfig (tags, meta,
    // enabled): what dbt's manifest and `ls --output json` show (unit_testing/test_ut_list.py).
    delete base.alias;
    delete base.tags;
    delete base.doc_blocks;
    // …nor columns, database, group, meta or relation_name (dbt's UnitTestDefinition fields).
    for (const key of ['columns', 'database', 'group', 'meta', 'relation_name']) delete base[key];
    base.config = { tags: node.config.tags ?? [], meta: node.config.meta ?? {}, enabled: node.config.enabled !== false };
  }
  if (COMPILED_RESOURCE.has(node.resourceType)) {
    // dbt's ParsedResource: build_path (None), the config's docs; its CompiledResource: compiled_path
    // (report/artifacts.ts sets it where it wrote the file), metrics, and once compiled extra_ctes
    // (dbt's __post_serialize__ leaves compiled, extra_ctes_injected and extra_ctes out of a node not
    // compiled). created_at (the parse's clock) is left out: a warm start's manifest is the cold parse's, byte for byte.
    base.build_path = null;
    base.docs = (base.config as Record<string, unknown>).docs ?? { show: true, node_color: null };
    if (node.resourceType !== 'seed') {
      base.compiled_path = null;
      base.metrics = [];
      if (code) {
        base.extra_ctes_injected = code.extraCtesInjected;
        base.extra_ctes = code.extraCtes.map((c) => ({ id: c.id, sql: c.sql }));
      }
    }
  }
  if (node.resourceType === 'test' && node.attachedNode) {
    // dbt's GenericTestNode.file_key_name: the YAML key and name it is declared under (`models.orders`, `sources.raw`).
    const [kind, , ...rest] = node.attachedNode.split('.');
    base.file_key_name = `${kind}s.${rest[0]}`;
  }
  if (node.resourceType === 'model' || node.resourceType === 'test' || node.resourceType === 'snapshot' || node.resourceType === 'analysis' || node.resourceType === 'function') {
    base.raw_code = node.rawCode;
    base.language = node.resourceType === 'function' || node.resourceType === 'model' ? (node.language ?? 'sql') : 'sql';
    base.refs = node.refs.filter((r) => !r.function).map((r) => ({ name: r.name, package: r.package ?? null, version: r.version ?? null }));
    // dbt 1.11's node.functions: each function() call as [name] or [package, name].
    base.functions = node.refs.filter((r) => r.function).map((r) => (r.package ? [r.package, r.name] : [r.name]));
    base.sources = node.sources.map((s) => [...s]);
    if (code) {
      base.compiled = true;
      base.compiled_code = code.sql;
    }
  }
  if (node.resourceType === 'function') {
    // dbt's FunctionNode: its arguments and return type; the function has no database.
    base.arguments = node.arguments.map((a) => ({ name: a.name, data_type: a.dataType, description: a.description, default_value: a.defaultValue ?? null }));
    base.returns = node.returns ? { data_type: node.returns.dataType, description: node.returns.description } : null;
  }
  if (node.resourceType === 'model') {
    // dbt 1.5+: versions, contracts and model-level constraints.
    base.version = versionValue(node.version);
    base.latest_version = versionValue(node.latestVersion);
    base.deprecation_date = node.deprecationDate ?? null;
    // dbt's ModelNode.time_spine: None unless the model is a time spine (packages test `is none`).
    base.time_spine = node.timeSpine ?? null;
    base.constraints = (node.constraints ?? []).map(constraintDict);
    // dbt 1.9's inferred primary key (constraints, then unique / not_null tests).
    base.primary_key = inferPrimaryKey(node, testsOf(node.uniqueId));
    const contract = node.config.contract as { enforced?: unknown; alias_types?: unknown } | undefined;
    const enforced = contract?.enforced === true;
    base.contract = { enforced, alias_types: contract?.alias_types !== false, checksum: enforced ? contractChecksum(node) : null };
    base.access = typeof node.config.access === 'string' ? node.config.access : 'protected';
  }
  if (node.resourceType === 'test') {
    // dbt's SingularTestNode has no test_metadata key: `node.get('test_metadata', {})` gives the default (dbt-meta-testing).
    if (node.testMetadata) base.test_metadata = { name: node.testMetadata.name, namespace: node.testMetadata.namespace ?? null, kwargs: node.testMetadata.kwargs };
    // dbt's SingularTestNode has no column_name (a generic test's is None when it tests no column).
    if (node.testMetadata) base.column_name = node.columnName ?? null;
    // …nor attached_node (a generic test's is None when it tests no node).
    if (node.testMetadata) base.attached_node = node.attachedNode ?? null;
  }
  if (node.resourceType === 'source') {
    base.source_name = node.sourceName;
    base.source_description = node.sourceDescription;
    base.loader = node.loader;
    base.external = node.external ?? null;
    // dbt's FreshnessThreshold shape; state:modified compares it with loaded_at_field.
    const rule = (r: FreshnessRule | null | undefined) => (r === null ? null : r ? { count: r.count, period: r.period } : { count: null, period: null });
    base.freshness = node.freshness ? { warn_after: rule(node.freshness.warnAfter), error_after: rule(node.freshness.errorAfter), filter: node.freshness.filter ?? null } : null;
    base.loaded_at_field = node.loadedAtField ?? null;
    base.loaded_at_query = node.loadedAtQuery ?? null;
  }
  return base;
}

/**
 * dbt's node.path: the file relative to the resource folder it is under (`staging/stg_x.sql`); a
 * source's is its YAML's original path; a generic test's its compiled file name (`<short name>.sql`,
 * get_pseudo_test_path of the YAML's base name: a 64+ character name's is its alias, the short name
 * unless an alias is configured); a unit test's and a YAML snapshot's the YAML's relative path.
 */
function dbtPath(node: ManifestNode, inPackage: (pkg: string, path: string) => string, resourcePath: (pkg: string, path: string) => string): string {
  if (node.resourceType === 'source') return inPackage(node.packageName, node.originalFilePath);
  if (node.resourceType === 'test' && node.testMetadata && /\.ya?ml$/.test(node.originalFilePath)) return `${node.name.length < 64 ? node.name : node.relation.identifier || node.name}.sql`;
  return resourcePath(node.packageName, node.originalFilePath);
}

/**
 * dbt's contract checksum: the declared columns' names and types, sorted (a change of either is
 * what `state:modified.contract` looks at).
 */
function contractChecksum(node: ManifestNode): string {
  const parts = Object.values(node.columns).map((c) => `${c.name}${c.dataType ?? ''}`).sort();
  return createHash('sha256').update(parts.join('')).digest('hex');
}

/** A version as dbt writes it: a number when it is one (`v: 2`), else the text. */
function versionValue(v: string | undefined): string | number | null {
  if (v === undefined) return null;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

/** A constraint as dbt writes it in manifest.json. */
export function constraintDict(c: Constraint): Record<string, unknown> {
  return {
    type: c.type,
    name: c.name ?? null,
    expression: c.expression ?? null,
    warn_unenforced: c.warnUnenforced,
    warn_unsupported: c.warnUnsupported,
    to: c.to ?? null,
    to_columns: c.toColumns ?? [],
    ...(c.columns ? { columns: c.columns } : {}),
  };
}
