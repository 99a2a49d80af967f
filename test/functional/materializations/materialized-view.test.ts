import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows, type InlineProject } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const SOURCES = 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: events\n      - name: clicks\n';

/** A project over hand-made `events` and `clicks` tables (the sources an MV fires on). */
async function withSources(files: Record<string, string>) {
  const { p, project } = setup({ 'models/sources.yml': SOURCES, ...files });
  const adapter = await project.adapter();
  await adapter.ensureDatabase(p.schema);
  await adapter.client.command(`CREATE TABLE ${p.schema}.events (id UInt64, kind String, ts DateTime) ENGINE = MergeTree ORDER BY id`);
  await adapter.client.command(`CREATE TABLE ${p.schema}.clicks (id UInt64, kind String) ENGINE = MergeTree ORDER BY id`);
  const insert = (table: string, values: string) => adapter.client.command(`INSERT INTO ${p.schema}.${table} VALUES ${values}`);
  return { p, project, insert, rows: <T = Record<string, unknown>>(sql: string) => queryRows<T>(project, sql.replaceAll('$', p.schema)) };
}

const events = (from: number, n: number, kind = (i: number) => (i % 2 ? 'a' : 'b')) =>
  Array.from({ length: n }, (_, k) => `(${from + k}, '${kind(from + k)}', toDateTime('2024-01-01 00:00:00') + ${from + k})`).join(', ');

const OWN = (select: string, extra = '') => `{{ config(materialized='materialized_view', engine='SummingMergeTree()', order_by='kind'${extra}) }}
${select}`;

const BY_KIND = "select kind, count() as n from {{ source('raw', 'events') }} group by kind";

async function objects(project: TsdbtProject, schema: string): Promise<string[]> {
  const rows = await queryRows<{ name: string; engine: string }>(project, `SELECT name, engine FROM system.tables WHERE database = '${schema}' ORDER BY name`);
  return rows.map((r) => `${r.name}:${r.engine}`);
}

const reopen = (p: InlineProject) => setup.reopen(p);

describe('materialized_view owning its target (dbt-clickhouse: the model is the table, the view is <model>_mv)', () => {
  it('creates the target and the view, backfills existing rows (catchup), then captures new inserts', async () => {
    const { p, project, insert, rows } = await withSources({ 'models/by_kind.sql': OWN(BY_KIND) });
    await insert('events', events(1, 10));
    const r = await project.run();
    expectStatuses(r, { by_kind: 'success' });
    expect(r.results[0]!.message).toBe('OK built: 2 rows (2 backfilled)');
    expect(await objects(project, p.schema)).toEqual(['by_kind:SummingMergeTree', 'by_kind_mv:MaterializedView', 'clicks:MergeTree', 'events:MergeTree']);
    await insert('events', events(11, 5));
    expect(await rows('SELECT kind, sum(n) AS n FROM $.by_kind GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'a', n: '8' },
      { kind: 'b', n: '7' },
    ]);
    // Unchanged: nothing happens.
    const again = await reopen(p).run();
    expectStatuses(again, { by_kind: 'success' });
    expect(again.results[0]!.message).toBe('OK unchanged');
  });

  it('a SELECT whose columns still fit the table is applied with MODIFY QUERY (rows so far kept)', async () => {
    const { p, project, insert, rows } = await withSources({ 'models/by_kind.sql': OWN(BY_KIND) });
    await insert('events', events(1, 4));
    expectStatuses(await project.run(), { by_kind: 'success' });
    p.write({ 'models/by_kind.sql': OWN("select upper(kind) as kind, count() as n from {{ source('raw', 'events') }} group by kind") });
    const r = await reopen(p).run();
    expectStatuses(r, { by_kind: 'success' });
    expect(r.results[0]!.message).toBe('OK query modified');
    await insert('events', events(5, 2));
    expect(await rows('SELECT kind, sum(n) AS n FROM $.by_kind GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'A', n: '1' },
      { kind: 'B', n: '1' },
      { kind: 'a', n: '2' },
      { kind: 'b', n: '2' },
    ]);
  });

  it("on_schema_change='rebuild' (tsdbt's opt-in): new columns rebuild the target from the source (history recomputed), with no temporary left", async () => {
    const { p, project, insert, rows } = await withSources({ 'models/by_kind.sql': OWN(BY_KIND) });
    await insert('events', events(1, 6));
    expectStatuses(await project.run(), { by_kind: 'success' });
    p.write({ 'models/by_kind.sql': OWN("select kind, count() as n, sum(id) as ids from {{ source('raw', 'events') }} group by kind", ", on_schema_change='rebuild'") });
    const r = await reopen(p).run();
    expectStatuses(r, { by_kind: 'success' });
    expect(r.results[0]!.message).toBe('OK rebuilt (columns changed): 2 rows (2 backfilled)');
    await insert('events', events(7, 2));
    expect(await rows('SELECT kind, sum(n) AS n, sum(ids) AS ids FROM $.by_kind GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'a', n: '4', ids: String(1 + 3 + 5 + 7) },
      { kind: 'b', n: '4', ids: String(2 + 4 + 6 + 8) },
    ]);
    expect(await objects(project, p.schema)).toEqual(['by_kind:SummingMergeTree', 'by_kind_mv:MaterializedView', 'clicks:MergeTree', 'events:MergeTree']);
    expect(await rows("SELECT comment FROM system.tables WHERE database = '$' AND name = 'by_kind'")).toEqual([{ comment: '' }]);
  });

  it('--full-refresh rebuilds with a backfill, or empty with catchup: false (honoured on every path)', async () => {
    const { p, project, insert, rows } = await withSources({ 'models/by_kind.sql': OWN(BY_KIND, ', catchup=false') });
    await insert('events', events(1, 6));
    const first = await project.run();
    expect(first.results[0]!.message).toBe('OK built: 0 rows (0 backfilled)');
    await insert('events', events(7, 2));
    expect(await rows('SELECT sum(n) AS n FROM $.by_kind')).toEqual([{ n: '2' }]);
    const full = await reopen(p).run({ fullRefresh: true });
    expect(full.results[0]!.message).toBe('OK rebuilt (full refresh): 0 rows (0 backfilled)');
    expect(await rows('SELECT count() AS c FROM $.by_kind')).toEqual([{ c: '0' }]);
    p.write({ 'models/by_kind.sql': OWN(BY_KIND) });
    const withCatchup = await reopen(p).run({ fullRefresh: true });
    expect(withCatchup.results[0]!.message).toBe('OK rebuilt (full refresh): 2 rows (2 backfilled)');
    expect(await rows('SELECT sum(n) AS n FROM $.by_kind')).toEqual([{ n: '8' }]);
  });
});

describe('materialized_view owning its target: schema changes', () => {
  // A `Null` ingest table keeps nothing: the rows are only in what its views wrote. A normal run must
  // never recompute the table from it (dbt-clickhouse's default on_schema_change is 'ignore').
  async function nullIngest(model: string) {
    const { p, project, insert, rows } = await withSources({ 'models/sources.yml': SOURCES + '      - name: ingest\n', 'models/by_kind.sql': OWN(model) });
    await (await project.adapter()).client.command(`CREATE TABLE ${p.schema}.ingest (id UInt64, kind String) ENGINE = Null`);
    const first = await project.run();
    expectStatuses(first, { by_kind: 'success' });
    await insert('ingest', "(1, 'a'), (2, 'b'), (3, 'a')");
    expect(await rows('SELECT kind, sum(n) AS n FROM $.by_kind GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'a', n: '2' },
      { kind: 'b', n: '1' },
    ]);
    return { p, insert, rows };
  }
  const FROM_INGEST = "select kind, count() as n from {{ source('raw', 'ingest') }} group by kind";

  it("without on_schema_change, new columns from a Null-engine source: the query is modified, the table's rows kept (as dbt-clickhouse's 'ignore'); a type change fails 'out of sync', rows kept", async () => {
    const { p, insert, rows } = await nullIngest(FROM_INGEST);
    p.write({ 'models/by_kind.sql': OWN("select kind, count() as n, max(id) as top from {{ source('raw', 'ingest') }} group by kind") });
    const r = await reopen(p).run();
    expectStatuses(r, { by_kind: 'success' });
    expect(r.results[0]!.message).toBe('OK query modified (new columns ignored)');
    expect(r.results[0]!.warnings?.join('\n') ?? '').toMatch(/top is not a column of the target.*append_new_columns/);
    await insert('ingest', "(4, 'b')");
    expect(await rows('SELECT kind, sum(n) AS n FROM $.by_kind GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'a', n: '2' },
      { kind: 'b', n: '2' },
    ]);
    p.write({ 'models/by_kind.sql': OWN("select kind, toString(count()) as n from {{ source('raw', 'ingest') }} group by kind") });
    const failed = await reopen(p).run();
    expectStatuses(failed, { by_kind: 'error' });
    expect(failed.results[0]!.message).toMatch(/out of sync\. .*New column types: \['n String'\]/);
    expect(await rows('SELECT kind, sum(n) AS n FROM $.by_kind GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'a', n: '2' },
      { kind: 'b', n: '2' },
    ]);
  });

  it('a missing view over a Null-engine source is created without a backfill: the rows kept', async () => {
    const { p, insert, rows } = await nullIngest(FROM_INGEST);
    const project = reopen(p);
    await (await project.adapter()).client.command(`DROP VIEW ${p.schema}.by_kind_mv`);
    const r = await project.run();
    expectStatuses(r, { by_kind: 'success' });
    expect(r.results[0]!.message).toBe('OK views created (no backfill)');
    expect(r.results[0]!.warnings?.join('\n') ?? '').toMatch(/by_kind_mv created without a backfill/);
    await insert('ingest', "(4, 'b')");
    expect(await rows('SELECT kind, sum(n) AS n FROM $.by_kind GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'a', n: '2' },
      { kind: 'b', n: '2' },
    ]);
  });

  it("catchup: false with on_schema_change='rebuild': new columns fail 'out of sync' and keep the rows (a rebuild would start empty); --full-refresh starts empty", async () => {
    const { p, project, insert, rows } = await withSources({ 'models/by_kind.sql': OWN(BY_KIND, ', catchup=false') });
    await insert('events', events(1, 4));
    expectStatuses(await project.run(), { by_kind: 'success' });
    await insert('events', events(5, 2));
    p.write({ 'models/by_kind.sql': OWN("select kind, count() as n, max(id) as top from {{ source('raw', 'events') }} group by kind", ", catchup=false, on_schema_change='rebuild'") });
    const r = await reopen(p).run();
    expectStatuses(r, { by_kind: 'error' });
    expect(r.results[0]!.message).toMatch(/out of sync \(with catchup: false on_schema_change='rebuild' would start the table empty/);
    expect(await rows('SELECT kind, sum(n) AS n FROM $.by_kind GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'a', n: '1' },
      { kind: 'b', n: '1' },
    ]);
    const full = await reopen(p).run({ fullRefresh: true });
    expect(full.results[0]!.message).toBe('OK rebuilt (full refresh): 0 rows (0 backfilled)');
    await insert('events', events(7, 1));
    expect(await rows('SELECT kind, n, top FROM $.by_kind')).toEqual([{ kind: 'a', n: '1', top: '7' }]);
  });

  it("on_schema_change='append_new_columns' alters the table in place and modifies the query: history kept, new column from now on", async () => {
    const { p, project, insert, rows } = await withSources({ 'models/by_kind.sql': OWN(BY_KIND, ", on_schema_change='append_new_columns'") });
    await insert('events', events(1, 4));
    expectStatuses(await project.run(), { by_kind: 'success' });
    p.write({ 'models/by_kind.sql': OWN("select kind, count() as n, max(id) as top from {{ source('raw', 'events') }} group by kind", ", on_schema_change='append_new_columns'") });
    const r = await reopen(p).run();
    expect(r.results[0]!.message).toBe('OK query modified (table altered)');
    await insert('events', events(5, 1));
    expect(await rows('SELECT kind, sum(n) AS n, max(top) AS top FROM $.by_kind GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'a', n: '3', top: '5' },
      { kind: 'b', n: '2', top: '0' },
    ]);
    p.write({ 'models/by_kind.sql': OWN("select kind, toString(count()) as n from {{ source('raw', 'events') }} group by kind", ", on_schema_change='fail'") });
    const failed = await reopen(p).run();
    expectStatuses(failed, { by_kind: 'error' });
    // dbt-clickhouse's message (errors.py schema_change_fail_error): its "source" is the table, its "target" the new SELECT.
    expect(failed.results[0]!.message).toMatch(/out of sync\. Source columns not in target: \['top UInt64'\]; Target columns not in source: \[\]; New column types: \['n String'\]/);
  });
});

describe('materialized_view writing into a table model (target: ref(...)), several views feeding one target', () => {
  const TARGET = "{{ config(materialized='table', engine='SummingMergeTree()', order_by='kind') }}\nselect '' as kind, toUInt64(0) as n where 0";
  const FROM = (table: string) => `{{ config(materialized='materialized_view', target=ref('activity')) }}\nselect kind, toUInt64(count()) as n from {{ source('raw', '${table}') }} group by kind`;

  it('builds the target with both views, backfilled; a normal run keeps it; inserts from both sources arrive', async () => {
    const { p, project, insert, rows } = await withSources({ 'models/activity.sql': TARGET, 'models/events_mv.sql': FROM('events'), 'models/clicks_mv.sql': FROM('clicks') });
    await insert('events', events(1, 3));
    await insert('clicks', "(1, 'a'), (2, 'c')");
    const r = await project.run();
    expectStatuses(r, { activity: 'success', events_mv: 'success', clicks_mv: 'success' });
    // Rows as written (a SummingMergeTree sums them on merges): events a, b; clicks a, c.
    expect(r.results.find((x) => x.node.name === 'activity')!.message).toBe('OK built: 4 rows from 2 materialized views');
    expect(r.results.find((x) => x.node.name === 'events_mv')!.message).toBe('OK unchanged');
    expect(await objects(project, p.schema)).toEqual(['activity:SummingMergeTree', 'clicks:MergeTree', 'clicks_mv:MaterializedView', 'events:MergeTree', 'events_mv:MaterializedView']);
    await insert('events', events(4, 1));
    await insert('clicks', "(3, 'c')");
    const total = () => rows('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind');
    expect(await total()).toEqual([
      { kind: 'a', n: '3' },
      { kind: 'b', n: '2' },
      { kind: 'c', n: '2' },
    ]);
    const again = await reopen(p).run();
    expect(again.results.find((x) => x.node.name === 'activity')!.message).toBe('OK kept (target of 2 materialized views)');
    expect(await total()).toEqual([
      { kind: 'a', n: '3' },
      { kind: 'b', n: '2' },
      { kind: 'c', n: '2' },
    ]);
    // --full-refresh of the target recomputes it from both views.
    const full = await reopen(p).run({ select: ['activity'], fullRefresh: true });
    expect(full.results[0]!.message).toBe('OK rebuilt (full refresh): 4 rows from 2 materialized views');
    expect(await total()).toEqual([
      { kind: 'a', n: '3' },
      { kind: 'b', n: '2' },
      { kind: 'c', n: '2' },
    ]);
  });

  it('a view added later with catchup brings its history in once; with catchup: false only new inserts', async () => {
    const { p, project, insert, rows } = await withSources({ 'models/activity.sql': TARGET, 'models/events_mv.sql': FROM('events') });
    await insert('events', events(1, 2));
    await insert('clicks', "(1, 'c')");
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
    p.write({ 'models/clicks_mv.sql': FROM('clicks') });
    const r = await reopen(p).run();
    expect(r.results.find((x) => x.node.name === 'clicks_mv')!.message).toBe('OK added: 3 rows (1 backfilled)');
    expect(await rows('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind')).toEqual([
      { kind: 'a', n: '1' },
      { kind: 'b', n: '1' },
      { kind: 'c', n: '1' },
    ]);
  });

  it('a view added with catchup inserts its own history once: rows another view captured from a Null source stay (dbt-clickhouse)', async () => {
    // The common ClickHouse ingest pattern: a Null table keeps nothing, its view's rows exist only in the target.
    const withIngest = SOURCES + '      - name: ingest\n';
    const { p, project, insert, rows } = await withSources({ 'models/sources.yml': withIngest, 'models/activity.sql': TARGET, 'models/ingest_mv.sql': FROM('ingest') });
    await (await project.adapter()).client.command(`CREATE TABLE ${p.schema}.ingest (id UInt64, kind String) ENGINE = Null`);
    await insert('clicks', "(1, 'c'), (2, 'c')");
    expectStatuses(await project.run(), { activity: 'success', ingest_mv: 'success' });
    await insert('ingest', "(1, 'x'), (2, 'x'), (3, 'y')");
    const total = () => rows('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind');
    expect(await total()).toEqual([
      { kind: 'x', n: '2' },
      { kind: 'y', n: '1' },
    ]);
    p.write({ 'models/clicks_mv.sql': FROM('clicks') });
    const r = await reopen(p).run();
    expectStatuses(r, { activity: 'success', ingest_mv: 'success', clicks_mv: 'success' });
    expect(r.results.find((x) => x.node.name === 'clicks_mv')!.message).toBe('OK added: 3 rows (1 backfilled)');
    expect(await total()).toEqual([
      { kind: 'c', n: '2' },
      { kind: 'x', n: '2' },
      { kind: 'y', n: '1' },
    ]);
    // Both views capture from now on; a normal run changes nothing.
    await insert('ingest', "(4, 'y')");
    await insert('clicks', "(3, 'c')");
    expect((await reopen(p).run()).results.find((x) => x.node.name === 'clicks_mv')!.message).toBe('OK unchanged');
    expect(await total()).toEqual([
      { kind: 'c', n: '3' },
      { kind: 'x', n: '2' },
      { kind: 'y', n: '2' },
    ]);
  });

  it('--full-refresh of one view beside a view over a Null source is refused, the rows kept (a recompute lost the sibling\'s rows; dbt-clickhouse doubles the view\'s)', async () => {
    const withIngest = SOURCES + '      - name: ingest\n';
    const { p, project, insert, rows } = await withSources({ 'models/sources.yml': withIngest, 'models/activity.sql': TARGET, 'models/ingest_mv.sql': FROM('ingest'), 'models/events_mv.sql': FROM('events') });
    await (await project.adapter()).client.command(`CREATE TABLE ${p.schema}.ingest (id UInt64, kind String) ENGINE = Null`);
    await insert('events', events(1, 3));
    expectStatuses(await project.run(), { activity: 'success', ingest_mv: 'success', events_mv: 'success' });
    await insert('ingest', "(1, 'x'), (2, 'x'), (3, 'y')");
    const total = () => rows('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind');
    const before = [
      { kind: 'a', n: '2' },
      { kind: 'b', n: '1' },
      { kind: 'x', n: '2' },
      { kind: 'y', n: '1' },
    ];
    expect(await total()).toEqual(before);
    const r = await reopen(p).run({ select: ['events_mv'], fullRefresh: true });
    expectStatuses(r, { events_mv: 'error' });
    expect(r.results[0]!.message).toMatch(/Materialized view events_mv: --full-refresh would recompute its target \S+\.activity .*ingest_mv \(it fires on \S+\.ingest, a Null table/);
    expect(await total()).toEqual(before);
    // Both views still capture.
    await insert('ingest', "(4, 'y')");
    await insert('events', events(4, 1));
    expect(await total()).toEqual([{ kind: 'a', n: '2' }, { kind: 'b', n: '2' }, { kind: 'x', n: '2' }, { kind: 'y', n: '2' }]);
    // A full refresh of the target itself (and of every view with it) is what the user asked for: one rebuild, each view reports it.
    const all = await reopen(p).run({ fullRefresh: true });
    expectStatuses(all, { activity: 'success', ingest_mv: 'success', events_mv: 'success' });
    expect(all.results.find((x) => x.node.name === 'events_mv')!.message).toBe('OK rebuilt with its target activity (full refresh)');
    expect(await total()).toEqual([{ kind: 'a', n: '2' }, { kind: 'b', n: '2' }]);
  });

  it('--full-refresh of one view beside a view over a ReplacingMergeTree source is refused: the source keeps only the last version of what the view counted', async () => {
    const { p, project, insert, rows } = await withSources({ 'models/activity.sql': TARGET, 'models/events_mv.sql': FROM('events'), 'models/clicks_mv.sql': FROM('clicks') });
    const adapter = await project.adapter();
    await adapter.client.command(`DROP TABLE ${p.schema}.clicks`);
    await adapter.client.command(`CREATE TABLE ${p.schema}.clicks (id UInt64, kind String) ENGINE = ReplacingMergeTree ORDER BY id`);
    await insert('events', events(1, 3));
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success', clicks_mv: 'success' });
    // Two versions of click 1: the view counted both as they came in; the source keeps the last once merged.
    await insert('clicks', "(1, 'c')");
    await insert('clicks', "(1, 'c')");
    await adapter.client.command(`OPTIMIZE TABLE ${p.schema}.clicks FINAL`);
    const total = () => rows('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind');
    const before = [
      { kind: 'a', n: '2' },
      { kind: 'b', n: '1' },
      { kind: 'c', n: '2' },
    ];
    expect(await total()).toEqual(before);
    const r = await reopen(p).run({ select: ['events_mv'], fullRefresh: true });
    expectStatuses(r, { events_mv: 'error' });
    expect(r.results[0]!.message).toMatch(/clicks_mv \(it fires on \S+\.clicks, a ReplacingMergeTree table/);
    expect(await total()).toEqual(before);
  });

  it('--full-refresh of one view beside a catchup: false view is refused; beside views whose sources keep every row it recomputes the target exactly', async () => {
    const { p, project, insert, rows } = await withSources({
      'models/activity.sql': TARGET,
      'models/events_mv.sql': FROM('events'),
      'models/clicks_mv.sql': FROM('clicks').replace("target=ref('activity')", "target=ref('activity'), catchup=False"),
    });
    await insert('events', events(1, 3));
    await insert('clicks', "(1, 'c')");
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success', clicks_mv: 'success' });
    await insert('clicks', "(2, 'c'), (3, 'd')");
    const total = () => rows('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind');
    const before = [
      { kind: 'a', n: '2' },
      { kind: 'b', n: '1' },
      { kind: 'c', n: '1' },
      { kind: 'd', n: '1' },
    ];
    expect(await total()).toEqual(before);
    const r = await reopen(p).run({ select: ['events_mv'], fullRefresh: true });
    expectStatuses(r, { events_mv: 'error' });
    expect(r.results[0]!.message).toMatch(/clicks_mv \(catchup: false/);
    expect(await total()).toEqual(before);
    // With catchup now on, recomputing would add clicks' history (c: 1 -> 2), a change to a view not selected: refused too.
    p.write({ 'models/clicks_mv.sql': FROM('clicks') });
    expect((await reopen(p).run({ select: ['clicks_mv'] })).results[0]!.message).toBe('OK unchanged');
    const adding = await reopen(p).run({ select: ['events_mv'], fullRefresh: true });
    expectStatuses(adding, { events_mv: 'error' });
    expect(adding.results[0]!.message).toMatch(/the table is not what they give: .*1 row it does not hold would come in \(history a view never brought in/);
    expect(await total()).toEqual(before);
    // The target recomputed (as asked), a full refresh of events_mv recomputes it from both sources exactly: no row twice.
    expect((await reopen(p).run({ select: ['activity'], fullRefresh: true })).results[0]!.message).toBe('OK rebuilt (full refresh): 4 rows from 2 materialized views');
    const ok = await reopen(p).run({ select: ['events_mv'], fullRefresh: true });
    expectStatuses(ok, { events_mv: 'success' });
    expect(ok.results[0]!.message).toBe('OK rebuilt its target (full refresh): 4 rows (4 backfilled)');
    expect(await total()).toEqual([{ kind: 'a', n: '2' }, { kind: 'b', n: '1' }, { kind: 'c', n: '2' }, { kind: 'd', n: '1' }]);
  });

  it('--full-refresh of one view is refused when the table holds rows no view gives back (a manual backfill), the rows kept; exact again once they are gone', async () => {
    const { p, project, insert, rows } = await withSources({ 'models/activity.sql': TARGET, 'models/events_mv.sql': FROM('events'), 'models/clicks_mv.sql': FROM('clicks') });
    await insert('events', events(1, 3));
    await insert('clicks', "(1, 'c')");
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success', clicks_mv: 'success' });
    await insert('events', events(4, 1));
    // History loaded into the table by hand: no view's source has it.
    await insert('activity', "('old', 7)");
    const total = () => rows('SELECT kind, sum(n) AS n FROM $.activity GROUP BY kind ORDER BY kind');
    const before = [
      { kind: 'a', n: '2' },
      { kind: 'b', n: '2' },
      { kind: 'c', n: '1' },
      { kind: 'old', n: '7' },
    ];
    expect(await total()).toEqual(before);
    p.write({ 'models/events_mv.sql': FROM('events').replace('select kind,', 'select upper(kind) as kind,') });
    const r = await reopen(p).run({ select: ['events_mv'], fullRefresh: true });
    expectStatuses(r, { events_mv: 'error' });
    expect(r.results[0]!.message).toMatch(/events_mv: --full-refresh would recompute its target \S+\.activity from every view's source, but the table is not what they give: 1 row of it that no view's source gives back would be lost or changed \(inserted into the table directly/);
    expect(await total()).toEqual(before);
    expect(await objects(project, p.schema)).toEqual(['activity:SummingMergeTree', 'clicks:MergeTree', 'clicks_mv:MaterializedView', 'events:MergeTree', 'events_mv:MaterializedView']);
    // The views still capture.
    await insert('clicks', "(2, 'c')");
    expect(await total()).toEqual([{ kind: 'a', n: '2' }, { kind: 'b', n: '2' }, { kind: 'c', n: '2' }, { kind: 'old', n: '7' }]);
    // The hand-made rows gone, the table is exactly what its views give: only events_mv's rows change.
    await (await project.adapter()).client.command(`ALTER TABLE ${p.schema}.activity DELETE WHERE kind = 'old' SETTINGS mutations_sync = 2`);
    const ok = await reopen(p).run({ select: ['events_mv'], fullRefresh: true });
    expectStatuses(ok, { events_mv: 'success' });
    expect(await total()).toEqual([{ kind: 'A', n: '2' }, { kind: 'B', n: '2' }, { kind: 'c', n: '2' }]);
  });

  it('a view whose columns do not fit the target is an error naming the columns; a table target is required', async () => {
    const { p, project } = await withSources({ 'models/activity.sql': TARGET, 'models/events_mv.sql': FROM('events') });
    expectStatuses(await project.run(), { activity: 'success', events_mv: 'success' });
    p.write({ 'models/events_mv.sql': "{{ config(materialized='materialized_view', target=ref('activity')) }}\nselect kind, count() as n, 1 as extra from {{ source('raw', 'events') }} group by kind" });
    const r = await reopen(p).run({ select: ['events_mv'] });
    expectStatuses(r, { events_mv: 'error' });
    expect(r.results[0]!.message).toMatch(/does not fit its target .*activity: extra is not a column of the target/);
    p.write({ 'models/activity.sql': "{{ config(materialized='view') }}\nselect '' as kind, toUInt64(0) as n" });
    const v = await reopen(p).run({ select: ['events_mv'] });
    expect(v.results[0]!.message).toMatch(/The target 'activity' of materialized view events_mv is materialized as view; it must be a table/);
  });
});
