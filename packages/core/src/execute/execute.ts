import { mainQueryId, recordStatements, runFileText } from '../adapter/statement-log.js';
import type { ManifestNode, ModelNode, SeedNode, SnapshotNode, SourceNode, TestNode, UnitTestNode } from '../manifest/nodes.js';
import type { Command, NodeResult } from '../report/events.js';
import { planUnits, type PlannedUnit } from './plan.js';
import type { RunContext } from './run-context.js';
import { runModel, runSeed, runSnapshot, runSourceLoad, runTest, runTestBatch, timed } from './run-nodes.js';
import { KNOWN_MATERIALIZATIONS } from '../manifest/config.js';
import { customMaterialization, packageOverrideWarning, runCustomMaterialization } from './run-custom-materialization.js';
import { pythonModelError } from './python-model.js';
import { supportedLanguages } from '../render/materialization-macros.js';
import { runWithCommonTypes, withoutVariantCommonType } from './dbt-semantics/common-types.js';
import { dbtSemantics } from '../load/dbt-semantics.js';
import { withRunSettings } from './dbt-semantics/run-settings.js';
import { runUnitTest } from './run-unit-test.js';
import { schedule } from './scheduler.js';
import { inThread, threadName } from './thread-context.js';
import { withStatementSettings } from '../adapter/statement-settings.js';
import { partitionInsertSettings, partitionTableSettings } from '../adapter/table-ddl.js';
import { withQueryComment } from '../adapter/query-comment.js';
import { runFunction } from './run-function.js';
import { runClone } from './run-clone.js';
import { groupTestBatches, hasPlainConfig } from './test-batches.js';
import { overridesGetTestSql } from './test-sql-override.js';
import { foundStats } from '../report/found-stats.js';

export interface ExecuteOptions {
  readonly command: Command;
  readonly selected: ReadonlySet<string>;
  readonly threads: number;
  readonly failFast: boolean;
  /** Run column tests of one relation in one scan (default true). */
  readonly batchTests: boolean;
  /** Aborts the statements in flight (ctx.signal's controller): --fail-fast cancels them, as dbt does. */
  readonly cancelRunning?: () => void;
  /** Run nothing: every selected node is skipped with this message (an on-run-start hook failed under skip_nodes_if_on_run_start_fails). */
  readonly skipAll?: string;
}


/** A result that blocks what depends on it. */
function isBlocking(r: NodeResult): boolean {
  // dbt's MARK_DEPENDENT_ERRORS_STATUSES: a microbatch model's partial success skips its dependents too.
  return r.status === 'error' || r.status === 'fail' || r.status === 'skipped' || r.status === 'partial success';
}

/**
 * dbt's message for every node --fail-fast kept from finishing (runnable.py execute_nodes: those not run,
 * those waiting on the failed node, and those running, whose threads it terminates).
 */
const FAIL_FAST_SKIP = 'Skipping due to fail_fast';

/** Runs the selected nodes of a command in DAG order and returns one result per node. */
export async function execute(ctx: RunContext, options: ExecuteOptions): Promise<{ results: NodeResult[]; interrupted: boolean }> {
  const started = Date.now();
  // A project's own get_test_sql makes every test's query (test-sql-override.ts), its own get_where_subquery
  // every test's rows: then none is answered by tsdbt's scans.
  const builtinTests = new Set(
    overridesGetTestSql(ctx) || !ctx.renderer.isBuiltin('get_where_subquery') ? [] : ['not_null', 'unique', 'accepted_values'].filter((t) => ctx.renderer.isBuiltin(`test_${t}`)),
  );
  const selectedTests = [...options.selected].map((id) => ctx.graph.node(id)).filter((n): n is TestNode => n.resourceType === 'test');
  // A shared scan reads the attached relation itself: an ephemeral model has none, so its tests run one by one (inlined as CTEs).
  const scannable = selectedTests.filter((t) => {
    const attached = t.attachedNode ? ctx.manifest.nodes.get(t.attachedNode) : undefined;
    return !(attached?.resourceType === 'model' && attached.config.materialized === 'ephemeral');
  });
  const batches = options.batchTests ? groupTestBatches(scannable, builtinTests, ctx.storeFailures) : [];
  // `unique` tests tsdbt may decide with its exact pre-check instead of dbt's GROUP BY.
  const precheckUnique = new Set(
    options.batchTests ? scannable.filter((t) => t.testMetadata?.name === 'unique' && hasPlainConfig(t, builtinTests, ctx.storeFailures)).map((t) => t.uniqueId) : [],
  );
  const units = planUnits(ctx.graph, options.selected, options.command, batches);
  const total = units.reduce((n, u) => n + u.nodes.length, 0);
  const counts: Record<string, number> = {};
  for (const u of units) for (const n of u.nodes) counts[n.resourceType] = (counts[n.resourceType] ?? 0) + 1;
  ctx.onEvent({ type: 'run_started', command: options.command, total, threads: options.threads, targetName: ctx.target.name, counts, found: foundStats(ctx.manifest) });

  const results: NodeResult[] = [];
  let index = 0;
  // Set when --fail-fast stopped the run: the node whose failure did it.
  let failFastAfter: string | undefined;
  const record = (raw: NodeResult, i: number): NodeResult => {
    // A node cancelled by --fail-fast did not fail on its own.
    let result: NodeResult =
      failFastAfter && raw.status === 'error' && ctx.signal?.aborted && raw.errorCode === 'cancelled'
        ? { ...raw, status: 'skipped', skipReason: 'cancelled', message: FAIL_FAST_SKIP, executionTime: 0, timing: [], threadId: 'MainThread' }
        : ctx.warnError && raw.status === 'success' && raw.warnings.length > 0
          ? // --warn-error: a node's warnings fail it, as dbt raises them (its dependents are skipped)
            { ...raw, status: 'error', message: `${raw.warnings.join('\n')}\n(a warning, treated as an error by --warn-error)` }
          : raw;
    const path = ctx.compiled.pathOf(result.uniqueId);
    if (path && !result.compiledPath) result = { ...result, compiledPath: path };
    results.push(result);
    ctx.onEvent({ type: 'node_finished', result, index: i, total });
    for (const w of result.warnings) ctx.onEvent({ type: 'warning', message: w, file: result.node.originalFilePath });
    return result;
  };
  if (options.skipAll !== undefined) {
    // dbt's execute_with_hooks: each selected node is reported skipped, in run order.
    for (const u of units)
      for (const node of u.nodes) record({ uniqueId: node.uniqueId, node, status: 'skipped', skipReason: 'on_run_start', message: options.skipAll, executionTime: 0, timing: [], warnings: [] }, ++index);
    ctx.onEvent({ type: 'run_finished', results, elapsed: (Date.now() - started) / 1000, interrupted: false });
    return { results, interrupted: false };
  }
  // Whether the server has use_variant_as_common_type (common-types.ts), asked once.
  let noVariant: Promise<boolean> | undefined;
  // dbt warns once per invocation of each deprecation.
  const overrideWarned = new Set<string>();
  const runOne = async (node: ManifestNode): Promise<NodeResult> => {
    const i = ++index;
    // dbt's ExposureRunner / SavedQueryRunner: no START line, a NO-OP result.
    if (node.resourceType === 'exposure' || node.resourceType === 'saved_query')
      return record({ uniqueId: node.uniqueId, node, status: 'no-op', message: 'NO-OP', executionTime: 0, timing: [], warnings: [], threadId: threadName() }, i);
    ctx.onEvent({ type: 'node_started', node, index: i, total });
    return record(await execNode(node), i);
  };
  // A node's run as its own unit (also a member of a failed test batch): its statements, dbt_semantics' retries, target/run.
  const execNode = async (node: ManifestNode): Promise<NodeResult> => {
    const statements: string[] = [];
    ctx.compiled.compiling(node.uniqueId);
    const result = await timed(node, () => recordStatements(statements, () => withQueryComment(ctx.queryComment?.(node), async () => {
      if (ctx.clone) return runClone(ctx, node as ModelNode | SeedNode | SnapshotNode);
      if (node.resourceType === 'seed') return runSeed(ctx, node as SeedNode);
      if (node.resourceType === 'source') return runSourceLoad(ctx, node as SourceNode);
      if (node.resourceType === 'function') return runFunction(ctx, node);
      if (node.resourceType === 'model' && node.language === 'python') {
        // dbt's ModelRunner: a Python model runs only through a materialization that supports Python (a
        // project's, whose macro gets its compiled code); dbt-clickhouse's built-in ones are SQL only.
        const custom = customMaterialization(ctx, node);
        if (!custom || !supportedLanguages(custom).includes('python')) throw pythonModelError(ctx, node);
        return runCustomMaterialization(ctx, node, custom, async (built) => {
          throw pythonModelError(ctx, built);
        });
      }
      noVariant ??= ctx.adapter.hasSetting('use_variant_as_common_type').catch(() => false);
      if (node.resourceType === 'unit_test') {
        // The tested model's SQL with the common types and rounding CASTs its run has.
        const tested = ctx.manifest.nodes.get((node as UnitTestNode).testedNode);
        const strict = tested && dbtSemantics(tested) ? withoutVariantCommonType(node, await noVariant) : node;
        // A unit test writes only its own fixtures (made anew by each attempt): no statement log to check.
        return runWithCommonTypes(ctx.adapter.client, strict, node, [], (run) => runUnitTest(ctx, run as UnitTestNode));
      }
      // dbt_semantics' settings (cast-keep-nullable.ts, column-precedence.ts; the adapter asks the server once).
      const loose = await withRunSettings(ctx.adapter, node, ctx.manifest.nodes);
      // dbt's common types (common-types.ts): no Variant, and sites without a supertype cast to dbt's.
      const variantless = await noVariant;
      const runBuilt = async (built: ManifestNode) => {
        // A model partitioned by BigQuery's dict: every statement of its build may write hundreds of day partitions (table-ddl.ts).
        const partitionSettings = built.resourceType === 'model' ? await serverKnown(ctx.adapter, partitionInsertSettings(built.config)) : undefined;
        // …and its tables may be keyed by a Nullable field (table-ddl.ts partitionTableSettings).
        const tableSettings = built.resourceType === 'model' ? await serverKnownTableSettings(ctx.adapter, partitionTableSettings(built.config)) : undefined;
        if (tableSettings && Object.keys(tableSettings).length) built = { ...built, config: { ...built.config, settings: { ...settingsOf(built.config.settings), ...tableSettings } } };
        return runWithCommonTypes(ctx.adapter.client, withoutVariantCommonType(built, variantless), built, statements, (run) => {
          if (run.resourceType === 'model') return withStatementSettings(partitionSettings, () => runModel(ctx, run as ModelNode));
          if (run.resourceType === 'snapshot') return runSnapshot(ctx, run as SnapshotNode);
          return runTest(ctx, run as TestNode, { precheckUnique: precheckUnique.has(node.uniqueId) });
        });
      };
      // A project's {% materialization %}: its statements run as written, once (no common-types retry).
      const custom = node.resourceType === 'model' ? customMaterialization(ctx, node as ModelNode) : undefined;
      if (custom) {
        const deprecated = packageOverrideWarning(node as ModelNode, custom, ctx.manifest.projectName);
        if (deprecated && !overrideWarned.has(deprecated)) {
          overrideWarned.add(deprecated);
          ctx.onEvent({ type: 'warning', message: deprecated, file: custom.node.originalFilePath });
        }
        if (KNOWN_MATERIALIZATIONS.has(String(node.config.materialized)))
          ctx.onEvent({ type: 'log', level: 'info', message: `${node.name}: using the project's materialization '${String(node.config.materialized)}' (${custom.node.originalFilePath}) instead of tsdbt's, as dbt does; its statements run as written (not atomic)` });
        // A call of dbt's materialization_table_default() & co. in it builds the model as tsdbt's own would.
        return runCustomMaterialization(ctx, loose as ModelNode, custom, runBuilt);
      }
      return runBuilt(loose);
    })), () => ctx.compiled.compiledTime(node.uniqueId));
    // dbt's target/run/: what the node ran (also when it failed).
    ctx.compiled.writeRun(node, runFileText(node.resourceType, statements));
    // A test's adapter_response stays empty, as in dbt.
    const queryId = result.status === 'success' && node.resourceType !== 'test' && node.resourceType !== 'unit_test' ? mainQueryId(statements) : undefined;
    return queryId ? { ...result, queryId } : result;
  };

  // Skip messages name the node that did not succeed, not the batch unit holding it.
  const failedNodeOf = new Map<string, string>();
  const runUnit = async (unit: PlannedUnit): Promise<'ok' | 'failed'> => {
    if (unit.nodes.length === 1) return isBlocking(await runOne(unit.nodes[0]!)) ? 'failed' : 'ok';
    // A test batch: one scan answers every member.
    const tests = unit.nodes as TestNode[];
    const numbers = tests.map((t) => {
      const i = ++index;
      ctx.onEvent({ type: 'node_started', node: t, index: i, total });
      return i;
    });
    let outcomes: Awaited<ReturnType<typeof runTestBatch>> | undefined;
    const batchStart = Date.now();
    const alone = new Map<string, NodeResult>();
    try {
      outcomes = await withQueryComment(ctx.queryComment?.(tests[0]!), () => runTestBatch(ctx, tests));
    } catch {
      // One bad member (e.g. a misspelt column) must not fail its neighbours: answer each on its own,
      // as a unit of its own runs (dbt_semantics' retries too: a column named in another case).
      for (const t of tests) alone.set(t.uniqueId, await execNode(t));
    }
    const seconds = (Date.now() - batchStart) / 1000;
    let failed = false;
    tests.forEach((t, k) => {
      const o = outcomes?.get(t.uniqueId);
      const result: NodeResult = o
        ? { ...o, uniqueId: t.uniqueId, node: t, executionTime: seconds, timing: batchTiming(batchStart, ctx.compiled.compiledTime(t.uniqueId)), threadId: threadName() }
        : alone.get(t.uniqueId)!;
      if (isBlocking(record(result, numbers[k]!)) && !failed) {
        failed = true;
        failedNodeOf.set(unit.id, t.uniqueId);
      }
    });
    return failed ? 'failed' : 'ok';
  };

  const stopped = await schedule(units, {
    threads: Math.max(1, options.threads),
    failFast: options.failFast,
    signal: ctx.signal,
    onFailFast: (unit) => {
      failFastAfter = failedNodeOf.get(unit.id) ?? unit.nodes[0]!.uniqueId;
      options.cancelRunning?.();
    },
    run: (unit, thread) => inThread(thread, () => runUnit(unit)),
    skip: (unit, failedUnit) => {
      const because = failedNodeOf.get(failedUnit) ?? failedUnit;
      for (const node of unit.nodes) {
        const i = ++index;
        record({ uniqueId: node.uniqueId, node, status: 'skipped', skipReason: 'upstream', message: `skipped because ${because} did not succeed`, executionTime: 0, timing: [], warnings: [] }, i);
      }
    },
  });

  // Stopped by Ctrl-C (or the caller's signal) is an interruption; --fail-fast is a failed run.
  const interrupted = stopped && failFastAfter === undefined;
  // Units never started are reported as skipped too.
  const seen = new Set(results.map((r) => r.uniqueId));
  const notRun = failFastAfter ? FAIL_FAST_SKIP : interrupted ? 'not run: the run was stopped' : 'not run';
  // dbt's RunResult.from_node for them: made on the main thread once the run stopped.
  const thread = failFastAfter ? { threadId: 'MainThread' } : {};
  for (const u of units)
    for (const node of u.nodes)
      if (!seen.has(node.uniqueId)) results.push({ uniqueId: node.uniqueId, node, status: 'skipped', skipReason: 'not_run', message: notRun, executionTime: 0, timing: [], warnings: [], ...thread });

  await ctx.compiled.flush();
  ctx.onEvent({ type: 'run_finished', results, elapsed: (Date.now() - started) / 1000, interrupted });
  return { results, interrupted };
}

/** `settings` without those the server does not know (an old server refuses them). */
async function serverKnownTableSettings(adapter: { hasMergeTreeSetting(name: string): Promise<boolean> }, settings: Record<string, unknown> | undefined): Promise<Record<string, unknown> | undefined> {
  if (!settings) return undefined;
  const known = await Promise.all(Object.keys(settings).map(async (k) => [k, await adapter.hasMergeTreeSetting(k).catch(() => false)] as const));
  return Object.fromEntries(Object.entries(settings).filter(([k]) => known.find(([n]) => n === k)?.[1]));
}

const settingsOf = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

async function serverKnown(adapter: { hasSetting(name: string): Promise<boolean> }, settings: Record<string, unknown> | undefined): Promise<Record<string, unknown> | undefined> {
  if (!settings) return undefined;
  const known = await Promise.all(Object.keys(settings).map(async (k) => [k, await adapter.hasSetting(k).catch(() => false)] as const));
  return Object.fromEntries(Object.entries(settings).filter(([k]) => known.find(([n]) => n === k)?.[1]));
}

/** A batched test's timing (dbt's compile then execute): the batch's span, split where its SQL was compiled. */
function batchTiming(batchStart: number, compiledAt: string | undefined): NodeResult['timing'] {
  const started = new Date(batchStart).toISOString();
  const split = compiledAt !== undefined && Date.parse(compiledAt) >= batchStart ? compiledAt : started;
  const completed = new Date().toISOString();
  return [
    { name: 'compile', startedAt: started, completedAt: split },
    { name: 'execute', startedAt: split, completedAt: completed < split ? split : completed },
  ];
}
