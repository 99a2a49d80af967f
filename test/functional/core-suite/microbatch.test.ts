import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/microbatch/test_microbatch.py (1.11): batch failures and partial success,
 * retry of the failed batches, model.config.__dbt_internal_microbatch_event_time_start/_end,
 * pre-hook on the first batch and post-hook on the last, full_refresh=False. dbt's
 * patch_microbatch_end_time("2020-01-03 13:57:00") is `--event-time-end` here (tsdbt's "now" is
 * the run's start); the first run also gives dbt's begin as `--event-time-start`.
 * TestMicrobatchRetriesPartialSuccesses / TestMicrobatchMultipleRetries: `retry` runs only the failed
 * batches (dbt's batch_map) and the summary lines are dbt 1.10's.
 */
const INPUT = `
{{ config(materialized='table', event_time='event_time') }}

select 1 as id, TIMESTAMP '2020-01-01 00:00:00-0' as event_time
union all
select 2 as id, TIMESTAMP '2020-01-02 00:00:00-0' as event_time
union all
select 3 as id, TIMESTAMP '2020-01-03 00:00:00-0' as event_time
`;
const CONFIG = "materialized='incremental', incremental_strategy='microbatch', unique_key='id', event_time='event_time', batch_size='day', begin=modules.datetime.datetime(2020, 1, 1, 0, 0, 0)";
const MICROBATCH = `\n{{ config(${CONFIG}) }}\nselect * from {{ ref('input_model') }}\n`;
const failingWhen = (condition: string) => `\n{{ config(${CONFIG}) }}\n{% if ${condition} %}\n invalid_sql\n{% endif %}\nselect * from {{ ref('input_model') }}\n`;
const SECOND_BATCH_FAILS_BY_CONFIG = failingWhen("'2020-01-02' in (model.config.__dbt_internal_microbatch_event_time_start | string)");
const FIRST_BATCH_FAILS = failingWhen("'2020-01-01' in (model.config.__dbt_internal_microbatch_event_time_start | string)");
const SECOND_BATCH_FAILS_BY_ID = failingWhen("'20200102' == model.batch.id");
const DOWNSTREAM = "\nSELECT * FROM {{ ref('microbatch_model') }}\n";
const WINDOW = ['--event-time-start', '2020-01-01', '--event-time-end', '2020-01-03 13:57:00'];

async function rowCount(p: DbtProject, relation: string): Promise<number> {
  const [row] = await p.query<{ n: string }>(`select count(*) as n from {schema}.${relation}`);
  return Number(row!.n);
}

const result = (p: DbtProject, name: string) =>
  (p.readJson('target/run_results.json').results as { unique_id: string; status: string; batch_results: { successful: unknown[]; failed: unknown[] } | null }[]).find((r) =>
    r.unique_id.endsWith(`.${name}`),
  )!;

describe('microbatch/test_microbatch.py', () => {
  it('TestMicrobatchIncrementalBatchFailure: a failing middle batch (by model.config.__dbt_internal_microbatch_event_time_start) is a partial success, its downstream skipped', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': SECOND_BATCH_FAILS_BY_CONFIG, 'downstream_model.sql': DOWNSTREAM } });
    await p.dbt(['run', ...WINDOW], { expectPass: false });
    expect(await rowCount(p, 'microbatch_model')).toBe(2);
    const mb = result(p, 'microbatch_model');
    expect(mb.status).toBe('partial success');
    expect(mb.batch_results!.successful).toHaveLength(2);
    expect(mb.batch_results!.failed).toHaveLength(1);
    expect(result(p, 'downstream_model').status).toBe('skipped');
  });

  const batchLines = (out: string[]) => out.filter((l) => /batch \d{4}-\d\d-\d\d of microbatch_model: /.test(l)).map((l) => l.slice(l.indexOf('batch ')));

  it('TestMicrobatchRetriesPartialSuccesses: retry runs only the failed batch; the run says "Completed with 1 partial success"', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': SECOND_BATCH_FAILS_BY_CONFIG } });
    const run = (await p.dbt(['run', ...WINDOW], { expectPass: false })).out.join('\n');
    expect(run).toContain('PARTIAL SUCCESS (2/3)');
    expect(run).toContain('Completed with 1 partial success and 0 warnings');
    expect(run).toContain('Done. PASS=1 WARN=0 ERROR=1 SKIP=0 NO-OP=0 TOTAL=2');
    expect(await rowCount(p, 'microbatch_model')).toBe(2);
    const mb = result(p, 'microbatch_model');
    expect(mb.status).toBe('partial success');
    expect(mb.batch_results!.successful).toHaveLength(2);
    expect(mb.batch_results!.failed).toHaveLength(1);
    p.write({ 'models/microbatch_model.sql': MICROBATCH });
    const retry = await p.dbt(['retry']);
    const out = retry.out.join('\n');
    expect(out).not.toContain('PARTIAL SUCCESS');
    expect(out).not.toContain('Completed with 1 partial success');
    expect(out).toContain('Completed successfully');
    // Only the batch that failed ran again (the two others were done).
    expect(batchLines(retry.out)).toEqual(['batch 2020-01-02 of microbatch_model: OK']);
    expect(await rowCount(p, 'microbatch_model')).toBe(3);
    // The result lists the batches done before too (dbt's merge_batch_results).
    expect(result(p, 'microbatch_model').batch_results).toEqual({
      successful: [
        ['2020-01-02T00:00:00+00:00', '2020-01-03T00:00:00+00:00'],
        ['2020-01-01T00:00:00+00:00', '2020-01-02T00:00:00+00:00'],
        ['2020-01-03T00:00:00+00:00', '2020-01-04T00:00:00+00:00'],
      ],
      failed: [],
    });
  });

  it('TestMicrobatchMultipleRetries: a batch that fails again is the retry\'s error, retried again alone', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': SECOND_BATCH_FAILS_BY_CONFIG } });
    const run = (await p.dbt(['run', ...WINDOW], { expectPass: false })).out.join('\n');
    expect(run).toContain('PARTIAL SUCCESS (2/3)');
    expect(run).toContain('Completed with 1 partial success');
    expect(await rowCount(p, 'microbatch_model')).toBe(2);
    for (let i = 0; i < 2; i++) {
      const retry = await p.dbt(['retry'], { expectPass: false });
      const out = retry.out.join('\n');
      expect(out).not.toContain('PARTIAL SUCCESS');
      expect(out).toContain('ERROR');
      expect(out).toContain('Completed with 1 error, 0 partial successes, and 0 warnings');
      expect(batchLines(retry.out).filter((l) => !l.includes("trying it again"))).toEqual(['batch 2020-01-02 of microbatch_model: ERROR']);
      expect(await rowCount(p, 'microbatch_model')).toBe(2);
      const mb = result(p, 'microbatch_model');
      expect(mb.status).toBe('error');
      expect(mb.batch_results!.successful).toHaveLength(2);
      expect(mb.batch_results!.failed).toHaveLength(1);
    }
  });

  it('(tsdbt) retry of a --full-refresh partial success adds the failed batch to the table, keeping the batches done then', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': MICROBATCH } });
    await p.dbt(['run', ...WINDOW]);
    p.write({ 'models/microbatch_model.sql': SECOND_BATCH_FAILS_BY_CONFIG });
    await p.dbt(['run', '--full-refresh', ...WINDOW], { expectPass: false });
    expect(result(p, 'microbatch_model').status).toBe('partial success');
    expect(await rowCount(p, 'microbatch_model')).toBe(2);
    p.write({ 'models/microbatch_model.sql': MICROBATCH });
    // The retry keeps the run's --full-refresh, but the table now holds that run's batches: only the failed one is added.
    const retry = await p.dbt(['retry']);
    expect(batchLines(retry.out)).toEqual(['batch 2020-01-02 of microbatch_model: OK']);
    expect(await p.query('select id from {schema}.microbatch_model order by id')).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('TestMicrobatchInitialBatchFailure: the first batch failing skips the others and leaves no table', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': FIRST_BATCH_FAILS } });
    await p.dbt(['run', ...WINDOW], { expectPass: false });
    expect(result(p, 'microbatch_model').status).toBe('error');
    expect(await p.relationTypes(['microbatch_model'])).toEqual({ microbatch_model: undefined });
    // The first batch failed and the others were skipped: all three listed failed (dbt's merge_batch_results), on a first build too.
    expect(result(p, 'microbatch_model').batch_results).toEqual({
      successful: [],
      failed: [
        ['2020-01-01T00:00:00+00:00', '2020-01-02T00:00:00+00:00'],
        ['2020-01-02T00:00:00+00:00', '2020-01-03T00:00:00+00:00'],
        ['2020-01-03T00:00:00+00:00', '2020-01-04T00:00:00+00:00'],
      ],
    });
  });

  // dbt 1.11: a retry recomputes the batches of a model that failed as a whole from the retried run's
  // invocation_started_at (run_results metadata), not from now. dbt patches the first run's end time;
  // here the first run ends now (its batches from 2020 on all fail: the first fails, the rest skipped).
  for (const command of ['run', 'build'])
    it(`TestMicrobatch${command === 'build' ? 'Build' : ''}RetryUsesOriginalInvocationTime: retry builds the batches up to the retried ${command}'s start`, async () => {
      const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': `\n{{ config(${CONFIG}) }}\n invalid_sql\nselect * from {{ ref('input_model') }}\n` } });
      await p.dbt([command], { expectPass: false });
      const runResults = p.readJson('target/run_results.json') as { metadata: Record<string, unknown>; results: { unique_id: string; status: string }[] };
      expect(result(p, 'microbatch_model').status).toBe('error');
      expect(typeof runResults.metadata.invocation_started_at).toBe('string');
      runResults.metadata.invocation_started_at = '2020-01-03T13:57:00Z';
      p.write({ 'target/run_results.json': JSON.stringify(runResults), 'models/microbatch_model.sql': MICROBATCH });
      const retry = await p.dbt(['retry']);
      expect(batchLines(retry.out)).toEqual(['batch 2020-01-01 of microbatch_model: OK', 'batch 2020-01-02 of microbatch_model: OK', 'batch 2020-01-03 of microbatch_model: OK']);
      expect(await rowCount(p, 'microbatch_model')).toBe(3);
      // The retry's own run_results say when it started.
      const own = String((p.readJson('target/run_results.json') as { metadata: Record<string, unknown> }).metadata.invocation_started_at);
      expect(Number.isNaN(Date.parse(own))).toBe(false);
      expect(Date.parse(own)).not.toBe(Date.parse('2020-01-03T13:57:00Z'));
    });

  it('TestMicrobatchSecondBatchFailure: a failing batch by model.batch.id', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': SECOND_BATCH_FAILS_BY_ID } });
    await p.dbt(['run', ...WINDOW], { expectPass: false });
    expect(await rowCount(p, 'microbatch_model')).toBe(2);
  });

  it('TestMicrobatchJinjaContextVarsAvailable: model.config.__dbt_internal_microbatch_event_time_start/_end and model.batch per batch', async () => {
    const model = `
{{ config(${CONFIG}) }}
{{ log("start: "~ model.config.__dbt_internal_microbatch_event_time_start, info=True)}}
{{ log("end: "~ model.config.__dbt_internal_microbatch_event_time_end, info=True)}}
{% if model.batch %}
{{ log("batch.event_time_start: "~ model.batch.event_time_start, info=True)}}
{{ log("batch.event_time_end: "~ model.batch.event_time_end, info=True)}}
{{ log("batch.id: "~ model.batch.id, info=True)}}
{{ log("start timezone: "~ model.batch.event_time_start.tzinfo, info=True)}}
{{ log("end timezone: "~ model.batch.event_time_end.tzinfo, info=True)}}
{% endif %}
select * from {{ ref('input_model') }}
`;
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': model } });
    const logs = (await p.dbt(['run', ...WINDOW])).out.join('\n');
    for (const [start, end, id] of [
      ['2020-01-01 00:00:00+00:00', '2020-01-02 00:00:00+00:00', '20200101'],
      ['2020-01-02 00:00:00+00:00', '2020-01-03 00:00:00+00:00', '20200102'],
      // dbt's test patches build_end_time to 13:57; dbt's own takes the ceiling of --event-time-end, as tsdbt.
      ['2020-01-03 00:00:00+00:00', '2020-01-04 00:00:00+00:00', '20200103'],
    ]) {
      // The time column, then the line ('batch.event_time_start: …' contains 'start: …').
      expect(logs).toContain(`  start: ${start}`);
      expect(logs).toContain(`  end: ${end}`);
      expect(logs).toContain(`batch.event_time_start: ${start}`);
      expect(logs).toContain(`batch.event_time_end: ${end}`);
      expect(logs).toContain(`batch.id: ${id}`);
    }
    expect(logs).toContain('start timezone: UTC');
    expect(logs).toContain('end timezone: UTC');
  });

  it('TestMicrobatchFullRefreshConfigFalse: full_refresh=False keeps --full-refresh from rebuilding from begin', async () => {
    const noFullRefresh = `\n{{ config(${CONFIG}, full_refresh=False) }}\nselect * from {{ ref('input_model') }}\n`;
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': noFullRefresh, 'downstream_model.sql': DOWNSTREAM } });
    const end = ['--event-time-end', '2020-01-03 13:57:00'];
    await p.dbt(['run', '--event-time-start', '2020-01-02', ...end]);
    expect(await rowCount(p, 'microbatch_model')).toBe(2);
    await p.dbt(['run', '--event-time-start', '2020-01-02', ...end]);
    expect(await rowCount(p, 'microbatch_model')).toBe(2);
    await p.dbt(['run', '--full-refresh', '--event-time-start', '2020-01-02', ...end]);
    expect(await rowCount(p, 'microbatch_model')).toBe(2);
    p.write({ 'models/microbatch_model.sql': MICROBATCH });
    await p.dbt(['run', '--full-refresh', ...WINDOW]);
    expect(await rowCount(p, 'microbatch_model')).toBe(3);
  });

  it('TestMicrobatchModelSkipped: a microbatch model skipped for a failed parent has no batch_results', async () => {
    const p = dbtProject({ models: { 'input_model.sql': "\n{{ config(materialized='table', event_time='event_time') }}\n\nselect invalid as event_time\n", 'microbatch_model.sql': MICROBATCH } });
    await p.dbt(['run', ...WINDOW], { expectPass: false });
    const mb = result(p, 'microbatch_model');
    expect(mb.status).toBe('skipped');
    expect(mb.batch_results).toBeNull();
  });

  const WITH_HOOKS = `
{{ config(
        ${CONFIG},
        pre_hook='{{log("execute: " ~ execute ~ ", pre-hook run by batch " ~ model.batch.id, info=True)}}',
        post_hook='{{log("execute: " ~ execute ~ ", post-hook run by batch " ~ model.batch.id, info=True)}}',
    )
}}
select * from {{ ref('input_model') }}
`;
  const hookLines = (out: string[]) => out.filter((l) => /execute: True, (pre|post)-hook/.test(l)).map((l) => l.slice(l.indexOf('execute: ')));

  it('TestFirstBatchRunsPreHookLastBatchRunsPostHook: the pre-hook runs with the first batch, the post-hook with the last', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': WITH_HOOKS } });
    const out = (await p.dbt(['run', '--event-time-start', '2020-01-01', '--event-time-end', '2020-01-04 13:57:00'])).out;
    expect(hookLines(out)).toEqual(['execute: True, pre-hook run by batch 20200101', 'execute: True, post-hook run by batch 20200104']);
  });

  it('(tsdbt) retry of a partial success whose table was dropped since: every batch builds it, the hooks render with the first and the last', async () => {
    const failing = WITH_HOOKS.replace('select * from', "{% if '20200102' == model.batch.id %}\n invalid_sql\n{% endif %}\nselect * from");
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': failing } });
    await p.dbt(['run', ...WINDOW], { expectPass: false });
    expect(result(p, 'microbatch_model').status).toBe('partial success');
    await p.query('drop table {schema}.microbatch_model');
    p.write({ 'models/microbatch_model.sql': WITH_HOOKS });
    const retry = await p.dbt(['retry']);
    expect(batchLines(retry.out)).toEqual(['batch 2020-01-01 of microbatch_model: OK', 'batch 2020-01-02 of microbatch_model: OK', 'batch 2020-01-03 of microbatch_model: OK']);
    expect(hookLines(retry.out)).toEqual(['execute: True, pre-hook run by batch 20200101', 'execute: True, post-hook run by batch 20200103']);
  });

  it('TestWhenOnlyOneBatchRunBothPostAndPreHooks: one batch runs both hooks', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch_model.sql': WITH_HOOKS } });
    const out = (await p.dbt(['run', '--event-time-start', '2020-01-01', '--event-time-end', '2020-01-01 13:57:00'])).out;
    expect(hookLines(out)).toEqual(['execute: True, pre-hook run by batch 20200101', 'execute: True, post-hook run by batch 20200101']);
  });
});
