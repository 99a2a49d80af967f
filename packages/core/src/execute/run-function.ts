import { grantsConfigOf } from '../adapter/grants.js';
import { compileSql } from '../compile/compile-sql.js';
import { clickhouseTypeSpelling } from '../adapter/type-spelling.js';
import { dbtSemantics } from '../load/dbt-semantics.js';
import type { FunctionNode } from '../manifest/nodes.js';
import { quoteIdentifier, sqlString } from '../render/placeholders.js';
import type { NodeResult } from '../report/events.js';
import { DatabaseError, ProjectError } from '../shared/errors.js';
import { blankNonCode, splitStatements } from '../shared/sql-statements.js';
import { functionMacroOverride, functionPartOverrides, overrideStatement, renderFunctionMacro } from './function-override.js';
import type { MacroEntry } from '../render/macro-registry.js';
import { dbtSemanticsType } from '../shared/dbt-type-names.js';
import { roundingTarget } from './dbt-semantics/cast-rounding.js';
import { hookStatements, runtimeRendered } from './node-sql.js';
import { hooksOf } from '../manifest/config.js';
import type { RunContext } from './run-context.js';

/*
 * dbt 1.11's functions on ClickHouse. dbt's function materialization dispatches to
 * `<type>_function_<language>` (scalar_function_sql, aggregate_function_sql…) and creates the function
 * in the node's schema with typed arguments. ClickHouse's user-defined SQL functions are lambdas that
 * belong to the server, not to a database — `CREATE OR REPLACE FUNCTION name AS (a, b) -> expr` —
 * expanded into each query that calls them, so:
 * - function('f') renders as the bare name (dbt-context.ts) and the function is created under its
 *   name (alias) alone; two targets on one server share it.
 * - the body is an expression: dbt's `SELECT price * 2` becomes `price * 2` (a trailing alias dropped);
 *   a SELECT with a FROM (one reading ref()/source()) becomes a scalar subquery.
 * - `returns.data_type` casts the result (dbt's RETURNS); ClickHouse has no typed lambda parameters,
 *   so the body reads each argument cast to its `data_type` (withTypedArguments); no defaults (a call
 *   leaving one out gets it written in: function-defaults.ts).
 * - an aggregate function is the same lambda: its body's aggregate (`POWER(SUM(value), 2)`) is expanded
 *   where it is called, so it aggregates there.
 * - its pre-hooks and post-hooks run around the CREATE, as dbt's function materialization runs them;
 * - volatility has no ClickHouse clause: a set one is warned about and ignored (dbt's default for an
 *   adapter without it). Python functions and table functions have no ClickHouse form: dbt's dispatch
 *   error for their macro.
 */

type Outcome = Omit<NodeResult, 'node' | 'uniqueId' | 'executionTime' | 'timing'>;

/** Builds a function node: one CREATE OR REPLACE FUNCTION (atomic on ClickHouse: the old body serves until it is replaced). */
export async function runFunction(ctx: RunContext, node: FunctionNode): Promise<Outcome> {
  const warnings: string[] = [];
  const volatility = node.config.volatility;
  if (volatility !== undefined && volatility !== null)
    warnings.push(`Found \`${String(volatility)}\` volatility specified on function \`${node.name}\`. This volatility is not supported by clickhouse, and will be ignored`);
  // dbt's function materialization applies `grants` after the CREATE; ClickHouse has no privilege on one function
  // (only global CREATE/DROP FUNCTION): any user who can run a query calls it. Said, not failed on.
  const grants = grantsConfigOf(node);
  if (grants && Object.values(grants).some((grantees) => grantees.length))
    warnings.push(`Function \`${node.name}\`: grants ${JSON.stringify(grants)} are not applied — ClickHouse's SQL functions have no privileges of their own: any user who can run a query can call one (reading what its body reads needs SELECT on that)`);
  // SQL functions came in ClickHouse 21.10: an older server refuses CREATE FUNCTION with a bare syntax error.
  const v = await ctx.adapter.serverVersion();
  if (v.major < 21 || (v.major === 21 && v.minor < 10))
    throw new DatabaseError('not_supported', `Function '${node.name}' cannot be created: ClickHouse ${v.text} has no user-defined SQL functions (CREATE FUNCTION came in 21.10)`, {
      file: node.originalFilePath,
      hint: 'Upgrade the server, or leave the function (and what calls it) out: --exclude-resource-type function.',
    });
  const body = functionBody(ctx, node);
  ctx.compiled.compiled(node);
  const statements = functionStatements(ctx, node, body, ctx.adapter.onCluster());
  // dbt's function materialization runs the node's pre-hooks and post-hooks around its build.
  const pre = hookStatements(ctx, node, hooksOf(node.config, 'pre_hook'));
  if (pre.length) await ctx.adapter.ensureDatabase(node.relation.schema);
  for (const statement of pre) await ctx.adapter.client.command(statement, { signal: ctx.signal });
  try {
    for (const statement of statements) await ctx.adapter.ddl(statement, { signal: ctx.signal });
  } finally {
    ctx.compiled.write(node, body);
  }
  for (const statement of hookStatements(ctx, node, hooksOf(node.config, 'post_hook'))) await ctx.adapter.client.command(statement, { signal: ctx.signal });
  return { status: 'success', message: 'CREATE FUNCTION', warnings, compiledCode: body };
}

/**
 * The statements that create `node` with `body` (its compiled code): a project's or package's
 * clickhouse__scalar_function_sql & co. (function-override.ts) replaces tsdbt's own CREATE FUNCTION —
 * for a build and for validate's scratch warehouse alike.
 */
export function functionStatements(ctx: RunContext, node: FunctionNode, body: string, onCluster = ''): string[] {
  const override = functionMacroOverride(ctx, node);
  if (override) return splitStatements(overrideStatement(ctx, node, override, body));
  const parts = node.language === 'sql' ? functionPartOverrides(ctx, node) : {};
  const rendered = (macro: MacroEntry | undefined, withTarget = false) => (macro ? renderFunctionMacro(ctx, node, macro, body, withTarget).trim() : undefined);
  return [createFunctionSql(node, body, onCluster, { signature: rendered(parts.signature, true), params: rendered(parts.args), expression: rendered(parts.body) })];
}

/** A project's parts of the statement (function-override.ts functionPartOverrides), rendered. */
interface RenderedParts {
  /** `CREATE OR REPLACE FUNCTION f AS (x) ->`. */
  readonly signature?: string;
  readonly params?: string;
  readonly expression?: string;
}

/** A function's compiled code: its body with relation names (rendered again when it read the warehouse or final names). */
export function functionBody(ctx: RunContext, node: FunctionNode): string {
  return compileSql(ctx.index, node, node.renderAtRuntime || node.needsNames ? runtimeRendered(ctx, node) : node.renderedCode);
}

/** The statement that creates `node` with `body` (its compiled code); dbt's dispatch error for what ClickHouse cannot hold. */
export function createFunctionSql(node: FunctionNode, body: string, onCluster = '', parts: RenderedParts = {}): string {
  const type = String(node.config.type ?? 'scalar');
  const macro = `${type}_function_${node.language}`;
  if (node.language === 'python') {
    if (node.config.runtime_version === undefined || node.config.runtime_version === null) throw functionError(node, 'A `runtime_version` is required for python functions', 'Set runtime_version in the function\'s config.');
    if (node.config.entry_point === undefined || node.config.entry_point === null) throw functionError(node, 'An `entry_point` is required for python functions', 'Set entry_point in the function\'s config.');
  }
  if (node.language !== 'sql' || (type !== 'scalar' && type !== 'aggregate'))
    throw functionError(node, `In dispatch: No macro named '${macro}' found within namespace: 'dbt'\n    Searched for: 'clickhouse__${macro}', 'default__${macro}'`, node.language !== 'sql'
      ? 'ClickHouse runs SQL functions only (as dbt-clickhouse): write the function as a .sql file whose body is an expression.'
      : "ClickHouse has scalar SQL functions only (an aggregate body works too): set type to 'scalar' or 'aggregate'.");
  // dbt requires `returns` (its parser puts RETURNS INVALID_TYPE on a function without, which the warehouse refuses).
  if (!node.returns?.dataType?.trim())
    throw functionError(node, `Function '${node.name}' has no return type: dbt requires returns.data_type for every function`, `Describe it in a YAML file under functions/: functions: [{name: ${node.name}, arguments: [...], returns: {data_type: <type>}}].`);
  // A project's body macro gives the expression as dbt-clickhouse sends it (no typed arguments or result); a `SELECT expr` is the expression.
  const returns =
    parts.expression !== undefined
      ? functionExpression(node, parts.expression)
      : // An aggregate's result is not a constant-typed column where the CAST is planned (isNullable of it is no constant): its type as written.
        typedValue(node, `(${withTypedArguments(node, functionExpression(node, body))})`, returnType(node, node.returns.dataType), type !== 'aggregate');
  const params = parts.params ?? node.arguments.map((a) => quoteIdentifier(a.name)).join(', ');
  const signature = parts.signature ?? `CREATE OR REPLACE FUNCTION ${quoteIdentifier(node.relation.identifier)}${onCluster} AS (${params}) ->`;
  return `${signature} ${returns}`;
}

/**
 * dbt's typed arguments: a warehouse converts a call's values to the declared parameter types
 * ('2024-01-31' to a date, a timestamp to a date, an integer to a float) before the body sees them.
 * ClickHouse's lambda parameters take any type, so the body reads each argument where it uses it cast
 * to its data_type — at the identifiers ClickHouse substitutes: a bare name, not qualified (`t.x`),
 * called (`x(…)`), an alias (`AS x`) or a lambda's parameter (`x -> …`). To an integer type with
 * accurateCast: a value out of its range is an error, as on Postgres, not wrapped (CAST(3000000000
 * AS Int32) is -1294967296); a Decimal rounded (typedValue). Quoted references are left as written.
 */
function withTypedArguments(node: FunctionNode, expression: string): string {
  const types = new Map(node.arguments.filter((a) => a.dataType?.trim()).map((a) => [a.name, returnType(node, a.dataType)]));
  if (!types.size) return expression;
  const code = blankNonCode(expression);
  let out = '';
  let kept = 0;
  for (const m of code.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const type = types.get(m[0]);
    const at = m.index!;
    if (type === undefined || /[A-Za-z0-9_$]/.test(code[at - 1] ?? '')) continue;
    const before = code.slice(0, at);
    const after = code.slice(at + m[0].length);
    if (/\.\s*$|\bas\s+$/i.test(before) || /^\s*(?:[(.]|->)/.test(after)) continue;
    out += expression.slice(kept, at) + typedValue(node, m[0], type);
    kept = at + m[0].length;
  }
  return out + expression.slice(kept);
}

/**
 * `value` as `type`, as a warehouse converts a function's argument or result: a NULL stays NULL (the type is
 * Nullable(T) exactly when the value's is, so a caller without cast_keep_nullable — dbt_semantics off — gets NULL,
 * not 'Cannot convert NULL value'); to an integer type with accurateCast (out of range: an error, never wrapped);
 * under dbt_semantics to a Decimal with a scale rounded at it, as cast-rounding.ts rounds a CAST (1.239 → 1.24,
 * where ClickHouse truncates; a float through its shortest decimal text, as Postgres reads it).
 */
function typedValue(node: FunctionNode, value: string, type: string, keepNull = true): string {
  const as = (t: string) => (!keepNull || /^\s*(?:Nullable|LowCardinality|Array|Map|Tuple|Nested|Variant|Dynamic|JSON|Object)\b/i.test(t) ? sqlString(t) : `if(isNullable(${value}), ${sqlString(`Nullable(${t})`)}, ${sqlString(t)})`);
  if (INTEGER_TYPE.test(type)) return `accurateCast(${value}, ${as(type)})`;
  const target = dbtSemantics(node) ? roundingTarget(type.trim()) : undefined;
  if (target?.kind === 'decimal') return `CAST(round(CAST(toString(${value}), ${as(`Decimal(76, ${target.scale + 1})`)}), ${target.scale}), ${as(type)})`;
  return `CAST(${value}, ${as(type)})`;
}

/** ClickHouse's integer types and their SQL aliases (case-insensitive ones as ClickHouse reads them). */
const INTEGER_TYPE = /^\s*(?:U?Int(?:8|16|32|64|128|256)|int|integer|bigint|smallint|tinyint|mediumint)(?:\s+(?:un)?signed)?\s*$/i;

/**
 * dbt's SQL type names as ClickHouse casts them (under dbt_semantics a float is a double, a bare numeric exact
 * a date any day — Date32, not ClickHouse's Date from 1970 — and a timestamp DateTime64(0), as float-casts.ts;
 * ClickHouse's own `Date` kept).
 */
function returnType(node: FunctionNode, dataType: string): string {
  const t = dataType.trim();
  return (dbtSemantics(node) ? dbtSemanticsType(t) : undefined) ?? clickhouseTypeSpelling(t);
}

/**
 * The function's body as a lambda's expression: `SELECT <expr> [AS alias]` without FROM is the
 * expression, a SELECT with one a scalar subquery, anything else (`POWER(SUM(value), 2)`) as written.
 */
export function functionExpression(node: FunctionNode, body: string): string {
  const sql = body.replace(/[\s;]+$/, '').replace(/^\s+/, '');
  const code = blankNonCode(sql);
  if (!sql.trim()) throw functionError(node, `Function '${node.name}' has no body`, 'Write its expression, e.g. SELECT value * 2.');
  const select = /^select\b/i.exec(code);
  if (!select) return sql;
  const clauses = topLevelWords(code);
  if (clauses.some((w) => /^(from|where|group|having|union|order|limit|with)$/i.test(w.word))) return `(${sql})`;
  const commas = topLevelCommas(code);
  if (commas.length)
    throw functionError(node, `Function '${node.name}' selects ${commas.length + 1} values: a function returns one`, 'Select one expression (SELECT a + b).');
  let expression = sql.slice(select[0].length);
  // A trailing `AS alias` (or `alias` after the expression) names the column, not the value.
  const alias = /\s+as\s+(?:`[^`]*`|"[^"]*"|[A-Za-z_][A-Za-z0-9_]*)\s*$/i.exec(code.slice(select[0].length));
  if (alias) expression = expression.slice(0, alias.index);
  return expression.trim();
}

/** Words at paren depth 0 of blanked SQL. */
function topLevelWords(code: string): { word: string; at: number }[] {
  const out: { word: string; at: number }[] = [];
  let depth = 0;
  for (const m of code.matchAll(/[()]|[A-Za-z_][A-Za-z0-9_]*/g)) {
    if (m[0] === '(') depth++;
    else if (m[0] === ')') depth--;
    else if (depth === 0) out.push({ word: m[0], at: m.index! });
  }
  return out;
}

function topLevelCommas(code: string): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) out.push(i);
  }
  return out;
}

function functionError(node: FunctionNode, message: string, hint: string): ProjectError {
  return new ProjectError('function', message, { file: node.originalFilePath, hint });
}
