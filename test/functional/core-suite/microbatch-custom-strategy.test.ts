import { afterEach, describe, expect, it, vi } from 'vitest';
import { dbtProject, statusByName, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core's tests/functional/microbatch/test_microbatch.py BaseMicrobatchCustomUserStrategy classes, as
 * dbt-on-ClickHouse answers them. A project's own get_incremental_microbatch_sql makes dbt-core run
 * microbatch models without batches (Manifest.use_microbatch_batches) unless
 * `flags: require_batched_execution_for_custom_microbatch_strategy: true`, and warn
 * MicrobatchMacroOutsideOfBatchesDeprecation at parse. That is dbt-core's runner, on every adapter;
 * dbt-clickhouse's materialization then never calls the macro (upstream's "custom microbatch strategy"
 * log is Postgres'): without batches it replaces the rows of the new rows' keys. The input here has
 * one row before `begin` (ours): read without batches, left out by them. The clock is frozen as
 * upstream's patch_microbatch_end_time.
 */
const INPUT = `
{{ config(materialized='table', event_time='event_time') }}
select 0 as id, toDateTime('2019-12-31 00:00:00', 'UTC') as event_time
union all select 1, toDateTime('2020-01-01 00:00:00', 'UTC')
union all select 2, toDateTime('2020-01-02 00:00:00', 'UTC')
union all select 3, toDateTime('2020-01-03 00:00:00', 'UTC')
`;
const MICROBATCH = `
{{ config(materialized='incremental', incremental_strategy='microbatch', unique_key='id', event_time='event_time', batch_size='day', begin=modules.datetime.datetime(2020, 1, 1, 0, 0, 0)) }}
select * from {{ ref('input_model') }}
`;
const CUSTOM = `
{% macro get_incremental_microbatch_sql(arg_dict) %}
  {% do log('custom microbatch strategy', info=True) %}
  {%- set dest_cols_csv = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
  insert into {{ arg_dict["target_relation"] }} ({{ dest_cols_csv }}) (select {{ dest_cols_csv }} from {{ arg_dict["temp_relation"] }})
{% endmacro %}
`;
const DEPRECATION = 'The use of a custom microbatch macro outside of batched execution is deprecated';

afterEach(() => void vi.useRealTimers());

/** dbt's patch_microbatch_end_time: the command runs with the clock at `when` (UTC). */
async function at<T>(when: string, run: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(`${when.replace(' ', 'T')}Z`));
  try {
    return await run();
  } finally {
    vi.useRealTimers();
  }
}

const ids = async (p: DbtProject) => (await p.query<{ id: number }>('select id from {schema}.microbatch_model order by id')).map((r) => Number(r.id));
const project = (flag: boolean) =>
  dbtProject({
    models: { 'input_model.sql': INPUT, 'microbatch_model.sql': MICROBATCH },
    macros: { 'microbatch.sql': CUSTOM },
    projectConfig: `flags:\n  require_batched_execution_for_custom_microbatch_strategy: ${flag}\n`,
  });

describe('microbatch/test_microbatch.py BaseMicrobatchCustomUserStrategy (a project macro get_incremental_microbatch_sql)', () => {
  it('TestMicrobatchCustomUserStrategyDefault: the flag false — the deprecation warning, no batches, the inputs read whole', async () => {
    const p = project(false);
    const first = await at('2020-01-03 13:57:00', () => p.dbt(['run']));
    expect(first.out.filter((l) => l.includes(DEPRECATION))).toHaveLength(1);
    expect(await ids(p)).toEqual([0, 1, 2, 3]);
    const again = await at('2020-01-03 13:57:00', () => p.dbt(['run']));
    expect(statusByName(again.results)).toEqual({ input_model: 'success', microbatch_model: 'success' });
    expect(again.out.some((l) => /\bbatch 2020/.test(l))).toBe(false);
    // dbt-clickhouse's materialization does not call the macro: the keys' rows replaced, none twice.
    expect(again.out.some((l) => l.includes('custom microbatch strategy'))).toBe(false);
    expect(await ids(p)).toEqual([0, 1, 2, 3]);
  });

  it('TestMicrobatchCustomUserStrategyProjectFlagTrueValid: the flag true — batches, no deprecation warning', async () => {
    const p = project(true);
    const first = await at('2020-01-03 13:57:00', () => p.dbt(['run']));
    expect(first.out.some((l) => l.includes(DEPRECATION))).toBe(false);
    expect(await ids(p)).toEqual([1, 2, 3]);
    const again = await at('2020-01-03 13:57:00', () => p.dbt(['run']));
    expect(again.out.some((l) => /\bbatch 2020-01-0[23]/.test(l))).toBe(true);
    expect(await ids(p)).toEqual([1, 2, 3]);
  });

  it('the flag false also leaves the microbatch configs unchecked (dbt checks them only for batched models)', async () => {
    const p = dbtProject({
      models: { 'input_model.sql': INPUT, 'microbatch_model.sql': "{{ config(materialized='incremental', incremental_strategy='microbatch', unique_key='id') }}\nselect * from {{ ref('input_model') }}" },
      macros: { 'microbatch.sql': CUSTOM },
    });
    await p.dbt(['run']);
    await p.dbt(['run']);
    expect(await ids(p)).toEqual([0, 1, 2, 3]);
  });
});
