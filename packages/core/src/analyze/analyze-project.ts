import { ClickHouseAdapter } from '../adapter/clickhouse-adapter.js';
import { openScratchWarehouse, type ScratchWarehouse } from '../adapter/scratch-warehouse.js';
import type { WarehouseClient } from '../adapter/warehouse-client.js';
import { EPHEMERAL_PREFIX, type RelationIndex } from '../compile/compile-sql.js';
import { CompiledWriter } from '../compile/write-compiled.js';
import type { RunContext } from '../execute/run-context.js';
import type { ProjectGraph } from '../graph/project-graph.js';
import type { TargetConfig } from '../load/profiles.js';
import type { Manifest } from '../manifest/manifest.js';
import type { SourceNode } from '../manifest/nodes.js';
import type { Renderer } from '../render/renderer.js';
import type { EventHandler } from '../report/events.js';
import { TsdbtError } from '../shared/errors.js';
import { scrubSecrets } from '../shared/secrets.js';
import type { NodeAnalysis, ProjectAnalysis, ValidationIssue } from './analysis.js';
import { analyzeNodes } from './analyze-nodes.js';
import { columnLineage, type LineageResolver } from './column-lineage.js';
import { readTargetTables, type TargetTable } from './input-tables.js';
import { IssueLocator } from './locate-issue.js';
import { qualifiedColumnIssues } from './qualified-columns.js';

export interface AnalyzeProjectInput {
  readonly manifest: Manifest;
  readonly graph: ProjectGraph;
  readonly index: RelationIndex;
  readonly renderer: Renderer;
  readonly target: TargetConfig;
  readonly targetDir: string;
  readonly onEvent: EventHandler;
  /** The nodes to report on (any resource type); their ancestors are analysed too. */
  readonly selected: readonly string[];
  /** The user's warehouse, to read the sources' real columns; undefined when it is not reachable. */
  readonly targetClient: () => Promise<WarehouseClient | undefined>;
  /** Compute column lineage (EXPLAIN QUERY TREE per model). Default true. */
  readonly lineage?: boolean;
}

/**
 * Settings of the scratch warehouse on top of the target's: ClickHouse 24+ gives a UNION of
 * String and UInt32 (or `if(c, 1, 'a')`) a Variant type instead of failing; the build then
 * "works" with a column nobody asked for, and older servers refuse it. Validation reports it
 * (a profile that sets use_variant_as_common_type keeps its own value).
 */
const VALIDATE_SETTINGS = { use_variant_as_common_type: 0 };

let parked: Promise<ScratchWarehouse> | undefined;

/**
 * Starts the scratch warehouse ahead of a validation (the CLI does, before it loads the project: the
 * process and chDB start meanwhile). The next analysis takes it; unused, it holds nothing open.
 */
export function prepareValidation(): void {
  if (parked) return;
  parked = openScratchWarehouse();
  parked.catch(() => (parked = undefined));
}

/** The parked scratch warehouse if there is one, else a new one; with the settings of this analysis. */
async function scratchWarehouse(settings: Readonly<Record<string, unknown>>): Promise<ScratchWarehouse> {
  const ready = parked;
  parked = undefined;
  const scratch = ready ? await ready.catch(() => openScratchWarehouse()) : await openScratchWarehouse();
  await scratch.configure(settings);
  return scratch;
}

/** The selection plus every model, seed and source it reads from, in dependency order. */
export function analysisSet(graph: ProjectGraph, selected: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const id of selected) {
    if (!graph.has(id)) continue;
    ids.add(id);
    for (const a of graph.ancestors(id)) if (graph.node(a).resourceType !== 'test') ids.add(a);
  }
  return graph.order(ids);
}

/**
 * The analyze stage: the selected DAG's shape, built with no data in a scratch warehouse separate
 * from the user's (see adapter/scratch-warehouse.ts): every model's output columns and types,
 * and every error with its file and line.
 */
export async function analyzeProject(input: AnalyzeProjectInput): Promise<ProjectAnalysis> {
  const ids = analysisSet(input.graph, input.selected);
  const inSet = new Set(ids);
  const sources = ids.map((id) => input.graph.node(id)).filter((n): n is SourceNode => n.resourceType === 'source');
  const [scratch, targetTables] = await Promise.all([
    scratchWarehouse({ ...VALIDATE_SETTINGS, ...input.target.settings }),
    sourcesInTarget(input, sources),
  ]);
  try {
    const run: RunContext = {
      manifest: input.manifest,
      graph: input.graph,
      index: input.index,
      renderer: input.renderer,
      adapter: new ClickHouseAdapter(scratch, 'validate', ''),
      target: input.target,
      targetDir: input.targetDir,
      fullRefresh: false,
      storeFailures: false,
      warnError: false,
      onEvent: input.onEvent,
      compiled: new CompiledWriter(input.targetDir),
    };
    const results = new Map<string, NodeAnalysis>();
    const inputColumns = (id: string) =>
      input.graph.parents(id).flatMap((p) => results.get(p)?.columns.map((c) => c.name) ?? []);
    const locator = new IssueLocator({ run, projectRoot: input.manifest.projectRoot, inputColumns });
    const resolver = lineageResolver(input.manifest, results);
    return await analyzeNodes(
      {
        run,
        scratch,
        targetTables,
        lineage: input.lineage ?? true,
        locate: (failure) => locator.locate(failure),
        lineageOf: (_node, tree, columns) => columnLineage(tree, columns, resolver),
        inspectColumns: (node, sql, _tree, columns) => qualifiedColumnIssues(locator, node, sql, columns),
        onResult: (r) => results.set(r.uniqueId, r),
      },
      ids,
      input.selected.filter((id) => inSet.has(id)),
    );
  } finally {
    await scratch.close();
  }
}

/** Relations and ephemeral CTEs of the query trees → manifest nodes; columns as analysed so far. */
function lineageResolver(manifest: Manifest, results: ReadonlyMap<string, NodeAnalysis>): LineageResolver {
  const byRelation = new Map<string, string>();
  const ephemerals = new Map<string, string>();
  for (const n of manifest.nodes.values()) {
    if (n.resourceType === 'test') continue;
    if (n.resourceType === 'model' && n.config.materialized === 'ephemeral') ephemerals.set(`${EPHEMERAL_PREFIX}${n.name}`, n.uniqueId);
    else byRelation.set(`${n.relation.schema}.${n.relation.identifier}`, n.uniqueId);
  }
  return {
    nodeOf: (relation) => byRelation.get(relation),
    ephemeralNode: (cte) => ephemerals.get(cte),
    columnsOf: (relation) => {
      const id = byRelation.get(relation);
      return id ? results.get(id)?.columns.map((c) => c.name) : undefined;
    },
  };
}

/** The analysis with secret values (DBT_ENV_SECRET_*) masked in what it reports: messages, hints, SQL. */
export function scrubAnalysis(analysis: ProjectAnalysis, secrets: readonly string[]): ProjectAnalysis {
  const issue = (i: ValidationIssue): ValidationIssue => ({ ...i, message: scrubSecrets(i.message, secrets), hint: i.hint === undefined ? undefined : scrubSecrets(i.hint, secrets) });
  const nodes = new Map([...analysis.nodes].map(([id, n]) => [id, { ...n, issues: n.issues.map(issue), sql: n.sql === undefined ? undefined : scrubSecrets(n.sql, secrets) }]));
  return { ...analysis, nodes, issues: analysis.issues.map(issue) };
}

/** The sources' tables in the user's warehouse; an unreachable warehouse means YAML types for all (said in a log line). */
async function sourcesInTarget(input: AnalyzeProjectInput, sources: readonly SourceNode[]): Promise<Map<string, TargetTable>> {
  if (sources.length === 0) return new Map();
  try {
    const client = await input.targetClient();
    return client ? await readTargetTables(client, sources) : new Map();
  } catch (error) {
    const why = error instanceof TsdbtError || error instanceof Error ? error.message : String(error);
    input.onEvent({ type: 'log', level: 'info', message: `Source columns come from the YAML data_type: the target cannot be read (${why.split('\n')[0]})` });
    return new Map();
  }
}
