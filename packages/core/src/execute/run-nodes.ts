import { isMicrobatch, usesMicrobatchBatches } from '../manifest/microbatch-config.js';
import { BUILTIN_PACKAGE } from '../render/macro-registry.js';
import { materializationFor, type ModelLookup } from '../adapter/materializations/index.js';
import { customSnapshotStrategy, runsStrategyMacro, snapshotMacros } from './snapshot-strategy.js';
import { clickhouseOverride, incrementalStrategyMacro } from './incremental-strategy.js';
import { loadSeed } from '../adapter/seed-loader.js';
import { evaluateThreshold, testStatus, wrapTestSql } from '../adapter/test-query.js';
import { materializeSnapshot } from '../adapter/materializations/snapshot.js';
import { hookBatches } from '../adapter/materializations/microbatch.js';
import type { ModelNode, Relation, SeedNode, SnapshotNode, SourceNode, TestNode } from '../manifest/nodes.js';
import { loadExternalSource } from '../adapter/source-loader.js';
import { persistDocs } from '../adapter/persist-docs.js';
import { ContractError, nakedNumericColumns, nakedNumericWarning } from '../adapter/contract/contract-check.js';
import { constraintWarnings } from '../adapter/contract/constraints.js';
import { contractChecked } from '../load/contract-rules.js';
import { applyGrants, grantsConfigOf } from '../adapter/grants.js';
import type { ClickHouseAdapter } from '../adapter/clickhouse-adapter.js';
import { newRenderState } from '../render/render-state.js';
import { quoteIdentifier, relationSql } from '../render/placeholders.js';
import type { NodeResult, NodeTiming } from '../report/events.js';
import { ProjectError, TsdbtError } from '../shared/errors.js';
import { hooksOf } from '../manifest/config.js';
import { hookStatements, nodeSql, nodeSqlAsync } from './node-sql.js';
import type { RunContext } from './run-context.js';
import { threadName } from './thread-context.js';
import { batchQuery, exactQuery } from './test-batches.js';
import { shouldStoreFailures } from '../manifest/store-failures.js';
import { provenUnique } from './unique-precheck.js';
import { overridesGetTestSql, projectTestSql, testFlag } from './test-sql-override.js';
import { withRunTimeColumnPrecedence } from './dbt-semantics/column-precedence.js';
import { runCodeOf } from './dbt-semantics/inlined-code.js';
import { databaseErrorMessage, nodeErrorMessage } from './database-error-message.js';

type Outcome = Omit<NodeResult, 'node' | 'uniqueId' | 'executionTime' | 'timing'>;

/** The model's columns against its enforced contract (contract-check.ts; not a NULL the table refused, contract-table.ts). */
const contractFailed = (error: unknown): error is ContractError => error instanceof ContractError && error.code === 'contract';

/** The SQL of a node that compiled, by the error its build then threw (read by timed()). */
const compiledOf = new WeakMap<object, string>();
/** Runs `work`; an error it throws carries `sql()` (the SQL compiled so far) to the node's result. */
async function compiledThen<T>(sql: () => string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error && typeof error === 'object' && !compiledOf.has(error)) compiledOf.set(error, sql());
    throw error;
  }
}

/**
 * Times `work` and turns its outcome or error into a NodeResult. Its timing is dbt's compile then
 * execute, split where `compiledAt` says the node's SQL was compiled (a node with nothing to compile,
 * a seed: a compile of no time at the start).
 */
export async function timed(node: NodeResult['node'], work: () => Promise<Outcome>, compiledAt: () => string | undefined = () => undefined): Promise<NodeResult> {
  const started = new Date();
  let outcome: Outcome;
  try {
    outcome = await work();
  } catch (error) {
    const e = error instanceof TsdbtError ? error : undefined;
    // dbt skips a node whose ephemeral model does not compile (and fails the run).
    const ephemeralFailed = e?.code === 'ephemeral_compile';
    // The run's signal thrown as is (signal.throwIfAborted() between statements: inserts, microbatch, cutoff) is a
    // cancellation, as a statement stopped by it is (warehouse-errors.ts): --fail-fast reports the node skipped.
    const aborted = !e && (error as Error | undefined)?.name === 'AbortError';
    outcome = {
      status: ephemeralFailed ? 'skipped' : 'error',
      ...(ephemeralFailed ? { skipReason: 'ephemeral' as const } : {}),
      // The warehouse's refusal, as dbt's DbtDatabaseError words it ("Database Error in model x (path)").
      // An enforced contract that failed: dbt-adapters' ContractError, a CompilationError ("Compilation Error in model x (path)").
      message:
        e?.code === 'database_error' && !/^\w+ Error in /.test(e.message)
          ? databaseErrorMessage(node, e.message)
          : contractFailed(error)
            ? nodeErrorMessage('Compilation', node, error.message)
            : error instanceof Error
              ? error.message
              : String(error),
      warnings: [],
      // dbt's summary names the node's own file (a versioned model's SQL), the contract's YAML is in the error's hint.
      file: contractFailed(error) ? node.originalFilePath : (e?.file ?? node.originalFilePath),
      line: e?.line,
      ...(e?.hint ? { hint: e.hint } : {}),
      errorCode: e?.code ?? (aborted ? 'cancelled' : undefined),
      // A microbatch model whose every batch failed still reports its batches.
      ...(error && typeof error === 'object' && 'batchResults' in error ? { batchResults: (error as { batchResults: NodeResult['batchResults'] }).batchResults } : {}),
      // A node that compiled and then failed in the warehouse reports its SQL (dbt: compiled true).
      ...(compiledOf.has(error as object) ? { compiledCode: compiledOf.get(error as object) } : {}),
    };
  }
  const completed = new Date();
  const mark = compiledAt();
  // A mark of another attempt (before this one started) or none: compiled at the start.
  const split = mark !== undefined && Date.parse(mark) >= started.getTime() && Date.parse(mark) <= completed.getTime() ? mark : started.toISOString();
  const timing: NodeTiming[] = [
    { name: 'compile', startedAt: started.toISOString(), completedAt: split },
    { name: 'execute', startedAt: split, completedAt: completed.toISOString() },
  ];
  return { ...outcome, uniqueId: node.uniqueId, node, executionTime: (completed.getTime() - started.getTime()) / 1000, timing, threadId: threadName() };
}

export async function runModel(ctx: RunContext, loaded: ModelNode): Promise<Outcome> {
  const materialize = materializationFor(loaded.config.materialized, loaded.originalFilePath);
  // dbt_semantics' column precedence decided again on SQL rendered only now (column-precedence.ts).
  const { node, sql } = await withRunTimeColumnPrecedence(ctx.adapter, loaded, await nodeSqlAsync(ctx, loaded), runCodeOf(loaded, ctx.manifest.nodes).renderedAgain);
  // What target/compiled and run_results show: the SQL the build ran (an incremental run renders
  // again with is_incremental() true), written once the build is over, failed or not.
  let ran = sql;
  const adapter = ctx.adapter.forModel(node.config);
  // is_incremental() in a hook answers as in the model: at the moment the hook is rendered.
  const incrementalNow = async () => {
    if (node.config.materialized !== 'incremental' && node.config.materialized !== 'distributed_incremental') return false;
    const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
    return !fullRefresh && (await adapter.relationKind(node.relation)) === 'table';
  };
  let result: Awaited<ReturnType<typeof materialize>>;
  let docWarnings: string[] = [];
  try {
    result = await compiledThen(() => ran, () => withHooks(ctx, node, adapter, incrementalNow, async () => {
      // dbt's materializations warn of bare numeric contract types before they build (get_empty_schema_sql):
      // under --warn-error the model fails here, its relation untouched.
      const naked = contractChecked(node) ? nakedNumericColumns(node) : [];
      if (naked.length) ctx.renderer.warn(nakedNumericWarning(naked));
      // dbt's ConstraintNotSupported / ConstraintNotEnforced, as its adapters render the constraints into the table's DDL.
      if (contractChecked(node) && (node.config.materialized === 'table' || node.config.materialized === 'incremental' || (node.config.materialized === 'materialized_view' && !node.config.target)))
        for (const w of constraintWarnings(node)) ctx.renderer.warn(w.message, w.event);
      const existed = await existedBefore(adapter, node);
      const built = await materialize({
        adapter,
        node,
        sql,
        recompile: ({ isIncremental, batch, clickhouseRound, clickhouseDates }) =>
          (ran = isIncremental || batch || node.renderAtRuntime || node.needsNames || clickhouseRound || clickhouseDates ? nodeSql(ctx, node, { isIncremental, batch, clickhouseRound, clickhouseDates }) : sql),
        fullRefresh: ctx.fullRefresh,
        signal: ctx.signal,
        models: modelLookup(ctx),
        strategyMacro: incrementalStrategyMacro(ctx, node, sql),
        clickhouseOverride: clickhouseOverride(ctx, node),
        microbatchBatches: !isMicrobatch(node.config) || usesMicrobatchBatches(ctx.projectFlags, ctx.renderer.macros(), BUILTIN_PACKAGE),
        eventTime: ctx.eventTime,
        runStartedAt: ctx.runStartedAt,
        previousBatches: ctx.previousBatches?.[node.uniqueId],
        report: (message) => ctx.onEvent({ type: 'log', level: 'info', message }),
      });
      docWarnings = await finishBuild(adapter, node, existed, ctx.signal);
      return built;
    }));
  } finally {
    ctx.compiled.write(node, ran);
  }
  return {
    status: result.status ?? 'success',
    message: result.message,
    rowsAffected: result.rowsAffected,
    warnings: [...result.warnings, ...docWarnings],
    compiledCode: ran,
    ...(result.batchResults ? { batchResults: result.batchResults } : {}),
  };
}

/** `source load`: a source that declares `external:` files, loaded into its table (adapter/source-loader.ts). */
export async function runSourceLoad(ctx: RunContext, node: SourceNode): Promise<Outcome> {
  const location = ctx.renderer.renderString(node.external!.location, node.originalFilePath, newRenderState({ mode: 'parse' }));
  const { rows, warnings } = await loadExternalSource(ctx.adapter.forModel(node.config), node, ctx.manifest.projectRoot, location, {
    signal: ctx.signal,
    fullRefresh: ctx.fullRefresh,
    warnError: ctx.warnError,
  });
  return { status: 'success', message: `INSERT ${rows.toLocaleString('en-US')}`, rowsAffected: rows, warnings };
}

/** Snapshots: dbt's snapshot materialization between the snapshot's hooks (`OK snapshotted …`). */
export async function runSnapshot(ctx: RunContext, node: SnapshotNode): Promise<Outcome> {
  const sql = await nodeSqlAsync(ctx, node);
  const adapter = ctx.adapter.forModel(node.config);
  let result: Awaited<ReturnType<typeof materializeSnapshot>>;
  try {
    result = await compiledThen(() => sql, () => withHooks(ctx, node, adapter, async () => false, async () => {
      const existed = await existedBefore(adapter, node);
      const name = node.config.strategy;
      const strategy = runsStrategyMacro(ctx, name) ? customSnapshotStrategy(ctx, node, name, sql) : undefined;
      const macros = snapshotMacros(ctx, node);
      const built = await materializeSnapshot({ adapter, node, sql, clickhouseDatesSql: () => nodeSql(ctx, node, { clickhouseDates: true }), signal: ctx.signal, emptyInputs: ctx.index.emptyInputs, strategy, macros, insertInto: clickhouseOverride(ctx, node)('clickhouse__insert_into') });
      return { ...built, warnings: [...built.warnings, ...(await finishBuild(adapter, node, existed, ctx.signal))] };
    }));
  } finally {
    ctx.compiled.write(node, sql);
  }
  return { status: 'success', message: result.message, rowsAffected: result.rowsAffected, warnings: result.warnings, compiledCode: sql };
}

/** Whether a node's relation exists before its build (asked only when it has grants: dbt's should_revoke). */
async function existedBefore(adapter: ClickHouseAdapter, node: ModelNode | SeedNode | SnapshotNode): Promise<boolean> {
  return grantsConfigOf(node) ? (await adapter.relationKind(node.relation)) !== undefined : false;
}

/** The end of dbt's materializations, before the post-hooks: apply_grants, then persist_docs. Returns warnings. */
async function finishBuild(adapter: ClickHouseAdapter, node: ModelNode | SeedNode | SnapshotNode, existed: boolean, signal: AbortSignal | undefined): Promise<string[]> {
  if (node.resourceType === 'model' && node.config.materialized === 'ephemeral') return [];
  await applyGrants(adapter, node, existed, signal);
  return persistDocs(adapter, node, signal);
}

/**
 * Hooks run around the build, as dbt's materializations run them (the node's database exists
 * first, as dbt creates schemas before a run); post-hooks once the new relation is in place.
 */
async function withHooks<T>(ctx: RunContext, node: ModelNode | SnapshotNode, adapter: RunContext['adapter'], isIncremental: () => Promise<boolean>, build: () => Promise<T>): Promise<T> {
  // A microbatch model's pre-hook renders with its first batch, its post-hook with its last (dbt's model.batch).
  const batched = node.resourceType === 'model' && isMicrobatch(node.config) && usesMicrobatchBatches(ctx.projectFlags, ctx.renderer.macros(), BUILTIN_PACKAGE);
  // The batches as planned before the build (after it the table exists: another window). A retry's failed
  // batches only while the table is there: gone since, every batch builds it again (materializeMicrobatch).
  const hooked = batched && (hooksOf(node.config, 'pre_hook').length > 0 || hooksOf(node.config, 'post_hook').length > 0);
  const previous = hooked ? ctx.previousBatches?.[node.uniqueId] : undefined;
  const retried = previous && (await adapter.relationKind(node.relation)) === 'table' ? previous : undefined;
  const batches = hooked ? hookBatches(node as ModelNode, await isIncremental(), { ...ctx, previousBatches: retried }) : undefined;
  const hooks = async (which: 'pre_hook' | 'post_hook') => {
    const raw = hooksOf(node.config, which);
    return raw.length ? hookStatements(ctx, node, raw, await isIncremental(), which === 'pre_hook' ? batches?.first : batches?.last) : [];
  };
  const pre = await hooks('pre_hook');
  if (pre.length) await adapter.ensureDatabase(node.relation.schema);
  for (const statement of pre) await adapter.client.command(statement, { signal: ctx.signal });
  const result = await build();
  for (const statement of await hooks('post_hook')) await adapter.client.command(statement, { signal: ctx.signal });
  return result;
}

/** Models by name and MV feeds by target name, per manifest (built on first use). */
const modelIndex = new WeakMap<object, { byName: Map<string, ModelNode>; feeds: Map<string, ModelNode[]>; views: Map<string, ModelNode> }>();
const relationKey = (r: Relation) => `${r.schema}\0${r.identifier}`;

/** The project's models as a materialization may see them (see ModelLookup). */
function modelLookup(ctx: RunContext): ModelLookup {
  const index = () => {
    let i = modelIndex.get(ctx.manifest);
    if (!i) {
      i = { byName: new Map(), feeds: new Map(), views: new Map() };
      for (const n of ctx.manifest.nodes.values()) {
        if (n.resourceType !== 'model' || n.config.enabled === false) continue;
        i.byName.set(n.name, n);
        if (n.config.materialized === 'materialized_view') i.views.set(relationKey(n.relation), n);
        const target = n.config.materialized === 'materialized_view' ? n.config.target : undefined;
        if (typeof target === 'string') (i.feeds.get(target) ?? i.feeds.set(target, []).get(target)!).push(n);
      }
      modelIndex.set(ctx.manifest, i);
    }
    return i;
  };
  return {
    model: (name) => index().byName.get(name),
    sqlOf: (other) => nodeSql(ctx, other),
    feedsOf: (target) => index().feeds.get(target.name) ?? [],
    viewModelAt: (relation) => index().views.get(relationKey(relation)),
    isSelected: (other) => ctx.selected?.has(other.uniqueId) ?? false,
    relationsReadBy: (other) => {
      const out: Relation[] = [];
      const visit = (id: string, seen: Set<string>) => {
        const parent = ctx.manifest.nodes.get(id);
        if (!parent || seen.has(id)) return;
        seen.add(id);
        // An ephemeral model is inlined: what it reads is read by the model.
        if (parent.resourceType === 'model' && parent.config.materialized === 'ephemeral') parent.dependsOn.forEach((p) => visit(p, seen));
        else out.push(parent.relation);
      };
      const seen = new Set<string>();
      other.dependsOn.forEach((p) => visit(p, seen));
      return out;
    },
  };
}

/** Loads a seed; its pre-hooks and post-hooks (a project's `seeds: +pre-hook:`…) run around the load, as dbt's seed materialization runs them. */
export async function runSeed(ctx: RunContext, node: SeedNode): Promise<Outcome> {
  const adapter = ctx.adapter.forModel(node.config);
  const pre = hookStatements(ctx, node, hooksOf(node.config, 'pre_hook'));
  if (pre.length) await adapter.ensureDatabase(node.relation.schema);
  for (const statement of pre) await adapter.client.command(statement, { signal: ctx.signal });
  const existed = await existedBefore(adapter, node);
  const { rows, warnings: notFed } = await loadSeed(adapter, node, ctx.signal, { empty: ctx.index.emptyInputs });
  const warnings = [...notFed, ...(await finishBuild(adapter, node, existed, ctx.signal))];
  for (const statement of hookStatements(ctx, node, hooksOf(node.config, 'post_hook'))) await adapter.client.command(statement, { signal: ctx.signal });
  return { status: 'success', message: `INSERT ${rows.toLocaleString('en-US')}`, rowsAffected: rows, warnings };
}

function failureMessage(failures: number, status: string, node: TestNode): string {
  if (status === 'pass') return 'PASS';
  const condition = status === 'fail' ? node.config.error_if : node.config.warn_if;
  return `Got ${failures} result${failures === 1 ? '' : 's'}, configured to ${status === 'fail' ? 'fail' : 'warn'} if ${String(condition ?? '!= 0').trim()}`;
}

/** Runs one test with dbt's wrapper; stores failing rows when asked. */
export async function runTest(ctx: RunContext, node: TestNode, options: { precheckUnique?: boolean } = {}): Promise<Outcome> {
  // A generic test that stores its failures renders again with the run's flags: dbt's not_null
  // selects every column then (should_store_failures()), and --store-failures is a run flag.
  const storing = shouldStoreFailures(node, ctx.storeFailures);
  const main = await nodeSqlAsync(ctx, node, { rerender: storing && node.genericCall !== undefined });
  const own = overridesGetTestSql(ctx);
  const sql = own ? projectTestSql(ctx, node, main) : wrapTestSql(main, node.config);
  ctx.compiled.write(node, main);
  if (options.precheckUnique && (await provenUnique(ctx, node, ctx.manifest.nodes.get(node.attachedNode!)!))) {
    const status = thresholdStatus(ctx, node, 0);
    return { status, failures: 0, message: failureMessage(0, status, node), warnings: [], compiledCode: main };
  }
  const rows = await compiledThen(() => main, () => ctx.adapter.client.query<{ failures: string | number; should_warn: unknown; should_error: unknown }>(sql, { signal: ctx.signal }));
  const row = rows[0] ?? { failures: 0, should_warn: 0, should_error: 0 };
  const failures = Number(row.failures);
  const flag = (v: unknown) => (own ? testFlag(v, node) : truthy(v));
  const status = testStatus(node.config, flag(row.should_warn), flag(row.should_error), ctx.testsWarnError ?? ctx.warnError);
  // As dbt, the audit relation is rebuilt on every run that stores failures: empty when the test passes.
  const relationName = storing ? await storeFailures(ctx, node, limited(main, node.config.limit)) : undefined;
  // dbt's TestRunner: a passing test reports 0 failures whatever fail_calc counted (warn_if/error_if not met).
  return { status, failures: status === 'pass' ? 0 : failures, message: failureMessage(failures, status, node), warnings: [], compiledCode: main, relationName };
}

/** Runs column tests of one relation in a single scan; results and statuses as if run one by one. */
export async function runTestBatch(ctx: RunContext, tests: readonly TestNode[]): Promise<Map<string, Outcome>> {
  const attached = ctx.manifest.nodes.get(tests[0]!.attachedNode!)!;
  const batch = batchQuery(tests, attached);
  const [row] = await ctx.adapter.client.query<Record<string, string | number>>(batch.sql, { signal: ctx.signal });
  const values = tests.map((_, i) => Number(row?.[`t${i}`] ?? 0));
  // accepted_values members with offending rows: dbt's failures are the distinct offending values
  const recount = [...batch.offendingRows].filter((i) => values[i]! > 0);
  if (recount.length) {
    const [exact] = await ctx.adapter.client.query<Record<string, string | number>>(exactQuery(recount.map((i) => tests[i]!), attached), { signal: ctx.signal });
    recount.forEach((i, k) => (values[i] = Number(exact?.[`t${k}`] ?? 0)));
  }
  const out = new Map<string, Outcome>();
  for (const [i, test] of tests.entries()) {
    const value = values[i]!;
    ctx.compiled.write(test, nodeSql(ctx, test));
    const status = thresholdStatus(ctx, test, value);
    out.set(test.uniqueId, { status, failures: status === 'pass' ? 0 : value, message: failureMessage(value, status, test), warnings: [] });
  }
  return out;
}

/** A test's status from a failure count computed by tsdbt (its thresholds are simple: hasPlainConfig). */
function thresholdStatus(ctx: RunContext, test: TestNode, failures: number) {
  return testStatus(
    test.config,
    evaluateThreshold(failures, String(test.config.warn_if ?? '!= 0'))!,
    evaluateThreshold(failures, String(test.config.error_if ?? '!= 0'))!,
    ctx.testsWarnError ?? ctx.warnError,
  );
}

/**
 * Stores a test's failing rows, as dbt's test materialization: a table (or a view, with
 * store_failures_as='view') named after the test in its schema — `dbt_test__audit` unless the
 * test's config (e.g. the project's `data_tests: +schema:`) says otherwise, through
 * generate_schema_name. Returns the relation's name (run_results' relation_name).
 */
async function storeFailures(ctx: RunContext, node: TestNode, main: string): Promise<string> {
  const as = String(node.config.store_failures_as ?? 'table');
  if (as !== 'table' && as !== 'view')
    throw new ProjectError('store_failures_as', `Compilation Error in test ${node.name} (${node.originalFilePath}): '${as}' is not a valid value for \`store_failures_as\`. Accepted values are: ['ephemeral', 'table', 'view']`, {
      file: node.originalFilePath,
      hint: "Set store_failures_as to 'table', 'view' or 'ephemeral' (which stores nothing).",
    });
  const target = node.relation;
  await ctx.adapter.ensureDatabase(target.schema);
  const rel = relationSql(target.schema, target.identifier);
  await ctx.adapter.client.command(`DROP TABLE IF EXISTS ${rel}`);
  await ctx.adapter.client.command(
    as === 'view' ? `CREATE VIEW ${rel} AS ${main}` : `CREATE TABLE ${rel} ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM (\n${main}\n)`,
    { signal: ctx.signal },
  );
  return rel;
}

/** The failing rows a test stores obey its `limit` config, as the rows it counts do (dbt 1.9). */
function limited(sql: string, limit: unknown): string {
  const n = Number(limit);
  return limit === undefined || limit === null || !Number.isInteger(n) || n < 0 ? sql : `SELECT * FROM (\n${sql}\n) AS dbt_limited LIMIT ${n}`;
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 'true';
}

export { quoteIdentifier };
