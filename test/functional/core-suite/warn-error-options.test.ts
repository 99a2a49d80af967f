import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/configs/test_warn_error_options.py: dbt's warnings by event name
 * (`--warn-error-options` and dbt_project.yml `flags: warn_error_options`) — a model past its
 * deprecation_date is dbt's DeprecatedModel warning; `error` / `include` make it the command's
 * error, `warn` / `exclude` keep it a warning, `silence` hides it. dbt's EventCatcher is read here
 * as the warning's line in the output.
 */
const MODELS = {
  'my_model.sql': "SELECT 1 AS id, 'cats are cute' AS description",
  'schema.yml': 'version: 2\nmodels:\n  - name: my_model\n    deprecation_date: 2020-01-01\n',
};
const WARNING = 'Model my_model has passed its deprecation date of 2020-01-01T00:00:00+00:00. This model should be disabled or removed.';

async function expectWarning(p: DbtProject, args: string[]) {
  const r = await p.dbt(args);
  expect(r.out.filter((l) => l.includes(WARNING))).toHaveLength(1);
}

async function expectError(p: DbtProject, args: string[]) {
  const r = await p.dbt(args, { expectPass: false });
  expect(r.out.join('\n')).toContain('Model my_model has passed its deprecation date of');
  // The parse failed: nothing ran.
  expect(r.results).toEqual([]);
}

async function expectSilent(p: DbtProject, args: string[]) {
  const r = await p.dbt(args);
  expect(r.out.join('\n')).not.toContain('deprecation date');
}

const flags = (options: string) => `flags:\n  warn_error_options: ${options}\n`;

describe('warn_error_options (configs/test_warn_error_options.py)', () => {
  describe('TestWarnErrorOptionsFromCLI', () => {
    it('test_can_silence', async () => {
      const p = dbtProject({ models: MODELS });
      await expectWarning(p, ['run']);
      await expectSilent(p, ['run', '--warn-error-options', "{'silence': ['DeprecatedModel']}"]);
    });

    it('test_can_raise_warning_to_error', async () => {
      const p = dbtProject({ models: MODELS });
      await expectWarning(p, ['run']);
      await expectError(p, ['run', '--warn-error-options', "{'include': ['DeprecatedModel']}"]);
      await expectError(p, ['run', '--warn-error-options', "{'include': 'all', 'warn': ['DeprecationsSummary', 'WEOIncludeExcludeDeprecation']}"]);
      await expectError(p, ['run', '--warn-error-options', "{'error': ['DeprecatedModel']}"]);
      await expectError(p, ['run', '--warn-error-options', "{'error': 'all', 'warn': ['DeprecationsSummary']}"]);
    });

    it('test_can_exclude_specific_event', async () => {
      const p = dbtProject({ models: MODELS });
      await expectError(p, ['run', '--warn-error-options', "{'error': 'all', 'warn': ['DeprecationsSummary']}"]);
      await expectWarning(p, ['run', '--warn-error-options', "{'error': 'all', 'exclude': ['DeprecatedModel', 'WEOIncludeExcludeDeprecation', 'DeprecationsSummary']}"]);
      await expectWarning(p, ['run', '--warn-error-options', "{'error': 'all', 'warn': ['DeprecatedModel', 'DeprecationsSummary']}"]);
    });

    it('test_cant_set_both_include_and_error', async () => {
      const p = dbtProject({ models: MODELS });
      const r = await p.dbt(['run', '--warn-error-options', "{'include': 'all', 'error': 'all'}"], { expectPass: false });
      expect(r.out.join('\n')).toContain('Only `include` or `error` can be specified');
    });

    it('test_cant_set_both_exclude_and_warn', async () => {
      const p = dbtProject({ models: MODELS });
      const r = await p.dbt(['run', '--warn-error-options', "{'include': 'all', 'exclude': ['DeprecatedModel'], 'warn': ['DeprecatedModel']}"], { expectPass: false });
      expect(r.out.join('\n')).toContain('Only `exclude` or `warn` can be specified');
    });
  });

  describe('TestWarnErrorOptionsFromProject', () => {
    it('test_can_silence', async () => {
      const p = dbtProject({ models: MODELS, projectConfig: 'flags: {}\n' });
      await expectWarning(p, ['run']);
      p.write({ 'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\n${flags("{silence: ['DeprecatedModel']}")}` });
      await expectSilent(p, ['run']);
    });

    it('test_can_raise_warning_to_error', async () => {
      const p = dbtProject({ models: MODELS, projectConfig: 'flags: {}\n' });
      await expectWarning(p, ['run']);
      p.write({ 'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\n${flags("{error: ['DeprecatedModel']}")}` });
      await expectError(p, ['run']);
      p.write({ 'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\n${flags("{error: all, warn: ['DeprecationsSummary']}")}` });
      await expectError(p, ['run']);
    });

    it('test_can_exclude_specific_event', async () => {
      const p = dbtProject({ models: MODELS, projectConfig: flags("{error: all, warn: ['DeprecationsSummary']}") });
      await expectError(p, ['run']);
      p.write({ 'dbt_project.yml': `name: test\nprofile: test\nconfig-version: 2\n${flags("{error: all, warn: ['DeprecatedModel', 'DeprecationsSummary']}")}` });
      await expectWarning(p, ['run']);
    });

    it('test_cant_set_both_include_and_error', async () => {
      const p = dbtProject({ models: MODELS, projectConfig: flags('{include: all, error: all}') });
      const r = await p.dbt(['run'], { expectPass: false });
      expect(r.out.join('\n')).toContain('Only `include` or `error` can be specified');
    });

    it('test_cant_set_both_exclude_and_warn', async () => {
      const p = dbtProject({ models: MODELS, projectConfig: flags("{error: all, exclude: ['DeprecatedModel'], warn: ['DeprecatedModel']}") });
      const r = await p.dbt(['run'], { expectPass: false });
      expect(r.out.join('\n')).toContain('Only `exclude` or `warn` can be specified');
    });
  });

  it('TestEmptyWarnError: `warn:` and `error:` written empty are no names', async () => {
    const p = dbtProject({ models: MODELS, projectConfig: 'flags:\n  send_anonymous_usage_stats: false\n  warn_error_options:\n    warn:\n    error:\n    silence: ["TestsConfigDeprecation"]\n' });
    await expectWarning(p, ['run']);
  });

  it('a name that is not a dbt event is an error (dbt: "X is not a valid dbt error name.")', async () => {
    const p = dbtProject({ models: MODELS });
    const r = await p.dbt(['run', '--warn-error-options', "{'error': ['DeprecatedModle']}"], { expectPass: false });
    expect(r.out.join('\n')).toContain('DeprecatedModle is not a valid dbt error name.');
  });

  it('other events by name: NoNodesForSelectionCriteria, a reference to a deprecated model, a test that warns (LogTestResult)', async () => {
    const p = dbtProject({
      models: {
        ...MODELS,
        'child.sql': "select * from {{ ref('my_model') }}",
        'child.yml': 'models:\n  - name: child\n    columns:\n      - name: id\n        data_tests:\n          - accepted_values: {values: [2], config: {severity: warn}}\n',
      },
    });
    const silenced = "{'silence': ['DeprecatedModel', 'DeprecatedReference']}";
    // A reference to it is dbt's DeprecatedReference.
    const first = await p.dbt(['run', '--warn-error-options', "{'silence': ['DeprecatedModel']}"]);
    expect(first.out.join('\n')).toContain("While compiling 'child': Found a reference to my_model, which was deprecated on '2020-01-01T00:00:00+00:00'.");
    const ref = await p.dbt(['run', '-s', 'child', '--warn-error-options', "{'error': ['DeprecatedReference']}"], { expectPass: false });
    expect(ref.out.join('\n')).toContain('Found a reference to my_model, which was deprecated');
    // The selection's warning, by name.
    const none = await p.dbt(['run', '-s', 'no_such_model', '--warn-error-options', `{'error': ['NoNodesForSelectionCriteria'], 'silence': ['DeprecatedModel', 'DeprecatedReference']}`], { expectPass: false });
    expect(none.out.join('\n')).toContain("The selection criterion 'no_such_model' does not match any enabled nodes");
    // A test that warns: a warning, or a failure when LogTestResult is named.
    expect((await p.dbt(['test', '--warn-error-options', silenced])).results.map((r) => r.status)).toEqual(['warn']);
    const failed = await p.dbt(['test', '--warn-error-options', `{'error': ['LogTestResult'], 'silence': ['DeprecatedModel', 'DeprecatedReference']}`], { expectPass: false });
    expect(failed.results.map((r) => r.status)).toEqual(['fail']);
  });

  it('--warn-error and --warn-error-options together are dbt\'s usage error', async () => {
    const p = dbtProject({ models: MODELS });
    const r = await p.dbt(['run', '--warn-error', '--warn-error-options', "{'error': 'all'}"], { expectPass: false });
    expect(r.out.join('\n')).toContain('warn_error_options: not allowed with argument warn_error');
  });
});
