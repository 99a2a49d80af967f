import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { BASE_CONFIG_PROJECT } from './config-fixtures.js';

/*
 * dbt-core tests/functional/configs/test_unused_configs.py, test_indiv_tests.py (BaseConfigProject
 * of configs/fixtures.py) and timezones/test_timezones.py.
 */

describe('configs (configs/)', () => {
  it('TestUnusedModelConfigs: config paths that match no node are "Configuration paths exist…" (an error under --warn-error)', async () => {
    const p = dbtProject({
      seeds: { 'seed.csv': 'id,value\n4,2\n' },
      projectConfig: 'test-paths: ["does-not-exist"]\nmodels:\n  test:\n    enabled: true\nseeds:\n  quote_columns: false\nsources:\n  test:\n    enabled: true\ndata_tests:\n  test:\n    enabled: true\n',
    });
    const out = (await p.dbt(['--warn-error', 'seed'], { expectPass: false })).out.join('\n');
    expect(out).toContain('Configuration paths exist');
    expect(out).toContain('- sources.test');
    expect(out).toContain('- models.test');
    await p.dbt(['seed']);
  });

  it('TestConfigIndivTests: generic and singular tests enabled and given a severity by vars', async () => {
    const p = dbtProject({ ...BASE_CONFIG_PROJECT, projectConfig: 'seeds:\n  quote_columns: false\nvars:\n  test:\n    seed_name: seed\ndata_tests:\n  test:\n    enabled: true\n    severity: WARN\n' });
    expect((await p.dbt(['seed'])).results).toHaveLength(1);
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    // all tests on (minus sleeper_agent) + WARN
    expect((await p.dbt(['test'])).results).toHaveLength(5);
    // turn off two of them directly
    expect((await p.dbt(['test', '--vars', '{"enabled_direct": False}'])).results).toHaveLength(3);
    // turn on sleeper_agent data test directly
    expect((await p.dbt(['test', '--models', 'sleeper_agent', '--vars', '{"enabled_direct": True}'])).results).toHaveLength(1);
    // set three to ERROR directly
    const r = await p.dbt(['test', '--models', 'config.severity:error', '--vars', '{"enabled_direct": True, "severity_direct": "ERROR"}'], { expectPass: false });
    expect(r.results.map((x) => x.status)).toEqual(['fail', 'fail']);
  });
});

describe('timezones (timezones/test_timezones.py)', () => {
  it('TestTimezones: run_started_at is UTC; astimezone(pytz.timezone(…)) gives that zone', async () => {
    const p = dbtProject({
      models: {
        'timezones.sql': "\n{{\n    config(\n        materialized='table'\n    )\n}}\n\nselect\n    '{{ run_started_at.astimezone(modules.pytz.timezone(\"Canada/Saskatchewan\")) }}' as run_started_at_saskatchewan,\n    '{{ run_started_at }}' as run_started_at_utc\n",
      },
    });
    expect((await p.dbt(['run'])).results).toHaveLength(1);
    const [row] = await p.query<{ run_started_at_saskatchewan: string; run_started_at_utc: string }>('select run_started_at_saskatchewan, run_started_at_utc from {schema}.timezones');
    expect(row!.run_started_at_utc).toContain('+00:00');
    expect(row!.run_started_at_saskatchewan).toContain('-06:00');
  });
});
