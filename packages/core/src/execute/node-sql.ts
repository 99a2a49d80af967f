import { withSqlHeader } from '../compile/sql-header.js';
import { compileSql, compileSqlWithCtes, emptySqlError } from '../compile/compile-sql.js';
import { renderGenericTest } from '../load/build-tests.js';
import { isEmptySql } from '../shared/empty-sql.js';
import { snapshotSource } from '../load/load-snapshots.js';
import type { FunctionNode, ManifestNode, ModelNode, SeedNode, SnapshotNode, SqlNode } from '../manifest/nodes.js';
import { newRenderState, renderNodeInfo, type RenderState, type RenderWarehouse, type WarehouseRelation } from '../render/render-state.js';
import { ProjectError, TsdbtError } from '../shared/errors.js';
import { splitStatements, withoutCommits } from '../shared/sql-statements.js';
import { hasPlaceholders, quoteIdentifier, refTarget, refText } from '../render/placeholders.js';
import type { RunContext } from './run-context.js';
import { threadName } from './thread-context.js';
import { dequalifiedSql, dequalifiedSqlAsync } from './dbt-semantics/dequalify.js';
import { commonTypedSql, commonTypedSqlAsync } from './dbt-semantics/common-types.js';
import { withDbtSemanticsRewrites } from './dbt-semantics/chain.js';
import { callsUserFunctionName } from './dbt-semantics/function-names.js';
import { projectFunctionNames, userFunctions } from './dbt-semantics/user-functions.js';
import { withFunctionDefaults } from './function-defaults.js';
import { templateQuerySettings } from './dbt-semantics/run-settings.js';
import { caseFoldedIdentifier, withIdentifierCase } from './dbt-semantics/identifier-case.js';
import { statementColumnPrecedence } from './dbt-semantics/column-precedence.js';

/**
 * The warehouse as templates see it during a run (blocking calls: nunjucks renders synchronously).
 * SQL and names handed in may hold ref()/source()/this placeholders: they are resolved first.
 */
export function renderWarehouse(ctx: RunContext, self?: ManifestNode, runner: ManifestNode | undefined = self): RenderWarehouse {
  const client = ctx.adapter.client;
  // run_query answers as the node's own query does: dbt_semantics' settings of the node that runs (run-settings.ts).
  const querySettings = runner ? templateQuerySettings(runner) : undefined;
  const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const resolve = (text: string) => (hasPlaceholders(text) ? compileSql(ctx.index, self, text) : text);
  const typeOf = (engine: string): WarehouseRelation['type'] =>
    engine === 'MaterializedView' ? 'materialized_view' : engine === 'Dictionary' ? 'dictionary' : /View$/.test(engine) ? 'view' : 'table';
  const relations = (where: string) =>
    client
      .querySync(`SELECT database, name, engine FROM system.tables WHERE ${where}`)
      .rows.map((r) => ({ schema: String(r[0]), identifier: String(r[1]), type: typeOf(String(r[2])) }));
  const relation = (schema: string, identifier: string) => relations(`database = ${q(resolve(schema))} AND name = ${q(resolve(identifier))}`)[0];
  const relationExists = (schema: string, identifier: string) => relation(schema, identifier) !== undefined;
  return {
    runQuery: (sql) => {
      const text = resolve(sql);
      // SQL's column-over-alias precedence where the statement's own text needs it (column-precedence.ts).
      const precedence = statementColumnPrecedence(runner, text, () => ctx.adapter.hasSettingSync('prefer_column_name_to_alias'));
      return precedence ? client.querySync(precedence.sql, { ...querySettings, ...precedence.settings }) : client.querySync(text, querySettings);
    },
    relationExists,
    relation,
    relationsIn: (schema) => relations(`database = ${q(resolve(schema))}`),
    schemaExists: (schema) => client.querySync(`SELECT 1 FROM system.databases WHERE name = ${q(resolve(schema))}`).rows.length > 0,
    onCluster: () => ctx.adapter.onCluster(),
    caseFold: (message) => {
      const fold = caseFoldedIdentifier(message);
      return fold && ((sql: string) => withIdentifierCase(sql, fold));
    },
    // DESCRIBE keeps table order on every server (old servers' system.columns has no `position`); a missing relation has no columns.
    columns: (schema, identifier) =>
      relationExists(schema, identifier)
        ? client
            .querySync(`DESCRIBE TABLE ${quoteIdentifier(resolve(schema))}.${quoteIdentifier(resolve(identifier))}`)
            .rows.map((r) => ({ name: String(r[0]), dataType: String(r[1]) }))
        : [],
  };
}

/** The state of a render at run time for `node`: the warehouse attached, relation names final; `runner`: the node whose run it is (an ephemeral model renders for its reader). */
export function runtimeState(ctx: RunContext, node: ManifestNode | undefined, init: Partial<RenderState> = {}, runner: ManifestNode | undefined = node): RenderState {
  return newRenderState({ mode: 'execute', warehouse: renderWarehouse(ctx, node, runner), relations: ctx.index.resolver(node), threadId: threadName(), ...init });
}

/** Compiled SQL of a model, snapshot or test; those that read the warehouse (or used final names) while rendering are rendered again now. */
export function nodeSql(ctx: RunContext, node: SqlNode, options: NodeSqlOptions = {}): string {
  const sql = dequalifiedSql(ctx, node, commonTypedSql(rewrittenSql(ctx, node, compiledNodeSql(ctx, node, options), userFunctions(ctx.adapter).known(), options)));
  ctx.compiled.compiled(node); // its result's compile timing ends here
  return sql;
}

/** nodeSql() for callers that can wait: the warehouse look-ups it may need (dequalify.ts, user-functions.ts) do not block the run's other threads. */
export async function nodeSqlAsync(ctx: RunContext, node: SqlNode, options: NodeSqlOptions = {}): Promise<string> {
  const sql = await dequalifiedSqlAsync(ctx, node, await commonTypedSqlAsync(await rewrittenSqlAsync(ctx, node, compiledNodeSql(ctx, node, options), options)));
  ctx.compiled.compiled(node); // its result's compile timing ends here
  return sql;
}

/** rewrittenSql() with the warehouse's own functions listed first when the SQL calls a name one may have (once per run). */
export async function rewrittenSqlAsync(ctx: RunContext, node: ManifestNode, sql: string, stored: StoredAs = {}): Promise<string> {
  return rewrittenSql(ctx, node, sql, callsUserFunctionName(sql) ? await userFunctions(ctx.adapter).list() : userFunctions(ctx.adapter).known(), stored);
}

/** The SQL after dbt_semantics' rewrites that need no warehouse statement (chain.ts); the warehouse's own functions (`own`) and the project's are called as written. */
export function rewrittenSql(ctx: RunContext, node: ManifestNode, sql: string, own: ReadonlySet<string> = userFunctions(ctx.adapter).known(), stored: StoredAs = {}): string {
  const project = projectFunctionNames(ctx.manifest);
  const out = withDbtSemanticsRewrites(node, project.size === 0 ? sql : withFunctionDefaults(ctx.manifest, sql), { adapter: ctx.adapter, userFunctions: project.size === 0 ? own : new Set([...own, ...project]), clickhouseRound: stored.clickhouseRound, clickhouseDates: stored.clickhouseDates });
  if (node.resourceType !== 'snapshot' && isEmptySql(out)) throw emptySqlError(node);
  return out;
}

/** Rewrites left out for a table whose values were stored by ClickHouse's own semantics (stored-rounding.ts, stored-dates.ts). */
type StoredAs = { readonly clickhouseRound?: boolean; readonly clickhouseDates?: boolean };
type NodeSqlOptions = { isIncremental?: boolean; batch?: RenderBatch; rerender?: boolean } & StoredAs;

/**
 * A node's Jinja rendered again with the run's context (`execute` true, run_query answered by the
 * warehouse, final names known): what dbt's run and compile render.
 */
export function runtimeRendered(ctx: RunContext, node: SqlNode, options: NodeSqlOptions = {}): string {
  const state = runtimeState(ctx, node, {
    isIncremental: options.isIncremental ?? false,
    node: renderNodeInfo(node),
    ...(options.batch ? { batch: options.batch } : {}),
  });
  // A generic test calls its macro again; a model, snapshot or singular test renders its source again.
  const source = node.resourceType === 'snapshot' ? snapshotSource(node) : node.rawCode;
  let rendered = (node.resourceType === 'test' && node.genericCall
    ? renderGenericTest(ctx.renderer, node.genericCall, state, node.originalFilePath)
    : ctx.renderer.renderString(source, node.originalFilePath, state)
  ).replace(/\s+$/, '');
  if (node.resourceType === 'snapshot') rendered = rendered.replace(/^\s+/, '');
  assertParentsKnown(ctx, node, state);
  return rendered;
}

/** A node's SQL as compiled (one statement), before dbt_semantics' rewrites (rewrittenSql; its callers add commonTypedSql(): a node run again with its common-type sites cast runs that SQL). */
function compiledNodeSql(ctx: RunContext, node: SqlNode, options: NodeSqlOptions): string {
  const rendered = node.renderAtRuntime || node.needsNames || options.isIncremental || options.batch || options.rerender ? runtimeRendered(ctx, node, options) : node.renderedCode;
  // A microbatch batch reads its inputs that have an event_time within the batch's window.
  const eventTimeWindow = options.batch ? { start: utcText(options.batch.start), end: utcText(options.batch.end) } : undefined;
  const ephemeralSql = (e: ModelNode) => runtimeEphemeralSql(ctx, node, e);
  // --sample reads the inputs of the models and snapshots built (not of tests) within its window.
  const sampleWindow = ctx.sample && (node.resourceType === 'model' || node.resourceType === 'snapshot') ? { start: utcText(ctx.sample.start), end: utcText(ctx.sample.end) } : undefined;
  const compiled = compileSqlWithCtes(ctx.index, node, withSqlHeader(node, rendered), { eventTimeWindow, ephemeralSql, sampleWindow });
  // The run's manifest lists the ephemeral models inlined (dbt's extra_ctes), and those compiled by the way.
  ctx.compiled.inlined(node, compiled);
  return oneStatement(node, compiled.sql);
}

/**
 * An ephemeral model's SQL as inlined now: rendered again when it reads the warehouse or used final
 * names while parsing (its parse render answered with parse-time values). A failure is dbt's
 * "Compilation Error in <node>, caused by compilation error in referenced ephemeral model <e>":
 * the node is skipped (EphemeralCompileError), the ephemeral's own error is its cause.
 */
export function runtimeEphemeralSql(ctx: RunContext, node: SqlNode, ephemeral: ModelNode): string {
  // dbt would inline the Python code as a CTE, which ClickHouse then refuses as a syntax error: say why.
  if (ephemeral.language === 'python')
    throw new ProjectError('ephemeral_python', `${node.name} reads the ephemeral Python model ${ephemeral.name} (${ephemeral.originalFilePath}): an ephemeral model is inlined into the SQL that reads it as a CTE, so it must be SQL (ClickHouse has no Python runtime)`, {
      file: node.originalFilePath,
      hint: `Write ${ephemeral.name} as a SQL model (${ephemeral.name}.sql), or give it another materialization.`,
    });
  if (!ephemeral.renderAtRuntime && !ephemeral.needsNames) return ephemeral.renderedCode;
  try {
    const state = runtimeState(ctx, ephemeral, { node: renderNodeInfo(ephemeral) }, node);
    return ctx.renderer.renderString(ephemeral.rawCode, ephemeral.originalFilePath, state).replace(/\s+$/, '');
  } catch (error) {
    throw new EphemeralCompileError(node, ephemeral, error);
  }
}

/** dbt's skip of a node whose ephemeral model failed to compile (the run fails; see events.ts skipReason). */
export class EphemeralCompileError extends ProjectError {
  constructor(node: ManifestNode, ephemeral: ModelNode, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('ephemeral_compile', `Compilation Error in ${node.uniqueId}, caused by compilation error in referenced ephemeral model ${ephemeral.uniqueId}: ${why}`, {
      file: ephemeral.originalFilePath,
      line: cause instanceof TsdbtError ? cause.line : undefined,
      hint: cause instanceof TsdbtError ? cause.hint : undefined,
      cause,
    });
  }
}

/**
 * A model or test body is one statement, as dbt runs it (`select 1 as x; drop table t` is not a
 * model that also drops a table): several are a project error naming the file. A trailing `;` or
 * comment is fine.
 */
function oneStatement(node: ManifestNode, sql: string): string {
  const statements = splitStatements(sql);
  // One statement and a `;`: the statement alone (a `;` followed by a comment would end the query
  // before the SETTINGS clause or the wrapping a materialization appends).
  if (statements.length === 1 && sql.includes(';')) return stripTrailingSemicolon(statements[0]!);
  if (statements.length <= 1) return stripTrailingSemicolon(sql);
  const what = node.resourceType === 'test' ? 'test' : node.resourceType === 'snapshot' ? 'snapshot' : 'model';
  const header = typeof node.config.sql_header === 'string' && node.config.sql_header.trim() !== '';
  throw new ProjectError('multiple_statements', `The ${what} ${node.name} holds ${statements.length} SQL statements; a ${what} is one statement (a SELECT), and none of them was run (Multi-statements are not allowed${header ? ', sql_header included' : ''})`, {
    file: node.originalFilePath,
    hint: header
      ? `The sql_header of ${node.originalFilePath} is a statement of its own: put settings in config(query_settings={...}) instead, or make the header a WITH clause.`
      : `Keep one SELECT in ${node.originalFilePath}; run other statements as pre_hook/post_hook (config) or on-run-start/on-run-end hooks.`,
  });
}

/** A microbatch batch as a render sees it (`model.batch`). */
export type RenderBatch = NonNullable<RenderState['batch']>;

const utcText = (t: Date) => t.toISOString().slice(0, 19).replace('T', ' ');

/** A model's or snapshot's hooks (hooksOf()) rendered now with its context (`{{ this }}`, `target`, …), as dbt does. */
export function hookStatements(ctx: RunContext, node: ModelNode | SnapshotNode | SeedNode | FunctionNode, hooks: readonly string[], isIncremental = false, batch?: RenderBatch): string[] {
  return hooks
    .map((text) => {
      const state = runtimeState(ctx, node, {
        isIncremental,
        node: renderNodeInfo(node),
        ...(batch ? { batch } : {}),
      });
      const sql = ctx.renderer.renderString(text, node.originalFilePath, state);
      assertParentsKnown(ctx, node, state);
      return stripTrailingSemicolon(withoutCommits(compileSql(ctx.index, node, sql)).trim());
    })
    .filter((sql) => sql !== '');
}

/**
 * A relation a run-time ref() reads must be a parent, or it may be read before it is built. Load
 * finds run-time refs (load/runtime-relations.ts); one it could not (a computed name in a branch
 * its probe did not take) fails here as in dbt, with dbt's fix: a `-- depends_on:` comment.
 * source() is not checked, as in dbt (RuntimeSourceResolver validates nothing): a source is not
 * built by the run, so reading it first cannot go wrong (codegen reads its sources at run time).
 */
function assertParentsKnown(ctx: RunContext, node: ManifestNode, state: RenderState): void {
  const calls = state.refs.filter((r) => !r.function).map((r) => ({ target: refTarget(r), text: refText(r) }));
  for (const { target, text } of calls) {
    const found = ctx.index.resolve(target, node);
    if (!found) continue; // compileSql names it
    if (found.uniqueId === node.uniqueId || node.dependsOn.includes(found.uniqueId)) continue;
    throw new ProjectError('undeclared_dependency', `tsdbt was unable to infer all dependencies for the model "${node.name}": it reads ${text} only at run time`, {
      file: node.originalFilePath,
      hint: `Add this line at the top of ${node.originalFilePath} so ${found.name} is built first: -- depends_on: {{ ${text} }}`,
    });
  }
}

function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}

export { quoteIdentifier };
