import { AsyncLocalStorage } from 'node:async_hooks';
import { dbtSemantics } from '../../load/dbt-semantics.js';
import { hooksOf } from '../../manifest/config.js';
import type { ManifestNode, SqlNode } from '../../manifest/nodes.js';
import type { WarehouseClient } from '../../adapter/warehouse-client.js';
import { withSettings } from '../../adapter/settings-clause.js';
import { roundedCastSql, roundedCastSqlAsync } from './cast-rounding.js';
import { checkedDecimalSql, checkedDecimalSqlAsync } from './decimal-overflow.js';
import { describeSql, withItemNames, withItemNamesAsync } from './item-names.js';
import { isJoinOrderError, withoutJoinReorder } from './join-order-fallback.js';
import { isNullableKeyError, withNullableKeys } from './nullable-keys.js';
import { caseFoldedCte, caseFoldedIdentifier, scopeCaseFold, withIdentifierCase, withTableCase } from './identifier-case.js';
import { projectionNames, unionCastEdits, unionGroups, unionNamesProbe, unionTypesProbe, UNION_MARKER_BASE } from './union-branches.js';
import { bareType, commonTypeSites, isNullableType, MARKER_BASE, markedTupleTypes, markerIndexes, probeSql, type CommonTypeSite } from './common-type-sites.js';
import { applyEdits, type Edit } from '../../shared/text-edits.js';
import { usingRefusal, withUsingKeyCast } from './using-key-types.js';
import { comparisonCastEdits, comparisonProbe, comparisonSites, joinsOnEquality } from './comparison-types.js';
import { isExecutionRefusal, retryable } from './retry-safety.js';
import { cteDequalifiedSqlAsync } from './dequalify.js';

export { retryable } from './retry-safety.js';

/*
 * dbt's common types on ClickHouse. Where every other warehouse dbt runs on gives a supertype —
 * `coalesce(sum(int_col), 0.0)` or `case when … then int_col else float_col end` a double,
 * `coalesce(valid_to, '2099-01-01')` a date — ClickHouse 24+ makes a Variant(Float64, Int64) or
 * Variant(Date, String) (use_variant_as_common_type, on by default) that then fails in max(),
 * ORDER BY, a window or a comparison, or is stored as a Variant column; older ClickHouse and a
 * CASE with an operand refuse it ("There is no supertype", code 386). Under `dbt_semantics`
 * (default on) a model, snapshot or test runs with use_variant_as_common_type = 0, so such a site
 * fails before anything is written; the runner then asks ClickHouse for the types of the values of
 * each site (one EXPLAIN QUERY TREE of a probe, common-type-sites.ts), casts the sites whose values
 * have no ClickHouse supertype to dbt's (ints and floats: Float64; Decimal and float: Float64;
 * UInt64 and signed ints: Int64; dates and strings: the date type), and runs the node again with
 * that SQL. A node the rewrite cannot help runs again with ClickHouse's Variant, as before.
 */

const SETTING = 'use_variant_as_common_type';

/** The node with use_variant_as_common_type = 0 in its query_settings (dbt_semantics; a node's own value wins; a unit test passes it to its model's query). */
export function withoutVariantCommonType<N extends ManifestNode>(node: N, serverHasIt: boolean): N {
  if (!serverHasIt || !(node.resourceType === 'model' || node.resourceType === 'snapshot' || node.resourceType === 'test' || node.resourceType === 'unit_test') || !dbtSemantics(node)) return node;
  const own = node.config.query_settings;
  const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  if (SETTING in settings) return node;
  return { ...node, config: { ...node.config, query_settings: { ...settings, [SETTING]: 0 } } };
}

/** Whether a failure is ClickHouse refusing (or choking on) a common type. */
export function isCommonTypeError(message: string | undefined): boolean {
  if (!message) return false;
  return /\bCode: 386\b|NO_COMMON_TYPE|There is no supertype/.test(message) || isExecutionRefusal(message) ||
    (/\bCode: (43|44)\b/.test(message) && /Variant|of arguments of function (greatest|least)\b|No operation (?:equals|notEquals|less|greater|lessOrEquals|greaterOrEquals) between/.test(message));
}

interface Scope {
  /** The SQL texts nodeSql produced in this run of the node. */
  readonly produced: Set<string>;
  /** Rewritten SQL by original SQL. */
  readonly rewrites: Map<string, string>;
  /** A node that runs once (pre-hooks): each SQL it produces is checked, and rewritten, before it runs. */
  readonly preflight?: Preflight;
  /** SQL with its numeric CASTs rounding as dbt's (cast-rounding.ts), by SQL (shared by a node's attempts). */
  readonly rounded: Map<string, string>;
  readonly round: (sql: string) => string;
  /** round() with a non-blocking EXPLAIN (nodeSqlAsync's path). */
  readonly roundAsync: (sql: string) => Promise<string>;
}

const scope = new AsyncLocalStorage<Scope>();

/** `sql` with its numeric CASTs rounding as dbt's (cast-rounding.ts) when a node's run is in progress; else `sql`. */
export function roundedSql(sql: string): string {
  const s = scope.getStore();
  if (!s) return sql;
  let rounded = s.rounded.get(sql);
  if (rounded === undefined) s.rounded.set(sql, (rounded = s.round(sql)));
  return rounded;
}

/** nodeSql's last step: the SQL as this attempt of the node runs it (dbt's common types and rounding CASTs). */
export function commonTypedSql(sql: string): string {
  const s = scope.getStore();
  if (!s) return sql;
  if (s.preflight && !s.preflight.checked.has(sql) && (!s.preflight.when || s.preflight.when())) {
    s.preflight.checked.add(sql);
    const fixed = s.preflight.sync(sql);
    if (fixed) s.rewrites.set(sql, fixed);
  }
  s.produced.add(sql);
  const out = s.rewrites.get(sql) ?? sql;
  let rounded = s.rounded.get(out);
  if (rounded === undefined) s.rounded.set(out, (rounded = s.round(out)));
  return rounded;
}

/** commonTypedSql() for callers that can wait: a run-once node's check (see Preflight) and the rounding CASTs' EXPLAIN do not block the run's other threads. */
export async function commonTypedSqlAsync(sql: string): Promise<string> {
  const s = scope.getStore();
  if (s?.preflight && !s.preflight.checked.has(sql) && (!s.preflight.when || s.preflight.when())) {
    s.preflight.checked.add(sql);
    const fixed = await s.preflight.async(sql);
    if (fixed) s.rewrites.set(sql, fixed);
  }
  if (s) {
    const out = s.rewrites.get(sql) ?? sql;
    if (!s.rounded.has(out)) s.rounded.set(out, await s.roundAsync(out));
  }
  return commonTypedSql(sql);
}

/**
 * The check of a SQL before it runs. A node that must run once (its pre-hooks would run twice):
 * one EXPLAIN QUERY TREE with use_variant_as_common_type = 0 tells whether it has a site without a
 * ClickHouse supertype; if so, the rewrite (commonTypeRewrite) is made then, and the node runs it —
 * with ClickHouse's Variant allowed elsewhere, so nothing fails that ran before. A SQL with JOIN … ON
 * equalities is planned instead (EXPLAIN PLAN): ClickHouse types a join's keys only then. A view is
 * checked only for those (`joinsOnly`): its CREATE analyses the rest, but plans no join.
 */
interface Preflight {
  readonly checked: Set<string>;
  /** Check only when this answers true at the time the SQL is produced (unset: always). */
  readonly when?: () => boolean;
  readonly async: (sql: string) => Promise<string | undefined>;
  readonly sync: (sql: string) => string | undefined;
}

function preflightOn(client: WarehouseClient, settings: Readonly<Record<string, unknown>>, joinsOnly = false): Preflight {
  const explainSync = (statement: string) => client.querySync(withSettings(statement, { ...settings, [SETTING]: 1 })).rows.map((r) => String(r[0])).join('\n');
  // The statement checking `sql`, or undefined when there is nothing to check.
  const check = (sql: string) => {
    const joins = joinsOnEquality(sql);
    return joins ? `EXPLAIN PLAN ${sql}` : joinsOnly ? undefined : `EXPLAIN QUERY TREE ${sql}`;
  };
  return {
    checked: new Set(),
    async: async (sql) => {
      const statement = check(sql);
      if (!statement) return undefined;
      try {
        await client.query(statement, { settings });
        return undefined;
      } catch (error) {
        return isCommonTypeError(messageOf(error)) ? commonTypeRewrite(sql, queryTreeOn(client, settings)) : undefined;
      }
    },
    sync: (sql) => {
      const statement = check(sql);
      if (!statement) return undefined;
      try {
        client.querySync(withSettings(statement, settings));
        return undefined;
      } catch (error) {
        return isCommonTypeError(messageOf(error)) ? commonTypeRewriteSync(sql, explainSync) : undefined;
      }
    },
  };
}

/** Runs an EXPLAIN QUERY TREE statement and gives its dump (one text, a line per row). */
export type QueryTreeOf = (statement: string) => Promise<string>;

/** A QueryTreeOf on the run's warehouse, with a node's query settings. */
export function queryTreeOn(client: WarehouseClient, settings: Readonly<Record<string, unknown>>): QueryTreeOf {
  return async (statement) => (await client.query<{ explain: string }>(statement, { settings: { ...settings, [SETTING]: 1 } })).map((r) => r.explain).join('\n');
}

/**
 * queryTreeOn() of the SQL as the node runs it: nodeSql names the columns of CTEs joining a `t.*` (dequalify.ts)
 * after the common-type step, so each probe gets those names first.
 */
function runQueryTreeOn(client: WarehouseClient, node: ManifestNode, settings: Readonly<Record<string, unknown>>): QueryTreeOf {
  const explain = queryTreeOn(client, settings);
  const head = 'EXPLAIN QUERY TREE ';
  return async (statement) => explain(statement.startsWith(head) ? head + (await cteDequalifiedSqlAsync(client, node as SqlNode, statement.slice(head.length))) : statement);
}

/**
 * `sql` with each UNION branch and common-type site whose values have no ClickHouse supertype cast
 * to dbt's supertype, or undefined when none needs it (or the probes could not be analysed).
 */
export async function commonTypeRewrite(sql: string, explain: QueryTreeOf): Promise<string | undefined> {
  const steps = rewriteSteps(sql);
  let step = steps.next();
  while (!step.done) {
    let dump: string;
    try {
      dump = await explain(step.value);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(dump);
  }
  return step.value;
}

/** commonTypeRewrite() with a blocking EXPLAIN (for a SQL produced where the run cannot wait: an incremental model's recompile). */
export function commonTypeRewriteSync(sql: string, explain: (statement: string) => string): string | undefined {
  const steps = rewriteSteps(sql);
  let step = steps.next();
  while (!step.done) {
    let dump: string;
    try {
      dump = explain(step.value);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(dump);
  }
  return step.value;
}

/** Passes of the site rewrite over its own casts (each one EXPLAIN; see rewriteSteps). */
const SITE_PASSES = 4;

/** The rewrite as steps: yields each EXPLAIN QUERY TREE statement and takes its dump (a failed one is thrown in). */
type RewriteSteps<T> = Generator<string, T, string>;

function* rewriteSteps(sql: string): RewriteSteps<string | undefined> {
  const unioned = (yield* unionRewrite(sql)) ?? sql;
  // A probe types each site as its first value, so a site reading a probed one saw that value's type:
  // `greatest(0, x - 3) as m … greatest(m, int_col)` saw UInt8 and Int64 (nothing to cast), and once
  // the first site was cast to Float64 the second failed. Sites are probed again over the casts made
  // until a pass casts nothing more (fivetran/dbt_zendesk's business-minute models).
  let sited = unioned;
  for (let pass = 0; pass < SITE_PASSES; pass++) {
    const next = yield* siteRewrite(sited);
    if (next === undefined || next === sited) break;
    sited = next;
  }
  const out = (yield* comparisonRewrite(sited)) ?? sited;
  return out !== sql ? out : undefined;
}

/** `sql` with the operands of its comparisons (a date and a string) and JOIN keys cast to dbt's supertype where ClickHouse has none (comparison-types.ts). */
function* comparisonRewrite(sql: string): RewriteSteps<string | undefined> {
  const sites = comparisonSites(sql);
  if (sites.length === 0) return undefined;
  let dump: string;
  try {
    dump = yield `EXPLAIN QUERY TREE ${comparisonProbe(sql, sites)}`;
  } catch {
    return undefined;
  }
  const edits = comparisonCastEdits(sites, dump, dbtSupertype);
  return edits.length > 0 ? applyEdits(sql, edits) : undefined;
}

/** `sql` with the branches of its UNIONs cast to dbt's supertypes where ClickHouse has none (union-branches.ts). */
function* unionRewrite(sql: string): RewriteSteps<string | undefined> {
  const edits: Edit[] = [];
  for (const group of unionGroups(sql)) {
    try {
      const types = markedTupleTypes(yield `EXPLAIN QUERY TREE ${unionTypesProbe(sql, group)}`, UNION_MARKER_BASE, group.branches.length);
      const first = types.get(0)?.[0];
      const names = first && projectionNames(yield `EXPLAIN QUERY TREE ${unionNamesProbe(sql, group)}`, first);
      if (names) edits.push(...unionCastEdits(group, types, names, dbtSupertype));
    } catch {
      // this UNION stays as written
    }
  }
  return edits.length > 0 ? applyEdits(sql, edits) : undefined;
}

/** `sql` with the values of its CASE/if/coalesce… sites cast where ClickHouse has no supertype. */
function* siteRewrite(sql: string): RewriteSteps<string | undefined> {
  const sites = commonTypeSites(sql);
  if (sites.length === 0) return undefined;
  let dump: string;
  try {
    dump = yield `EXPLAIN QUERY TREE ${probeSql(sql, sites)}`;
  } catch {
    return undefined;
  }
  const typesOf = markedTupleTypes(dump, MARKER_BASE, sites.length);
  const markers = markerIndexes(sites.map((s) => sql.slice(s.start, s.end)));
  const edits: Edit[] = [];
  sites.forEach((site, k) => {
    const types = typesOf.get(markers[k]!);
    const casts = types && valueCasts(site, types);
    // Each value cast (not the site: a CASE with an operand fails before its result could be).
    casts?.forEach((cast, v) => {
      const part = site.parts[site.values[v]!]!;
      if (cast) edits.push({ at: part.start, length: 0, text: ' CAST(' }, { at: part.end, length: 0, text: `, '${cast}') ` });
    });
  });
  return edits.length > 0 ? applyEdits(sql, edits) : undefined;
}

/**
 * The type to cast each value of a site to (undefined for a NULL), or undefined when ClickHouse's
 * own common type is dbt's (or there is none to give). `occurrences`: the part types of each place
 * the site appears in the analysed query.
 */
export function valueCasts(site: CommonTypeSite, occurrences: readonly (readonly string[])[]): (string | undefined)[] | undefined {
  const typeOf = (v: number) => occurrences.map((parts) => parts[site.values[v]!]).filter((t): t is string => t !== undefined);
  const values = site.values.map((_, v) => typeOf(v));
  if (values.some((t) => t.length === 0)) return undefined;
  const supertype = dbtSupertype(values.flat().map(bareType).filter((t) => t !== 'Nothing'));
  if (!supertype) return undefined;
  return values.map((types) => {
    if (types.every((t) => bareType(t) === 'Nothing')) return undefined;
    return types.some(isNullableType) ? `Nullable(${supertype})` : supertype;
  });
}

const INT = /^U?Int(8|16|32|64|128|256)$/;
const FLOAT = /^(?:Float32|Float64|BFloat16)$/;
const DECIMAL = /^Decimal(?:32|64|128|256)?\(/;
const DATE = /^(?:Date|Date32|DateTime(?:\(.*\))?|DateTime64\(.*\))$/;
const STRING = /^(?:String|FixedString\(\d+\))$/;

/**
 * dbt's supertype of value types ClickHouse has none for, or undefined (ClickHouse's own common
 * type stands, or neither has one).
 */
export function dbtSupertype(types: readonly string[]): string | undefined {
  if (types.length < 2) return undefined;
  const ints = types.filter((t) => INT.test(t));
  const floats = types.filter((t) => FLOAT.test(t));
  const decimals = types.filter((t) => DECIMAL.test(t));
  if (ints.length + floats.length + decimals.length === types.length) {
    // A double on every other warehouse (Postgres: int + float8 → float8, numeric + float8 → float8).
    if (floats.length > 0 && ints.length + decimals.length > 0) return 'Float64';
    // No unsigned 64-bit integer elsewhere: count() next to a signed value is a bigint.
    if (floats.length === 0 && decimals.length === 0 && ints.some((t) => t === 'UInt64') && ints.some((t) => /^Int/.test(t))) return 'Int64';
    // Decimals of several scales: ClickHouse types `if`/`coalesce` of them Decimal(38, s) and then refuses to run
    // them (isExecutionRefusal); elsewhere an exact numeric holding every value (Postgres' numeric).
    if (floats.length === 0 && new Set(decimals.map(decimalScale)).size > 1) return exactDecimal(types);
    return undefined;
  }
  const dates = types.filter((t) => DATE.test(t));
  const strings = types.filter((t) => STRING.test(t));
  if (dates.length > 0 && strings.length > 0 && dates.length + strings.length === types.length) {
    // A string next to a date is read as that date (a literal's type is the other side's, as in SQL).
    return widestDate(dates);
  }
  return undefined;
}

// `Decimal(p, s)`, or `Decimal64(s)` as some ClickHouse versions spell it.
const decimalScale = (t: string) => Number((/,\s*(\d+)\)$/.exec(t) ?? /^Decimal\d+\((\d+)\)$/.exec(t))?.[1] ?? 0);
const STORAGE_DIGITS: Record<string, number> = { Decimal32: 9, Decimal64: 18, Decimal128: 38, Decimal256: 76 };
/** Digits before the point each exact type holds: Decimal(p, s) p - s, an integer its widest value's. */
const INT_DIGITS: Record<string, number> = { Int8: 3, UInt8: 3, Int16: 5, UInt16: 5, Int32: 10, UInt32: 10, Int64: 19, UInt64: 20, Int128: 39, UInt128: 39, Int256: 77, UInt256: 78 };
const integerDigits = (t: string) => INT_DIGITS[t] ?? (STORAGE_DIGITS[/^\w+/.exec(t)![0]] ?? Number(/\((\d+)/.exec(t)?.[1] ?? 0)) - decimalScale(t);

/** The Decimal holding every value of `types` (integers and Decimals): the largest scale and integer part, at most 76 digits. */
function exactDecimal(types: readonly string[]): string {
  const scale = Math.max(...types.map((t) => (DECIMAL.test(t) ? decimalScale(t) : 0)));
  const digits = Math.max(...types.map(integerDigits));
  return `Decimal(${Math.min(76, Math.max(scale + digits, 1))}, ${scale})`;
}

function widestDate(dates: readonly string[]): string {
  const rank = (t: string) => (t.startsWith('DateTime64') ? 3 : t.startsWith('DateTime') ? 2 : t === 'Date32' ? 1 : 0);
  let best = dates[0]!;
  for (const d of dates) {
    if (rank(d) > rank(best)) best = d;
    else if (rank(d) === 3 && rank(best) === 3 && precision(d) > precision(best)) best = d;
  }
  return best;
}

const precision = (t: string) => Number(/^DateTime64\((\d+)/.exec(t)?.[1] ?? 0);

/**
 * Runs a model, snapshot or test as dbt's common types ask (see the top of this file): `strict`
 * (use_variant_as_common_type = 0) first; on a common-type failure again with the sites cast, and
 * if that does not help either, as `loose` (the node's own settings: ClickHouse's Variant).
 * `sent` is the node's statement log (adapter/statement-log.ts): an attempt is made again only
 * when the failed one changed nothing a second attempt would do twice (`retryable`). A strict attempt
 * refused by ClickHouse's join-order optimizer runs again with it off (join-order-fallback.ts); one whose
 * table key came out Nullable, with allow_nullable_key (nullable-keys.ts).
 */
export async function runWithCommonTypes<N extends ManifestNode, T>(
  client: WarehouseClient,
  strict: N,
  loose: N,
  sent: readonly string[],
  run: (node: N) => Promise<T>,
  folded: ReadonlyMap<string, string> = new Map(),
  seen: Set<string> = new Set(),
): Promise<T> {
  if (strict === loose) return run(loose);
  const own = strict.config.query_settings;
  const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : {};
  const rounded = new Map<string, string>();
  const explainSync = (statement: string) => client.querySync(withSettings(statement, settings)).rows.map((r) => String(r[0])).join('\n');
  const explain = async (statement: string) => (await client.query<{ explain: string }>(statement, { settings })).map((r) => r.explain).join('\n');
  // Casts rounding as dbt's (cast-rounding.ts), then Decimal128/256 products and quotients checked (decimal-overflow.ts).
  // An unaliased item of the main SELECT they change keeps its name (item-names.ts): the column names of the query as written.
  const namesSync = (sql: string) => client.querySync(withSettings(describeSql(sql), settings)).rows.map((r) => String(r[0]));
  const names = async (sql: string) => (await client.query<{ name: string }>(describeSql(sql), { settings })).map((r) => r.name);
  const round = (sql: string) => withItemNames(sql, checkedDecimalSql(roundedCastSql(sql, explainSync), explainSync), namesSync);
  const roundAsync = async (sql: string) => withItemNamesAsync(sql, await checkedDecimalSqlAsync(await roundedCastSqlAsync(sql, explain), explain), names);
  const attempt = (node: N, produced: Set<string>, rewrites: Map<string, string>, preflight?: Preflight) => scope.run({ produced, rewrites, rounded, round, roundAsync, preflight }, () => run(node));
  // A second attempt would run the pre-hooks again: such a node runs once, its SQL checked (and
  // rewritten) before it runs, with ClickHouse's Variant where the rewrite does not reach.
  if (hooksOf(strict.config, 'pre_hook').length > 0) return attempt(loose, new Set(), new Map(), preflightOn(client, settings));
  const produced = new Set<string>();
  const from = sent.length;
  // A view plans its joins only when read: its SQL's join keys are checked before it is created.
  const viewCheck = strict.resourceType === 'model' && strict.config.materialized === 'view' ? preflightOn(client, settings, true) : undefined;
  // A render that already wrote (run_query INSERTs, temp tables: elementary's tests) rules out a
  // second attempt, so its SQL is checked before it runs, as a pre-hook node's.
  const wroteCheck: Preflight = { ...preflightOn(client, settings), when: () => !retryable(sent.slice(from), produced) };
  try {
    return await attempt(strict, produced, new Map(folded), viewCheck ?? wroteCheck);
  } catch (error) {
    // A name spelled in another case than the column's (identifier-case.ts): again with the column's spelling.
    // A CTE named in another case than it is read (`with RENAMED as (…) … from renamed`): the same.
    const foldable = dbtSemantics(strict) && folded.size < 64;
    // `x as x` over a column `X`: ClickHouse may suggest the alias itself; the scope's columns are asked for.
    const columnFold = foldable ? (caseFoldedIdentifier(messageOf(error)) ?? (await scopeCaseFold(client, settings, messageOf(error), [...produced].map((sql) => folded.get(sql) ?? sql)))) : undefined;
    const fold = columnFold ?? (foldable ? caseFoldedCte(messageOf(error), [...produced].map((sql) => folded.get(sql) ?? sql)) : undefined);
    if (fold && retryable(sent.slice(from), new Set([...produced, ...folded.values(), ...rounded.values()]))) {
      const next = new Map(folded);
      for (const sql of produced) {
        const now = next.get(sql) ?? sql;
        const fixed = columnFold ? withIdentifierCase(now, columnFold) : withTableCase(now, fold);
        if (fixed !== now) next.set(sql, fixed);
      }
      // A fold that changes something, and never back to the SQL as written (no fold undoing another).
      // Nor back to SQL already tried (two folds undoing each other would run for ever).
      const state = [...next].map(([k, v]) => `${k}\0${v}`).join('\0');
      if ([...next].some(([k, v]) => folded.get(k) !== v) && [...next].every(([k, v]) => v !== k) && !seen.has(state) && seen.size < 256) {
        seen.add(state);
        return runWithCommonTypes(client, strict, loose, sent, run, next, seen);
      }
    }
    // ClickHouse's join-order optimizer choking on a valid query (join-order-fallback.ts): again without it.
    // The node's query as sent: as produced, folded, and with its rounding CASTs (a cast of a float literal is rewritten).
    const ran = new Set([...produced, ...folded.values(), ...rounded.values()]);
    if (isJoinOrderError(messageOf(error)) && retryable(sent.slice(from), ran)) {
      const [strictAgain, looseAgain] = [withoutJoinReorder(strict), withoutJoinReorder(loose)];
      if (strictAgain && looseAgain) return runWithCommonTypes(client, strictAgain, looseAgain, sent, run, folded, seen);
    }
    // A key column Nullable under dbt_semantics (a joined column, an aggregate over no rows) refused by MergeTree (nullable-keys.ts).
    if (isNullableKeyError(messageOf(error)) && retryable(sent.slice(from), ran)) {
      const [strictAgain, looseAgain] = [withNullableKeys(strict), withNullableKeys(loose)];
      if (strictAgain && looseAgain) return runWithCommonTypes(client, strictAgain, looseAgain, sent, run, folded, seen);
    }
    if (!isCommonTypeError(messageOf(error)) || !retryable(sent.slice(from), ran, isExecutionRefusal(messageOf(error)))) throw error;
    const rewrites = new Map<string, string>(folded);
    // A JOIN … USING key without a common type (using-key-types.ts): ClickHouse names it and its types.
    const using = usingRefusal(messageOf(error));
    for (const sql of produced) {
      const current = rewrites.get(sql) ?? sql;
      const cast = using ? withUsingKeyCast(current, using, dbtSupertype) ?? current : current;
      const fixed = (await commonTypeRewrite(cast, runQueryTreeOn(client, strict, settings))) ?? cast;
      if (fixed !== current) rewrites.set(sql, fixed);
    }
    if (rewrites.size > folded.size || [...rewrites].some(([k, v]) => folded.get(k) !== v)) {
      const again = sent.length;
      const retried = new Set<string>();
      try {
        return await attempt(strict, retried, rewrites);
      } catch (error2) {
        if (!isCommonTypeError(messageOf(error2)) || !retryable(sent.slice(again), new Set([...produced, ...retried, ...rewrites.values(), ...rounded.values()]), isExecutionRefusal(messageOf(error2)))) throw error2;
      }
    }
    return attempt(loose, new Set(), rewrites);
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
