import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import { settingsClause } from '../settings-clause.js';
import type { Staging } from '../staging.js';
import { tableOptionsOf } from '../table-options.js';
import { isNullableType } from './clickhouse-types.js';
import { ContractError, type ContractColumn } from './contract-check.js';
import { constraintElements, contractTableConfig, customColumnSuffix } from './constraints.js';

/** The model's query with each contracted column cast to its declared type, in the declared order (dbt's column order). */
export function castSelect(columns: readonly ContractColumn[], sql: string): string {
  const list = columns.map((c) => `CAST(${quoteIdentifier(c.name)} AS ${c.type}) AS ${quoteIdentifier(c.name)}`).join(', ');
  return `SELECT ${list}\nFROM (\n${sql}\n)`;
}

/** `name Type [custom] [CODEC…] [TTL…]` for each contracted column, then indexes, projections and constraints. */
export function contractColumnsDdl(node: ModelNode, columns: readonly ContractColumn[]): string {
  const options = tableOptionsOf(node);
  const defs = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}${customColumnSuffix(node, c.name)}${options.columnSuffix.get(c.name) ?? ''}`);
  return [...defs, ...options.indexes, ...options.projections, ...constraintElements(node)].join(', ');
}

/**
 * A contracted model's rows in an owned temporary (staging.ts): the table is created with the
 * declared columns, types and constraints (a primary_key constraint as its ORDER BY when none is
 * configured), then filled by one INSERT of the query cast to those types. ClickHouse enforces
 * the rest: a NULL in a non-Nullable column fails the CAST, a row breaking a CHECK fails the
 * INSERT — either way before anything is swapped in, so the previous relation stays as it was.
 * `insert`: what fills the table instead (a project's clickhouse__insert_into).
 */
export async function stageContracted(s: Staging, node: ModelNode, columns: readonly ContractColumn[], sql: string, purpose?: string, insert?: (rel: Relation) => Promise<void>): Promise<Relation> {
  await s.adapter.assertTableOptionsSupported(tableOptionsOf(node));
  const rel = await s.createTable(contractColumnsDdl(node, columns), contractTableConfig(node), { purpose });
  if (insert) await insert(rel);
  else await insertContracted(s.adapter, rel, node, columns, sql, s.signal);
  return rel;
}

/** `INSERT INTO rel (cols) SELECT CAST(…) … FROM (<sql>)`, its contract and constraint failures explained. */
export async function insertContracted(adapter: Staging['adapter'], rel: Relation, node: ModelNode, columns: readonly ContractColumn[], sql: string, signal?: AbortSignal): Promise<void> {
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const querySettings = settingsClause(node.config.query_settings);
  try {
    await adapter.client.command(`INSERT INTO ${relationSql(rel.schema, rel.identifier)} (${names})\n${castSelect(columns, sql)}${querySettings ? `\n${querySettings}` : ''}`, { signal });
  } catch (error) {
    throw explainInsertError(error, node, columns);
  }
}

function explainInsertError(error: unknown, node: ModelNode, columns: readonly ContractColumn[]): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const file = node.patchPath ?? node.originalFilePath;
  if (/Code: 349\b|Cannot convert NULL value to non-Nullable type|CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN/.test(message)) {
    const suspects = columns.filter((c) => !isNullableType(c.type) && (isNullableType(c.queryType) || /\bNothing\b/.test(c.queryType))).map((c) => `${c.name} (${c.type})`);
    return new ContractError('contract_null', `Model ${node.name} returned NULL in a column its contract declares non-Nullable${suspects.length ? `: ${suspects.join(', ')}` : ''}`, {
      file,
      hint: 'Declare the column Nullable(...) in its data_type, or keep NULLs out of it (coalesce, a where clause); the previous relation is unchanged.',
      cause: error,
    });
  }
  // `Constraint `c` for table db.t (uuid) is violated at row 1. Expression: ((amount >= 0)). Column values: amount = -1.`
  const violated = /Constraint `?([^`\s]+)`? for table .*? is violated(?: at row \d+)?\.\s*Expression: \((.*)\)\.\s*Column values: (.*?)\.?(?:\s*\(VIOLATED_CONSTRAINT\))?\s*$/m.exec(message);
  if (violated || /VIOLATED_CONSTRAINT|Code: 469\b/.test(message))
    return new DatabaseError('constraint_violated', violated
      ? `Model ${node.name}: a row breaks constraint ${violated[1]} (CHECK ${violated[2]!.replace(/^\((.*)\)$/, '$1')}): ${violated[3]}`
      : `Model ${node.name}: a row breaks a constraint: ${message.split('\n')[0]}`, {
      file,
      hint: 'Fix the rows (or the constraint); the previous relation is unchanged.',
      cause: error,
    });
  return error;
}
