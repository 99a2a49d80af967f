import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { assertFreshnessResults, byName, successful, withVars } from './source-freshness-harness.js';
import * as F from './sources-fixtures.js';

/*
 * dbt-core tests/functional/sources/test_source_freshness.py (branch 1.10.latest): `source freshness`
 * over the seeded `source` table (newest updated_at 2016-09-19 14:45:51), rows inserted 12 / 2 / 30 hours
 * ago, sources.json's fields, --select/--exclude, freshness merged from source, table, their config: and
 * dbt_project.yml, filters, loaded_at_query, explicit nulls, project hooks (source_freshness_run_project_hooks)
 * and a source without loaded_at_field (ClickHouse has no metadata-based freshness, as dbt-clickhouse).
 * sources.json is read where upstream reads the results of run_dbt.
 */
describe('source freshness (sources/test_source_freshness.py)', () => {
  for (const command of ['freshness', 'snapshot-freshness']) {
    it(`TestSource${command === 'freshness' ? '' : 'Snapshot'}Freshness: error, then warn (12 h old), then pass (2 h old), written to -o`, async () => {
      const f = await successful();
      const started = new Date();
      const run = async (out: string, status: string, pass: boolean) => {
        const r = await f.p.dbt(withVars(f.p, ['source', command, '-o', out]), { expectPass: pass });
        const data = f.p.readJson(out);
        expect(data.results.map((x: any) => x.status)).toEqual([status]);
        assertFreshnessResults(f, data, status, started);
        return r;
      };
      await run('target/error_source.json', 'error', false);
      await f.insertAt(-12);
      await run('target/warn_source.json', 'warn', true);
      await f.insertAt(-2);
      await run('target/pass_source.json', 'pass', true);
    });
  }

  it('TestSourceFreshnessSelection: --select source:test_source.test_table, a custom target-path', async () => {
    const f = await successful({ projectConfig: 'target-path: logs_dir\n' });
    await f.insertAt(-2);
    await f.p.dbt(withVars(f.p, ['source', 'freshness', '--select', 'source:test_source.test_table']));
    const data = f.p.readJson('logs_dir/sources.json');
    assertFreshnessResults(f, data, 'pass', new Date(0));
  });

  it('TestSourceFreshnessExclude: --exclude the only source: no results', async () => {
    const f = await successful();
    await f.insertAt(-2);
    const { results } = await f.freshness(['--exclude', 'source:test_source.test_table', '-o', 'target/exclude_source.json'], true, 'target/exclude_source.json');
    expect(results).toHaveLength(0);
  });

  it('TestSourceFreshnessGraph: --select +descendant_model checks its source', async () => {
    const f = await successful();
    await f.insertAt(-2);
    const { data } = await f.freshness(['--select', '+descendant_model', '-o', 'target/ancestor_source.json'], true, 'target/ancestor_source.json');
    assertFreshnessResults(f, data, 'pass', new Date(0));
  });

  it('TestSourceFreshnessErrors: a source in a missing schema is a runtime error', async () => {
    const f = await successful({ models: { 'schema.yml': F.ERROR_MODELS_SCHEMA_YML, 'model.sql': "select * from {{ source('test_source', 'test_table') }}\n" } });
    const { results } = await f.freshness([], false);
    expect(results.map((r) => r.status)).toEqual(['runtime error']);
  });

  it('TestSourceFreshnessFilter: the table\'s filter (id > 101) wins over the source\'s', async () => {
    const f = await successful({ models: { 'schema.yml': F.FILTERED_MODELS_SCHEMA_YML } });
    await f.freshness([], false);
    await f.insertAt(-2); // id 101: filtered out
    await f.freshness([], false);
    await f.insertAt(-2); // id 102: fresh and kept
    const { results } = await f.freshness([], true);
    expect(results.map((r) => r.status)).toEqual(['pass']);
  });

  it('TestOverrideSourceFreshness: source, source config:, table, table config: and dbt_project.yml merged as dbt', async () => {
    const f = await successful({ models: { 'schema.yml': F.OVERRIDE_FRESHNESS_MODELS_SCHEMA_YML }, projectConfig: 'sources:\n  +freshness:\n    error_after: {count: 24, period: hour}\n' });
    await f.insertAt(-30);
    const { results } = await f.freshness(['-o', 'target/pass_source.json'], false, 'target/pass_source.json');
    expect(results).toHaveLength(4); // source_e: freshness null
    const get = (name: string) => results.find((r) => r.unique_id === `source.test.test_source.${name}`);
    const hour = (count: number) => ({ count, period: 'hour' });
    expect(get('source_a')).toMatchObject({ status: 'error', criteria: { warn_after: hour(6), error_after: hour(24), filter: null } });
    expect(get('source_b')).toMatchObject({ status: 'error', criteria: { warn_after: hour(6), error_after: hour(24), filter: null } });
    expect(get('source_c')).toMatchObject({ status: 'warn', criteria: { warn_after: hour(6), error_after: null, filter: null } });
    expect(get('source_d')).toMatchObject({ status: 'warn', criteria: { warn_after: hour(6), error_after: hour(72), filter: null } });
  });

  it('TestMetadataFreshnessFails: no loaded_at_field warns at parse and is a runtime error when checked', async () => {
    const p = dbtProject({ models: { 'schema.yml': F.FRESHNESS_VIA_METADATA_SCHEMA_YML } });
    const parse = await p.dbt(['parse']);
    expect(parse.out.join('\n')).toContain("The configured adapter does not support metadata-based freshness. A loaded_at_field must be specified for source 'test_source.test_table'.");
    await p.dbt(['source', 'freshness'], { expectPass: false });
    const { results } = p.readJson('target/sources.json');
    expect(results).toHaveLength(1);
    expect(results[0].status).toBe('runtime error');
    expect(results[0].error).toContain('Could not compute freshness for source test_table');
  });

  it('TestSourceFreshnessMacroOverride: a project collect_freshness returning the table (the old signature) is called, with dbt\'s deprecation', async () => {
    const f = await successful({ macros: { 'collect_freshness.sql': F.COLLECT_FRESHNESS_MACRO_OVERRIDE_PREVIOUS_RETURN_SIGNATURE } });
    const { out, results } = await f.freshness([], false);
    expect(out.join('\n')).toContain("The 'collect_freshness' macro signature has changed to return the full query result");
    expect(results.map((r) => r.status)).toEqual(['error']);
    expect(results[0].max_loaded_at).toBe('2016-09-19T14:45:51+00:00');
  });

  it("a project's collect_freshness (load_result, dbt 1.5+'s signature) gives the times, as dbt's adapter reads them", async () => {
    // Reads a fixed newest load time an hour ago, whatever the table holds: the macro, not tsdbt's query, decides.
    const macro = `{% macro collect_freshness(source, loaded_at_field, filter) %}
  {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
    select toString(now('UTC') - interval 1 hour) as max_loaded_at, toString(now('UTC')) as snapshotted_at from {{ source }} limit 1
  {%- endcall %}
  {{ return(load_result('collect_freshness')) }}
{% endmacro %}`;
    const f = await successful({ macros: { 'collect_freshness.sql': macro } });
    const { out, results } = await f.freshness([], true);
    expect(results.map((r) => r.status)).toEqual(['pass']);
    expect(results[0].max_loaded_at_time_ago_in_s).toBeGreaterThan(3590);
    expect(results[0].max_loaded_at_time_ago_in_s).toBeLessThan(3610);
    expect(out.join('\n')).not.toContain('macro signature has changed');
  });

  const HOOKS = "on-run-start: [\"{{ log('on-run-start hooks called') }}\"]\non-run-end: [\"{{ log('on-run-end hooks called') }}\"]\n";
  it('TestHooksInSourceFreshnessDefault / TestHooksInSourceFreshness: project hooks run by default and with the flag', async () => {
    for (const flags of ['', 'flags:\n  source_freshness_run_project_hooks: true\n']) {
      const f = await successful({ projectConfig: HOOKS + flags });
      const { out } = await f.freshness([], false);
      // _assert_project_hooks_called: the hooks' names are in the log.
      expect(out.join('\n')).toContain('test.on-run-start.0');
      expect(out.join('\n')).toContain('test.on-run-end.0');
    }
  });

  it('TestHooksInSourceFreshnessDisabled / ProjectHooksNotRun: source_freshness_run_project_hooks: false skips them, with dbt\'s deprecation', async () => {
    const f = await successful({ projectConfig: `${HOOKS}flags:\n  source_freshness_run_project_hooks: false\n` });
    const { out } = await f.freshness([], false);
    const text = out.join('\n');
    for (const absent of ['on-run-start hooks called', 'on-run-end hooks called', 'test.on-run-start.0', 'test.on-run-end.0']) expect(text).not.toContain(absent);
    // dbt's SourceFreshnessProjectHooksNotRun deprecation.
    expect(text).toContain('source-freshness-project-hooks');
    expect(text).toContain('the `source freshness` command will start running `on-run-start` and `on-run-end` hooks by default');
  });

  it('TestHooksInSourceFreshnessError: a failing on-run-start hook is reported', async () => {
    const p = dbtProject({
      models: { 'schema.yml': F.ERROR_MODELS_SCHEMA_YML, 'model.sql': "select * from {{ source('test_source', 'test_table') }}\n" },
      projectConfig: 'on-run-start: ["select fake_column from table_does_not_exist"]\nflags:\n  source_freshness_run_project_hooks: true\n',
    });
    const r = await p.dbt(['source', 'freshness'], { expectPass: false });
    const text = r.out.join('\n');
    // dbt's RunResultError of the hook: its name and the warehouse's error.
    expect(text).toMatch(/test\.on-run-start\.0[^\n]*failed|on-run-start[\s\S]*table_does_not_exist/);
    expect(text).toContain('table_does_not_exist');
  });

  for (const [name, yml] of [
    ['TestSourceFreshnessCustomSQL', F.FRESHNESS_VIA_CUSTOM_SQL_SCHEMA_YML],
    ['TestSourceFreshnessCustomSQLConfig', F.FRESHNESS_VIA_CUSTOM_SQL_CONFIG_SCHEMA_YML],
  ] as const) {
    it(`${name}: loaded_at_field, loaded_at_query over {{ this }}, and a current_timestamp query`, async () => {
      const f = await successful({ models: { 'schema.yml': yml } });
      const { results } = await f.freshness([], true);
      expect(byName(results)).toEqual({ source_a: 'warn', source_b: 'warn', source_c: 'pass' });
    });
  }

  it('TestSourceFreshnessCustomSQLSourceConfig: a source-level loaded_at_query', async () => {
    const f = await successful({ models: { 'schema.yml': F.FRESHNESS_VIA_CUSTOM_SQL_SOURCE_CONFIG_SCHEMA_YML } });
    const { results } = await f.freshness([], true);
    expect(byName(results)).toEqual({ source_c: 'pass' });
  });

  for (const [name, yml] of [
    ['TestSourceFreshnessExplicitNullInTable', F.FRESHNESS_WITH_EXPLICIT_NULL_IN_TABLE_SCHEMA_YML],
    ['TestSourceFreshnessExplicitNullInSource', F.FRESHNESS_WITH_EXPLICIT_NULL_IN_SOURCE_SCHEMA_YML],
  ] as const) {
    it(`${name}: config: {freshness: null} turns freshness off`, async () => {
      const f = await successful({ models: { 'schema.yml': yml } });
      const { results } = await f.freshness([], true);
      expect(byName(results)).toEqual({});
    });
  }
});
