import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n      - name: clicks\n';
const TARGET = "{{ config(materialized='table', order_by='kind') }}\nselect '' as kind, toUInt64(0) as n where 0";
const FEED = (table: string, label = 'kind') => `{{ config(materialized='materialized_view', target=ref('activity')) }}\nselect ${label} as kind, toUInt64(1) as n from {{ source('raw', '${table}') }}`;

/** Runs `statement` (once) right before the first backfill INSERT the project sends (into a temporary, named columns): a write racing the view's add. */
async function duringBackfill(project: TsdbtProject, statement: string, at = /^INSERT INTO \S+__tsdbt_tmp_\S+ \(.*\) SELECT /) {
  const client = (await project.adapter()).client as unknown as { command: (sql: string, ...rest: unknown[]) => Promise<unknown> };
  const original = client.command.bind(client);
  let done = false;
  client.command = async (sql: string, ...rest: unknown[]) => {
    if (!done && at.test(sql)) {
      done = true;
      for (const s of statement.split(';')) await original(s);
    }
    return original(sql, ...rest);
  };
  return () => done;
}

describe('materialized_view added with catchup to a table that keeps its rows: rows inserted into the table directly meanwhile', () => {
  it('a direct INSERT during the add refuses the switch (the row kept, nothing changed); INSERTs into the sources meanwhile arrive once', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': TARGET, 'models/events_mv.sql': FEED('events') });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    for (const t of ['events', 'clicks']) await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
    const sql = (s: string) => s.replaceAll('$', p.schema);
    await adapter.client.command(sql("INSERT INTO $.events VALUES (1, 'a'), (2, 'b')"));
    await adapter.client.command(sql("INSERT INTO $.clicks VALUES (1, 'c')"));
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
    const rows = () => queryRows<{ kind: string; n: string }>(project, sql('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind'));
    const objects = async () => (await queryRows<{ name: string }>(project, sql("SELECT name FROM system.tables WHERE database = '$' ORDER BY name"))).map((r) => r.name);

    // Inserts into both sources while clicks_mv is added: the old view's row comes once, the new view's once, the history once.
    p.write({ 'models/clicks_mv.sql': FEED('clicks') });
    const adding = setup.reopen(p);
    const raced = await duringBackfill(adding, sql("INSERT INTO $.events VALUES (3, 'a'); INSERT INTO $.clicks VALUES (2, 'd')"));
    const ok = await adding.run({ select: ['clicks_mv'] });
    expect(raced()).toBe(true);
    expectStatuses(ok, { clicks_mv: 'success' });
    // The INSERTs came before the switch's quiet moment: no warning (the old table's blocks are compared, under its new name).
    expect(ok.results[0]!.warnings ?? []).toEqual([]);
    expect(await rows()).toEqual([{ kind: 'a', n: '2' }, { kind: 'b', n: '1' }, { kind: 'c', n: '1' }, { kind: 'd', n: '1' }]);

    // A row written into the table directly while a view is added: the switch would drop it. Refused, nothing changed.
    p.write({ 'models/more_mv.sql': FEED('events', "concat('more-', kind)") });
    const blocked = setup.reopen(p);
    expect(await duringBackfill(blocked, sql("INSERT INTO $.activity VALUES ('direct', 5)"))).toBeTypeOf('function');
    const refused = await blocked.run({ select: ['more_mv'] });
    expectStatuses(refused, { more_mv: 'error' });
    expect(refused.results[0]!.message).toMatch(/1 row was inserted into \S+\.activity directly \(not through a materialized view\) while more_mv was being added with its history: switching to the rebuilt table would drop it\. Nothing was changed/);
    expect(await rows()).toEqual([{ kind: 'a', n: '2' }, { kind: 'b', n: '1' }, { kind: 'c', n: '1' }, { kind: 'd', n: '1' }, { kind: 'direct', n: '5' }]);
    expect(await objects()).toEqual(['activity', 'clicks', 'clicks_mv', 'events', 'events_mv']);
    // The views in place still capture; the next run adds the view, the direct row kept.
    await adapter.client.command(sql("INSERT INTO $.events VALUES (4, 'b')"));
    expectStatuses(await setup.reopen(p).run({ select: ['more_mv'] }), { more_mv: 'success' });
    expect(await rows()).toEqual([
      { kind: 'a', n: '2' },
      { kind: 'b', n: '2' },
      { kind: 'c', n: '1' },
      { kind: 'd', n: '1' },
      { kind: 'direct', n: '5' },
      { kind: 'more-a', n: '2' },
      { kind: 'more-b', n: '2' },
    ]);
    expect(await objects()).toEqual(['activity', 'clicks', 'clicks_mv', 'events', 'events_mv', 'more_mv']);
  });

  it('counted as each INSERT arrives, not from row counts: rows a mutation or TTL removes meanwhile do not hide a direct row, nor does a view whose SQL answers differently each time refuse falsely', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': TARGET, 'models/events_mv.sql': FEED('events') });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    for (const t of ['events', 'clicks']) await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
    const sql = (s: string) => s.replaceAll('$', p.schema);
    await adapter.client.command(sql("INSERT INTO $.events VALUES (1, 'a'), (2, 'b')"));
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
    const rows = () => queryRows<{ kind: string; n: string }>(project, sql('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind'));

    // A direct row, and a row of the table deleted (a mutation; TTL DELETE alike) during the add: the table's row
    // count is what it was at the cut, yet the direct row would be dropped by the switch. Refused, the row kept.
    p.write({ 'models/clicks_mv.sql': FEED('clicks') });
    const blocked = setup.reopen(p);
    await duringBackfill(blocked, sql("INSERT INTO $.activity VALUES ('direct', 5); ALTER TABLE $.activity DELETE WHERE kind = 'b' SETTINGS mutations_sync = 2"));
    const refused = await blocked.run({ select: ['clicks_mv'] });
    expectStatuses(refused, { clicks_mv: 'error' });
    expect(refused.results[0]!.message).toMatch(/1 row was inserted into \S+\.activity directly \(not through a materialized view\) while clicks_mv was being added/);
    expect(await rows()).toEqual([{ kind: 'a', n: '1' }, { kind: 'direct', n: '5' }]);

    // A view in place whose SQL answers differently on each INSERT (its staged twin writes other rows than it): no direct row, no refusal.
    await adapter.client.command(sql("ALTER TABLE $.events_mv MODIFY QUERY SELECT kind, toUInt64(rand() % 2) AS n FROM $.events WHERE rand() % 2 = 0"));
    const adding = setup.reopen(p);
    await duringBackfill(adding, sql("INSERT INTO $.events SELECT number + 10, 'r' FROM numbers(200)"));
    expectStatuses(await adding.run({ select: ['clicks_mv'] }), { clicks_mv: 'success' });
  });

  it('a merging engine (ReplacingMergeTree) too: a direct row during the add refuses the switch', async () => {
    const target = "{{ config(materialized='table', engine='ReplacingMergeTree()', order_by='kind') }}\nselect '' as kind, toUInt64(0) as n where 0";
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': target, 'models/events_mv.sql': FEED('events') });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    for (const t of ['events', 'clicks']) await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
    const sql = (s: string) => s.replaceAll('$', p.schema);
    await adapter.client.command(sql("INSERT INTO $.events VALUES (1, 'a'), (2, 'b')"));
    await adapter.client.command(sql("INSERT INTO $.clicks VALUES (1, 'c')"));
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
    p.write({ 'models/clicks_mv.sql': FEED('clicks') });
    const blocked = setup.reopen(p);
    await duringBackfill(blocked, sql("INSERT INTO $.activity VALUES ('direct', 5)"));
    const refused = await blocked.run({ select: ['clicks_mv'] });
    expectStatuses(refused, { clicks_mv: 'error' });
    expect(refused.results[0]!.message).toMatch(/1 row was inserted into \S+\.activity directly/);
    const rows = () => queryRows<{ kind: string; n: string }>(project, sql('SELECT kind, n FROM $.activity FINAL ORDER BY kind'));
    expect(await rows()).toEqual([{ kind: 'a', n: '1' }, { kind: 'b', n: '1' }, { kind: 'direct', n: '5' }]);
    expectStatuses(await setup.reopen(p).run({ select: ['clicks_mv'] }), { clicks_mv: 'success' });
    expect(await rows()).toEqual([{ kind: 'a', n: '1' }, { kind: 'b', n: '1' }, { kind: 'c', n: '1' }, { kind: 'direct', n: '5' }]);
  });

  it('a direct INSERT after the count, while the view is switched in, is carried into the new table', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': TARGET, 'models/events_mv.sql': FEED('events') });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    for (const t of ['events', 'clicks']) await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
    const sql = (s: string) => s.replaceAll('$', p.schema);
    await adapter.client.command(sql("INSERT INTO $.events VALUES (1, 'a')"));
    await adapter.client.command(sql("INSERT INTO $.clicks VALUES (1, 'c')"));
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
    p.write({ 'models/clicks_mv.sql': FEED('clicks') });
    const adding = setup.reopen(p);
    // Once counted (the staged table marked as switching), a direct row and a row through the view in place.
    const raced = await duringBackfill(adding, sql("INSERT INTO $.activity VALUES ('direct', 5); INSERT INTO $.events VALUES (2, 'b')"), /MODIFY COMMENT 'tsdbt:switching:/);
    expectStatuses(await adding.run({ select: ['clicks_mv'] }), { clicks_mv: 'success' });
    expect(raced()).toBe(true);
    expect(await queryRows(project, sql('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind'))).toEqual([
      { kind: 'a', n: '1' },
      { kind: 'b', n: '1' },
      { kind: 'c', n: '1' },
      { kind: 'direct', n: '5' },
    ]);
    expect((await queryRows<{ name: string }>(project, sql("SELECT name FROM system.tables WHERE database = '$' ORDER BY name"))).map((r) => r.name)).toEqual(['activity', 'clicks', 'clicks_mv', 'events', 'events_mv']);
  });
});


describe('materialized_view added with catchup to a kept table: a direct row after the carry, right before the EXCHANGE', () => {
  // It reaches the old table, which the switch drops. The row recorder keeps only the old table's rows (a view follows
  // the name through an EXCHANGE, not the table: direct-inserts.ts), so what it holds after the EXCHANGE is carried once
  // more. Before, the row was dropped (with a warning).
  it('is carried into the new table, once; a row inserted after the EXCHANGE is not carried again', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': TARGET, 'models/events_mv.sql': FEED('events') });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    for (const t of ['events', 'clicks']) await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
    const sql = (s: string) => s.replaceAll('$', p.schema);
    await adapter.client.command(sql("INSERT INTO $.events VALUES (1, 'a')"));
    await adapter.client.command(sql("INSERT INTO $.clicks VALUES (1, 'c')"));
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
    p.write({ 'models/clicks_mv.sql': FEED('clicks') });
    const adding = setup.reopen(p);
    const before = await duringBackfill(adding, sql("INSERT INTO $.activity VALUES ('direct', 5); INSERT INTO $.events VALUES (2, 'b')"), /^EXCHANGE TABLES/);
    // Right after the EXCHANGE: a direct row into the new table, in place already (not to be carried).
    let exchanged = false;
    const client = (await adding.adapter()).client as unknown as { command: (sql: string, ...rest: unknown[]) => Promise<unknown> };
    const original = client.command.bind(client);
    client.command = async (s: string, ...rest: unknown[]) => {
      const answer = await original(s, ...rest);
      if (!exchanged && /^EXCHANGE TABLES/.test(s)) {
        exchanged = true;
        await original(sql("INSERT INTO $.activity VALUES ('after', 3)"));
      }
      return answer;
    };
    expectStatuses(await adding.run({ select: ['clicks_mv'] }), { clicks_mv: 'success' });
    expect([before(), exchanged]).toEqual([true, true]);
    expect(await queryRows(project, sql('SELECT kind, sum(n) AS n, count() AS c FROM $.activity GROUP BY kind ORDER BY kind'))).toEqual([
      { kind: 'a', n: '1', c: '1' },
      { kind: 'after', n: '3', c: '1' },
      { kind: 'b', n: '1', c: '1' },
      { kind: 'c', n: '1', c: '1' },
      { kind: 'direct', n: '5', c: '1' },
    ]);
    expect((await queryRows<{ name: string }>(project, sql("SELECT name FROM system.tables WHERE database = '$' ORDER BY name"))).map((r) => r.name)).toEqual(['activity', 'clicks', 'clicks_mv', 'events', 'events_mv']);
  });

  it('a direct INSERT that bound the old table before the EXCHANGE and commits after it, however long it runs, is carried once', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': TARGET, 'models/events_mv.sql': FEED('events') });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    for (const t of ['events', 'clicks']) await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
    const sql = (s: string) => s.replaceAll('$', p.schema);
    await adapter.client.command(sql("INSERT INTO $.events VALUES (1, 'a')"));
    await adapter.client.command(sql("INSERT INTO $.clicks VALUES (1, 'c')"));
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
    p.write({ 'models/clicks_mv.sql': FEED('clicks') });
    const adding = setup.reopen(p);
    const client = (await adding.adapter()).client as unknown as { command: (sql: string, ...rest: unknown[]) => Promise<unknown> };
    const original = client.command.bind(client);
    let slow: Promise<unknown> | undefined;
    client.command = async (s: string, ...rest: unknown[]) => {
      if (!slow && /MODIFY COMMENT 'tsdbt:switching:/.test(s)) {
        // Another writer's INSERT into the table, started once the switch is under way (bound to the old table) and
        // committing after the EXCHANGE: its 18 s of sleep outlast the switch's wait for a quiet moment (10 s).
        slow = original(sql("INSERT INTO $.activity SELECT 'slow', toUInt64(1) FROM numbers(6) WHERE sleepEachRow(3) = 0 SETTINGS max_block_size = 1"));
        const running = sql("SELECT count() AS n FROM system.processes WHERE query LIKE '%sleepEachRow(3)%' AND query NOT LIKE '%system.processes%'");
        while ((await queryRows<{ n: string }>(adding, running))[0]!.n === '0') await new Promise((r) => setImmediate(r));
      }
      return original(s, ...rest);
    };
    expectStatuses(await adding.run({ select: ['clicks_mv'] }), { clicks_mv: 'success' });
    await slow;
    expect(await queryRows(project, sql('SELECT kind, sum(n) AS n, count() AS c FROM $.activity GROUP BY kind ORDER BY kind'))).toEqual([
      { kind: 'a', n: '1', c: '1' },
      { kind: 'c', n: '1', c: '1' },
      { kind: 'slow', n: '6', c: '6' },
    ]);
    expect((await queryRows<{ name: string }>(project, sql("SELECT name FROM system.tables WHERE database = '$' ORDER BY name"))).map((r) => r.name)).toEqual(['activity', 'clicks', 'clicks_mv', 'events', 'events_mv']);
  }, 120_000);
});


/** Makes `project`'s process "die" right after its first statement matching `at` is answered: nothing after it reaches the warehouse. */
async function dieAfter(project: TsdbtProject, at: RegExp): Promise<() => boolean> {
  const client = (await project.adapter()).client as unknown as Record<string, (...args: unknown[]) => unknown>;
  let dead = false;
  for (const method of ['command', 'query', 'insertStream', 'querySync'] as const) {
    const original = client[method]!.bind(client);
    client[method] = (...args: unknown[]) => {
      if (dead) throw new Error('fault injection: the process died');
      const died = typeof args[0] === 'string' && at.test(args[0]);
      try {
        return original(...args);
      } finally {
        if (died) dead = true;
      }
    };
  }
  return () => dead;
}

describe('materialized_view added with catchup to a kept table, the run dying while it switches the table in', () => {
  // Each point: after the switch is marked (before the carry), once the recorded rows are taken, while they are
  // gathered, once gathered, after the first of two partitions moved in, after the EXCHANGE. A direct row comes
  // after the death too (it was lost once the rows were gathered). The next run finishes the switch: each row once.
  for (const at of [/MODIFY COMMENT 'tsdbt:switching:/, /MOVE PARTITION ID \S+ TO TABLE \S+__recg\W/, /^INSERT INTO \S+__recf\W/, /^RENAME TABLE \S+__recf\W/, /MOVE PARTITION ID \S+ TO TABLE (?!\S+__recg\W)/, /^EXCHANGE TABLES/])
    it(`dies after ${at.source}: the next run carries the rows inserted into the table directly meanwhile, once`, async () => {
      const target = "{{ config(materialized='table', order_by='kind', partition_by='kind') }}\nselect '' as kind, toUInt64(0) as n where 0";
      const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': target, 'models/events_mv.sql': FEED('events') });
      const adapter = await project.adapter();
      await adapter.ensureDatabase(p.schema);
      for (const t of ['events', 'clicks']) await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
      const sql = (s: string) => s.replaceAll('$', p.schema);
      await adapter.client.command(sql("INSERT INTO $.events VALUES (1, 'a')"));
      await adapter.client.command(sql("INSERT INTO $.clicks VALUES (1, 'c')"));
      expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
      p.write({ 'models/clicks_mv.sql': FEED('clicks') });
      const adding = setup.reopen(p);
      // Once counted, two direct rows (two partitions) and a row through the view in place; then the process dies at `at`.
      const raced = await duringBackfill(adding, sql("INSERT INTO $.activity VALUES ('direct', 5), ('other', 7); INSERT INTO $.events VALUES (2, 'b')"), /MODIFY COMMENT 'tsdbt:switching:/);
      const died = await dieAfter(adding, at);
      expectStatuses(await adding.run({ select: ['clicks_mv'] }), { clicks_mv: 'error' });
      expect([raced(), died()]).toEqual([true, true]);
      await adding.close();
      await adapter.client.command(sql("INSERT INTO $.activity VALUES ('late', 3)"));
      expectStatuses(await setup.reopen(p).run({ select: ['clicks_mv'] }), { clicks_mv: 'success' });
      expect(await queryRows(project, sql('SELECT kind, sum(n) AS n, count() AS c FROM $.activity GROUP BY kind ORDER BY kind'))).toEqual([
        { kind: 'a', n: '1', c: '1' },
        { kind: 'b', n: '1', c: '1' },
        { kind: 'c', n: '1', c: '1' },
        { kind: 'direct', n: '5', c: '1' },
        { kind: 'late', n: '3', c: '1' },
        { kind: 'other', n: '7', c: '1' },
      ]);
      expect((await queryRows<{ name: string }>(project, sql("SELECT name FROM system.tables WHERE database = '$' ORDER BY name"))).map((r) => r.name)).toEqual(['activity', 'clicks', 'clicks_mv', 'events', 'events_mv']);
    });
});

describe('materialized_view added with catchup to a kept table, the run dying between the EXCHANGE and the carry after it', () => {
  // A direct row after the last carry reaches the old table (recorded); the run dies right after the EXCHANGE, or
  // after the recorded rows are taken / gathered / moved in that carry: the next run's recovery finishes that carry,
  // instead of its sweep dropping the old table and the recorder. Each row once.
  for (const at of [/^EXCHANGE TABLES/, /MOVE PARTITION ID \S+ TO TABLE \S+__recg\W/, /^RENAME TABLE \S+__recf\W/, /MOVE PARTITION ID \S+ TO TABLE (?!\S+__recg\W)/])
    it(`dies after ${at.source} following the EXCHANGE: the next run carries the row inserted right before it, once`, async () => {
      const target = "{{ config(materialized='table', order_by='kind', partition_by='kind') }}\nselect '' as kind, toUInt64(0) as n where 0";
      const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': target, 'models/events_mv.sql': FEED('events') });
      const adapter = await project.adapter();
      await adapter.ensureDatabase(p.schema);
      for (const t of ['events', 'clicks']) await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
      const sql = (s: string) => s.replaceAll('$', p.schema);
      await adapter.client.command(sql("INSERT INTO $.events VALUES (1, 'a')"));
      await adapter.client.command(sql("INSERT INTO $.clicks VALUES (1, 'c')"));
      expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
      p.write({ 'models/clicks_mv.sql': FEED('clicks') });
      const adding = setup.reopen(p);
      const raced = await duringBackfill(adding, sql("INSERT INTO $.activity VALUES ('direct', 5), ('other', 7)"), /^EXCHANGE TABLES/);
      // Dies at the first match of `at` after the EXCHANGE (the carry before it moves partitions too).
      let exchanged = false;
      const died = await dieAfter(adding, { test: (s: string) => (exchanged ||= /^EXCHANGE TABLES/.test(s)) && at.test(s) } as RegExp);
      expectStatuses(await adding.run({ select: ['clicks_mv'] }), { clicks_mv: 'error' });
      expect([raced(), died()]).toEqual([true, true]);
      await adding.close();
      expectStatuses(await setup.reopen(p).run({ select: ['clicks_mv'] }), { clicks_mv: 'success' });
      expect(await queryRows(project, sql('SELECT kind, sum(n) AS n, count() AS c FROM $.activity GROUP BY kind ORDER BY kind'))).toEqual([
        { kind: 'a', n: '1', c: '1' },
        { kind: 'c', n: '1', c: '1' },
        { kind: 'direct', n: '5', c: '1' },
        { kind: 'other', n: '7', c: '1' },
      ]);
      expect((await queryRows<{ name: string }>(project, sql("SELECT name FROM system.tables WHERE database = '$' ORDER BY name"))).map((r) => r.name)).toEqual(['activity', 'clicks', 'clicks_mv', 'events', 'events_mv']);
    });
});

describe('materialized_view added with catchup to a kept table that is not a MergeTree (Log), the run dying while it switches the table in', () => {
  // The direct rows go into the new table by one INSERT (no partitions to move): marked as done by that INSERT itself
  // (a view on the new table records the carry's own INSERT), so the next run carries them only if it did not happen.
  for (const at of [/MODIFY COMMENT 'tsdbt:switching:/, /^INSERT INTO \S+ SELECT \* EXCEPT \(tsdbt_q\)/, /^EXCHANGE TABLES/])
    it(`dies after ${at.source}: the next run carries the rows inserted into the table directly meanwhile, once`, async () => {
      const target = "{{ config(materialized='table', engine='Log') }}\nselect '' as kind, toUInt64(0) as n where 0";
      const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/activity.sql': target, 'models/events_mv.sql': FEED('events') });
      const adapter = await project.adapter();
      await adapter.ensureDatabase(p.schema);
      for (const t of ['events', 'clicks']) await adapter.client.command(`CREATE TABLE ${p.schema}.${t} (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
      const sql = (s: string) => s.replaceAll('$', p.schema);
      await adapter.client.command(sql("INSERT INTO $.events VALUES (1, 'a')"));
      await adapter.client.command(sql("INSERT INTO $.clicks VALUES (1, 'c')"));
      expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
      p.write({ 'models/clicks_mv.sql': FEED('clicks') });
      const adding = setup.reopen(p);
      const raced = await duringBackfill(adding, sql("INSERT INTO $.activity VALUES ('direct', 5), ('other', 7); INSERT INTO $.events VALUES (2, 'b')"), /MODIFY COMMENT 'tsdbt:switching:/);
      const died = await dieAfter(adding, at);
      expectStatuses(await adding.run({ select: ['clicks_mv'] }), { clicks_mv: 'error' });
      expect([raced(), died()]).toEqual([true, true]);
      await adding.close();
      expectStatuses(await setup.reopen(p).run({ select: ['clicks_mv'] }), { clicks_mv: 'success' });
      expect(await queryRows(project, sql('SELECT kind, sum(n) AS n, count() AS c FROM $.activity GROUP BY kind ORDER BY kind'))).toEqual([
        { kind: 'a', n: '1', c: '1' },
        { kind: 'b', n: '1', c: '1' },
        { kind: 'c', n: '1', c: '1' },
        { kind: 'direct', n: '5', c: '1' },
        { kind: 'other', n: '7', c: '1' },
      ]);
      expect((await queryRows<{ name: string }>(project, sql("SELECT name FROM system.tables WHERE database = '$' ORDER BY name"))).map((r) => r.name)).toEqual(['activity', 'clicks', 'clicks_mv', 'events', 'events_mv']);
    });
});
