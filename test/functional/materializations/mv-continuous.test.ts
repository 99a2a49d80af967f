import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Paces the inserters by the statements a run sends, not by the clock. A view's cut needs one moment
 * without an INSERT (cutoff.ts) that lasts a handful of the run's statements; with pauses measured in
 * milliseconds, a loaded machine (statements of 0.2–0.5 s, load 30–70) gave no such moment for minutes
 * and the run hit the test's timeout, or refused by design after 100 tries. Here every few inserts all
 * inserters hold still until the running project has sent PAUSE more statements (its polls included):
 * each hold is a quiet moment long enough for a cut attempt, however slow the machine; in between,
 * inserts race every step of the run as before.
 */
function pacedByRun() {
  const PAUSE = 60;
  let sent = 0;
  let until = 0;
  let running = false;
  return {
    /** Counts the statements `project` sends while its run lasts. */
    async watch(project: TsdbtProject) {
      const client = (await project.adapter()).client as unknown as Record<string, (...args: unknown[]) => unknown>;
      for (const method of ['command', 'query', 'insertStream'] as const) {
        const original = client[method]!.bind(client);
        client[method] = async (...args: unknown[]) => {
          try {
            return await original(...args);
          } finally {
            sent++;
          }
        };
      }
    },
    /** Runs `run` with the pacing on. */
    async during<T>(run: () => Promise<T>): Promise<T> {
      running = true;
      try {
        return await run();
      } finally {
        running = false;
      }
    },
    /** Before each insert: waits out a hold; now and then starts one (for every inserter). */
    async beforeInsert() {
      while (running && sent < until) await sleep(2);
      if (running && Math.random() < 0.25) until = sent + PAUSE;
    },
  };
}

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n';
// on_schema_change='rebuild': new columns rebuild the target (a normal run otherwise never does), the path under test.
const MODEL = (select: string) => `{{ config(materialized='materialized_view', engine='MergeTree()', order_by='id', on_schema_change='rebuild') }}\n${select}`;

/**
 * The issue's acceptance test: rows are inserted into the source all along (small batches, a few
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
    const pace = pacedByRun();
    const inserting = (async () => {
      while (!stop) {
        // A few milliseconds between inserts; now and then a hold of the run's statements (pacedByRun).
        await pace.beforeInsert();
        const rows = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => next++);
        try {
          await adapter.client.command(`INSERT INTO ${p.schema}.events VALUES ${rows.map((id) => `(${id}, 'k${id % 3}')`).join(', ')}`);
        } catch (e) {
          errors.push((e as Error).message);
        }
        await sleep(Math.floor(Math.random() * 12));
      }
    })();
    const runs: string[] = [];
    const deploy = async (select: string | undefined, fullRefresh = false) => {
      if (select) p.write({ 'models/copy.sql': MODEL(select) });
      const project = setup.reopen(p);
      await pace.watch(project);
      const r = await pace.during(() => project.run({ fullRefresh }));
      expectStatuses(r, { copy: 'success' });
      runs.push(r.results[0]!.message);
      // Inserts go on between deploys: at least a few.
      for (const until = next + 10; next < until; ) await sleep(5);
    };
    for (const until = next + 10; next < until; ) await sleep(5);
    await deploy(undefined); // first build: backfill of what is there, then the view
    await deploy("select id, upper(kind) as kind from {{ source('raw', 'events') }}");
    await deploy("select id, upper(kind) as kind, id * 2 as twice from {{ source('raw', 'events') }}");
    await deploy(undefined, true);
    while (next <= 101) await sleep(5);
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
    const pace = pacedByRun();
    const insertInto = async (table: 'ingest' | 'events') => {
      while (!stop) {
        // Holds of the run's statements now and then, for both inserters at once (pacedByRun).
        await pace.beforeInsert();
        const ids = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => next[table]++);
        try {
          await adapter.client.command(`INSERT INTO ${p.schema}.${table} VALUES ${ids.map((id) => `(${id})`).join(', ')}`);
        } catch (e) {
          errors.push((e as Error).message);
        }
        await sleep(5 + Math.floor(Math.random() * 15));
      }
    };
    const inserting = Promise.all([insertInto('ingest'), insertInto('events')]);
    const some = async () => {
      for (const until = next.ingest + next.events + 10; next.ingest + next.events < until; ) await sleep(5);
    };
    await some();
    p.write({ 'models/events_mv.sql': feed('events') });
    const adding = setup.reopen(p);
    await pace.watch(adding);
    const r = await pace.during(() => adding.run());
    expectStatuses(r, { activity: 'success', ingest_mv: 'success', events_mv: 'success' });
    await some();
    while (next.ingest <= 21 || next.events <= 21) await sleep(5);
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
