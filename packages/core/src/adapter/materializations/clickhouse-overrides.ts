import { uniqueKeyOf } from '../../manifest/config.js';
import type { ModelNode, Relation, SnapshotNode } from '../../manifest/nodes.js';
import { ProjectError } from '../../shared/errors.js';
import { splitStatements } from '../../shared/sql-statements.js';
import { contractEnforced } from '../contract/contract-check.js';
import type { Staging } from '../staging.js';
import { namesBare, onTableOrCopy, renamed, type TableTraits } from './custom-strategy.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import type { MaterializeContext, OverrideMacro, OverrideName } from './types.js';

/*
 * dbt-clickhouse's incremental materialization calls four macros by name — clickhouse__insert_into,
 * clickhouse__incremental_delete_insert, _insert_overwrite and _legacy — so a project (or the model's
 * package) that defines a macro of that name gets its own on dbt-clickhouse. tsdbt calls it where
 * dbt-clickhouse would, with dbt-clickhouse's arguments, but on a copy of the table swapped in by one
 * EXCHANGE, as a custom strategy (custom-strategy.ts onTableOrCopy): a failing statement or a kill
 * leaves the table's old rows; rows other writers insert meanwhile are carried.
 */

/** The macro dbt-clickhouse's incremental materialization calls on an incremental run of `node` (for each batch of a microbatch model); none for tsdbt's own merge. */
export function dbtClickhouseMacroOf(node: ModelNode): OverrideName | undefined {
  const cfg = node.config;
  const raw = typeof cfg.incremental_strategy === 'string' ? cfg.incremental_strategy : undefined;
  // `inserts_only or unique_key is none and incremental_strategy != 'insert_overwrite'`: the new rows inserted.
  if (truthy(cfg.inserts_only) || (!uniqueKeyOf(cfg) && raw !== 'insert_overwrite')) return 'clickhouse__insert_into';
  // calculate_incremental_strategy: none or 'default' is 'legacy' (delete_insert only with the profile's use_lw_deletes, which tsdbt has not).
  const strategy = !raw || raw === 'default' ? 'legacy' : raw.replace('+', '_');
  const byStrategy: Record<string, OverrideName> = {
    legacy: 'clickhouse__incremental_legacy',
    delete_insert: 'clickhouse__incremental_delete_insert',
    microbatch: 'clickhouse__incremental_delete_insert',
    append: 'clickhouse__insert_into',
    insert_overwrite: 'clickhouse__incremental_insert_overwrite',
  };
  return byStrategy[strategy];
}

/** Python's truthiness of a config value (dbt-clickhouse's `{% if inserts_only %}`). */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/**
 * Runs the project's `macro` as dbt-clickhouse's materialization would on this incremental run, on a copy
 * of the table (or on the table itself, as written, when materialized views read it or write into it: they
 * see inserts into the table only, or when the model's SQL names the table bare). Every statement it runs
 * is read with the table's name as the copy's;
 * one that names the table without its database (which cannot be redirected) fails the model before it
 * runs, the table unchanged. `sql`: the model's new rows (the context's `sql`). Returns the rows the table
 * gained when that is what the macro does (clickhouse__insert_into), else undefined.
 */
export async function runClickhouseOverride(s: Staging, ctx: MaterializeContext, macro: OverrideMacro, sql: string, table: TableTraits): Promise<number | undefined> {
  const { adapter, node } = ctx;
  const rel = node.relation;
  const out: { added?: number } = {};
  // The model's own SQL naming the table bare (a column or a literal of its name): the macro runs on the table, as written.
  await onTableOrCopy(s, ctx, table, namesBare(sql, rel), `its ${macro.name} (${macro.file}) ran on a copy`, async (on) => {
    const statement = on === rel ? (text: string) => text : (text: string) => redirected(text, rel, on, macro, node);
    const key = (uniqueKeyOf(node.config) ?? []).join(', ') || null;
    switch (macro.name) {
      case 'clickhouse__insert_into': {
        const before = await adapter.rowCount(on);
        const text = macro.call([{ relation: on }, sql, contractEnforced(node)], sql, statement);
        // dbt-clickhouse runs what it returns as the model's 'main' statement.
        for (const one of splitStatements(text)) await adapter.client.command(statement(one), { signal: s.signal });
        out.added = (await adapter.rowCount(on)) - before;
        return;
      }
      case 'clickhouse__incremental_delete_insert': {
        const predicates = node.config.predicates || node.config.incremental_predicates || [];
        macro.call([{ relation: on }, key, Array.isArray(predicates) ? predicates : [predicates]], sql, statement);
        return;
      }
      case 'clickhouse__incremental_insert_overwrite':
        macro.call([{ relation: on }, (node.config.partition_by as string | string[] | undefined) ?? null, false], sql, statement);
        return;
      case 'clickhouse__incremental_legacy': {
        // It builds the new table in intermediate_relation; dbt-clickhouse then swaps it in.
        const intermediate = s.temporary('legacy');
        macro.call([{ relation: on }, { relation: intermediate }, null, key], sql, statement);
        await s.swap(intermediate, on);
        return;
      }
    }
  });
  return out.added;
}

/**
 * dbt-clickhouse builds every table — a table model, an incremental model's first build or full refresh —
 * with clickhouse__create_table_as: an empty table, then clickhouse__insert_into(relation, sql, has_contract).
 * A project's own clickhouse__insert_into fills tsdbt's empty staged table `staged` the same way (swapped in
 * only once it succeeded; its statements run as written, as on dbt-clickhouse). A snapshot's first build too
 * (dbt's snapshot materialization calls create_table_as).
 */
export async function insertIntoStaged(adapter: ClickHouseAdapter, node: ModelNode | SnapshotNode, macro: OverrideMacro, staged: Relation, sql: string, signal?: AbortSignal): Promise<void> {
  const text = macro.call([{ relation: staged }, sql, contractEnforced(node)], sql, (one) => one);
  // dbt-clickhouse runs what it returns as the build's 'main' statement.
  for (const one of splitStatements(text)) await adapter.client.command(one, { signal });
}

/** `text` with the table's name as the copy's; a mention tsdbt cannot redirect fails here, before it runs. */
function redirected(text: string, rel: Relation, copy: Relation, macro: OverrideMacro, node: ModelNode): string {
  const out = renamed(text, rel, copy);
  if (!namesBare(out, rel)) return out;
  throw new ProjectError(
    'incremental_override',
    `Model ${node.name}: the project's ${macro.name} runs a statement that names ${rel.identifier} without its database (or as a string): tsdbt runs it on a copy of ${rel.schema}.${rel.identifier}, swapped in once it succeeds, and cannot redirect that name — nothing was changed. The statement: ${text.trim().split('\n')[0]!.slice(0, 300)}`,
    {
      file: macro.file,
      hint: `Name the table by the relation dbt-clickhouse passes (existing_relation / target_relation, or {{ this }}), which renders as ${rel.schema}.${rel.identifier}.`,
    },
  );
}
