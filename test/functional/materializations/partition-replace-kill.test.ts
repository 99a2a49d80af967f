import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * An ALTER replacing several partitions commits its clauses one by one: a process killed in the middle
 * of it (the embedded engine dying with it) left some partitions new, the others old, for good. The
 * staged table is marked with the ALTER before it (partition-replace.ts), and the next run's sweep of
 * the database finishes it from there. The kill is made deterministic: the ALTER runs only its first
 * clause (or all of them), then nothing more reaches the warehouse.
 */
const setup = openedPerTest();

/** The first ALTER with several partition clauses runs only its first one (`whole`: all of them); then the process "dies". */
async function dieInAlter(project: TsdbtProject, whole: boolean): Promise<() => boolean> {
  const client = (await project.adapter()).client as unknown as Record<string, (...args: unknown[]) => unknown>;
  let dead = false;
  for (const method of ['command', 'query', 'insertStream', 'querySync'] as const) {
    const original = client[method]!.bind(client);
    client[method] = async (...args: unknown[]) => {
      if (dead) throw new Error('fault injection: the process died');
      const sql = args[0];
      if (typeof sql !== 'string' || !/^ALTER TABLE \S+ (REPLACE|DROP|MOVE|ATTACH) PARTITION [\s\S]*, (REPLACE|DROP|MOVE|ATTACH) PARTITION /.test(sql)) return original(...args);
      dead = true;
      await original(whole ? sql : sql.split(/, (?=(?:REPLACE|DROP|MOVE|ATTACH) PARTITION )/)[0]!, ...args.slice(1));
      throw new Error('fault injection: the process died during the ALTER');
    };
  }
  return () => dead;
}

const MODELS = (strategy: string) => ({
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n',
  'models/inc.sql': `{{ config(materialized='incremental', incremental_strategy='${strategy}', unique_key='v', partition_by='p', order_by='v') }}\nselect p, v, s from {{ source('raw', 'events') }}${
    strategy === 'append' ? "\n{% if is_incremental() %}where v > (select max(v) from {{ this }}){% endif %}" : ''
  }`,
  'models/other.sql': "{{ config(materialized='view') }}\nselect 1 as x",
});

describe('a multi-partition ALTER cut short by a kill is finished by the next run', () => {
  for (const [strategy, whole] of [['insert_overwrite', false], ['delete+insert', false], ['append', false], ['insert_overwrite', true], ['append', true]] as const)
    it(`${strategy}: killed ${whole ? 'right after' : 'in the middle of'} its ALTER, the next run (another model) puts every partition's new rows in place, once`, async () => {
      const { p, project } = setup(MODELS(strategy));
      const adapter = await project.adapter();
      const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
      await adapter.ensureDatabase(p.schema);
      await sql('CREATE TABLE $.events (p UInt8, v UInt64, s String) ENGINE = MergeTree ORDER BY v');
      await sql("INSERT INTO $.events VALUES (1, 1, 'old'), (1, 2, 'old'), (2, 11, 'old'), (2, 12, 'old')");
      expectStatuses(await project.run({ select: ['inc'] }), { inc: 'success' });
      // Both partitions change.
      await sql("ALTER TABLE $.events UPDATE s = 'new' WHERE 1 SETTINGS mutations_sync = 2");
      await sql("INSERT INTO $.events VALUES (1, 20, 'new'), (2, 21, 'new')");
      const killed = setup.reopen(p);
      const died = await dieInAlter(killed, whole);
      expectStatuses(await killed.run({ select: ['inc'] }), { inc: 'error' });
      expect(died()).toBe(true);
      await killed.close();
      expectStatuses(await setup.reopen(p).run({ select: ['other'] }), { other: 'success' });
      if (strategy === 'append')
        // The new rows of both partitions, once each (the old rows stay as they were).
        expect(await queryRows(project, `SELECT p, groupArray(v) AS vs FROM (SELECT p, v FROM ${p.schema}.inc ORDER BY v) GROUP BY p ORDER BY p`)).toEqual([
          { p: 1, vs: ['1', '2', '20'] },
          { p: 2, vs: ['11', '12', '21'] },
        ]);
      else
        expect(await queryRows(project, `SELECT p, s, count() AS n FROM ${p.schema}.inc GROUP BY p, s ORDER BY p, s`)).toEqual([
          { p: 1, s: 'new', n: '3' },
          { p: 2, s: 'new', n: '3' },
        ]);
      expect((await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).map((r) => r.name)).toEqual(['events', 'inc', 'other']);
    });
});

describe('an append into a table materialized views read, killed between its ALTERs', () => {
  for (const mode of ['die', 'fail', 'marked'] as const)
    it(`${mode === 'die' ? 'killed after the table\'s ALTER' : mode === 'fail' ? 'the view target\'s ALTER failing' : 'killed after marking the first staged table'}: the next run (another model) moves the views' rows into their targets too, each row once`, async () => {
      const model = "{{ config(materialized='incremental', order_by='v') }}\nselect v from {{ source('raw', 'events') }}\n{% if is_incremental() %}where v > (select max(v) from {{ this }}){% endif %}";
      const { p, project } = setup({ ...MODELS('append'), 'models/inc.sql': model });
      const adapter = await project.adapter();
      const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
      await adapter.ensureDatabase(p.schema);
      await sql('CREATE TABLE $.events (p UInt8, v UInt64, s String) ENGINE = MergeTree ORDER BY v');
      await sql("INSERT INTO $.events VALUES (1, 1, 'old'), (1, 2, 'old')");
      expectStatuses(await project.run({ select: ['inc'] }), { inc: 'success' });
      await sql('CREATE TABLE $.w (v UInt64) ENGINE = MergeTree ORDER BY v');
      await sql('CREATE MATERIALIZED VIEW $.mw TO $.w AS SELECT v * 10 AS v FROM $.inc');
      await sql("INSERT INTO $.events VALUES (1, 3, 'new'), (1, 4, 'new')");
      const killed = setup.reopen(p);
      // die: the process dies once the table's new rows are in (its ALTER answered), before the view target's ALTER.
      // fail: the view target's ALTER fails (the process goes on).
      // marked: the process dies once one staged table is marked, before the others are (and before any ALTER).
      const client = (await killed.adapter()).client as unknown as Record<string, (...args: unknown[]) => unknown>;
      let dead = false;
      const alterOf = (sql: unknown, t: string) => typeof sql === 'string' && /^ALTER TABLE [\s\S]* PARTITION /.test(sql) && new RegExp(`\\.\`${t}\`( |$)`).test(sql);
      for (const method of ['command', 'query', 'insertStream', 'querySync'] as const) {
        const original = client[method]!.bind(client);
        client[method] = (...args: unknown[]) => {
          if (dead && mode !== 'fail') throw new Error('fault injection: the process died');
          if (mode === 'marked' && typeof args[0] === 'string' && args[0].includes('MODIFY COMMENT') && args[0].includes('tsdbt:replacing:')) {
            dead = true;
            return original(...args);
          }
          if (mode === 'fail' && alterOf(args[0], 'w')) {
            dead = true;
            throw new Error('fault injection: the statement failed');
          }
          if (mode === 'die' && alterOf(args[0], 'inc')) dead = true;
          return original(...args);
        };
      }
      expectStatuses(await killed.run({ select: ['inc'] }), { inc: 'error' });
      expect(dead).toBe(true);
      await killed.close();
      expectStatuses(await setup.reopen(p).run({ select: ['other'] }), { other: 'success' });
      const rows = () => queryRows(project, `SELECT (SELECT groupArray(v) FROM (SELECT v FROM ${p.schema}.inc ORDER BY v)) AS t, (SELECT groupArray(v) FROM (SELECT v FROM ${p.schema}.w ORDER BY v)) AS w`);
      // marked: nothing of the append happened (the group was not committed), so the model's next run adds the rows.
      // Before: the table's staged table was marked first and finished alone — its rows in, the view's lost for good.
      if (mode === 'marked') {
        expect(await rows()).toEqual([{ t: ['1', '2'], w: [] }]);
        expectStatuses(await setup.reopen(p).run({ select: ['inc'] }), { inc: 'success' });
      }
      expect(await rows()).toEqual([{ t: ['1', '2', '3', '4'], w: ['30', '40'] }]);
      expect((await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).map((r) => r.name)).toEqual(['events', 'inc', 'mw', 'other', 'w']);
    });
});

describe('a command that only reads, after a multi-partition ALTER cut short by a kill', () => {
  // Reads see the finished ALTER: test and show finish what the dead run marked in the databases the project reads
  // (adapter/pending-work.ts); before, only a build of a model in that database did, and they read half-replaced partitions.
  for (const command of ['test', 'show'] as const)
    it(`${command} sees every partition's new rows`, async () => {
      const { p, project } = setup({ ...MODELS('insert_overwrite'), 'tests/no_old_rows.sql': "select * from {{ ref('inc') }} where s = 'old'" });
      const adapter = await project.adapter();
      const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
      await adapter.ensureDatabase(p.schema);
      await sql('CREATE TABLE $.events (p UInt8, v UInt64, s String) ENGINE = MergeTree ORDER BY v');
      await sql("INSERT INTO $.events VALUES (1, 1, 'old'), (1, 2, 'old'), (2, 11, 'old'), (2, 12, 'old')");
      expectStatuses(await project.run({ select: ['inc'] }), { inc: 'success' });
      await sql("ALTER TABLE $.events UPDATE s = 'new' WHERE 1 SETTINGS mutations_sync = 2");
      const killed = setup.reopen(p);
      const died = await dieInAlter(killed, false);
      expectStatuses(await killed.run({ select: ['inc'] }), { inc: 'error' });
      expect(died()).toBe(true);
      await killed.close();
      const reader = setup.reopen(p);
      if (command === 'test') expectStatuses(await reader.test({ select: ['no_old_rows'] }), { no_old_rows: 'pass' });
      else expect(await reader.show({ inline: "select s, count() as n from {{ ref('inc') }} group by s order by s" })).toEqual([{ s: 'new', n: '4' }]);
      expect((await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).map((r) => r.name)).toEqual(['events', 'inc']);
    });
});

describe('a multi-partition ALTER done, then the process killed before its staged table is dropped', () => {
  // The next run's sweep finishes only the partitions not done yet (partition-replace.ts: the blocks recorded
  // in the mark, the clones of a partition new then): before, it replaced them all again, and rows another writer
  // put there after the ALTER were lost.
  it("the next run keeps another writer's rows in the replaced partitions, old and new", async () => {
    const { p, project } = setup(MODELS('insert_overwrite'));
    const adapter = await project.adapter();
    const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
    await adapter.ensureDatabase(p.schema);
    await sql('CREATE TABLE $.events (p UInt8, v UInt64, s String) ENGINE = MergeTree ORDER BY v');
    await sql("INSERT INTO $.events VALUES (1, 1, 'old'), (1, 2, 'old'), (2, 11, 'old'), (2, 12, 'old')");
    expectStatuses(await project.run({ select: ['inc'] }), { inc: 'success' });
    // Partitions 1 and 2 change, partition 3 is new.
    await sql("ALTER TABLE $.events UPDATE s = 'new' WHERE 1 SETTINGS mutations_sync = 2");
    await sql("INSERT INTO $.events VALUES (3, 31, 'new')");
    const killed = setup.reopen(p);
    const died = await dieInAlter(killed, true);
    expectStatuses(await killed.run({ select: ['inc'] }), { inc: 'error' });
    expect(died()).toBe(true);
    await killed.close();
    // The staged table is still there, marked; another writer adds a row to an old partition and to the new one.
    expect((await queryRows<{ n: string }>(project, `SELECT count() AS n FROM system.tables WHERE database = '${p.schema}' AND startsWith(comment, 'tsdbt:replacing:')`))[0]!.n).toBe('1');
    await sql("INSERT INTO $.inc (p, v, s) VALUES (1, 100, 'other writer'), (3, 300, 'other writer')");
    expectStatuses(await setup.reopen(p).run({ select: ['other'] }), { other: 'success' });
    expect(await queryRows(project, `SELECT p, s, count() AS n FROM ${p.schema}.inc GROUP BY p, s ORDER BY p, s`)).toEqual([
      { p: 1, s: 'new', n: '2' },
      { p: 1, s: 'other writer', n: '1' },
      { p: 2, s: 'new', n: '2' },
      { p: 3, s: 'new', n: '1' },
      { p: 3, s: 'other writer', n: '1' },
    ]);
    expect((await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).map((r) => r.name)).toEqual(['events', 'inc', 'other']);
  });
});

describe('a multi-partition ALTER done, killed before the drop, then a merge in a partition new when marked', () => {
  // A partition the target had no rows in when marked is MOVEd from the staged table (partition-replace.ts), so the
  // staged table itself says whether it is done. Before, it was REPLACEd and judged done by its clones' hashes: a merge
  // of a clone with another writer's part (OPTIMIZE … FINAL, or the background) hid them, the next run replaced the
  // partition again and the writer's row was lost.
  it("the next run keeps another writer's row merged with the new partition's rows", async () => {
    const { p, project } = setup(MODELS('insert_overwrite'));
    const adapter = await project.adapter();
    const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
    await adapter.ensureDatabase(p.schema);
    await sql('CREATE TABLE $.events (p UInt8, v UInt64, s String) ENGINE = MergeTree ORDER BY v');
    await sql("INSERT INTO $.events VALUES (1, 1, 'old'), (1, 2, 'old')");
    expectStatuses(await project.run({ select: ['inc'] }), { inc: 'success' });
    await sql("ALTER TABLE $.events UPDATE s = 'new' WHERE 1 SETTINGS mutations_sync = 2");
    await sql("INSERT INTO $.events VALUES (3, 31, 'new'), (4, 41, 'new')");
    const killed = setup.reopen(p);
    const died = await dieInAlter(killed, true);
    expectStatuses(await killed.run({ select: ['inc'] }), { inc: 'error' });
    expect(died()).toBe(true);
    await killed.close();
    expect((await queryRows<{ n: string }>(project, `SELECT count() AS n FROM system.tables WHERE database = '${p.schema}' AND startsWith(comment, 'tsdbt:replacing:')`))[0]!.n).toBe('1');
    await sql("INSERT INTO $.inc (p, v, s) VALUES (3, 300, 'other writer')");
    await sql("OPTIMIZE TABLE $.inc PARTITION ID '3' FINAL");
    expect((await queryRows<{ n: string }>(project, `SELECT count() AS n FROM system.parts WHERE database = '${p.schema}' AND table = 'inc' AND active AND partition_id = '3'`))[0]!.n).toBe('1');
    expectStatuses(await setup.reopen(p).run({ select: ['other'] }), { other: 'success' });
    expect(await queryRows(project, `SELECT p, s, count() AS n FROM ${p.schema}.inc GROUP BY p, s ORDER BY p, s`)).toEqual([
      { p: 1, s: 'new', n: '2' },
      { p: 3, s: 'new', n: '1' },
      { p: 3, s: 'other writer', n: '1' },
      { p: 4, s: 'new', n: '1' },
    ]);
    expect((await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).map((r) => r.name)).toEqual(['events', 'inc', 'other']);
  });
});

describe('a marked partition ALTER the server refuses every time', () => {
  // Before, the sweep retried it silently at every command while the model built over half-replaced partitions.
  // Now (partition-replace.ts: recordStuck) a build of its target stops, naming the staged table and what to do;
  // other models build, other commands warn; the staged rows stay until the cause is fixed, then go in once.
  it('stops the build of its target with what to do, keeps the staged rows, and finishes once the cause is fixed', async () => {
    const { p, project } = setup(MODELS('insert_overwrite'));
    const adapter = await project.adapter();
    const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
    await adapter.ensureDatabase(p.schema);
    await sql('CREATE TABLE $.events (p UInt8, v UInt64, s String) ENGINE = MergeTree ORDER BY v');
    await sql("INSERT INTO $.events VALUES (1, 1, 'old'), (1, 2, 'old'), (2, 11, 'old'), (2, 12, 'old')");
    expectStatuses(await project.run({ select: ['inc'] }), { inc: 'success' });
    await sql("ALTER TABLE $.events UPDATE s = 'new' WHERE 1 SETTINGS mutations_sync = 2");
    const killed = setup.reopen(p);
    const died = await dieInAlter(killed, false);
    expectStatuses(await killed.run({ select: ['inc'] }), { inc: 'error' });
    expect(died()).toBe(true);
    await killed.close();
    // The target's columns change: every REPLACE from the staged table is refused (different structure).
    await sql('ALTER TABLE $.inc ADD COLUMN extra UInt8');
    const half = await queryRows(project, `SELECT p, s, count() AS n FROM ${p.schema}.inc GROUP BY p, s ORDER BY p, s`);
    const staged = (await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' AND startsWith(comment, 'tsdbt:replacing:')`)).map((r) => r.name);
    expect(staged).toHaveLength(1);
    const stopped = setup.reopen(p);
    const r = await stopped.run({ select: ['inc', 'other'] });
    expectStatuses(r, { inc: 'error', other: 'success' });
    const message = r.results.find((x) => x.node.name === 'inc')!.message;
    expect(message).toContain(`\`${staged[0]}\``);
    expect(message).toContain('could not be finished');
    expect(message).toContain('Tables have different structure');
    expect(message).toContain(`DROP TABLE \`${p.schema}\`.\`${staged[0]}\``);
    await stopped.close();
    // Nothing was changed: the same half-replaced rows, the staged table kept; a reading command warns.
    expect(await queryRows(project, `SELECT p, s, count() AS n FROM ${p.schema}.inc GROUP BY p, s ORDER BY p, s`)).toEqual(half);
    const before = p.events.length;
    await setup.reopen(p).show({ inline: 'select 1 as x' });
    expect(p.events.slice(before).some((e) => e.type === 'warning' && e.message.includes(staged[0]!) && e.message.includes('could not be finished'))).toBe(true);
    // The cause fixed: the next command finishes the ALTER, each row once.
    await sql('ALTER TABLE $.inc DROP COLUMN extra');
    expectStatuses(await setup.reopen(p).run({ select: ['inc'] }), { inc: 'success' });
    expect(await queryRows(project, `SELECT p, s, count() AS n FROM ${p.schema}.inc GROUP BY p, s ORDER BY p, s`)).toEqual([
      { p: 1, s: 'new', n: '2' },
      { p: 2, s: 'new', n: '2' },
    ]);
    expect((await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).map((r) => r.name)).toEqual(['events', 'inc', 'other']);
  });
});
