import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core's tests/functional/sample_mode/test_sample_mode.py, TestIncrementalModelSampleModeSpecific:
 * an incremental model's run with `--sample` of a given window reads its input within it. The
 * relative-window classes freeze the clock (freezegun) and are not ported.
 */
const input = (ids: number) =>
  "\n{{ config(materialized='table', event_time='event_time') }}\n" +
  [
    "select 1 as id, TIMESTAMP '2020-01-01 01:25:00-0' as event_time",
    "select 2 as id, TIMESTAMP '2025-01-02 13:47:00-0' as event_time",
    "select 3 as id, TIMESTAMP '2025-01-03 01:32:00-0' as event_time",
    "select 4 as id, TIMESTAMP '2025-01-04 14:32:00-0' as event_time",
    "select 5 as id, TIMESTAMP '2025-01-05 20:32:00-0' as event_time",
    "select 6 as id, TIMESTAMP '2025-01-06 12:32:00-0' as event_time",
  ]
    .slice(0, ids)
    .join('\nUNION ALL\n') +
  '\n';
const MERGE = `
{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id')}}

{% if execute %}
    {{ log("is_incremental: " ~ is_incremental(), info=true) }}
    {{ log("sample: " ~ invocation_args_dict.get("sample"), info=true) }}
{% endif %}

SELECT * FROM {{ ref("input_model") }}

{% if is_incremental() %}
    WHERE event_time >= (SELECT max(event_time) FROM {{ this }})
{% endif %}
`;

describe('sample_mode/test_sample_mode.py TestIncrementalModelSampleModeSpecific', () => {
  for (const [sample, expected] of [
    [undefined, 6],
    ["{'start': '2025-01-03', 'end': '2025-01-07'}", 6],
    ["{'start': '2025-01-04', 'end': '2025-01-06'}", 5],
    ["{'start': '2025-01-05', 'end': '2025-01-07'}", 5],
    ["{'start': '2024-12-31', 'end': '2025-01-03'}", 3],
  ] as const)
    it(`sample ${sample ?? 'none'}: ${expected} rows`, async () => {
      const p = dbtProject({ models: { 'input_model.sql': input(3), 'sample_incremental_merge.sql': MERGE } });
      const first = await p.dbt(['run', '--full-refresh']);
      expect(first.out.filter((l) => l.includes('is_incremental: True'))).toHaveLength(0);
      expect(Number((await p.query<{ n: number }>('select count(*) as n from {schema}.sample_incremental_merge'))[0]!.n)).toBe(3);
      p.write({ 'models/input_model.sql': input(6) });
      const second = await p.dbt(sample === undefined ? ['run'] : ['run', `--sample=${sample}`]);
      expect(second.out.filter((l) => l.includes('is_incremental: True'))).toHaveLength(1);
      expect(Number((await p.query<{ n: number }>('select count(*) as n from {schema}.sample_incremental_merge'))[0]!.n)).toBe(expected);
    });
});
