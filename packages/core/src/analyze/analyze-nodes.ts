import type { ScratchWarehouse, StatementResult } from '../adapter/scratch-warehouse.js';
import { nodeSql } from '../execute/node-sql.js';
import { withSetOperationSettings } from '../execute/dbt-semantics/run-settings.js';
import { commonTypeRewrite, isCommonTypeError } from '../execute/dbt-semantics/common-types.js';
import { dbtSemantics } from '../load/dbt-semantics.js';
import type { RunContext } from '../execute/run-context.js';
import { snapshotTableSelect } from '../adapter/materializations/snapshot-sql.js';
import type { FunctionNode, ModelNode, SeedNode, SnapshotNode, SourceNode, TestNode } from '../manifest/nodes.js';
import { functionBody, functionStatements } from '../execute/run-function.js';
import { pythonModelError } from '../execute/python-model.js';
import { quoteIdentifier } from '../render/placeholders.js';
import { DatabaseError, TsdbtError } from '../shared/errors.js';
import type { AnalyzedColumn, NodeAnalysis, ProjectAnalysis, ValidationIssue } from './analysis.js';
import { seedStatements, sourceStatements, targetTableOf, type TargetTable } from './input-tables.js';
import { incrementalCheck, modelChecks, needsRealView, type CheckStatement } from './node-checks.js';
import { TestChecker } from './test-checks.js';

/** What the analysis needs: the project (through a run context over the scratch warehouse) and what the target told about sources. */
export interface AnalyzeContext {
  /** A run context whose adapter is the scratch warehouse: models that read the warehouse while rendering render against it. */
  readonly run: RunContext;
  readonly scratch: ScratchWarehouse;
  readonly targetTables: ReadonlyMap<string, TargetTable>;
  readonly lineage: boolean;
  /** Turns a failed statement into issues located in the project's files. */
  readonly locate: (failure: CheckFailure) => ValidationIssue[];
  /** Column lineage of a model from its query tree (set when `lineage`). */
  readonly lineageOf?: (node: ModelNode, tree: string, columns: readonly { name: string; type: string }[]) => AnalyzedColumn[];
  /** Issues found in a model's output columns (e.g. ClickHouse's `t.col` names). */
  readonly inspectColumns?: (node: ModelNode, sql: string, tree: string | undefined, columns: readonly { name: string; type: string }[]) => ValidationIssue[];
  /** Called as each node's analysis is known (before its children start). */
  readonly onResult?: (result: NodeAnalysis) => void;
  /** Statements analysed at once (the scratch runs them in order; the rest is rendering and parsing here). */
  readonly concurrency?: number;
}

/** A statement the scratch warehouse refused, with what is needed to point at the offending text. */
export interface CheckFailure {
  readonly node: ModelNode | TestNode | SeedNode | SourceNode;
  readonly error: DatabaseError;
  readonly statement: CheckStatement;
  /** The node's compiled SQL as analysed. */
  readonly sql: string;
  /** The rendering analysed, when a model renders two ways. */
  readonly variant?: 'is_incremental';
}

const parseJsonCompact = (text: string): unknown[][] => (text.trim() ? (JSON.parse(text) as { data: unknown[][] }).data : []);
const describeColumns = (text: string) => parseJsonCompact(text).map((r) => ({ name: String(r[0]), type: String(r[1]) }));
const explainText = (text: string) => parseJsonCompact(text).map((r) => String(r[0])).join('\n');

/** An error thrown while rendering or compiling a node (Jinja, a macro's raise): an issue at its own location. */
function thrownIssue(node: { uniqueId: string; originalFilePath: string }, error: unknown, variant?: string): ValidationIssue {
  const e = error instanceof TsdbtError ? error : undefined;
  return {
    uniqueId: node.uniqueId,
    severity: 'error',
    code: e?.code ?? 'render_error',
    message: error instanceof Error ? error.message : String(error),
    file: e?.file ?? node.originalFilePath,
    line: e?.line,
    column: e?.column,
    hint: e?.hint,
    variant,
  };
}

/**
 * Analyses `ids` (dependency order; ancestors of what is validated included) in the scratch
 * warehouse: sources and seeds become empty tables, each model is built empty from its parents (so
 * its real columns and types feed its children), tests are planned. A node whose parent has errors
 * is `not_validated`; everything else is analysed, so one run reports every error.
 */
export async function analyzeNodes(ctx: AnalyzeContext, ids: readonly string[], selected: readonly string[]): Promise<ProjectAnalysis> {
  const started = Date.now();
  const { graph } = ctx.run;
  const idSet = new Set(ids);
  const done = new Map<string, Promise<NodeAnalysis>>();
  const results = new Map<string, NodeAnalysis>();
  let slots = Math.max(1, ctx.concurrency ?? 8);
  const waiting: (() => void)[] = [];
  const acquire = () => (slots > 0 ? (slots--, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const release = () => (waiting.length ? waiting.shift()!() : slots++);
  const tests = new TestChecker(ctx.scratch, ctx.locate);

  const databases = [...new Set(ids.map((id) => graph.node(id)).filter((n) => n.resourceType !== 'test').map((n) => n.relation.schema))];
  if (databases.length) {
    // In memory only (no metadata files), as the scratch's `default`.
    const created = await ctx.scratch.batch(databases.map((d) => `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(d)} ENGINE = Memory`));
    const failed = created.find((r) => !r.ok);
    if (failed && !failed.ok) throw failed.error;
  }

  const builtBy = sourcesBuiltByOthers(graph, ids);
  const analyze = async (id: string): Promise<NodeAnalysis> => {
    const producer = builtBy.get(id);
    if (producer) {
      await Promise.resolve(); // every node's promise is in `done` by then (the producer may come later in `ids`)
      const built = await done.get(producer)!;
      const result: NodeAnalysis = built.status === 'valid'
        ? { uniqueId: id, status: 'valid', columns: built.columns.map((c) => ({ name: c.name, type: c.type, upstream: [] })), issues: [] }
        : { uniqueId: id, status: 'not_validated', columns: [], issues: [], blockedBy: built.blockedBy ?? built.uniqueId };
      ctx.onResult?.(result);
      return result;
    }
    const parents = graph.parents(id).filter((p) => idSet.has(p));
    const parentResults = await Promise.all(parents.map((p) => done.get(p)!));
    const blocked = parentResults.find((r) => r.status !== 'valid');
    let result: NodeAnalysis;
    if (blocked) result = { uniqueId: id, status: 'not_validated', columns: [], issues: [], blockedBy: blocked.blockedBy ?? blocked.uniqueId };
    // Tests are leaves, planned in groups as they come (test-checks.ts): they take no slot.
    else if (graph.node(id).resourceType === 'test') result = await analyzeOne(ctx, tests, id);
    else {
      await acquire();
      try {
        result = await analyzeOne(ctx, tests, id);
      } finally {
        release();
      }
    }
    ctx.onResult?.(result);
    return result;
  };
  for (const id of ids) done.set(id, analyze(id));
  for (const id of ids) results.set(id, await done.get(id)!);

  const reported = new Set(selected);
  const issues: ValidationIssue[] = [];
  for (const r of results.values()) {
    const node = graph.node(r.uniqueId);
    // Sources, seeds and functions are reported whenever something selected reads them: their problems block it.
    if (reported.has(r.uniqueId) || node.resourceType === 'source' || node.resourceType === 'seed' || node.resourceType === 'function') issues.push(...r.issues);
  }
  return { nodes: results, selected, issues, elapsed: (Date.now() - started) / 1000 };
}

/**
 * Sources whose table the analysed nodes create themselves: a seed, snapshot or model the project
 * builds into the relation the source names (sources over seeded data), else another source of
 * the same relation. The scratch warehouse holds one table per relation: such a source takes the
 * other node's (creating it twice was TABLE_ALREADY_EXISTS). Source id → the node that creates it.
 */
function sourcesBuiltByOthers(graph: AnalyzeContext['run']['graph'], ids: readonly string[]): Map<string, string> {
  const relationKey = (n: { relation: { schema: string; identifier: string } }) => `${n.relation.schema}\u0001${n.relation.identifier}`;
  const built = new Map<string, string>();
  for (const id of ids) {
    const n = graph.node(id);
    if (n.resourceType === 'seed' || n.resourceType === 'snapshot' || (n.resourceType === 'model' && n.config.materialized !== 'ephemeral')) built.set(relationKey(n), id);
  }
  const out = new Map<string, string>();
  for (const id of ids) {
    const n = graph.node(id);
    if (n.resourceType !== 'source') continue;
    const key = relationKey(n);
    const producer = built.get(key);
    // A model over its own source would wait for itself: that source keeps its own table.
    if (producer && !graph.descendants(id).has(producer)) out.set(id, producer);
    else if (!producer) built.set(key, id);
  }
  return out;
}

async function analyzeOne(ctx: AnalyzeContext, tests: TestChecker, id: string): Promise<NodeAnalysis> {
  const node = ctx.run.graph.node(id);
  switch (node.resourceType) {
    case 'source':
      return analyzeSource(ctx, node);
    case 'seed':
      return analyzeSeed(ctx, node);
    case 'model':
      // A Python model: the error its run gives (ClickHouse has no Python runtime), not its code read as SQL.
      if (node.language === 'python') return finished(node, [thrownIssue(node, pythonModelError(ctx.run, node))]);
      // As a run runs it: a plain UNION / EXCEPT / INTERSECT is DISTINCT (execute/dbt-semantics/set-operation-modes.ts).
      return analyzeModel(ctx, await withSetOperationSettings(ctx.run.adapter, node, ctx.run.manifest.nodes));
    case 'test':
      return analyzeTest(ctx, tests, node);
    case 'snapshot':
      return analyzeSnapshot(ctx, node);
    case 'function':
      return analyzeFunction(ctx, node);
    case 'unit_test':
    case 'analysis':
    // A unit test reads fixtures, not relations; exposures and the semantic layer's resources are not built.
    case 'exposure':
    case 'metric':
    case 'semantic_model':
    case 'saved_query':
      return { uniqueId: node.uniqueId, status: 'valid', columns: [], issues: [] };
  }
}

/** A snapshot: its table as the first run builds it (the query's columns plus dbt's meta columns), empty. */
async function analyzeSnapshot(ctx: AnalyzeContext, node: SnapshotNode): Promise<NodeAnalysis> {
  let sql: string;
  try {
    sql = snapshotTableSelect(node, nodeSql(ctx.run, node));
  } catch (error) {
    return finished(node, [thrownIssue(node, error)]);
  }
  const asTable = { ...node, resourceType: 'model', config: { ...node.config, materialized: 'table' } } as unknown as ModelNode;
  const checks = modelChecks(asTable, sql, { lineage: false });
  const results = await ctx.scratch.batch(checks.map((c) => c.sql));
  const failedAt = results.findIndex((r) => !r.ok);
  const failed = failedAt >= 0 ? results[failedAt]! : undefined;
  if (failed && !failed.ok) return finished(node, ctx.locate({ node: asTable, error: failed.error, statement: checks[failedAt]!, sql }), { sql });
  const described = results[checks.findIndex((c) => c.purpose === 'describe')];
  return finished(node, [], { sql, columns: described?.ok ? describeColumns(described.text).map((c) => ({ ...c, upstream: [] })) : [] });
}

/** A function: created in the scratch warehouse as a build creates it, so the models calling it can be checked. */
async function analyzeFunction(ctx: AnalyzeContext, node: FunctionNode): Promise<NodeAnalysis> {
  let statements: string[];
  try {
    statements = functionStatements(ctx.run, node, functionBody(ctx.run, node));
  } catch (error) {
    return finished(node, [thrownIssue(node, error)]);
  }
  const sql = statements.join(';\n');
  const failed = (await ctx.scratch.batch(statements)).find((r) => !r.ok);
  return finished(node, failed && !failed.ok ? [thrownIssue(node, failed.error)] : [], { sql });
}

const finished = (node: { uniqueId: string }, issues: readonly ValidationIssue[], rest: Partial<NodeAnalysis> = {}): NodeAnalysis => ({
  uniqueId: node.uniqueId,
  status: issues.some((i) => i.severity === 'error') ? 'error' : 'valid',
  columns: [],
  issues,
  ...rest,
});

async function analyzeSource(ctx: AnalyzeContext, node: SourceNode): Promise<NodeAnalysis> {
  const statements = sourceStatements(node, targetTableOf(ctx.targetTables, node));
  if (!Array.isArray(statements)) return finished(node, [statements]);
  return analyzeInput(ctx, node, () => statements);
}

async function analyzeSeed(ctx: AnalyzeContext, node: SeedNode): Promise<NodeAnalysis> {
  let statements: ReturnType<typeof seedStatements>;
  try {
    statements = seedStatements(node);
  } catch (error) {
    return finished(node, [thrownIssue(node, error)]);
  }
  const created = await analyzeInput(ctx, node, () => [statements.create]);
  if (created.status !== 'valid' || !statements.load) return created;
  const [loaded] = await ctx.scratch.batch([statements.load]);
  if (loaded?.ok) return created;
  // Its shape is known all the same: only queries of its rows while rendering see none.
  const why = loaded && !loaded.ok ? loaded.error.message.split('\n')[0] : 'no answer';
  const warning: ValidationIssue = { uniqueId: node.uniqueId, severity: 'warning', code: 'seed_rows', message: `The rows of seed ${node.name} could not be loaded for validation: ${why}`, file: node.originalFilePath, hint: 'tsdbt seed would fail the same way: check the values against the column types (column_types in YAML).' };
  return { ...created, issues: [...created.issues, warning] };
}

/** Sources and seeds: the first CREATE that works (later ones are plainer fallbacks), then their columns. */
async function analyzeInput(ctx: AnalyzeContext, node: SourceNode | SeedNode, statements: () => string[]): Promise<NodeAnalysis> {
  let ddl: string[];
  try {
    ddl = statements();
  } catch (error) {
    return finished(node, [thrownIssue(node, error)]);
  }
  let failure: StatementResult | undefined;
  for (const sql of ddl) {
    const [r] = await ctx.scratch.batch([sql]);
    if (r?.ok) {
      failure = undefined;
      break;
    }
    failure ??= r;
  }
  if (failure && !failure.ok) return finished(node, ctx.locate({ node, error: failure.error, statement: { sql: ddl[0]!, purpose: 'create', bodyOffset: -1 }, sql: ddl[0]! }));
  const [described] = await ctx.scratch.batch([`DESCRIBE TABLE ${quoteIdentifier(node.relation.schema)}.${quoteIdentifier(node.relation.identifier)}`]);
  const columns = described?.ok ? describeColumns(described.text).map((c) => ({ ...c, upstream: [] })) : [];
  return finished(node, [], { columns });
}

async function analyzeModel(ctx: AnalyzeContext, node: ModelNode): Promise<NodeAnalysis> {
  let sql: string;
  try {
    sql = nodeSql(ctx.run, node);
  } catch (error) {
    return finished(node, [thrownIssue(node, error)]);
  }
  const check = async (sql: string) => {
    let checks = modelChecks(node, sql, { lineage: ctx.lineage });
    let results = await ctx.scratch.batch(checks.map((c) => c.sql));
    const first = results[0];
    if (first && !first.ok && needsRealView((first.error as { clickhouseCode?: number }).clickhouseCode)) {
      checks = modelChecks(node, sql, { lineage: ctx.lineage, asView: true });
      results = await ctx.scratch.batch(checks.map((c) => c.sql));
    }
    return { checks, results };
  };
  let { checks, results } = await check(sql);
  // A run casts a common-type site to dbt's supertype (execute/dbt-semantics/common-types.ts): validate checks that SQL.
  const refused = results.find((r) => !r.ok);
  if (refused && !refused.ok && dbtSemantics(node) && isCommonTypeError(refused.error.message)) {
    const fixed = await commonTypeRewrite(sql, async (statement) => {
      const [r] = await ctx.scratch.batch([statement]);
      if (!r?.ok) throw new Error('probe failed');
      return explainText(r.text);
    });
    if (fixed) ({ checks, results } = await check((sql = fixed)));
  }
  const failedAt = results.findIndex((r) => !r.ok);
  if (failedAt >= 0) {
    const r = results[failedAt]!;
    return finished(node, r.ok ? [] : ctx.locate({ node, error: r.error, statement: checks[failedAt]!, sql }), { sql });
  }
  const text = (purpose: CheckStatement['purpose']) => {
    const i = checks.findIndex((c) => c.purpose === purpose);
    const r = results[i];
    return i >= 0 && r?.ok ? r.text : undefined;
  };
  const described = describeColumns(text('describe') ?? '');
  const tree = ctx.lineage ? explainText(text('tree') ?? '') : undefined;
  const issues: ValidationIssue[] = [...(ctx.inspectColumns?.(node, sql, tree, described) ?? [])];
  const columns = tree && ctx.lineageOf ? ctx.lineageOf(node, tree, described) : described.map((c) => ({ ...c, upstream: [] }));

  // is_incremental() true: the model's own table now exists in the scratch warehouse as `this`.
  const incremental = String(node.config.materialized).endsWith('incremental');
  if (incremental && node.renderAtRuntime) {
    let again: string | undefined;
    try {
      again = nodeSql(ctx.run, node, { isIncremental: true });
    } catch (error) {
      issues.push(thrownIssue(node, error, 'is_incremental'));
    }
    if (again !== undefined) {
      const check = incrementalCheck(node, again);
      const [r] = await ctx.scratch.batch(check.map((c) => c.sql));
      if (r && !r.ok) issues.push(...ctx.locate({ node, error: r.error, statement: check[0]!, sql: again, variant: 'is_incremental' }));
    }
  }
  return finished(node, issues, { columns, sql });
}

async function analyzeTest(ctx: AnalyzeContext, tests: TestChecker, node: TestNode): Promise<NodeAnalysis> {
  let sql: string;
  try {
    sql = nodeSql(ctx.run, node);
  } catch (error) {
    return finished(node, [thrownIssue(node, error)]);
  }
  return finished(node, await tests.check(node, sql), { sql });
}
