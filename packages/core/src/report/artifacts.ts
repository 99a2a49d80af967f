import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectGraph } from '../graph/project-graph.js';
import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { NodeResult } from './events.js';

const VERSION = '0.1.0';

function metadata(schema: string, invocationId: string) {
  return {
    dbt_schema_version: schema,
    dbt_version: `tsdbt-${VERSION}`,
    generated_at: new Date().toISOString(),
    invocation_id: invocationId,
    env: {},
    adapter_type: 'clickhouse',
  };
}

function writeJson(targetDir: string, name: string, value: unknown): string {
  mkdirSync(targetDir, { recursive: true });
  const path = join(targetDir, name);
  // Compact, as dbt writes its artifacts: the manifest of a large project is tens of MB.
  writeFileSync(path, JSON.stringify(value));
  return path;
}

/** One node in dbt's manifest v12 shape (the fields tools read). */
function manifestNode(node: ManifestNode, compiled?: string): Record<string, unknown> {
  const base: Record<string, unknown> = {
    unique_id: node.uniqueId,
    resource_type: node.resourceType,
    name: node.name,
    package_name: node.packageName,
    path: node.originalFilePath,
    original_file_path: node.originalFilePath,
    fqn: node.fqn,
    description: node.description,
    tags: node.tags,
    config: node.config,
    meta: node.config.meta,
    database: '',
    schema: node.relation.schema,
    alias: node.relation.identifier,
    identifier: node.relation.identifier,
    relation_name: node.resourceType === 'test' ? null : `\`${node.relation.schema}\`.\`${node.relation.identifier}\``,
    columns: Object.fromEntries(Object.values(node.columns).map((c) => [c.name, { name: c.name, description: c.description, data_type: c.dataType ?? null, meta: c.meta, tags: c.tags }])),
    depends_on: { nodes: node.dependsOn, macros: node.macrosUsed },
  };
  if (node.resourceType === 'model' || node.resourceType === 'test') {
    base.raw_code = node.rawCode;
    base.language = 'sql';
    base.refs = node.refs.map((r) => ({ name: r.name, package: r.package ?? null, version: null }));
    base.sources = node.sources.map((s) => [...s]);
    if (compiled !== undefined) {
      base.compiled = true;
      base.compiled_code = compiled;
    }
  }
  if (node.resourceType === 'test') {
    base.test_metadata = node.testMetadata ? { name: node.testMetadata.name, namespace: node.testMetadata.namespace ?? null, kwargs: node.testMetadata.kwargs } : undefined;
    base.column_name = node.columnName ?? null;
    base.attached_node = node.attachedNode ?? null;
  }
  if (node.resourceType === 'source') {
    base.source_name = node.sourceName;
    base.source_description = node.sourceDescription;
    base.loader = node.loader;
    base.external = node.external ?? null;
  }
  return base;
}

/** target/manifest.json in dbt's v12 shape: nodes, sources, macros, parent and child maps. */
export function writeManifest(targetDir: string, manifest: Manifest, graph: ProjectGraph, invocationId: string, compiled: ReadonlyMap<string, string> = new Map()): string {
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const node of manifest.nodes.values()) {
    (node.resourceType === 'source' ? sources : nodes)[node.uniqueId] = manifestNode(node, compiled.get(node.uniqueId));
    parentMap[node.uniqueId] = graph.parents(node.uniqueId).sort();
    childMap[node.uniqueId] = graph.children(node.uniqueId).sort();
  }
  const macros = Object.fromEntries(
    [...manifest.macros.values()].map((m) => [m.uniqueId, { unique_id: m.uniqueId, name: m.name, package_name: m.packageName, original_file_path: m.originalFilePath, arguments: m.argNames.map((a) => ({ name: a })) }]),
  );
  return writeJson(targetDir, 'manifest.json', {
    metadata: { ...metadata('https://schemas.getdbt.com/dbt/manifest/v12.json', invocationId), project_name: manifest.projectName },
    nodes,
    sources,
    macros,
    docs: {},
    exposures: {},
    metrics: {},
    groups: {},
    selectors: manifest.selectors,
    disabled: {},
    parent_map: parentMap,
    child_map: childMap,
    group_map: {},
    saved_queries: {},
    semantic_models: {},
    unit_tests: {},
  });
}

/** target/run_results.json in dbt's v6 shape. */
export function writeRunResults(targetDir: string, results: readonly NodeResult[], elapsed: number, invocationId: string, args: Record<string, unknown>): string {
  return writeJson(targetDir, 'run_results.json', {
    metadata: metadata('https://schemas.getdbt.com/dbt/run-results/v6.json', invocationId),
    results: results.map((r) => ({
      unique_id: r.uniqueId,
      status: r.status,
      timing: r.timing.map((t) => ({ name: t.name, started_at: t.startedAt, completed_at: t.completedAt })),
      thread_id: 'Thread-1',
      execution_time: r.executionTime,
      adapter_response: r.rowsAffected === undefined ? {} : { _message: r.message, rows_affected: r.rowsAffected },
      message: r.message,
      failures: r.failures ?? null,
      compiled: r.compiledCode !== undefined,
      compiled_code: r.compiledCode ?? null,
      relation_name: r.node.resourceType === 'test' ? null : `\`${r.node.relation.schema}\`.\`${r.node.relation.identifier}\``,
      batch_results: null,
    })),
    elapsed_time: elapsed,
    args,
  });
}
