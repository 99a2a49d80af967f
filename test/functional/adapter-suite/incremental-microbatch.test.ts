import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbtProject, type DbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter incremental/test_incremental_microbatch.py (BaseMicrobatch) and dbt-clickhouse's
 * incremental/test_incremental_microbatch.py (TestMicrobatchIncremental: the same sequence with
 * ClickHouse's toDateTime literals). Upstream freezes dbt's clock with patch_microbatch_end_time;
 * the CLI runs in this process, so the port freezes `Date` (only the clock, no timers) the same way.
 */
const UPSTREAM_INPUT = `
{{ config(materialized='table', event_time='event_time') }}
select 1 as id, TIMESTAMP '2020-01-01 00:00:00-0' as event_time
union all
select 2 as id, TIMESTAMP '2020-01-02 00:00:00-0' as event_time
union all
select 3 as id, TIMESTAMP '2020-01-03 00:00:00-0' as event_time
`;
const UPSTREAM_MICROBATCH = `
{{ config(materialized='incremental', incremental_strategy='microbatch', unique_key='id', event_time='event_time', batch_size='day', begin=modules.datetime.datetime(2020, 1, 1, 0, 0, 0)) }}
select * from {{ ref('input_model') }}
`;
const CH_INPUT = `
{{
    config(
        materialized='table',
        event_time='event_time'
    )
}}

select 1 as id, toDateTime('2020-01-01 00:00:00') as event_time
union all
select 2 as id, toDateTime('2020-01-02 00:00:00') as event_time
union all
select 3 as id, toDateTime('2020-01-03 00:00:00') as event_time
`;
const CH_MICROBATCH = `
{{
    config(
        materialized='incremental',
        incremental_strategy='microbatch',
        unique_key='id',
        event_time='event_time',
        batch_size='day',
        begin=modules.datetime.datetime(2020, 1, 1, 0, 0, 0)
    )
}}

select * from {{ ref('input_model') }}
`;

afterEach(() => void vi.useRealTimers());

/** dbt's patch_microbatch_end_time: the command runs with the clock at `at` (UTC). */
async function at(when: string, run: () => Promise<unknown>): Promise<void> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(`${when.replace(' ', 'T')}Z`));
  try {
    await run();
  } finally {
    vi.useRealTimers();
  }
}

const count = async (p: DbtProject, relation: string) => Number((await p.query<{ n: string }>(`select count(*) as n from {schema}.${relation}`))[0]!.n);

async function runWithEventTime(p: DbtProject, insertTwoRows: string): Promise<void> {
  // initial run -- backfills all data
  await at('2020-01-03 13:57:00', () => p.dbt(['run']));
  expect(await count(p, 'microbatch_model')).toBe(3);
  // the partition grain is "day": the same day without new data gives the same results
  await at('2020-01-03 14:57:00', () => p.dbt(['run']));
  expect(await count(p, 'microbatch_model')).toBe(3);
  // the next two days of data
  await p.query(insertTwoRows);
  expect(await count(p, 'input_model')).toBe(5);
  // the same current time: nothing inserted
  await at('2020-01-03 14:57:00', () => p.dbt(['run', '--select', 'microbatch_model']));
  expect(await count(p, 'microbatch_model')).toBe(3);
  // one day later: 1 row more
  await at('2020-01-04 14:57:00', () => p.dbt(['run', '--select', 'microbatch_model']));
  expect(await count(p, 'microbatch_model')).toBe(4);
  // one more day: 1 more
  await at('2020-01-05 14:57:00', () => p.dbt(['run', '--select', 'microbatch_model']));
  expect(await count(p, 'microbatch_model')).toBe(5);
}

describe('incremental microbatch (dbt-tests-adapter BaseMicrobatch)', () => {
  it('BaseMicrobatch.test_run_with_event_time (the upstream models, TIMESTAMP literals)', async () => {
    const p = dbtProject({ models: { 'input_model.sql': UPSTREAM_INPUT, 'microbatch_model.sql': UPSTREAM_MICROBATCH } });
    await runWithEventTime(p, "insert into {schema}.input_model (id, event_time) values (4, TIMESTAMP '2020-01-04 00:00:00-0'), (5, TIMESTAMP '2020-01-05 00:00:00-0')");
    // A datetime config is its ISO text in the manifest, as dbt writes it.
    expect(p.readJson('target/manifest.json').nodes['model.test.microbatch_model'].config.begin).toBe('2020-01-01T00:00:00');
  });

  it('dbt-clickhouse TestMicrobatchIncremental (toDateTime literals)', async () => {
    const p = dbtProject({ models: { 'input_model.sql': CH_INPUT, 'microbatch_model.sql': CH_MICROBATCH } });
    await runWithEventTime(p, "insert into {schema}.input_model (id, event_time) values (4, '2020-01-04 00:00:00'), (5, '2020-01-05 00:00:00')");
  });
});
