import { DatabaseError } from '../../shared/errors.js';
import type { WarehouseColumn } from '../clickhouse-adapter.js';
import { applySchemaChange } from '../materializations/schema-change.js';
import type { MaterializeContext, MaterializeResult } from '../materializations/types.js';
import { key } from './cutoff.js';
import { recoverUnit } from './mv-recover.js';
import { rebuildUnit } from './mv-unit.js';
import { targetUnit } from './mv-units-of.js';
import { fullMvSupport } from './mv-basic.js';

/**
 * A table model that materialized views write into (their `target`). Its rows come from the views,
 * so a normal run keeps it: it is built (with every view the project points at it) when missing, and
 * rebuilt with them on --full-refresh, the same way a view's own target is (mv-unit.ts: no insert
 * lost, none counted twice). When its columns change in a normal run, dbt-clickhouse's
 * `mv_on_schema_change` decides (mvTargetSchemaChange): the rows the views wrote are not rebuilt
 * away — a `catchup: false` view's rows, rows whose source is a Null table or has dropped them, are
 * in no backfill.
 */
export async function materializeMvTarget(ctx: MaterializeContext): Promise<MaterializeResult> {
  const { adapter, node, sql, signal } = ctx;
  const feeds = ctx.models!.feedsOf(node);
  await adapter.ensureDatabase(node.relation.schema);
  const full = await fullMvSupport(adapter, node.relation);
  return adapter.exclusive(key(node.relation), async () => {
    const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
    const unit = await targetUnit(adapter, node, sql, ctx.models, undefined, { fullRefresh });
    const placeholder = full ? await recoverUnit(adapter, unit) : false;
    const kind = await adapter.relationKind(node.relation);
    const rebuild = async (why: string): Promise<MaterializeResult> => {
      if (!full)
        throw new DatabaseError('not_supported', `${why}: rebuilding the target of materialized views is not supported by this server (it needs EXCHANGE TABLES and ALTER … MODIFY QUERY, ClickHouse 23.3+ with an Atomic database, single node)`, {
          file: node.originalFilePath,
          hint: 'Run without --full-refresh; to change the table, drop it and its views and run again.',
        });
      const r = await rebuildUnit(adapter, unit, signal);
      return {
        message: `OK ${why}: ${r.rows.toLocaleString('en-US')} rows from ${unit.feeds.length} materialized view${unit.feeds.length === 1 ? '' : 's'}`,
        rowsAffected: r.rows,
        warnings: r.warnings,
      };
    };
    if (kind === undefined || placeholder) {
      if (!full && kind === undefined) {
        // Old servers: the table alone; each view is created (without catchup) by its own model.
        await adapter.createTableAs(node.relation, node.config, sql, signal);
        return { message: `OK created (target of ${feeds.length} materialized view${feeds.length === 1 ? '' : 's'})`, warnings: [] };
      }
      return rebuild('built');
    }
    if (kind !== 'table') return rebuild('built (replacing a ' + kind.replace('_', ' ') + ')');
    if (fullRefresh) return rebuild('rebuilt (full refresh)');
    const [now, wanted] = [await adapter.columns(node.relation), await adapter.queryColumns(sql)];
    const same = now.length === wanted.length && wanted.every((c, i) => now[i]!.name === c.name && now[i]!.type === c.type);
    if (!same) return mvTargetSchemaChange(ctx, now, wanted, feeds.length);
    return { message: `OK kept (target of ${feeds.length} materialized view${feeds.length === 1 ? '' : 's'})`, warnings: [] };
  });
}

/**
 * dbt-clickhouse's `mv_on_schema_change` for a table its views write into, when the model's columns
 * changed in a normal run: not set, it is `fail` (dbt-clickhouse's default for such a table "to
 * prevent data loss"); `ignore` keeps the table as it is; `append_new_columns` / `sync_all_columns`
 * alter it in place (ALTER … ADD / DROP / MODIFY COLUMN, as an incremental's on_schema_change), the
 * views go on writing into it.
 */
export async function mvTargetSchemaChange(ctx: MaterializeContext, now: readonly WarehouseColumn[], wanted: readonly WarehouseColumn[], views: number): Promise<MaterializeResult> {
  const { adapter, node, sql, signal } = ctx;
  const configured = node.config.mv_on_schema_change;
  const mode = configured === undefined || configured === null ? 'fail' : String(configured);
  const kept = `OK kept (target of ${views} materialized view${views === 1 ? '' : 's'})`;
  if (mode === 'ignore') return { message: kept, warnings: [`${node.originalFilePath}: columns changed; mv_on_schema_change='ignore' keeps the columns of ${node.relation.schema}.${node.relation.identifier}`] };
  if (mode === 'append_new_columns' || mode === 'sync_all_columns') {
    const { warnings } = await applySchemaChange(adapter, { ...node, config: { ...node.config, on_schema_change: mode } }, sql, [node.relation], signal);
    return { message: `${kept}, columns altered`, warnings };
  }
  if (mode !== 'fail')
    throw new DatabaseError('schema_change', `Model ${node.name}: mv_on_schema_change '${mode}' is not one of ignore, fail, append_new_columns, sync_all_columns`, {
      file: node.originalFilePath,
      hint: "Set mv_on_schema_change to 'append_new_columns' or 'sync_all_columns'.",
    });
  // dbt-clickhouse's message (errors.py schema_change_fail_error): its "source" is the table, its "target" the new SELECT.
  const inTable = new Map(now.map((c) => [c.name, c.type]));
  const inQuery = new Set(wanted.map((c) => c.name));
  const list = (cols: readonly WarehouseColumn[]) => `[${cols.map((c) => `'${c.name} ${c.type}'`).join(', ')}]`;
  throw new DatabaseError(
    'schema_change',
    `Compilation Error in model ${node.name} (${node.originalFilePath}): The source and target schemas on this table model are out of sync: ` +
      `it is the target of ${views} materialized view${views === 1 ? '' : 's'} and mv_on_schema_change is ${configured === undefined || configured === null ? "not set (it defaults to 'fail' for such a table, to keep the rows the views wrote)" : "'fail'"}. ` +
      `Source columns not in target: ${list(now.filter((c) => !inQuery.has(c.name)))}; ` +
      `Target columns not in source: ${list(wanted.filter((c) => !inTable.has(c.name)))}; ` +
      `New column types: ${list(wanted.filter((c) => inTable.has(c.name) && inTable.get(c.name) !== c.type))}`,
    {
      file: node.originalFilePath,
      hint: "Set mv_on_schema_change='append_new_columns' or 'sync_all_columns' to alter the table in place, or run with --full-refresh to rebuild it (the views' backfill refills it; rows of catchup: false views are not).",
    },
  );
}
