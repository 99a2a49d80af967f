import { describe, expect, it } from 'vitest';
import { sampleWindowOf } from '../../../packages/core/dist/execute/sample-window.js';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter sample_mode/test_sample_mode.py (BaseSampleModeTest) as dbt-clickhouse runs it
 * (tests/integration/adapter/sample_mode: the input model's TIMESTAMPs without `-0`, and
 * test_sample_mode_with_range). dbt 1.10's `--sample`: refs and sources with an `event_time` are
 * read within the window. Upstream freezes the clock at 2025-01-03T02:03Z for `--sample=1 day`; here
 * the input model's times are placed around the real now instead, and the window's computation is
 * checked at the frozen time directly.
 */
const INPUT_MODEL_SQL = `
{{ config(materialized='table', event_time='event_time') }}
select 1 as id, TIMESTAMP '2025-01-01 01:25:00' as event_time
UNION ALL
select 2 as id, TIMESTAMP '2025-01-02 13:47:00' as event_time
UNION ALL
select 3 as id, TIMESTAMP '2025-01-03 01:32:00' as event_time
`;
const MODEL_THAT_SAMPLES_INPUT_SQL = "\n{{ config(materialized='table') }}\nSELECT * FROM {{ ref('input_model') }}\n";
const count = async (p: ReturnType<typeof dbtProject>, name: string) => Number((await p.query<{ n: string }>(`select count(*) as n from {schema}.${name}`))[0]!.n);

describe('sample mode (dbt-tests-adapter sample_mode/, dbt 1.10 --sample)', () => {
  it("dbt-clickhouse TestSampleMode.test_sample_mode_with_range: --sample \"{'start': …, 'end': …}\"", async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT_MODEL_SQL, 'model_that_samples_input_sql.sql': MODEL_THAT_SAMPLES_INPUT_SQL } });
    await p.dbt(['run']);
    expect(await count(p, 'model_that_samples_input_sql')).toBe(3);
    await p.dbt(['run', '--sample', "{'start': '2025-01-02', 'end': '2025-01-03'}"]);
    expect(await count(p, 'model_that_samples_input_sql')).toBe(1);
    // The input model itself reads nothing with an event_time: it keeps its 3 rows.
    expect(await count(p, 'input_model')).toBe(3);
  });

  it('BaseSampleModeTest.test_sample_mode: --sample=1 day (relative to now)', async () => {
    const p = dbtProject({
      models: {
        'input_model.sql':
          "\n{{ config(materialized='table', event_time='event_time') }}\nselect 1 as id, now() - interval 3 day as event_time\nUNION ALL\nselect 2 as id, now() - interval 1 hour as event_time\nUNION ALL\nselect 3 as id, now() - interval 1 minute as event_time\n",
        'model_that_samples_input_sql.sql': MODEL_THAT_SAMPLES_INPUT_SQL,
      },
    });
    await p.dbt(['run']);
    expect(await count(p, 'model_that_samples_input_sql')).toBe(3);
    await p.dbt(['run', '--sample=1 day']);
    expect(await count(p, 'model_that_samples_input_sql')).toBe(2);
  });

  it('the window: "1 day" at 2025-01-03T02:03Z starts at the beginning of 2025-01-02 (UTC); a bad spec is a usage error', () => {
    const w = sampleWindowOf('1 day', new Date('2025-01-03T02:03:00Z'));
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual(['2025-01-02T00:00:00.000Z', '2025-01-03T02:03:00.000Z']);
    expect(sampleWindowOf('3 hours', new Date('2025-01-03T02:03:00Z')).start.toISOString()).toBe('2025-01-02T23:00:00.000Z');
    expect(() => sampleWindowOf('yesterday')).toThrow(/neither a relative window/);
  });

  it('a bad --sample fails before anything runs (exit 2)', async () => {
    const p = dbtProject({ models: { 'input_model.sql': INPUT_MODEL_SQL } });
    const r = await p.dbt(['run', '--sample', 'soon'], { expectPass: false });
    expect(r.code).toBe(2);
    expect(r.out.join('\n')).toContain("--sample 'soon'");
  });
});
