import type { NodeConfig } from '../manifest/config.js';
import type { Relation } from '../manifest/nodes.js';
import { quoteIdentifier, relationSql, sqlString } from '../render/placeholders.js';
import type { ClickHouseAdapter, RelationKind } from './clickhouse-adapter.js';
import type { TableOptions } from './table-options.js';
import { holdTemporary, releaseTemporary } from './run-owner.js';
import { backupName, temporaryName } from './temporaries.js';
import { canExchangeFiles, noteNoRenameat2 } from './exchange-tables.js';
import { prepareTarget } from './prepare-target.js';
import { isNoAtomicExchange } from './capabilities.js';
import { alterPartitions, attachPartitionsFrom, finishReplace, markReplacing, replaceClauses, type PartitionReplace } from './partition-replace.js';
import { DatabaseError } from '../shared/errors.js';

/**
 * Stage → check → swap, the one mechanism every materialization builds with: new data goes into
 * temporaries this run owns (`<target>__tsdbt_tmp_<run id>[__<purpose>]`), is checked there, and
 * reaches the target in ONE statement (EXCHANGE TABLES, one RENAME of both, or one ALTER of
 * partitions). Whatever fails or whenever the process dies, the target holds its old rows or its
 * new ones; temporaries are dropped by dispose() or, after a crash, by the next run's sweep.
 * (ClickHouse commits an ALTER's partition clauses one by one: a process killed during one with
 * several clauses is rolled forward by the next run, partition-replace.ts.)
 *
 * Usage (see materializations/table.ts):
 *   await withStaging(adapter, rel, signal, async (s) => {
 *     const staged = await s.createTableAs(sql, node.config);
 *     await s.swap(staged);
 *   });
 */
export class Staging {
  private readonly owned: { rel: Relation; kind: RelationKind }[] = [];

  constructor(
    readonly adapter: ClickHouseAdapter,
    readonly target: Relation,
    readonly signal?: AbortSignal,
  ) {}

  /**
   * Name of an owned temporary beside `of` (default the target); dispose() drops it, created or not
   * (`kind`: what it will hold, for the DROP: a dictionary needs DROP DICTIONARY).
   */
  temporary(purpose?: string, of: Relation = this.target, kind: RelationKind = 'table'): Relation {
    const rel = temporaryName(of, this.adapter.runId, purpose);
    this.hold(rel, kind);
    return rel;
  }

  /** Lets go of `rel` without dropping it: left to the next run's sweep (a carry owed after a swap, copy-carry.ts). */
  release(rel: Relation): void {
    this.forget(rel);
  }

  /** `rel` no longer exists under its temporary name (renamed into place, or dropped): dispose() need not drop it. */
  private forget(rel: Relation): void {
    const i = this.owned.findIndex((o) => o.rel.schema === rel.schema && o.rel.identifier === rel.identifier);
    if (i < 0) return;
    this.owned.splice(i, 1);
    releaseTemporary(`${rel.schema}.${rel.identifier}`);
  }

  /** Marks `rel` as this build's until dispose(): no sweep (this run's or another's) drops it meanwhile. */
  private hold(rel: Relation, kind: RelationKind): void {
    if (this.owned.some((o) => o.rel.schema === rel.schema && o.rel.identifier === rel.identifier)) return;
    this.owned.push({ rel, kind });
    holdTemporary(`${rel.schema}.${rel.identifier}`);
  }

  /** `CREATE TABLE <temporary> … AS <sql>` with the model's engine config (and table options: indexes, projections, codecs). */
  async createTableAs(sql: string, config: NodeConfig, options: { purpose?: string; tableOptions?: TableOptions } = {}): Promise<Relation> {
    const rel = this.temporary(options.purpose);
    await this.adapter.createTableAs(rel, config, sql, this.signal, options.tableOptions);
    return rel;
  }

  /** `CREATE TABLE <temporary> (columns) ENGINE …` (replicated, `ON CLUSTER`, in cluster mode) beside `of` (default the target). */
  async createTable(columnsDdl: string, config: NodeConfig, options: { purpose?: string; of?: Relation } = {}): Promise<Relation> {
    const rel = this.temporary(options.purpose, options.of);
    await this.adapter.createTable(rel, config, columnsDdl, this.signal);
    return rel;
  }

  /**
   * An empty temporary with exactly `source`'s structure and engine (`CREATE TABLE … AS source`),
   * so partitions can move between them. Cluster mode builds it from `source`'s columns and the
   * model's engine instead: a copied replicated engine would share `source`'s ZooKeeper path.
   */
  async createLike(source: Relation, config: NodeConfig, options: { purpose?: string } = {}): Promise<Relation> {
    const rel = this.temporary(options.purpose, source);
    if (this.adapter.cluster) {
      const columns = await this.adapter.columns(source);
      await this.adapter.createTable(rel, config, columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', '), this.signal);
    } else {
      await this.adapter.client.command(`CREATE TABLE ${relationSql(rel.schema, rel.identifier)} AS ${relationSql(source.schema, source.identifier)}`, { signal: this.signal });
    }
    return rel;
  }

  /**
   * Puts `staged` in place of `target` in one statement (see swapAll()); the previous relation is dropped —
   * after `beforeDrop(previous)`, if given (a failure there keeps it: the swap stands, the error is thrown).
   */
  async swap(staged: Relation, target: Relation = this.target, stagedKind: RelationKind = 'table', beforeDrop?: (previous: Relation) => Promise<void>): Promise<void> {
    await this.swapAll([[staged, target]], stagedKind, beforeDrop);
  }

  /**
   * Puts each staged relation in place of its target, all in one statement: EXCHANGE TABLES for a
   * single table over a table where the database can (Atomic), else one RENAME that moves every
   * existing target to a backup name and every staged relation in place (`ON CLUSTER` on every
   * host). Backups and exchanged-out data are dropped afterwards. Not cancellable: once the
   * staging is done, the swap runs to its end.
   */
  async swapAll(pairs: readonly (readonly [Relation, Relation])[], stagedKind: RelationKind = 'table', beforeDrop?: (previous: Relation) => Promise<void>): Promise<void> {
    const a = this.adapter;
    for (const [staged] of pairs) await a.syncReplicas(staged);
    // Another run may create a missing target between our look and our RENAME (two runs building a
    // new model at once): then we look again and swap with it, the last swap winning.
    for (let attempt = 1; ; attempt++) {
      const kinds = await Promise.all(pairs.map(([, target]) => a.relationKind(target)));
      try {
        await this.swapOnce(pairs, kinds, stagedKind, beforeDrop);
        return;
      } catch (error) {
        const raced = kinds.includes(undefined) && /already exists|Code: 57\b/.test(String((error as Error).message));
        if (!raced || attempt >= 3) throw error;
      }
    }
  }

  private async swapOnce(pairs: readonly (readonly [Relation, Relation])[], kinds: (RelationKind | undefined)[], stagedKind: RelationKind, beforeDrop?: (previous: Relation) => Promise<void>): Promise<void> {
    const a = this.adapter;
    if (pairs.length === 1 && kinds[0] === 'table' && stagedKind === 'table' && (await canExchangeFiles(a, pairs[0]![1].schema))) {
      const [staged, target] = pairs[0]!;
      try {
        await a.ddl(`EXCHANGE TABLES ${relationSql(staged.schema, staged.identifier)} AND ${relationSql(target.schema, target.identifier)}${a.onCluster()}`);
      } catch (error) {
        if (!isNoAtomicExchange(error)) throw error;
        // The database's files cannot be exchanged (a filesystem without renameat2): nothing was
        // swapped; it is swapped by one RENAME, as every later swap there.
        noteNoRenameat2(a, target.schema);
        return this.swapOnce(pairs, kinds, stagedKind, beforeDrop);
      }
      await this.dropPrevious(staged, beforeDrop); // now holds the previous data
      return;
    }
    // A dictionary in the way (the model was one before) cannot be renamed as a table: it is dropped
    // first, the one case with a moment without the target (a change of materialization).
    for (const [i, [, target]] of pairs.entries())
      if (kinds[i] === 'dictionary') {
        await a.drop(target, 'dictionary');
        kinds[i] = undefined;
      }
    const renames: [Relation, Relation][] = [];
    const backups: Relation[] = [];
    pairs.forEach(([staged, target], i) => {
      if (kinds[i]) {
        const backup = backupName(target, a.runId);
        this.hold(backup, 'table');
        backups.push(backup);
        renames.push([target, backup]);
      }
      renames.push([staged, target]);
    });
    try {
      // One statement: the server runs it to the end even if this process dies half-way; a backup a
      // crash of the server itself leaves without its target is put back by the next run's sweep.
      await a.rename(renames);
    } catch (error) {
      for (const [, target] of pairs) {
        const backup = backupName(target, a.runId);
        if ((await a.relationKind(target)) === undefined && (await a.relationKind(backup)) !== undefined) await a.rename([[backup, target]]);
      }
      throw error;
    }
    for (const [staged] of pairs) this.forget(staged);
    for (const backup of backups) await this.dropPrevious(backup, beforeDrop);
  }

  /** The previous relation after a swap: beforeDrop(), then dropped; kept (not owned any more) when beforeDrop() fails. */
  private async dropPrevious(previous: Relation, beforeDrop?: (previous: Relation) => Promise<void>): Promise<void> {
    try {
      await beforeDrop?.(previous);
    } catch (error) {
      this.forget(previous);
      throw error;
    }
    await this.dropNow(previous);
  }

  /** After a swap: the previous data goes at once; if that fails, dispose() (or a later sweep) tries again — the swap stands. */
  private async dropNow(rel: Relation): Promise<void> {
    try {
      await this.adapter.drop(rel);
      this.forget(rel);
    } catch {
      // kept in `owned`
    }
  }

  /** Ids of the partitions `rel` has rows in (`all` for an unpartitioned table). */
  async partitionIds(rel: Relation): Promise<string[]> {
    const from = this.adapter.cluster ? `cluster(${sqlString(this.adapter.cluster)}, system, parts)` : 'system.parts';
    const rows = await this.adapter.systemQuery<{ partition_id: string }>(
      `SELECT DISTINCT partition_id FROM ${from} WHERE active AND database = ${sqlString(rel.schema)} AND table = ${sqlString(rel.identifier)} ORDER BY partition_id`,
    );
    return rows.map((r) => r.partition_id);
  }

  /**
   * One ALTER on the target: each partition in `replaced` becomes `staged`'s rows of that partition,
   * each partition in `emptied` is dropped. ClickHouse runs an ALTER's partition clauses one after the
   * other, each on its own: a refused clause leaves the ones before it done (26.7: REPLACE of a new
   * partition applied, the next one refused). So the refusal that depends on the data — a replaced or
   * dropped partition larger than max_partition_size_to_drop (50 GB by default) — is checked first
   * (assertDroppable), and nothing is changed then. A kill in the middle of it is rolled forward by the
   * next run (partition-replace.ts: `staged` is marked with the ALTER before it, and dropped after it).
   */
  async replacePartitions(staged: Relation, replaced: readonly string[], emptied: readonly string[] = [], target: Relation = this.target): Promise<void> {
    const r = { target, replaced, emptied };
    if (replaceClauses(staged, replaced, emptied).length === 0) return;
    await this.assertDroppable(target, [...new Set([...replaced, ...emptied])]);
    const marked = await markReplacing(this.adapter, staged, r);
    if (!marked) return alterPartitions(this.adapter, staged, r);
    await this.commitMarked([{ staged, r: marked }]);
  }

  /**
   * Refuses, before the ALTER, partitions of `target` the server would refuse to replace or drop (their size on
   * disk above max_partition_size_to_drop; 0: no limit): a statement refused halfway would leave the partitions
   * before that one replaced (see replacePartitions). The session's value where the server has the setting per
   * query (changed by the profile), else the server's; servers without either (18.x) are not checked. Per host
   * on a cluster, so only this host's parts are seen there.
   */
  private async assertDroppable(target: Relation, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const name = "name = 'max_partition_size_to_drop'";
    const [session] = await this.adapter.systemQuery<{ value: string; changed: number | string }>(`SELECT value, changed FROM system.settings WHERE ${name}`);
    let limit = session ? Number(session.value) : NaN;
    if (session && Number(session.changed) === 0 && (await this.adapter.relationKind({ schema: 'system', identifier: 'server_settings' })))
      limit = Number((await this.adapter.systemQuery<{ value: string }>(`SELECT value FROM system.server_settings WHERE ${name}`))[0]?.value ?? limit);
    if (!Number.isFinite(limit) || limit <= 0) return;
    const big = await this.adapter.systemQuery<{ p: string; bytes: string | number }>(
      `SELECT partition_id AS p, sum(bytes_on_disk) AS bytes FROM system.parts WHERE database = ${sqlString(target.schema)} AND table = ${sqlString(target.identifier)} AND active ` +
        `AND partition_id IN (${ids.map(sqlString).join(', ')}) GROUP BY partition_id HAVING bytes > ${limit} ORDER BY partition_id`,
    );
    if (big.length === 0) return;
    const list = big.map((b) => `${b.p} (${Number(b.bytes).toLocaleString('en-US')} bytes)`).join(', ');
    throw new DatabaseError(
      'partition_too_large_to_drop',
      `Partition${big.length === 1 ? '' : 's'} ${list} of ${target.schema}.${target.identifier} ${big.length === 1 ? 'is' : 'are'} larger than max_partition_size_to_drop (${limit.toLocaleString('en-US')} bytes): ClickHouse would refuse to replace ${big.length === 1 ? 'it' : 'them'}, after replacing the partitions before. Nothing was changed`,
      { hint: 'Raise max_partition_size_to_drop (0: no limit) in the profile\'s settings, or in the server\'s config when the profile cannot set it, and run again.' },
    );
  }

  /** One ALTER adding every part of `staged` to the target (`ATTACH PARTITION … FROM`: hard links, no copy). */
  async attachPartitions(staged: Relation, target: Relation = this.target): Promise<void> {
    await attachPartitionsFrom(this.adapter, staged, target, await this.partitionIds(staged), { onCluster: true });
  }

  /**
   * Adds every part of `staged` (its own table, dropped after) to the target (append). Several partitions:
   * MOVEd in one ALTER, `staged` marked first, so a kill during it is rolled forward (partition-replace.ts);
   * one partition, or a server without table comments: attachPartitions().
   */
  async appendPartitions(staged: Relation, target: Relation = this.target): Promise<void> {
    const r = { target, replaced: [], emptied: [], moved: await this.partitionIds(staged) };
    if (!(await markReplacing(this.adapter, staged, r))) return this.attachPartitions(staged, target);
    await this.commitMarked([{ staged, r }]);
  }

  /**
   * appendPartitions() for several tables at once (an append and its materialized views' targets:
   * append-through-views.ts): every staged table is marked before the first ALTER, so a kill between two
   * of them, or a later one failing, is rolled forward for all by the next run. Without table comments:
   * attachPartitions() for each, in turn. `replaceFirst`: the first target's rows are all replaced by its staged
   * table's instead (each staged partition put in place of the target's, the target's others dropped).
   */
  async appendPartitionsTogether(pairs: readonly (readonly [Relation, Relation])[], options: { replaceFirst?: boolean } = {}): Promise<void> {
    const plans: { staged: Relation; r: PartitionReplace }[] = [];
    const first = pairs[0]?.[0];
    for (const [i, [staged, target]] of pairs.entries()) {
      const group = i === 0 ? { group: pairs.slice(1).map(([s]) => s) } : { after: first! };
      const ids = await this.partitionIds(staged);
      const r = i === 0 && options.replaceFirst ? { replaced: ids, emptied: await this.partitionIds(target) } : { replaced: [], emptied: [], moved: ids };
      if (r.replaced.length || r.emptied.length) await this.assertDroppable(target, [...new Set([...r.replaced, ...r.emptied])]);
      plans.push({ staged, r: { target, ...r, ...group } });
    }
    // The others first, the first table last: its mark commits the group (a kill before it: nothing is finished).
    let marked = true;
    for (const p of [...plans.slice(1), ...plans.slice(0, 1)]) {
      const recorded: PartitionReplace | undefined = marked ? await markReplacing(this.adapter, p.staged, p.r, true) : undefined;
      marked = recorded !== undefined;
      if (recorded) p.r = recorded; // replaced partitions the target had no rows in are moved (partition-replace.ts)
    }
    if (!marked) {
      for (const p of plans) await (p.r.moved ? this.attachPartitions(p.staged, p.r.target) : alterPartitions(this.adapter, p.staged, p.r));
      return;
    }
    await this.commitMarked(plans);
  }

  /**
   * The ALTERs of marked staged tables (`plans[0]` the one whose mark commits them all), then the staged tables
   * dropped. Marked means committed: rolled forward, never back. An ALTER failing (refused, or its answer lost) may
   * have done part of its clauses, or the ones before it theirs: the whole lot is finished again at once (each
   * repeat idempotent: partition-replace.ts' finishReplace); if that fails too, every staged table is left, marked,
   * for the next command's sweep to finish (temporaries.ts) and the error stands.
   */
  private async commitMarked(plans: readonly { staged: Relation; r: PartitionReplace }[]): Promise<void> {
    try {
      for (const p of plans) await alterPartitions(this.adapter, p.staged, p.r);
    } catch (error) {
      if (await finishReplace(this.adapter, plans[0]!.staged, plans[0]!.r)) {
        for (const p of plans) await this.dropNow(p.staged);
        return;
      }
      // Refused again. Moves that moved nothing (each staged table holds all its partitions) changed nothing: the
      // staged tables go as usual (dispose()). Otherwise they stay, marked, for the next command to finish.
      if (!(await this.nothingMoved(plans).catch(() => false))) for (const p of plans) this.forget(p.staged);
      throw error;
    }
    for (const p of plans) await this.dropNow(p.staged);
  }

  private async nothingMoved(plans: readonly { staged: Relation; r: PartitionReplace }[]): Promise<boolean> {
    for (const p of plans) {
      if (!p.r.moved || p.r.replaced.length || p.r.emptied.length) return false;
      // Partitions with rows: a MOVE leaves an empty part behind in the table it moved from (26.7).
      const [row] = await this.adapter.systemQuery<{ n: string | number }>(
        `SELECT uniqExact(partition_id) AS n FROM system.parts WHERE active AND rows > 0 AND database = ${sqlString(p.staged.schema)} AND table = ${sqlString(p.staged.identifier)}`,
      );
      if (Number(row?.n ?? 0) !== p.r.moved.length) return false;
    }
    return true;
  }

  /**
   * Lets go of every temporary without dropping it: for a build that must be finished, not undone, by a
   * later run (a materialized view's target switch, see mv/mv-recover.ts). They stop being held.
   */
  abandon(): void {
    for (const { rel } of this.owned.splice(0)) releaseTemporary(`${rel.schema}.${rel.identifier}`);
  }

  /** Drops every temporary this staging named (`DROP … SYNC` where the server can). Never throws. */
  async dispose(): Promise<void> {
    for (const { rel, kind } of this.owned.splice(0).reverse()) {
      await this.adapter.drop(rel, kind).catch(() => {});
      releaseTemporary(`${rel.schema}.${rel.identifier}`);
    }
  }
}

/** prepareTarget(), then `work` with a Staging whose temporaries are dropped however `work` ends. */
export async function withStaging<T>(adapter: ClickHouseAdapter, target: Relation, signal: AbortSignal | undefined, work: (staging: Staging) => Promise<T>): Promise<T> {
  await prepareTarget(adapter, target);
  const staging = new Staging(adapter, target, signal);
  try {
    return await work(staging);
  } finally {
    await staging.dispose();
  }
}
