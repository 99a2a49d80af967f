import type { Relation } from '../../manifest/nodes.js';
import { relationSql, sqlString } from '../../render/placeholders.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { drainInserts, waitForNoInserts } from '../inserts.js';
import { exchangeTables } from '../exchange-tables.js';
import { prepareTarget } from '../prepare-target.js';
import { parseLeftoverName, runIsDead, temporaryName, TEMP_MARKER } from '../temporaries.js';
import { key } from './cutoff.js';
import { carryDirectRows, movesDirectRows, recordBoundInserts, recordersOf } from './direct-inserts.js';
import { mvsWritingTo, tableComment, tableEngine } from './mv-state.js';
import { PLACEHOLDER, pointFeedAt, PURPOSE, STAGED, SWITCHING, ungated, type Unit } from './mv-unit.js';

const q = (r: Relation) => relationSql(r.schema, r.identifier);

/**
 * Before a unit is looked at: what dead runs left is swept (prepareTarget(): staged views first, then
 * the tables they wrote into), and a rebuild killed while switching its target in is finished: its
 * staged target is complete (it is marked `tsdbt:switching:<run>` only then), so the final views get
 * the SELECTs of the staged ones and the targets are exchanged, as the killed run was about to.
 * Returns true when the target is still an empty placeholder (a first build that never finished).
 */
export async function recoverUnit(adapter: ClickHouseAdapter, unit: Unit): Promise<boolean> {
  const target = unit.target;
  await prepareTarget(adapter, target);
  if (await adapter.hasTableComments()) {
    const prefix = `${target.identifier}${TEMP_MARKER}`;
    const rows = await adapter.systemQuery<{ name: string; comment: string; age: string | number }>(
      `SELECT name, comment, toInt64(now()) - toInt64(metadata_modification_time) AS age FROM system.tables WHERE database = ${sqlString(target.schema)} ` +
        `AND startsWith(name, ${sqlString(prefix)}) AND endsWith(name, ${sqlString(`__${PURPOSE.target}`)}) AND startsWith(comment, ${sqlString(SWITCHING)})`,
    );
    // Killed after the EXCHANGE, before the carry after it: the target holds the mark, the old table is under the
    // staged name (with the direct rows it received, recorded); that carry is finished below.
    const marked = await tableComment(adapter, target);
    const exchanged = marked?.startsWith(SWITCHING) ? marked.slice(SWITCHING.length) : undefined;
    if (exchanged && exchanged !== adapter.runId && !rows.some((r) => parseLeftoverName(r.name)?.runId === exchanged))
      rows.push({ name: temporaryName(target, exchanged, PURPOSE.target).identifier, comment: '', age: Number.MAX_SAFE_INTEGER });
    for (const row of rows) {
      const runId = parseLeftoverName(row.name)?.runId;
      if (!runId || !(await runIsDead(adapter, runId, `${target.schema}.${row.name}`, Number(row.age)))) continue;
      const staged = { schema: target.schema, identifier: row.name };
      const views = await mvsWritingTo(adapter, staged);
      const recorders = recordersOf(target, runId);
      let carryAgain = runId === exchanged && movesDirectRows(await tableEngine(adapter, target)) && (await adapter.relationKind(recorders.bound)) === 'table';
      if (row.comment === `${SWITCHING}${runId}`) {
        // Killed before its placeholder was in place: the final views need their TO table.
        const existing = await adapter.relationKind(target);
        if (existing !== 'table') {
          if (existing) await adapter.drop(target, existing);
          await adapter.ddl(`CREATE TABLE ${q(target)} AS ${q(staged)} COMMENT ${sqlString(PLACEHOLDER)}`);
        }
        for (const view of views) {
          const parsed = parseLeftoverName(view.rel.identifier);
          const final = parsed?.base ? { schema: view.rel.schema, identifier: parsed.base } : undefined;
          const sql = ungated(view.asSelect) ?? unit.feeds.find((f) => final && key(f.mv) === key(final))?.sql;
          if (final && sql) await pointFeedAt(adapter, final, target, sql);
        }
        // Rows written into the table directly since the count (kept by its recorders, direct-inserts.ts) go in
        // once, as the killed run was about to, at a moment without INSERTs.
        await waitForNoInserts(adapter, undefined, 10_000);
        await carryDirectRows(adapter, recorders, staged);
        // Then, as the killed run would have, the old table's direct rows up to the end of the INSERTs running at the EXCHANGE (mv-unit.ts).
        carryAgain = movesDirectRows(await tableEngine(adapter, staged)) && (await adapter.relationKind(recorders.bound)) === 'table';
        if (carryAgain) await recordBoundInserts(adapter, recorders);
        await exchangeTables(adapter, staged, target);
      }
      // The staged views now write into the old table under the staged name: they go first.
      for (const view of views) await adapter.drop(view.rel, 'materialized_view');
      await drainInserts(adapter);
      if (carryAgain) await carryDirectRows(adapter, recorders, target);
      await adapter.drop(staged, 'table');
      // Views first (the recorders of direct-inserts.ts): a view whose table went first would fail its source's INSERTs.
      const others = await adapter.systemQuery<{ name: string }>(
        `SELECT name FROM system.tables WHERE database = ${sqlString(target.schema)} AND startsWith(name, ${sqlString(temporaryName(target, runId).identifier)}) ORDER BY engine != 'MaterializedView', name`,
      );
      for (const o of others) await adapter.drop({ schema: target.schema, identifier: o.name }, 'table');
    }
  }
  const comment = await tableComment(adapter, target);
  if (comment?.startsWith(SWITCHING) || comment?.startsWith(STAGED)) await adapter.ddl(`ALTER TABLE ${q(target)} MODIFY COMMENT ''`);
  return comment === PLACEHOLDER;
}
