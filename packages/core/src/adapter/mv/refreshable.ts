import type { ModelNode, Relation } from '../../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError, ProjectError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { atLeast } from '../server-version.js';
import type { MaterializeContext, MaterializeResult, ModelLookup } from '../materializations/types.js';
import { columnsDdl, tableOptionsOf } from '../table-options.js';
import { withStaging } from '../staging.js';
import { prepareTarget } from '../prepare-target.js';
import { key } from './cutoff.js';
import { misfits, readMv, storedForm, type MvObject } from './mv-state.js';
import { modifyQuery } from './mv-unit.js';
import { hasExplicitTarget, isRefreshable, mvRelationOf, targetModelOf } from './mv-units-of.js';

/** A refreshable view's schedule: `refresh` (tsdbt) or `refreshable` (dbt-clickhouse), a mapping or the interval alone. */
export interface RefreshConfig {
  /** `EVERY 1 HOUR [OFFSET …]` or `AFTER 30 MINUTE`. */
  readonly interval: string;
  readonly randomize?: string;
  readonly append: boolean;
  /** More views to wait for (`DEPENDS ON`): model names or `db.view`. */
  readonly dependsOn: readonly string[];
  /** Create without the first refresh (`EMPTY`). */
  readonly empty: boolean;
  /** Wait for the first refresh of a new view before the model is done (default true). */
  readonly wait: boolean;
  /** dbt-clickhouse's `depends_on_validation`: every `depends_on` view must exist as a refreshable view first. */
  readonly dependsOnValidation: boolean;
}

const rawRefresh = (node: ModelNode) => node.config.refresh ?? node.config.refreshable;

export { isRefreshable };

export function refreshConfigOf(node: ModelNode): RefreshConfig {
  const raw = rawRefresh(node);
  const c = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : { interval: raw }) as Record<string, unknown>;
  const interval = String(c.interval ?? c.refresh_interval ?? '').trim();
  if (!/^(EVERY|AFTER)\s+\d+\s+[A-Za-z]+/i.test(interval))
    throw new ProjectError('refresh', `Refreshable materialized view ${node.name}: refresh interval '${interval}' is not 'EVERY <n> <unit>' or 'AFTER <n> <unit>'`, {
      file: node.originalFilePath,
      hint: "Write refresh: {interval: 'EVERY 1 HOUR'} (or 'AFTER 30 MINUTE'; 'EVERY 1 DAY OFFSET 2 HOUR').",
    });
  const list = (v: unknown) => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String));
  return {
    interval,
    randomize: c.randomize === undefined || c.randomize === null ? undefined : String(c.randomize),
    append: c.append === true,
    dependsOn: list(c.depends_on),
    empty: c.empty === true,
    wait: c.wait !== false,
    dependsOnValidation: c.depends_on_validation === true,
  };
}

/**
 * The views this one waits for: its refs that are refreshable views too (their view objects), and
 * `depends_on` entries (a model name, or a `db.view` as it is).
 */
function dependsOnOf(node: ModelNode, cfg: RefreshConfig, models: ModelLookup | undefined): string[] {
  const out = new Map<string, string>();
  const add = (r: Relation) => out.set(key(r), relationSql(r.schema, r.identifier));
  for (const ref of node.refs) {
    const m = ref.function ? undefined : models?.model(ref.name);
    if (m && m.config.materialized === 'materialized_view' && isRefreshable(m) && m.name !== String(node.config.target ?? '')) add(mvRelationOf(m));
  }
  for (const d of cfg.dependsOn) {
    const m = models?.model(d);
    if (m) add(mvRelationOf(m));
    else out.set(d, d.split('.').map(quoteIdentifier).join('.'));
  }
  // Sorted: the same dependencies in another order are not a change of schedule.
  return [...out.values()].sort();
}

/**
 * dbt-clickhouse's validate_refreshable_mv_existence: with `depends_on_validation`, each `depends_on`
 * entry (a model, a `db.view`, or a view in the target schema) must be a refreshable view
 * (system.view_refreshes) before this one is built, else its Compilation Error.
 */
async function validateDependsOn(adapter: ClickHouseAdapter, node: ModelNode, cfg: RefreshConfig, models: ModelLookup | undefined): Promise<void> {
  for (const d of cfg.dependsOn) {
    const m = models?.model(d);
    const [schema, view] = m ? [mvRelationOf(m).schema, mvRelationOf(m).identifier] : d.includes('.') ? (d.split('.', 2) as [string, string]) : [node.relation.schema, d];
    const rows = await adapter.systemQuery<{ n: string | number }>(`SELECT count() AS n FROM system.view_refreshes WHERE database = ${sqlString(schema)} AND view = ${sqlString(view)}`);
    if (Number(rows[0]?.n ?? 0) === 0)
      throw new ProjectError('refresh_depends_on', `Compilation Error in model ${node.name} (${node.originalFilePath})\n  No existing MV found matching MV: ${d}`, {
        file: node.originalFilePath,
        hint: `Build the refreshable view ${d} first, or drop depends_on_validation.`,
      });
  }
}

/** `EVERY 1 HOUR RANDOMIZE FOR 10 MINUTE DEPENDS ON a, b` (APPEND apart). */
function scheduleOf(cfg: RefreshConfig, dependsOn: readonly string[]): string {
  return [cfg.interval, cfg.randomize ? `RANDOMIZE FOR ${cfg.randomize}` : '', dependsOn.length ? `DEPENDS ON ${dependsOn.join(', ')}` : ''].filter(Boolean).join(' ');
}

/** For comparing a schedule with the stored one: case, spacing and quoting aside. */
const normal = (s: string) => s.replace(/`/g, '').replace(/\s+/g, ' ').trim().toUpperCase();

/** Refreshable views need ClickHouse 24.10 (23.12 with the experimental setting). */
async function refreshSettings(adapter: ClickHouseAdapter, node: ModelNode): Promise<Record<string, unknown> | undefined> {
  const v = await adapter.serverVersion();
  if (!atLeast(v, 23, 12))
    throw new DatabaseError('not_supported', `Model ${node.name} is a refreshable materialized view, which is not supported by this server (ClickHouse ${v.text}; it needs 24.10 or newer)`, {
      file: node.originalFilePath,
      hint: 'Materialize it as a table and run it on a schedule, or upgrade ClickHouse.',
    });
  const setting = 'allow_experimental_refreshable_materialized_view';
  return !atLeast(v, 24, 10) && (await adapter.hasSetting(setting)) ? { [setting]: 1 } : undefined;
}

/**
 * A refreshable materialized view (`refresh: {interval, randomize, append, depends_on, empty, wait}`):
 * it recomputes its SELECT on a schedule into its target (its own relation, or a table model named
 * by `target`). A new view's first refresh is waited for (`wait: false` skips that); a changed schedule
 * is `ALTER TABLE … MODIFY REFRESH`; a changed SELECT is MODIFY QUERY and a refresh; new columns or
 * --full-refresh rebuild the target beside the old one and swap it in. It fires on no INSERT, so
 * replacing it never loses a row.
 */
export async function materializeRefreshable(ctx: MaterializeContext): Promise<MaterializeResult> {
  const { adapter, node, sql, signal } = ctx;
  const settings = await refreshSettings(adapter, node);
  const cfg = refreshConfigOf(node);
  if (cfg.dependsOnValidation) await validateDependsOn(adapter, node, cfg, ctx.models);
  const explicit = hasExplicitTarget(node);
  const target = explicit ? targetModelOf(node, ctx.models).relation : node.relation;
  const mvRel = mvRelationOf(node);
  const schedule = scheduleOf(cfg, dependsOnOf(node, cfg, ctx.models));
  const q = (r: Relation) => relationSql(r.schema, r.identifier);
  const createMv = (empty: boolean) =>
    adapter.ddl(`CREATE MATERIALIZED VIEW ${q(mvRel)}${adapter.onCluster()} REFRESH ${schedule}${cfg.append ? ' APPEND' : ''} TO ${q(target)}${empty ? ' EMPTY' : ''}\nAS ${sql}`, { signal, settings });
  const refreshNow = async () => {
    await adapter.ddl(`SYSTEM REFRESH VIEW ${q(mvRel)}`);
    if (cfg.wait) await waitForRefresh(adapter, mvRel);
  };
  await adapter.ensureDatabase(mvRel.schema);
  return adapter.exclusive(key(target), async () => {
    await prepareTarget(adapter, target);
    let mv: MvObject | undefined = await readMv(adapter, mvRel);
    if (mv && mv.refresh === undefined) {
      // A view that fired on inserts becomes a refreshable one.
      await adapter.drop(mvRel, 'materialized_view');
      mv = undefined;
    }
    const targetKind = await adapter.relationKind(target);
    if (explicit && targetKind !== 'table')
      throw new ProjectError('mv_target', `The target ${key(target)} of materialized view ${node.name} has not been built`, {
        file: node.originalFilePath,
        hint: `Build it first: tsdbt run --select ${String(node.config.target)}+`,
      });
    const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : ctx.fullRefresh;
    // Own target: built beside the old one with one run of the SELECT, swapped in, the view recreated on it.
    const rebuild = async (why: string): Promise<MaterializeResult> => {
      const options = tableOptionsOf(node);
      await adapter.assertTableOptionsSupported(options);
      const columns = await adapter.queryColumns(sql);
      await withStaging(adapter, target, signal, async (s) => {
        const staged = await s.createTable(columnsDdl(columns, options), node.config);
        await adapter.client.command(`INSERT INTO ${q(staged)} (${columns.map((c) => quoteIdentifier(c.name)).join(', ')})\n${sql}`, { signal });
        // The old view would refresh into the new table with its old SELECT: it goes before the swap.
        if (mv) await adapter.drop(mvRel, 'materialized_view');
        await s.swap(staged);
      });
      await createMv(true);
      const rows = await adapter.rowCount(target);
      return { message: `OK ${why}: ${rows.toLocaleString('en-US')} rows`, rowsAffected: rows, warnings: [] };
    };
    if (!mv) {
      // Its own table without the view whose SELECT no longer fits it (a rebuild that failed or was
      // killed after dropping the old view, before its swap): rebuilt as a new one would be.
      const ownMisfit = !explicit && targetKind === 'table' && misfits(await adapter.queryColumns(sql), await adapter.columns(target)).length > 0;
      if (!explicit && (targetKind !== 'table' || fullRefresh || ownMisfit)) {
        // Its own new target: filled now by one run of the SELECT, unless the first refresh is not
        // to be waited for (`wait: false`) or not to happen (`empty: true`): then it starts empty.
        if (cfg.wait && !cfg.empty) return rebuild('built');
        const options = tableOptionsOf(node);
        await adapter.assertTableOptionsSupported(options);
        const columns = await adapter.queryColumns(sql);
        await withStaging(adapter, target, signal, async (s) => s.swap(await s.createTable(columnsDdl(columns, options), node.config)));
      }
      await createMv(cfg.empty);
      if (!cfg.empty && cfg.wait) {
        try {
          await waitForRefresh(adapter, mvRel);
        } catch (error) {
          // A view whose first refresh fails is not left behind to look built on the next run.
          await adapter.drop(mvRel, 'materialized_view').catch(() => {});
          throw error;
        }
      }
      return { message: `OK created (refreshable${cfg.empty ? ', empty' : ''})`, warnings: [] };
    }
    if (fullRefresh) {
      if (!explicit) return rebuild('rebuilt (full refresh)');
      await refreshNow();
      return { message: 'OK refreshed (full refresh)', warnings: [] };
    }
    const done: string[] = [];
    if (cfg.append !== mv.append) {
      // MODIFY REFRESH cannot add or remove APPEND: the view is recreated (it keeps the target's rows).
      await adapter.drop(mvRel, 'materialized_view');
      await createMv(true);
      mv = (await readMv(adapter, mvRel))!;
      done.push(cfg.append ? 'now appends' : 'now replaces');
    } else if (normal(mv.refresh ?? '') !== normal(schedule)) {
      await adapter.ddl(`ALTER TABLE ${q(mvRel)}${adapter.onCluster()} MODIFY REFRESH ${schedule}${cfg.append ? ' APPEND' : ''}`, { signal, settings });
      done.push('schedule modified');
    }
    const scratch = adapter.tempRelation({ ...target, identifier: `${target.identifier}_q` });
    if ((await storedForm(adapter, sql, scratch)) !== mv.asSelect) {
      const problems = misfits(await adapter.queryColumns(sql), await adapter.columns(target));
      if (problems.length && !explicit && !cfg.append) return rebuild('rebuilt (columns changed)');
      if (problems.length)
        throw new DatabaseError('mv_target_columns', `Refreshable materialized view ${node.name} does not fit its target ${key(target)}: ${problems.join('; ')}`, {
          file: node.originalFilePath,
          hint: explicit ? `Change the target model ${String(node.config.target)}.` : 'Run with --full-refresh (an appending view keeps its history otherwise).',
        });
      await modifyQuery(adapter, mvRel, sql, signal);
      // The new SELECT takes effect now, not at the next scheduled refresh (appending views wait for it).
      if (!cfg.append) await refreshNow();
      done.push('query modified');
    }
    return { message: done.length ? `OK ${done.join(', ')}` : 'OK unchanged', warnings: [] };
  });
}

/** Waits for the view's running or first refresh; a failed refresh is an error with its message. */
async function waitForRefresh(adapter: ClickHouseAdapter, mv: Relation): Promise<void> {
  try {
    await adapter.client.command(`SYSTEM WAIT VIEW ${relationSql(mv.schema, mv.identifier)}`);
  } catch (error) {
    const message = String((error as Error).message).replace(/,? Stack trace[\s\S]*$/, '');
    throw new DatabaseError('refresh_failed', `The refresh of ${key(mv)} failed: ${message}`, { cause: error });
  }
}
