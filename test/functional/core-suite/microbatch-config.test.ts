import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core's tests/functional/microbatch/test_microbatch_config_validation.py: a microbatch model's
 * config is checked when the project parses (event_time, begin, batch_size; its inputs' event_time).
 */
const FLAGS = 'flags:\n  require_batched_execution_for_custom_microbatch_strategy: true\n';
const INPUT = "\n{{ config(materialized='table') }}\nselect 1 as id, TIMESTAMP '2020-01-01 00:00:00-0' as event_time\n";
const mb = (config: string) => `\n{{ config(materialized='incremental', incremental_strategy='microbatch'${config}) }}\nselect * from {{ ref('input_model') }}\n`;
const yml = (begin: string) => `\nmodels:\n  - name: microbatch\n    config:\n      materialized: incremental\n      incremental_strategy: microbatch\n      batch_size: day\n      event_time: event_time\n      begin: ${begin}\n`;
const NO_CONFIG = "\nselect * from {{ ref('input_model') }}\n";

describe('microbatch/test_microbatch_config_validation.py', () => {
  for (const [label, models] of [
    ['TestMissingEventTimeMicrobatch', { 'input_model.sql': INPUT, 'microbatch.sql': mb(", batch_size='day'") }],
    ['TestInvalidEventTimeMicrobatch', { 'input_model.sql': INPUT, 'microbatch.sql': mb(", batch_size='day', event_time=2") }],
    ['TestMissingBeginMicrobatch', { 'input_model.sql': INPUT, 'microbatch.sql': mb(", batch_size='day', event_time='event_time'") }],
    ['TestInvaliBeginTypeMicrobatch', { 'input_model.sql': INPUT, 'microbatch.sql': mb(", batch_size='day', event_time='event_time', begin=2") }],
    ['TestInvaliBegiFormatMicrobatch', { 'input_model.sql': INPUT, 'microbatch.sql': NO_CONFIG, 'microbatch.yml': yml('2020-01-01 11 PM') }],
    ['TestMissingBatchSizeMicrobatch', { 'input_model.sql': INPUT, 'microbatch.sql': mb(", event_time='event_time'") }],
    ['TestInvalidBatchSizeMicrobatch', { 'input_model.sql': INPUT, 'microbatch.sql': mb(", batch_size='invalid', event_time='event_time'") }],
    ['TestInvalidInputEventTimeMicrobatch', { 'input_model.sql': "\n{{ config(materialized='table', event_time=1) }}\nselect 1 as id, TIMESTAMP '2020-01-01 00:00:00-0' as event_time\n", 'microbatch.sql': mb(", batch_size='day', event_time='event_time'") }],
  ] as const)
    it(`${label}: parse fails`, async () => {
      await dbtProject({ models, projectConfig: FLAGS }).dbt(['parse'], { expectPass: false });
    });

  it('TestValidBeginMicrobatch: parse passes (an unquoted YAML date)', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT, 'microbatch.sql': NO_CONFIG, 'schema.yml': yml('2020-01-01') }, projectConfig: FLAGS });
    await p.dbt(['parse']);
    expect(p.readJson('target/manifest.json').nodes['model.test.microbatch'].config.begin).toBe('2020-01-01');
  });
});
