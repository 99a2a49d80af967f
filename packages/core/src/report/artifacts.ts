import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectGraph } from '../graph/project-graph.js';
import type { Manifest } from '../manifest/manifest.js';
import { nodeDict } from '../manifest/node-dict.js';
import { scrubbingReplacer } from '../shared/secrets.js';
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

/** Writes an artifact: compact, as dbt writes them (a large project's manifest is tens of MB), secrets scrubbed. */
export function writeJson(targetDir: string, name: string, value: unknown, secrets: readonly string[] = [], indent?: number): string {
  mkdirSync(targetDir, { recursive: true });
  const path = join(targetDir, name);
  writeFileSync(path, JSON.stringify(value, scrubbingReplacer(secrets), indent));
  return path;
}

/** target/manifest.json in dbt's v12 shape: nodes, sources, macros, parent and child maps. */
export function writeManifest(targetDir: string, manifest: Manifest, graph: ProjectGraph, invocationId: string, compiled: ReadonlyMap<string, string> = new Map(), secrets: readonly string[] = []): string {
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  // As dbt writes them, an installed package's paths are relative to the package.
  const packageDirs = new Map((manifest.packages ?? []).map((p) => [p.name, `${p.path}/`]));
  const inPackage = (pkg: string, path: string) => {
    const dir = packageDirs.get(pkg);
    return dir && path.startsWith(dir) ? path.slice(dir.length) : path;
  };
  for (const node of manifest.nodes.values()) {
    (node.resourceType === 'source' ? sources : nodes)[node.uniqueId] = nodeDict(node, compiled.get(node.uniqueId), inPackage);
    parentMap[node.uniqueId] = graph.parents(node.uniqueId).sort();
    childMap[node.uniqueId] = graph.children(node.uniqueId).sort();
  }
  const macros = Object.fromEntries(
    [...manifest.macros.values()].map((m) => [m.uniqueId, { unique_id: m.uniqueId, name: m.name, package_name: m.packageName, original_file_path: inPackage(m.packageName, m.originalFilePath), arguments: m.argNames.map((a) => ({ name: a })) }]),
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
  }, secrets);
}

/** target/run_results.json in dbt's v6 shape. */
export function writeRunResults(targetDir: string, results: readonly NodeResult[], elapsed: number, invocationId: string, args: Record<string, unknown>, secrets: readonly string[] = []): string {
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
  }, secrets);
}
