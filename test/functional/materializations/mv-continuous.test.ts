import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';
// on_schema_change='rebuild': new columns rebuild the target (a normal run otherwise never does), the path under test.
const MODEL = (select: string) => `{{ config(materialized='materialized_view', engine='MergeTree()', order_by='id', on_schema_change='rebuild') }}\n${select}`;

/**
 * The issue's acceptance test: rows are inserted into the source without pause (small batches, a few
 * milliseconds apart) while the view is redeployed three times — a SELECT change applied with
 * MODIFY QUERY, a new column (the target rebuilt and backfilled), a --full-refresh — and the target
 * holds exactly one row per inserted row.
 */
describe('materialized_view redeployed while rows are inserted', () => {
  it('keeps exactly one row per inserted row through three redeploys', async () => {
    const { p, project } = setup({ 'models/sources.yml': SOURCES, 'models/copy.sql': MODEL("select id, kind from {{ source('raw', 'events') }}") });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    await adapter.client.command(`CREATE TABLE ${p.schema}.events (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);

    let next = 1;
    let stop = false;
    const errors: string[] = [];
    const inserting = (async () => {
      while (!stop) {
        const rows = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => next++);
        try {
          await adapter.client.command(`INSERT INTO ${p.schema}.events VALUES ${rows.map((id) => `(${id}, 'k${id % 3}')`).join(', ')}`);
        } catch (e) {
          errors.push((e as Error).message);
        }
        // A few milliseconds between inserts, and now and then a pause of ~60 ms as a real stream has:
        // the cut needs one moment without an INSERT, and on a loaded 2-core machine the few-ms gaps
        // alone can be shorter than the cut's own statements (the run then refuses, by design, with
        // "No moment without an INSERT … came in 100 tries").
        const pause = Math.random() < 0.125 ? 60 : Math.floor(Math.random() * 12);
        await new Promise((r) => setTimeout(r, pause));
      }
    })();
    const runs: string[] = [];
    const deploy = async (select: string | undefined, fullRefresh = false) => {
      if (select) p.write({ 'models/copy.sql': MODEL(select) });
      const r = await setup.reopen(p).run({ fullRefresh });
      expectStatuses(r, { copy: 'success' });
      runs.push(r.results[0]!.message);
      await new Promise((res) => setTimeout(res, 150));
    };
    await new Promise((r) => setTimeout(r, 100));
    await deploy(undefined); // first build: backfill of what is there, then the view
    await deploy("select id, upper(kind) as kind from {{ source('raw', 'events') }}");
    await deploy("select id, upper(kind) as kind, id * 2 as twice from {{ source('raw', 'events') }}");
    await deploy(undefined, true);
    stop = true;
    await inserting;

    expect(errors.map((e) => e.slice(0, 300))).toEqual([]);
    expect(runs.map((m) => m.replace(/\d[\d,]*/g, 'N'))).toEqual([
      'OK built: N rows (N backfilled)',
      'OK query modified',
      'OK rebuilt (columns changed): N rows (N backfilled)',
      'OK rebuilt (full refresh): N rows (N backfilled)',
    ]);
    const inserted = next - 1;
    expect(inserted).toBeGreaterThan(100);
    const [source] = await queryRows<{ n: string }>(project, `SELECT count() AS n FROM ${p.schema}.events`);
    expect(Number(source!.n)).toBe(inserted);
    const [target] = await queryRows<{ n: string; ids: string; lo: string; hi: string; wrong: string }>(
      project,
      `SELECT count() AS n, uniqExact(id) AS ids, min(id) AS lo, max(id) AS hi, countIf(twice != id * 2) AS wrong FROM ${p.schema}.copy`,
    );
    expect(target).toEqual({ n: String(inserted), ids: String(inserted), lo: '1', hi: String(inserted), wrong: '0' });
    expect((await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${p.schema}' ORDER BY name`)).map((t) => t.name)).toEqual(['copy', 'copy_mv', 'events']);
  });

  it('a view added with catchup to a table others feed (from a Null source) while both sources take inserts: one row per inserted row', async () => {
    const sources = SOURCES + '      - name: ingest\n';
    const TARGET = "{{ config(materialized='table', order_by='id') }}\nselect toUInt64(0) as id, '' as src where 0";
    const feed = (table: string, extra = '') => `{{ config(materialized='materialized_view', target=ref('activity')${extra}) }}\nselect id, '${table}' as src from {{ source('raw', '${table}') }}`;
    // The view already there lives in a database of its own (its model's schema): it writes into the target all the same.
    const { p, project } = setup({ 'models/sources.yml': sources, 'models/activity.sql': TARGET, 'models/ingest_mv.sql': feed('ingest', ", schema='feeds'") });
    const adapter = await project.adapter();
    await adapter.ensureDatabase(p.schema);
    await adapter.client.command(`CREATE TABLE ${p.schema}.ingest (id UInt64) ENGINE = Null`);
    await adapter.client.command(`CREATE TABLE ${p.schema}.events (id UInt64) ENGINE = MergeTree ORDER BY id`);
    expectStatuses(await project.run(), { activity: 'success', ingest_mv: 'success' });
    const next = { ingest: 1, events: 1 };
    let stop = false;
    const errors: string[] = [];
    const insertInto = async (table: 'ingest' | 'events') => {
      while (!stop) {
        const ids = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => next[table]++);
        try {
          await adapter.client.command(`INSERT INTO ${p.schema}.${table} VALUES ${ids.map((id) => `(${id})`).join(', ')}`);
        } catch (e) {
          errors.push((e as Error).message);
        }
        // Pauses now and then: the cut needs one moment without an INSERT into either source (see above).
        await new Promise((r) => setTimeout(r, Math.random() < 0.25 ? 80 : 5 + Math.floor(Math.random() * 15)));
      }
    };
    const inserting = Promise.all([insertInto('ingest'), insertInto('events')]);
    await new Promise((r) => setTimeout(r, 300));
    p.write({ 'models/events_mv.sql': feed('events') });
    const r = await setup.reopen(p).run();
    expectStatuses(r, { activity: 'success', ingest_mv: 'success', events_mv: 'success' });
    await new Promise((res) => setTimeout(res, 300));
    stop = true;
    await inserting;

    expect(errors.map((e) => e.slice(0, 300))).toEqual([]);
    expect(r.results.find((x) => x.node.name === 'events_mv')!.message).toMatch(/^OK added: [\d,]+ rows \([\d,]+ backfilled\)$/);
    const counts = await queryRows<{ src: string; n: string; ids: string; lo: string; hi: string }>(
      project,
      `SELECT src, count() AS n, uniqExact(id) AS ids, min(id) AS lo, max(id) AS hi FROM ${p.schema}.activity GROUP BY src ORDER BY src`,
    );
    const all = (n: number) => ({ n: String(n), ids: String(n), lo: '1', hi: String(n) });
    expect(next.ingest).toBeGreaterThan(20);
    expect(next.events).toBeGreaterThan(20);
    expect(counts).toEqual([
      { src: 'events', ...all(next.events - 1) },
      { src: 'ingest', ...all(next.ingest - 1) },
    ]);
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}_feeds'`)).toEqual([{ name: 'ingest_mv' }]);
    await adapter.client.command(`DROP DATABASE ${p.schema}_feeds`);
  });
});
