import type { ManifestNode, TestNode } from '../manifest/nodes.js';
import { shouldStoreFailures } from '../manifest/store-failures.js';
import { relationSql } from '../render/placeholders.js';
import { evaluateThreshold } from '../adapter/test-query.js';

// `unique` is not batched: its exact answer needs a hash aggregation per column, and
// `count() - uniqExact()` in a shared scan measured slower than dbt's own GROUP BY. It runs on its
// own, with a cheaper exact pre-check for dense integer columns (unique-precheck.ts).
const BATCHABLE = new Set(['not_null', 'accepted_values']);

/**
 * Whether a built-in column test can be answered by tsdbt's own SQL (a shared scan, or the unique
 * pre-check) with dbt's results: dbt's default fail_calc, no limit, simple thresholds and no stored
 * failures. Anything else runs dbt's query.
 */
export function hasPlainConfig(test: TestNode, builtinTests: ReadonlySet<string>, storeFailures: boolean): boolean {
  const meta = test.testMetadata;
  if (test.testType !== 'generic' || !meta || meta.namespace) return false;
  if (!builtinTests.has(meta.name) || !test.columnName || !test.attachedNode) return false;
  const c = test.config;
  if (String(c.fail_calc ?? 'count(*)').replace(/\s/g, '') !== 'count(*)') return false;
  if (c.limit !== undefined && c.limit !== null) return false;
  if (shouldStoreFailures(test, storeFailures)) return false;
  return evaluateThreshold(0, String(c.warn_if ?? '!= 0')) !== undefined && evaluateThreshold(0, String(c.error_if ?? '!= 0')) !== undefined;
}

/**
 * Whether a test can be answered from a shared scan of its relation. accepted_values only with its
 * values written as a YAML list of plain values (and a plain `quote`): a Jinja text
 * (`values: "{{ var('x') }}"`, dbt renders it to a list when the test runs) is answered by dbt's query.
 */
export function isBatchable(test: TestNode, builtinTests: ReadonlySet<string>, storeFailures: boolean): boolean {
  const name = test.testMetadata?.name ?? '';
  if (name === 'accepted_values' && !plainValues(test.testMetadata!.kwargs)) return false;
  return BATCHABLE.has(name) && hasPlainConfig(test, builtinTests, storeFailures);
}

function plainValues(kwargs: Readonly<Record<string, unknown>>): boolean {
  const { values, quote } = kwargs;
  // A quoted true/false is answered by dbt's query, which reads it as the column's type (clickhouse__test_accepted_values).
  const plain = (v: unknown) => typeof v === 'number' || (typeof v === 'boolean' && quote === false) || (typeof v === 'string' && !/\{[{%#]/.test(v) && (quote === false || !/^(true|false)$/i.test(v)));
  return Array.isArray(values) && values.every(plain) && (quote === undefined || typeof quote === 'boolean');
}

/** Groups batchable tests by the relation they scan and their `where` filter. */
export function groupTestBatches(tests: readonly TestNode[], builtinTests: ReadonlySet<string>, storeFailures: boolean): TestNode[][] {
  const groups = new Map<string, TestNode[]>();
  for (const t of tests) {
    if (!isBatchable(t, builtinTests, storeFailures)) continue;
    const key = `${t.attachedNode}\u0000${String(t.config.where ?? '')}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(t);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

/**
 * The rows a column test reads, for tsdbt's own queries: `rel [WHERE (<where>)]`. Like dbt's
 * `(select * from rel where <where>) dbt_subquery`, a `where` that breaks that query (a trailing
 * -- comment) breaks this one too, and the test then errors through dbt's query as dbt's would.
 */
export function testedRows(attached: ManifestNode, test: TestNode): string {
  const where = test.config.where;
  return `${relationSql(attached.relation.schema, attached.relation.identifier)}${where ? ` WHERE (${String(where)})` : ''}`;
}

/**
 * An aggregate per test over one scan; column `t<i>` answers test i. For an accepted_values member
 * (in `offendingRows`) it counts the offending *rows*: a plain `countIf` of the value check, which on
 * a LowCardinality column runs on its dictionary, while dbt's answer — the number of distinct
 * offending values — needs `uniqExactIf`, which turns every row's value back into a full column (a
 * LowCardinality(String) column of 33.8M lines: 0.28 s CPU per column instead of 0.09). No offending
 * row means 0, dbt's answer; when some are found, `exactQuery` counts the distinct values.
 */
export interface BatchQuery {
  readonly sql: string;
  readonly offendingRows: ReadonlySet<number>;
}

function valueList(values: unknown, quote: boolean): string {
  const list = Array.isArray(values) ? values : [];
  return list.map((v) => (quote ? `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(v))).join(', ');
}

/** accepted_values' check of one row (NULL is never an offending value: NULL NOT IN … is NULL, as in dbt's query). */
function offending(test: TestNode): string {
  const col = test.columnName!;
  const meta = test.testMetadata!;
  const values = valueList(meta.kwargs.values, meta.kwargs.quote !== false);
  return values ? `${col} NOT IN (${values})` : `${col} IS NOT NULL`;
}

export function batchQuery(tests: readonly TestNode[], attached: ManifestNode): BatchQuery {
  const offendingRows = new Set<number>();
  const exprs = tests.map((t, i) => {
    if (t.testMetadata!.name === 'not_null') return `countIf(${t.columnName!} IS NULL) AS t${i}`;
    offendingRows.add(i);
    return `countIf(${offending(t)}) AS t${i}`;
  });
  return { sql: `SELECT ${exprs.join(', ')} FROM ${testedRows(attached, tests[0]!)}`, offendingRows };
}

/** dbt's failures of accepted_values members that have offending rows: the distinct offending values, column `t<i>` for tests[i]. */
export function exactQuery(tests: readonly TestNode[], attached: ManifestNode): string {
  const exprs = tests.map((t, i) => `uniqExactIf(${t.columnName!}, ${offending(t)}) AS t${i}`);
  return `SELECT ${exprs.join(', ')} FROM ${testedRows(attached, tests[0]!)}`;
}
