import type { ModelNode } from '../../manifest/nodes.js';
import { relationSql } from '../../render/placeholders.js';
import { roundsTiesAway } from '../../shared/round-tie-mark.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { settingsClause } from '../settings-clause.js';
import type { MaterializeContext } from './types.js';

/*
 * Under dbt_semantics round() of a float tie is away from zero (round-half-away.ts: round(2.5) = 3), ClickHouse's
 * round half to even (2). A table built with ClickHouse's rounding — by dbt-clickhouse, a tsdbt before it, or with
 * dbt_semantics off — stores 2 where the next run computes 3: when the unique_key is computed by such a round(), the
 * new row does not replace the stored one and delete+insert / merge keep both. So, for a key-based incremental run
 * whose SQL has such a round(), the stored keys decide: keys only ClickHouse's rounding gives found in the table →
 * this run rounds as ClickHouse does (a warning names the model and the move: --full-refresh); keys of both
 * roundings found → refused, nothing changed (either rounding would keep rows beside rows of the other); else dbt's.
 * Only when the key follows the rounding (keyFollowsRounding: a round() in a filter is not a rounded key).
 * Costs two reads of the new rows' keys, only for such models, and a third when ClickHouse-rounded keys are found.
 */
export async function keyRounding(ctx: MaterializeContext, key: string, ours: string): Promise<{ sql: string; warning?: string }> {
  if (!roundsTiesAway(ours)) return { sql: ours };
  const theirs = ctx.recompile({ isIncremental: true, clickhouseRound: true });
  const stored = await storedKeys(ctx.adapter, ctx.node, key, ours, theirs, ctx.signal);
  if (stored.theirs === 0 || !(await keyFollowsRounding(ctx, key, ours, theirs))) return { sql: ctx.recompile({ isIncremental: true }) };
  const { node } = ctx;
  if (stored.ours > 0)
    throw new DatabaseError(
      'round_stored_keys',
      `Model ${node.name}: its stored unique keys of both roundings are in ${node.relation.schema}.${node.relation.identifier} — ${stored.theirs.toLocaleString('en-US')} row(s) keyed by ClickHouse's round() (a tie to even) and ${stored.ours.toLocaleString('en-US')} by dbt's (a tie away from zero) for the rows this run brings: either rounding would keep rows beside the other's. Nothing was changed`,
      { file: node.originalFilePath, hint: 'Run it with --full-refresh (its keys then rounded as dbt rounds), or set dbt_semantics: false on it to keep ClickHouse\'s round().' },
    );
  return {
    sql: theirs,
    warning: `${node.originalFilePath}: model ${node.name}: its stored unique keys were computed with ClickHouse's round() (a tie to even: built by dbt-clickhouse, an older tsdbt or with dbt_semantics off), so this run rounds as ClickHouse does and its rows replace theirs (dbt's rounding would have given ${stored.theirs.toLocaleString('en-US')} of them new keys, kept beside the old). Run it once with --full-refresh to store dbt's rounding.`,
  };
}

/**
 * Whether the rows the two roundings give differently differ in their key only — the key is computed by the
 * round(). A round() elsewhere (a filter `where round(a) = 2`, a non-key column) also makes the two key sets differ
 * (a row one rounding selects and the other not), but no row of the one is a row of the other under another key:
 * then the stored keys say nothing of how they were rounded, and dbt's rounding stands. Unpaired rows, or a key
 * ClickHouse cannot strip (an expression), count as not following.
 */
async function keyFollowsRounding(ctx: MaterializeContext, key: string, ours: string, theirs: string): Promise<boolean> {
  const settings = settingsClause(ctx.node.config.query_settings);
  const only = (a: string, b: string) => `SELECT * FROM (\n${a}\n) EXCEPT ALL SELECT * FROM (\n${b}\n)`;
  const unkeyed = (a: string, b: string) => `SELECT * EXCEPT (${key}) FROM (${only(a, b)})`;
  const unpaired = (a: string, b: string) => `(SELECT count() FROM (${unkeyed(a, b)} EXCEPT ALL ${unkeyed(b, a)}))`;
  try {
    const [row] = await ctx.adapter.client.query<{ changed: string | number; unpaired: string | number }>(
      `SELECT (SELECT count() FROM (${only(ours, theirs)})) AS changed, ${unpaired(ours, theirs)} + ${unpaired(theirs, ours)} AS unpaired${settings ? `\n${settings}` : ''}`,
      { signal: ctx.signal },
    );
    return Number(row?.changed ?? 0) > 0 && Number(row?.unpaired ?? 1) === 0;
  } catch (e) {
    if (ctx.signal?.aborted) throw e;
    return false;
  }
}

/** Rows of the table whose key only one rounding of the new rows gives. */
async function storedKeys(adapter: ClickHouseAdapter, node: ModelNode, key: string, ours: string, theirs: string, signal?: AbortSignal): Promise<{ ours: number; theirs: number }> {
  const table = relationSql(node.relation.schema, node.relation.identifier);
  const settings = settingsClause(node.config.query_settings);
  const only = (a: string, b: string) => `(SELECT ${key} FROM (\n${a}\n) WHERE (${key}) NOT IN (SELECT ${key} FROM (\n${b}\n)))`;
  const [row] = await adapter.client.query<{ ours: string | number; theirs: string | number }>(
    `SELECT (SELECT count() FROM ${table} WHERE (${key}) IN ${only(ours, theirs)}) AS ours, (SELECT count() FROM ${table} WHERE (${key}) IN ${only(theirs, ours)}) AS theirs${settings ? `\n${settings}` : ''}`,
    { signal },
  );
  return { ours: Number(row?.ours ?? 0), theirs: Number(row?.theirs ?? 0) };
}
