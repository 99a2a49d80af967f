import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { CLI } from '../../helpers/cli.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const SOURCES = `version: 2
sources:
  - name: raw
    schema: "{{ target.schema }}"
    tables:
      - name: events
        config:
          event_time: ts
      - name: kinds
`;

const MODEL = (extra = '', select = "select e.id, e.ts, e.v, k.label from {{ source('raw', 'events') }} e left join {{ source('raw', 'kinds') }} k on k.v = e.v") =>
  `{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day', begin='2024-01-01', order_by='id'${extra}) }}\n${select}`;

/** A project over `events` (5 days of rows, 3 a day) and `kinds` (no event_time: never filtered). */
async function withEvents(files: Record<string, string>) {
  const { p, project } = setup({ 'models/sources.yml': SOURCES, ...files });
  const adapter = await project.adapter();
  const sql = (s: string) => adapter.client.command(s.replaceAll('$', p.schema));
  await adapter.ensureDatabase(p.schema);
  await sql('CREATE TABLE $.events (id UInt64, ts DateTime, v String) ENGINE = MergeTree ORDER BY id');
  await sql("INSERT INTO $.events SELECT number, toDateTime('2024-01-01 00:00:00') + number * 8 * 3600, 'a' FROM numbers(15)");
  await sql("CREATE TABLE $.kinds (v String, label String) ENGINE = MergeTree ORDER BY v");
  await sql("INSERT INTO $.kinds VALUES ('a', 'alpha'), ('b', 'beta')");
  return { p, project, sql, rows: <T = Record<string, unknown>>(s: string) => queryRows<T>(project, s.replaceAll('$', p.schema)) };
}

const FIVE_DAYS = { eventTimeStart: '2024-01-01', eventTimeEnd: '2024-01-06' };

function runResult(project: TsdbtProject, name: string): Record<string, unknown> {
  const results = JSON.parse(readFileSync(join(project.targetDir, 'run_results.json'), 'utf8')) as { results: { unique_id: string }[] };
  return results.results.find((r) => r.unique_id.endsWith(`.${name}`)) as Record<string, unknown>;
}

async function mutations(project: TsdbtProject, schema: string): Promise<number> {
  const [row] = await queryRows<{ n: string }>(project, `SELECT count() AS n FROM system.mutations WHERE database = '${schema}' AND table = 'mb'`);
  return Number(row!.n);
}

describe('incremental_strategy: microbatch', () => {
  it('builds batch by batch, inputs with an event_time read within each batch, batch results in run_results', async () => {
    const { p, project, rows } = await withEvents({ 'models/mb.sql': MODEL(", partition_by='toYYYYMMDD(ts)'") });
    const r = await project.run(FIVE_DAYS);
    expectStatuses(r, { mb: 'success' });
    expect(r.results[0]!.message).toBe('OK 5 batches, 15 rows');
    expect(await rows('SELECT toDate(ts) AS d, count() AS n, any(label) AS label FROM $.mb GROUP BY d ORDER BY d')).toEqual(
      ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map((d) => ({ d, n: '3', label: 'alpha' })),
    );
    // The last batch's SQL: the source with an event_time is filtered, the one without is not.
    expect(r.results[0]!.compiledCode).toMatch(new RegExp(`\\(select \\* from \`${p.schema}\`\\.\`events\` where ts >= toDateTime\\('2024-01-05 00:00:00', 'UTC'\\) and ts < toDateTime\\('2024-01-06 00:00:00', 'UTC'\\)\\) e`));
    expect(r.results[0]!.compiledCode).toMatch(new RegExp(`\`${p.schema}\`\\.\`kinds\` k`));
    expect(runResult(project, 'mb').batch_results).toEqual({
      successful: [1, 2, 3, 4, 5].map((d) => [`2024-01-0${d}T00:00:00+00:00`, `2024-01-0${d + 1}T00:00:00+00:00`]),
      failed: [],
    });
  });

  it('a batch whose rows are whole partitions is replaced with REPLACE PARTITION (no mutation); late rows come in, deleted ones go', async () => {
    const { project, sql, rows, p } = await withEvents({ 'models/mb.sql': MODEL(", partition_by='toYYYYMMDD(ts)'") });
    expectStatuses(await project.run(FIVE_DAYS), { mb: 'success' });
    await sql("INSERT INTO $.events VALUES (100, '2024-01-03 23:00:00', 'b')");
    await sql("ALTER TABLE $.events DELETE WHERE id = 6 SETTINGS mutations_sync = 2"); // 2024-01-03 00:00
    const before = await mutations(project, p.schema);
    const r = await setup.reopen(p).run({ eventTimeStart: '2024-01-03', eventTimeEnd: '2024-01-04' });
    expectStatuses(r, { mb: 'success' });
    expect(r.results[0]!.message).toBe('OK 1 batch, 3 rows');
    expect(await mutations(project, p.schema)).toBe(before);
    expect(await rows("SELECT id, label FROM $.mb WHERE toDate(ts) = '2024-01-03' ORDER BY id")).toEqual([
      { id: '7', label: 'alpha' },
      { id: '8', label: 'alpha' },
      { id: '100', label: 'beta' },
    ]);
    expect(await rows('SELECT count() AS n FROM $.mb')).toEqual([{ n: '15' }]);
  });

  it('without a fitting partition key a batch rewrites the partitions it touches in one ALTER (no DELETE, no mutation)', async () => {
    const { project, sql, rows, p } = await withEvents({ 'models/mb.sql': MODEL() });
    expectStatuses(await project.run(FIVE_DAYS), { mb: 'success' });
    await sql("ALTER TABLE $.events UPDATE v = 'b' WHERE id IN (3, 4) SETTINGS mutations_sync = 2"); // 2024-01-02
    const before = await mutations(project, p.schema);
    const r = await setup.reopen(p).run({ eventTimeStart: '2024-01-02', eventTimeEnd: '2024-01-03' });
    expectStatuses(r, { mb: 'success' });
    expect(await mutations(project, p.schema)).toBe(before);
    expect(await rows('SELECT id, label FROM $.mb WHERE id BETWEEN 2 AND 6 ORDER BY id')).toEqual([
      { id: '2', label: 'alpha' },
      { id: '3', label: 'beta' },
      { id: '4', label: 'beta' },
      { id: '5', label: 'alpha' },
      { id: '6', label: 'alpha' },
    ]);
    expect(await rows('SELECT count() AS n FROM $.mb')).toEqual([{ n: '15' }]);
    // An incremental run without flags: the lookback batch and the current one (today, nothing there).
    const today = await setup.reopen(p).run();
    expectStatuses(today, { mb: 'success' });
    expect((runResult(project, 'mb').batch_results as { successful: unknown[] }).successful).toHaveLength(2);
    expect(await rows('SELECT count() AS n FROM $.mb')).toEqual([{ n: '15' }]);
  });

  it('a failing batch is retried alone, then reported: partial success, its dependents skipped, the others done', async () => {
    const failing = MODEL(", partition_by='toYYYYMMDD(ts)'", "select id, ts, v, throwIf(toDate(ts) = toDate('2024-01-03')) as boom from {{ source('raw', 'events') }}");
    const { project, rows, p } = await withEvents({ 'models/mb.sql': failing, 'models/after.sql': "select count() as n from {{ ref('mb') }}" });
    const r = await project.run(FIVE_DAYS);
    expectStatuses(r, { mb: 'partial success', after: 'skipped' });
    expect(r.success).toBe(false);
    expect(r.results.find((x) => x.node.name === 'mb')!.message).toBe('PARTIAL SUCCESS (4/5)');
    expect(r.results.find((x) => x.node.name === 'mb')!.warnings.join('\n')).toMatch(/batch 2024-01-03T00:00:00\+00:00 failed: .*throwIf/);
    expect(runResult(project, 'mb').batch_results).toEqual({
      successful: [1, 2, 4, 5].map((d) => [`2024-01-0${d}T00:00:00+00:00`, `2024-01-0${d + 1}T00:00:00+00:00`]),
      failed: [['2024-01-03T00:00:00+00:00', '2024-01-04T00:00:00+00:00']],
    });
    expect(runResult(project, 'mb').status).toBe('partial success');
    expect(await rows('SELECT count() AS n FROM $.mb')).toEqual([{ n: '12' }]);
    const logs = p.events.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message);
    expect(logs.filter((m) => m.startsWith('batch 2024-01-03 of mb'))).toEqual([expect.stringMatching(/failed, trying it again/), 'batch 2024-01-03 of mb: ERROR']);
  });

  it('a batch whose INSERT wrote its rows but failed (its answer lost) has them removed and is tried again: every row once in a first build', async () => {
    const { project, rows } = await withEvents({ 'models/mb.sql': MODEL(", partition_by='toYYYYMMDD(ts)'") });
    const client = (await project.adapter()).client as unknown as { command: (sql: string, ...rest: unknown[]) => Promise<unknown> };
    const command = client.command.bind(client);
    let lost = 0;
    client.command = async (sql, ...rest) => {
      const result = await command(sql, ...rest);
      if (lost === 0 && /^INSERT INTO/.test(sql) && sql.includes(">= toDateTime('2024-01-03 00:00:00'")) {
        lost++;
        throw new Error('socket hang up (the statement ran; its answer was lost)');
      }
      return result;
    };
    const r = await project.run(FIVE_DAYS);
    expect(lost).toBe(1);
    expectStatuses(r, { mb: 'success' });
    expect(runResult(project, 'mb').batch_results).toEqual({ successful: [1, 2, 3, 4, 5].map((d) => [`2024-01-0${d}T00:00:00+00:00`, `2024-01-0${d + 1}T00:00:00+00:00`]), failed: [] });
    expect(await rows('SELECT count() AS n, uniqExact(id) AS ids FROM $.mb')).toEqual([{ n: '15', ids: '15' }]);
  });

  // One-row blocks written as they come: the batch's INSERT writes row 6 (and 7), then fails on row 8.
  const ROW_BY_ROW = ", partition_by='toYYYYMMDD(ts)', query_settings={'max_block_size': 1, 'min_insert_block_size_rows': 1, 'min_insert_block_size_bytes': 1, 'max_threads': 1}";

  it('a first build\'s batch that wrote PART of its rows before failing keeps none of them: reported failed with its window empty, or tried again exactly', async () => {
    // The batch's ids (its window of events) streamed from numbers() one row per block: written as they come.
    const failing = MODEL(
      ROW_BY_ROW,
      "select n.number as id, toDateTime('2024-01-01 00:00:00') + n.number * 8 * 3600 as ts, 'a' as v, throwIf(n.number = 8 and (select count() from {{ source('raw', 'kinds') }} where v = 'flaky') = 0) as boom\nfrom numbers(15) n where n.number in (select id from {{ source('raw', 'events') }})",
    );
    const { p, project, sql, rows } = await withEvents({ 'models/mb.sql': failing });
    // Always failing on row 8: the batch fails twice, none of its rows stay (rows 6 and 7 were in the table).
    const r = await project.run(FIVE_DAYS);
    expectStatuses(r, { mb: 'partial success' });
    expect(runResult(project, 'mb').batch_results).toMatchObject({ failed: [['2024-01-03T00:00:00+00:00', '2024-01-04T00:00:00+00:00']] });
    expect(await rows("SELECT count() AS n, countIf(toDate(ts) = '2024-01-03') AS day3 FROM $.mb")).toEqual([{ n: '12', day3: '0' }]);
    // Failing on the first attempt only (the client marks it failed, as a flaky error would): the retry writes the batch once.
    const next = setup.reopen(p);
    const client = (await next.adapter()).client as unknown as { command: (sql: string, ...rest: unknown[]) => Promise<unknown> };
    const command = client.command.bind(client);
    let failures = 0;
    client.command = async (text, ...rest) => {
      try {
        return await command(text, ...rest);
      } catch (error) {
        if (/^INSERT INTO/.test(text) && failures++ === 0) await sql("INSERT INTO $.kinds VALUES ('flaky', '')");
        throw error;
      }
    };
    const again = await next.run({ ...FIVE_DAYS, fullRefresh: true });
    expect(failures).toBe(1);
    expectStatuses(again, { mb: 'success' });
    expect(await rows('SELECT count() AS n, uniqExact(id) AS ids FROM $.mb')).toEqual([{ n: '15', ids: '15' }]);
  });

  it('when the first batch fails the others are skipped and the previous table stays', async () => {
    const { project, rows, p } = await withEvents({ 'models/mb.sql': MODEL(", partition_by='toYYYYMMDD(ts)'") });
    expectStatuses(await project.run(FIVE_DAYS), { mb: 'success' });
    p.write({ 'models/mb.sql': MODEL('', "select id, ts, v, throwIf(toDate(ts) = toDate('2024-01-01')) as boom from {{ source('raw', 'events') }}") });
    const r = await setup.reopen(p).run({ ...FIVE_DAYS, fullRefresh: true });
    expectStatuses(r, { mb: 'error' });
    expect(runResult(project, 'mb').batch_results).toMatchObject({ successful: [], failed: expect.arrayContaining([['2024-01-02T00:00:00+00:00', '2024-01-03T00:00:00+00:00']]) });
    expect(await rows('SELECT count() AS n FROM $.mb')).toEqual([{ n: '15' }]);
  });

  it('model.batch in the SQL; concurrent_batches runs the middle batches side by side with the same result', async () => {
    const { project, rows } = await withEvents({
      'models/mb.sql': MODEL(", concurrent_batches=true", "select id, ts, '{{ model.batch.id }}' as batch, '{{ model.batch.event_time_start }}' as batch_start from {{ source('raw', 'events') }}"),
    });
    expectStatuses(await project.run(FIVE_DAYS), { mb: 'success' });
    expect(await rows("SELECT DISTINCT batch, batch_start FROM $.mb WHERE toDate(ts) = '2024-01-04'")).toEqual([{ batch: '20240104', batch_start: '2024-01-04 00:00:00+00:00' }]);
    expect(await rows('SELECT count() AS n, uniqExact(batch) AS b FROM $.mb')).toEqual([{ n: '15', b: '5' }]);
  });

  it('concurrent batches sharing a partition (monthly partitions, daily batches) never overwrite each other', async () => {
    const { p, project, sql, rows } = await withEvents({ 'models/mb.sql': MODEL(", concurrent_batches=true, partition_by='toYYYYMM(ts)'") });
    expectStatuses(await project.run(FIVE_DAYS), { mb: 'success' });
    await sql("INSERT INTO $.events SELECT 100 + number, toDateTime('2024-01-01 12:00:00') + number * 86400, 'b' FROM numbers(5)");
    const r = await setup.reopen(p).run(FIVE_DAYS);
    expectStatuses(r, { mb: 'success' });
    expect(await rows('SELECT toDate(ts) AS d, count() AS n, countIf(label = \'beta\') AS b FROM $.mb GROUP BY d ORDER BY d')).toEqual(
      ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map((d) => ({ d, n: '4', b: '1' })),
    );
  });

  it("config errors are dbt's parse errors; --event-time-start needs --event-time-end", async () => {
    const { p } = await withEvents({ 'models/mb.sql': MODEL() });
    p.write({ 'models/mb.sql': "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='week', begin='2024-01-01') }}\nselect 1 as x" });
    expect(() => setup.reopen(p)).toThrow(/Microbatch model 'mb' must provide a 'batch_size' config that is one of \["hour","day","month","year"\], but got: week/);
    p.write({ 'models/mb.sql': "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day') }}\nselect 1 as x" });
    expect(() => setup.reopen(p)).toThrow(/must provide a 'begin' \(datetime\) config/);
    p.write({ 'models/mb.sql': MODEL() });
    await expect(setup.reopen(p).run({ eventTimeStart: '2024-01-01' })).rejects.toThrow(/`--event-time-start` was specified, but `--event-time-end` was not/);
    await expect(setup.reopen(p).run({ eventTimeStart: '2024-01-03', eventTimeEnd: '2024-01-02' })).rejects.toThrow(/must be less than `--event-time-end`/);
    // The CLI: a usage error (exit 2), found before any warehouse is opened.
    const cli = spawnSync(process.execPath, [CLI, 'run', '--project-dir', p.dir, '--event-time-end', '2024-01-02'], { encoding: 'utf8' });
    expect(cli.status).toBe(2);
    expect(cli.stdout + cli.stderr).toMatch(/`--event-time-end` was specified, but `--event-time-start` was not/);
  });
});
