import { quoteIdentifier } from '../render/placeholders.js';

/*
 * `select null as billing_type` in a table model (fivetran's dbt_shopify): Postgres creates the
 * column as text (an untyped NULL is text in CREATE TABLE AS), other warehouses as their string
 * or a nullable type; ClickHouse refuses the table ("Data type Nullable(Nothing) … cannot be used
 * in tables", code 370) before creating anything. Under dbt_semantics the build runs again with
 * each such column cast to Nullable(String) (clickhouse-adapter.ts createTableAs).
 */

/** Whether a failure is ClickHouse refusing a table for a column of only NULLs. */
export function isNothingColumnError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /\bNothing\b/.test(message) && /DATA_TYPE_CANNOT_BE_USED_IN_TABLES|\bCode: 370\b/.test(message);
}

const NOTHING = /^\s*(?:Nullable\(\s*Nothing\s*\)|Nothing)\s*$/;

/** Whether a column type is ClickHouse's type of a bare NULL. */
export const isNothingType = (type: string): boolean => NOTHING.test(type);

/** `sql` with the named columns read as Nullable(String), the others as they are (same names, same order). */
export function withTextNulls(sql: string, names: readonly string[]): string {
  const replaced = names.map((n) => `CAST(${quoteIdentifier(n)} AS Nullable(String)) AS ${quoteIdentifier(n)}`).join(', ');
  return `SELECT * REPLACE (${replaced}) FROM (\n${sql}\n)`;
}
