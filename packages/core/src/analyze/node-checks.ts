import { settingsClause } from '../adapter/settings-clause.js';
import { engineClause } from '../adapter/table-ddl.js';
import { wrapTestSql } from '../adapter/test-query.js';
import type { ModelNode, TestNode } from '../manifest/nodes.js';
import { relationSql } from '../render/placeholders.js';

/** What a statement of a check is for: its answer is read accordingly. */
export type CheckPurpose = 'create' | 'plan' | 'tree' | 'describe';

/** One statement sent to the scratch warehouse, and where the node's SQL sits in it (to map error positions back). */
export interface CheckStatement {
  readonly sql: string;
  readonly purpose: CheckPurpose;
  /** Offset of the node's compiled SQL in `sql` (-1 when it is not in it). */
  readonly bodyOffset: number;
}

const statement = (sql: string, purpose: CheckPurpose, body: string): CheckStatement => ({ sql, purpose, bodyOffset: body ? sql.indexOf(body) : -1 });

/** Materializations built as a table from the model's query (their first build, for incremental ones). */
const TABLE_LIKE = new Set(['table', 'incremental', 'distributed_table', 'distributed_incremental']);

/**
 * The statements that validate a model in the scratch warehouse, in order:
 * - create: the relation children will read. Tables as the build makes them (`CREATE TABLE … ENGINE
 *   … EMPTY AS`, so the engine config — ORDER BY, PARTITION BY… — is checked too). Views and materialized
 *   views become an empty Memory table of the query's columns (`EMPTY AS`: analysis only): children
 *   then read a plain table instead of expanding every view above them again, which made deep view
 *   chains cost more with each layer;
 * - plan: what only the query plan sees, like JOIN key types: the INSERT that fills a table (over
 *   empty inputs), `EXPLAIN PIPELINE` for views and ephemeral models;
 * - tree: `EXPLAIN QUERY TREE` after the analyzer pass only (for column lineage);
 * - describe: the output columns and their types.
 */
export function modelChecks(node: ModelNode, sql: string, options: { lineage: boolean; asView?: boolean }): CheckStatement[] {
  const rel = relationSql(node.relation.schema, node.relation.identifier);
  const qs = settingsClause(node.config.query_settings);
  const withSettings = (s: string) => (qs ? `${s}\n${qs}` : s);
  const materialized = String(node.config.materialized);
  const out: CheckStatement[] = [];
  if (materialized === 'ephemeral') {
    out.push(statement(withSettings(`EXPLAIN PIPELINE ${sql}`), 'plan', sql));
  } else if (TABLE_LIKE.has(materialized)) {
    // Created empty then filled, as dbt-clickhouse builds tables (and a CREATE … AS SELECT cannot
    // run in the scratch's in-memory databases): the INSERT plans and runs the query over empty inputs.
    out.push(statement(`CREATE TABLE ${rel}\n${engineClause(node.config)}\nEMPTY AS ${sql}`, 'create', sql));
    out.push(statement(withSettings(`INSERT INTO ${rel} ${sql}`), 'plan', sql));
  } else {
    // A real view only when the query has columns no table can hold (Nullable(Nothing): `select null as x`).
    out.push(statement(withSettings(options.asView ? `CREATE VIEW ${rel} AS ${sql}` : `CREATE TABLE ${rel} ENGINE = Memory EMPTY AS ${sql}`), 'create', sql));
    out.push(statement(withSettings(`EXPLAIN PIPELINE ${sql}`), 'plan', sql));
  }
  if (options.lineage) out.push(statement(withSettings(`EXPLAIN QUERY TREE passes = 1 ${sql}`), 'tree', sql));
  out.push(statement(materialized === 'ephemeral' ? `DESCRIBE (${sql}\n)` : `DESCRIBE TABLE ${rel}`, 'describe', materialized === 'ephemeral' ? sql : ''));
  return out;
}

/** ClickHouse refused a column type in a table (DATA_TYPE_CANNOT_BE_USED_IN_TABLES): a view can still hold it. */
export const needsRealView = (code: number | undefined) => code === 370;

/** A model rendered with is_incremental() true: its query must plan against the table of its first build. */
export function incrementalCheck(node: ModelNode, sql: string): CheckStatement[] {
  const qs = settingsClause(node.config.query_settings);
  return [statement(`EXPLAIN PIPELINE ${sql}${qs ? `\n${qs}` : ''}`, 'plan', sql)];
}

/** A test as it runs: dbt's wrapper (failures, should_warn, should_error) around its compiled SQL. */
export function testChecks(node: TestNode, sql: string): CheckStatement[] {
  return [statement(`EXPLAIN PIPELINE ${wrapTestSql(sql, node.config)}`, 'plan', sql)];
}
