import { describe, expect, it } from 'vitest';
import { queryRows, statuses } from '../helpers/inline-project.js';
import { dieAfter } from '../helpers/die-after.js';
import { SKIP_SERVER_TESTS } from './clickhouse-server.js';
import { serverSuite } from './server-suite.js';

/*
 * The carry after a rebuild's swap (copy-carry.ts finishCarry) on a server before 20.x (and on replicated engines):
 * no partition moves, so the old table's late rows reach the table in ONE INSERT, right before the old table is
 * dropped. A run killed between the two used to have the next run's sweep carry them again: rows doubled. The
 * server (18.16 here: Ordinary databases, so the swap is a RENAME and the old table is the backup) finishes an
 * INSERT whose client died, so after a kill the INSERT is done or was never sent; the sweep tells which.
 */
const model = (v2: boolean) =>
  `{{ config(materialized='incremental', unique_key='id', on_schema_change='sync_all_columns', order_by='id', partition_by='id % 2') }}\n` +
  (v2 ? "select toUInt32(2) as id, 'B' as msg, 'x' as extra union all select 3, 'c', 'x'" : "select toUInt32(1) as id, 'a' as msg union all select 2, 'b'");

const SWAP = /^\s*RENAME TABLE `([^`]+)`\.`m` TO `[^`]+`\.`(m__tsdbt_backup_\w+)`/;
const CARRY = /^\s*INSERT INTO `[^`]+`\.`m` \([^)]*\) SELECT [^]*? FROM `[^`]+`\.`m__tsdbt_backup_\w+`/;
/** The carry's record noting, right before the INSERT, where the table stood. */
const NOTED = /^\s*INSERT INTO `[^`]+`\.`m__tsdbt_tmp_\w+__carry` \(k, p, v\) VALUES \('into'/;

describe.skipIf(SKIP_SERVER_TESTS)('clickhouse-server 18.16: the carry after a rebuild, killed', () => {
  const { setup } = serverSuite();

  for (const [point, die] of [
    ['right after the swap (nothing carried yet)', SWAP],
    ['after noting where the table stood, before the carrying INSERT', NOTED],
    ['right after the carrying INSERT (before the old table is dropped)', CARRY],
  ] as const)
    it(`killed ${point}: the next run carries the old table's late rows once`, async () => {
      const { p, project } = setup({ 'models/m.sql': model(false) });
      expect(statuses(await project.run())).toEqual({ m: 'success' });
      p.write({ 'models/m.sql': model(true) });
      const dying = setup.reopen(p);
      await dieAfter(
        dying,
        SWAP,
        async (sql, send) => {
          // An INSERT that had bound the old table commits after the swap.
          const [, db, old] = SWAP.exec(sql)!;
          await send(`INSERT INTO \`${db}\`.\`${old}\` (id, msg) VALUES (10, 'bound'), (11, 'bound')`);
        },
        die,
      );
      expect(statuses(await dying.run())).toEqual({ m: 'error' });
      await dying.close();
      const next = setup.reopen(p);
      expect(statuses(await next.run())).toEqual({ m: 'success' });
      expect(await queryRows(next, `SELECT id, msg FROM ${p.schema}.m ORDER BY id`)).toEqual([
        { id: 1, msg: 'a' }, { id: 2, msg: 'B' }, { id: 3, msg: 'c' }, { id: 10, msg: 'bound' }, { id: 11, msg: 'bound' },
      ]);
      expect(await queryRows(next, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).toEqual([{ name: 'm' }]);
    }, 180_000);

  it('killed before the carrying INSERT while another writer put one of the same rows into the table: the next build stops naming the kept old table, the run after builds', async () => {
    const { p, project } = setup({ 'models/m.sql': model(false) });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    p.write({ 'models/m.sql': model(true) });
    const dying = setup.reopen(p);
    await dieAfter(
      dying,
      SWAP,
      async (sql, send) => {
        const [, db, old] = SWAP.exec(sql)!;
        await send(`INSERT INTO \`${db}\`.\`${old}\` (id, msg) VALUES (10, 'bound'), (11, 'bound')`);
      },
      NOTED,
    );
    expect(statuses(await dying.run())).toEqual({ m: 'error' });
    await dying.close();
    // Not carried; but the table now holds one row identical to a carried one: whether the carry happened cannot be told.
    await (await project.adapter()).client.command(`INSERT INTO ${p.schema}.m (id, msg) VALUES (10, 'bound')`);
    const next = setup.reopen(p);
    const r = await next.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    expect(r.results[0]!.message).toMatch(new RegExp(`whether they were carried cannot be told; the old table, with those rows, is kept as ${p.schema}\\.m__tsdbt_direct_rows_\\w+`));
    const kept = (await queryRows<{ name: string }>(next, `SELECT name FROM system.tables WHERE database = '${p.schema}' AND name LIKE 'm__tsdbt_direct_rows_%'`))[0]!.name;
    expect(await queryRows(next, `SELECT id, msg FROM ${p.schema}.${kept} WHERE id >= 10 ORDER BY id`)).toEqual([{ id: 10, msg: 'bound' }, { id: 11, msg: 'bound' }]);
    expect(await queryRows(next, `SELECT id, msg FROM ${p.schema}.m ORDER BY id`)).toEqual([{ id: 1, msg: 'a' }, { id: 2, msg: 'B' }, { id: 3, msg: 'c' }, { id: 10, msg: 'bound' }]);
    await next.close();
    expect(statuses(await setup.reopen(p).run())).toEqual({ m: 'success' });
  }, 180_000);

  it('a SummingMergeTree table whose merge folded the carried rows into others before the next run: they are not carried again (sums not doubled)', async () => {
    const summing = (v2: boolean) =>
      `{{ config(materialized='incremental', engine='SummingMergeTree', unique_key='id', on_schema_change='sync_all_columns', order_by='id', partition_by='id % 2') }}\n` +
      (v2 ? "select toUInt32(3) as id, toUInt64(1) as n, 'x' as extra" : 'select toUInt32(1) as id, toUInt64(1) as n union all select 2, 1');
    const { p, project } = setup({ 'models/m.sql': summing(false) });
    expect(statuses(await project.run())).toEqual({ m: 'success' });
    p.write({ 'models/m.sql': summing(true) });
    const dying = setup.reopen(p);
    await dieAfter(
      dying,
      SWAP,
      async (sql, send) => {
        // Rows an INSERT that had bound the old table commits after the swap: same keys as rows the table keeps.
        const [, db, old] = SWAP.exec(sql)!;
        await send(`INSERT INTO \`${db}\`.\`${old}\` (id, n) VALUES (1, 5), (2, 5)`);
      },
      CARRY,
    );
    expect(statuses(await dying.run())).toEqual({ m: 'error' });
    await dying.close();
    // Carried; then a merge folds each carried row into the kept row of its key: none of them is there as carried.
    await (await project.adapter()).client.command(`OPTIMIZE TABLE ${p.schema}.m FINAL`);
    const next = setup.reopen(p);
    // Whether they were carried cannot be told (another writer's rows fold the same way): the old table is kept, named.
    const r = await next.run();
    expect(statuses(r)).toEqual({ m: 'error' });
    expect(r.results[0]!.message).toMatch(/cannot be told; the old table, with those rows, is kept as /);
    await (await project.adapter()).client.command(`OPTIMIZE TABLE ${p.schema}.m FINAL`);
    expect(await queryRows(next, `SELECT id, sum(n) AS n FROM ${p.schema}.m GROUP BY id ORDER BY id`)).toEqual([
      { id: 1, n: '6' }, { id: 2, n: '6' }, { id: 3, n: '1' },
    ]);
  }, 180_000);
});
