import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { ProjectError } from '../shared/errors.js';
import { makeWritableDir } from '../shared/writable-dir.js';
import { join, relative } from 'node:path';
import { compiledPath } from '../compile/write-compiled.js';
import type { ProjectAnalysis } from '../analyze/analysis.js';
import type { ProjectGraph } from '../graph/project-graph.js';
import type { Manifest } from '../manifest/manifest.js';
import type { CompiledCode, MacroNode, ManifestNode } from '../manifest/nodes.js';
import { nodeContext, nodeDict, type NodeContext } from '../manifest/node-dict.js';
import { shouldStoreFailures } from '../manifest/store-failures.js';
import { scrubbingReplacer } from '../shared/secrets.js';
import { manifestChecksum } from '../state/node-checksum.js';
import { EarlierBytesChanged, JsonObjectFile, JsonRecord } from './json-pieces.js';
import { BUILTIN_DOCS } from '../manifest/builtin-docs.js';
import { earlierPieces, edgeChanges, idsKey, PIECES, readManifestRecord, recordManifest, rewriteManifestMetadata, sameGroupMap, sqlKey, type ManifestSource, type RecordedPieces } from './manifest-reuse.js';

const VERSION = '0.1.0';

export { metadataEnv } from '../shared/metadata-env.js';
import { metadataEnv } from '../shared/metadata-env.js';
import { invocationStartedAt } from '../shared/invocation-started.js';

/** dbt's BaseArtifactMetadata (run_results.json, sources.json, catalog.json: no other key, their schemas allow none). */
export function artifactMetadata(schema: string, invocationId: string) {
  return {
    dbt_schema_version: schema,
    dbt_version: `tsdbt-${VERSION}`,
    generated_at: new Date().toISOString(),
    invocation_id: invocationId,
    invocation_started_at: invocationStartedAt(invocationId),
    env: metadataEnv(),
  };
}

/** Writes an artifact: compact, as dbt writes them (a large project's manifest is tens of MB), secrets scrubbed. */
export function writeJson(targetDir: string, name: string, value: unknown, secrets: readonly string[] = [], indent?: number): string {
  return writeArtifact(targetDir, name, (path) => writeFileSync(path, JSON.stringify(value, scrubbingReplacer(secrets), indent)));
}

/** Writes the artifact `name` of the target folder with `write(path)`; a folder or file that cannot be written is a ProjectError. */
function writeArtifact(targetDir: string, name: string, write: (path: string) => void): string {
  makeWritableDir(targetDir, { what: 'the target folder' });
  const path = join(targetDir, name);
  try {
    write(path);
  } catch (error) {
    throw new ProjectError('folder', `${path} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      hint: 'Make the target folder writable, or write elsewhere with --target-path.',
      cause: error,
    });
  }
  return path;
}

/** A column's name and ClickHouse type, as the analyze stage found it. */
export interface TypedColumn {
  readonly name: string;
  readonly type: string;
}

type ColumnDict = { name: string; description: string; data_type: string | null; meta: unknown; tags: unknown };

/**
 * A node's `columns` with every output column typed (in output order): the YAML's entry (and its
 * declared data_type) where there is one, the analysed type otherwise; documented columns the
 * query does not produce stay after them.
 */
function withTypes(declared: Record<string, ColumnDict>, typed: readonly TypedColumn[]): Record<string, ColumnDict> {
  const out: Record<string, ColumnDict> = {};
  for (const c of typed) {
    const yaml = declared[c.name];
    out[c.name] = yaml ? { ...yaml, data_type: yaml.data_type ?? c.type } : { name: c.name, description: '', data_type: c.type, meta: {}, tags: [] };
  }
  for (const [name, c] of Object.entries(declared)) if (!(name in out)) out[name] = c;
  return out;
}

/** Resources whose manifest entry has no checksum (dbt's SourceDefinition, Exposure, Metric, SemanticModel, SavedQuery). */
const NO_CHECKSUM: ReadonlySet<string> = new Set(['source', 'exposure', 'metric', 'semantic_model', 'saved_query']);

/** A test whose relation_name only --store-failures gives. */
const storedByFlag = (node: ManifestNode): boolean => node.resourceType === 'test' && shouldStoreFailures(node, true) && !shouldStoreFailures(node, false);

/**
 * target/manifest.json in dbt's v12 shape: nodes, sources, macros, parent and child maps. With
 * `typed` (from the analyze stage), each node's `columns` lists every output column with its type.
 */
export function writeManifest(
  targetDir: string,
  manifest: Manifest,
  graph: ProjectGraph,
  invocationId: string,
  /** Each node's compiled SQL, or its compiled code with the ephemeral models it inlined (asked for only when its dict is made again). */
  compiled: { get(id: string): string | CompiledCode | undefined } = new Map(),
  secrets: readonly string[] = [],
  typed?: ReadonlyMap<string, readonly TypedColumn[]>,
  /** What the contents (all but the metadata) are made of, when the caller knows: the last write's are reused when equal (report/manifest-reuse.ts). */
  contentKey?: string,
  /** The warm start the nodes come from: the last write's pieces of unchanged nodes are reused (report/manifest-reuse.ts). */
  source?: ManifestSource,
  /** The key (report/manifest-reuse.ts sqlKey) of each compiled SQL, when the caller knows it. */
  compiledKeys?: { get(id: string): string | undefined },
  /** The command's `--store-failures`: the tests it makes store their failures have their relation_name (node-dict.ts relationNameOf). */
  storeFailures = false,
): string {
  const meta = { ...artifactMetadata('https://schemas.getdbt.com/dbt/manifest/v12.json', invocationId), adapter_type: 'clickhouse', project_name: manifest.projectName };
  const metaJson = JSON.stringify(meta, scrubbingReplacer(secrets));
  const path = join(targetDir, 'manifest.json');
  // Pieces are recorded (and reused) only for a warm start's nodes written as they are.
  const tracked = source !== undefined && !typed && secrets.length === 0 ? source : undefined;
  const reusable = contentKey !== undefined && !typed;
  // What the last write was made of, read once for both ways of reusing it.
  const recorded = reusable || tracked ? readManifestRecord(targetDir, path) : null;
  if (reusable && rewriteManifestMetadata(targetDir, path, contentKey, metaJson, recorded)) return path;
  const ids = tracked ? [...manifest.nodes.keys()] : [];
  const nodesKey = tracked ? idsKey(ids) : '';
  // Each node's compiled SQL key (report/manifest-reuse.ts), '' without compiled SQL.
  // A test named as a relation only under --store-failures has another dict: its key says so (a lazy warm node decoded only then).
  const sqlKeys = ids.map((id) => (compiledKeys?.get(id) ?? codeKey(compiled.get(id))) + (storeFailures && id.startsWith('test.') && storedByFlag(manifest.nodes.get(id)!) ? ':stored' : ''));
  const earlier = tracked ? earlierPieces(targetDir, path, tracked, nodesKey, sqlKeys, recorded) : undefined;
  // Each node's dict is stringified as it is made (report/json-pieces.ts): the 25,000 dicts and the 50 MB text never exist at once.
  const replacer = scrubbingReplacer(secrets);
  const record = () => new JsonRecord(replacer, tracked !== undefined);
  const nodes = record();
  const sources = record();
  const unitTests = record();
  // dbt's manifest keeps exposures and the semantic layer's resources beside `nodes`.
  const byKind: Record<string, JsonRecord> = { exposure: record(), metric: record(), semantic_model: record(), saved_query: record(), function: record() };
  const parentMap = record();
  const childMap = record();
  const paths = nodeContext(manifest);
  const { inPackage } = paths;
  // The parents of changed nodes, and the children lists that differ from the last write's (read off it: no graph built).
  // The last write's file is read as the new one is written (closed once it is, or on any failure; report/manifest-reuse.ts).
  const full = () => {
    earlier?.close();
    // The last write's file was not as recorded after all (a run's separators, its length): written in full.
    return writeManifest(targetDir, manifest, graph, invocationId, compiled, secrets, typed, undefined, undefined, compiledKeys, storeFailures);
  };
  let edges: ReturnType<typeof edgeChanges> | undefined;
  try {
    edges = earlier ? edgeChanges(manifest, ids, earlier) : undefined;
  } catch (error) {
    if (earlier && stale(error)) return full();
    earlier?.close();
    throw error;
  }
  // Where each node's dict went: its record and its entry there (two arrays: no pair made per node).
  const dictRecord: JsonRecord[] = [];
  const dictEntry: number[] = [];
  // Each node's entries; its dict's text goes to the file at once (streamed `nodes`: ~47 MB of the 10k project's 50 MB).
  const addNodes = () => {
    let i = 0;
    for (const node of manifest.nodes.values()) {
      const id = node.uniqueId;
      const key = tracked ? sqlKeys[i]! : '';
      const same = earlier !== undefined && !earlier.changed.has(id);
      const into = node.resourceType === 'source' ? sources : node.resourceType === 'unit_test' ? unitTests : byKind[node.resourceType] ?? nodes;
      dictRecord.push(into);
      if (same && earlier.sqlKeys[i] === key) dictEntry.push(into.add(earlier.bytes, earlier.start(i, 0), earlier.end(i, 0)));
      else {
        const sql = compiled.get(id);
        const dict = nodeDict(node, sql, paths, storeFailures);
        // dbt's compiled_path: where compile wrote the node's SQL, from the project root (target/compiled/<package>/<path>).
        if (sql !== undefined) dict.compiled_path = relative(manifest.projectRoot, compiledPath(targetDir, node)) || null;
        // dbt's FileHash of a node and a unit test (sources, exposures and the semantic layer's resources have none).
        if (!NO_CHECKSUM.has(node.resourceType)) dict.checksum = manifestChecksum(node);
        const columns = typed?.get(id);
        if (columns?.length) dict.columns = withTypes(dict.columns as Record<string, ColumnDict>, columns);
        dictEntry.push(into.set(id, dict));
      }
      if (same) parentMap.add(earlier.bytes, earlier.start(i, 1), earlier.end(i, 1));
      else parentMap.set(id, (edges?.parents.get(id) ?? graph.parents(id)).sort());
      const children = edges?.children.get(id);
      if (same && !children) childMap.add(earlier.bytes, earlier.start(i, 2), earlier.end(i, 2));
      else childMap.set(id, (children ?? graph.children(id)).sort());
      i++;
    }
  };
  const macros = Object.fromEntries(
    [...manifest.macros.values()].map((m) => [m.uniqueId, { unique_id: m.uniqueId, name: m.name, resource_type: 'macro', package_name: m.packageName, path: inPackage(m.packageName, m.originalFilePath), original_file_path: inPackage(m.packageName, m.originalFilePath), macro_sql: m.macroSql ?? '', depends_on: { macros: [] }, ...macroProperties(m, inPackage) }]),
  );
  const members = (): [string, unknown][] => [
    ['sources', sources],
    ['macros', macros],
    // The project's docs, then the built-in dbt package's (doc.dbt.__overview__), as dbt lists them.
    ['docs', Object.fromEntries(
      [...(manifest.docs?.values() ?? []), ...BUILTIN_DOCS].map((d) => [d.uniqueId, { name: d.name, resource_type: 'doc', package_name: d.packageName, path: d.path, original_file_path: inPackage(d.packageName, d.originalFilePath), unique_id: d.uniqueId, block_contents: d.blockContents }]),
    )],
    ['exposures', byKind.exposure],
    ['metrics', byKind.metric],
    ['groups', groupsDict(manifest, paths)],
    ['selectors', manifest.selectors],
    ['disabled', Object.fromEntries([...(manifest.disabled ?? [])].map(([id, list]) => [id, list.map((n) => nodeDict(n, undefined, paths))]))],
    ['parent_map', parentMap],
    ['child_map', childMap],
    ['group_map', (earlier && sameGroupMap(manifest, earlier)) || groupMap(manifest)],
    ['saved_queries', byKind.saved_query],
    ['semantic_models', byKind.semantic_model],
    ['unit_tests', unitTests],
    // dbt 1.11: user-defined functions.
    ['functions', byKind.function],
  ];
  let at = new Map<string, [number, number]>();
  // Written beside and renamed over manifest.json: a failure half-way (here or in making a node's dict) leaves the last one whole.
  const tmp = `${path}.${process.pid}.tmp`;
  let failed: { error: unknown } | undefined;
  const write = () => {
    const out = new JsonObjectFile(tmp, replacer, tracked !== undefined);
    try {
      out.member('metadata', meta);
      out.stream('nodes', nodes);
      try {
        addNodes();
      } catch (error) {
        failed = { error }; // the node's own error, not the folder's
        throw error;
      }
      out.endStream(nodes);
      for (const [key, value] of members()) out.member(key, value);
      at = out.close();
      earlier?.close();
      renameSync(tmp, path);
    } catch (error) {
      out.abandon();
      rmSync(tmp, { force: true });
      throw error;
    }
  };
  try {
    writeArtifact(targetDir, 'manifest.json', write);
  } catch (error) {
    const cause = failed ? failed.error : error;
    if (earlier && stale(cause)) return full();
    throw cause;
  } finally {
    earlier?.close();
  }
  const metadataEnd = Buffer.byteLength(`{"metadata":${metaJson}`);
  let pieces: RecordedPieces | undefined;
  if (tracked) {
    // Where each node's pieces landed, counted from the metadata's end.
    const offsets = new Uint32Array(ids.length * PIECES * 2);
    const put = (n: number, k: number, record: JsonRecord, entry: number) => {
      offsets[(n * PIECES + k) * 2] = record.start(entry) - metadataEnd;
      offsets[(n * PIECES + k) * 2 + 1] = record.end(entry) - metadataEnd;
    };
    for (let n = 0; n < ids.length; n++) {
      put(n, 0, dictRecord[n]!, dictEntry[n]!);
      put(n, 1, parentMap, n);
      put(n, 2, childMap, n);
    }
    const groups = at.get('group_map')!;
    pieces = { identity: tracked.identity, ids: nodesKey, offsets, sqlKeys, groupMap: [groups[0] - metadataEnd, groups[1] - metadataEnd] };
  }
  recordManifest(targetDir, path, typed ? undefined : contentKey, metadataEnd, pieces);
  return path;
}

/** report/manifest-reuse.ts sqlKey of a node's compiled code: its SQL's, and the CTEs it inlined when it lists any. */
function codeKey(code: string | CompiledCode | undefined): string {
  if (code === undefined || typeof code === 'string') return sqlKey(code);
  return sqlKey(code.extraCtes.length || !code.extraCtesInjected ? `${code.sql}\0${JSON.stringify(code.extraCtes)}` : code.sql);
}

/** An error from reading the last write's file (as thrown, or as writeArtifact wraps it). */
const stale = (error: unknown) => error instanceof EarlierBytesChanged || (error instanceof Error && error.cause instanceof EarlierBytesChanged);

/** dbt's `groups`: each `groups:` entry with its owner. */
function groupsDict(manifest: Manifest, { inPackage, resourcePath }: NodeContext): Record<string, unknown> {
  return Object.fromEntries(
    [...(manifest.groups?.values() ?? [])].map((g) => [
      g.uniqueId,
      { name: g.name, resource_type: 'group', package_name: g.packageName, path: resourcePath(g.packageName, g.originalFilePath), original_file_path: inPackage(g.packageName, g.originalFilePath), unique_id: g.uniqueId, owner: g.owner, description: g.description || null, config: { meta: g.config.meta ?? {} } },
    ]),
  );
}

/** dbt's `group_map`: group name → the unique ids of the nodes in it (config `group`). */
function groupMap(manifest: Manifest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const n of manifest.nodes.values()) {
    const group = n.config.group;
    if (typeof group === 'string' && group) (out[group] ??= []).push(n.uniqueId);
  }
  for (const ids of Object.values(out)) ids.sort();
  return out;
}

/**
 * target/lineage.json: every analysed node's output columns, their ClickHouse types and, per
 * column, the upstream columns it comes from (node, column, kind of dependency). One hop per
 * entry: follow `node` to walk further up; downstream is the same data read the other way.
 */
export function writeLineage(targetDir: string, manifest: Manifest, analysis: ProjectAnalysis, invocationId: string, secrets: readonly string[] = []): string {
  const nodes: Record<string, unknown> = {};
  for (const a of analysis.nodes.values()) {
    const node = manifest.nodes.get(a.uniqueId);
    if (!node || node.resourceType === 'test') continue;
    nodes[a.uniqueId] = {
      resource_type: node.resourceType,
      name: node.name,
      relation_name: `${node.relation.schema}.${node.relation.identifier}`,
      status: a.status,
      columns: a.columns.map((c) => ({
        name: c.name,
        data_type: c.type,
        upstream: c.upstream.map((u) => ({ node: u.node ?? null, relation: u.relation, column: u.column, kind: u.kind })),
      })),
    };
  }
  return writeJson(targetDir, 'lineage.json', {
    metadata: { ...artifactMetadata('tsdbt/lineage/v1', invocationId), adapter_type: 'clickhouse', project_name: manifest.projectName },
    nodes,
  }, secrets);
}

/** A macro's documented properties as dbt's manifest writes them (macros: in schema YAML, else empty). */
function macroProperties(m: MacroNode, inPackage: (pkg: string, path: string) => string): Record<string, unknown> {
  const documented = new Map((m.arguments ?? []).map((a) => [a.name, a]));
  const names = m.arguments?.length ? m.arguments.map((a) => a.name) : m.argNames;
  return {
    description: m.description ?? '',
    arguments: names.map((name) => ({ name, type: documented.get(name)?.type ?? null, description: documented.get(name)?.description ?? '' })),
    meta: m.meta ?? {},
    docs: { show: m.showDocs ?? true, node_color: null },
    patch_path: m.patchPath ? `${m.packageName}://${inPackage(m.packageName, m.patchPath)}` : null,
  };
}
