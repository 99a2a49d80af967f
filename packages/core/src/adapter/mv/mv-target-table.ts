import { DatabaseError } from '../../shared/errors.js';
import type { MaterializeContext, MaterializeResult } from '../materializations/types.js';
import { key } from './cutoff.js';
import { recoverUnit } from './mv-recover.js';
import { rebuildUnit } from './mv-unit.js';
import { targetUnit } from './mv-units-of.js';
import { fullMvSupport } from './mv-basic.js';

/**
 * A table model that materialized views write into (their `target`). Its rows come from the views,
 * so a normal run keeps it: it is built (with every view the project points at it) when missing, and
 * rebuilt with them on --full-refresh or when its columns changed, the same way a view's own target is
 * (mv-unit.ts: no insert lost, none counted twice).
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
    if (!same) return rebuild('rebuilt (columns changed)');
    return { message: `OK kept (target of ${feeds.length} materialized view${feeds.length === 1 ? '' : 's'})`, warnings: [] };
  });
}
