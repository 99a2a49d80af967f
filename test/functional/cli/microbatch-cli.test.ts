import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { inlineProject } from '../../helpers/inline-project.js';

describe('tsdbt build with a microbatch model (CLI)', () => {
  const p = inlineProject({
    'seeds/events.csv': 'id,ts,v\n1,2024-01-01 01:00:00,a\n2,2024-01-02 01:00:00,b\n3,2024-01-03 01:00:00,c\n',
    'seeds/seeds.yml': 'version: 2\nseeds:\n  - name: events\n    config:\n      event_time: ts\n',
    'models/daily.sql':
      "{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='ts', batch_size='day', begin='2024-01-01', order_by='id') }}\n" +
      "select id, ts, v, throwIf(v = 'b') as boom from {{ ref('events') }}",
    'models/after.sql': "select count() as n from {{ ref('daily') }}",
  });
  afterAll(() => p.cleanup());

  it('prints each batch and PARTIAL SUCCESS, skips what depends on it, exits 1', () => {
    const r = spawnSync(process.execPath, [CLI, 'build', '--project-dir', p.dir, '--event-time-start', '2024-01-01', '--event-time-end', '2024-01-04'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/batch 2024-01-01 of daily: OK/);
    expect(r.stdout).toMatch(/batch 2024-01-02 of daily: ERROR/);
    expect(r.stdout).toMatch(/PARTIAL SUCCESS creating .*daily .*PARTIAL SUCCESS \(2\/3\)/);
    expect(r.stdout).toMatch(/SKIP relation .*after/);
    expect(r.stdout).toMatch(/batch 2024-01-02T00:00:00\+00:00 failed: .*throwIf/);
    // dbt 1.10's summary: a partial success is counted as an error in the stats line.
    expect(r.stdout).toMatch(/Completed with 1 partial success and 0 warnings\n/);
    expect(r.stdout).not.toMatch(/Failure in model daily/);
    expect(r.stdout).toMatch(/Done\. PASS=1 WARN=0 ERROR=1 SKIP=1 NO-OP=0 TOTAL=3/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
