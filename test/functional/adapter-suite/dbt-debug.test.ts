import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter dbt_debug/test_dbt_debug.py (BaseDebug as dbt-clickhouse's TestDebugClickHouse
 * runs it, and BaseDebugPostgres' --connection and invalid-project cases): debug passes with no
 * ERROR on a good project, and an unknown target or an invalid project file is a failed check
 * (exit 1) said in dbt's words.
 */
const MODELS = { 'model.sql': '\nseled 1 as id\n' };

describe('dbt debug (dbt-tests-adapter dbt_debug/test_dbt_debug.py)', () => {
  it('test_ok: no ERROR in the output (the model does not have to compile)', async () => {
    const p = dbtProject({ models: MODELS });
    const r = await p.dbt(['debug']);
    expect(r.out.join('\n')).not.toContain('ERROR');
    expect(r.out.join('\n')).toContain('All checks passed!');
  });

  it('test_nopass / test_wronguser / test_empty_target: a target the profile lacks fails', async () => {
    const p = dbtProject({ models: MODELS });
    for (const target of ['nopass', 'wronguser', 'none_target']) {
      const r = await p.dbt(['debug', '--target', target], { expectPass: false });
      expect(r.code).toBe(1);
    }
  });

  it('test_connection_flag: --connection, and --target NONE is one failed check in dbt\'s words', async () => {
    const p = dbtProject({ models: MODELS });
    expect((await p.dbt(['debug', '--connection'])).out.join('\n')).toContain('Skipping steps before connection verification');
    const r = await p.dbt(['debug', '--connection', '--target', 'NONE'], { expectPass: false });
    expect(r.out.join('\n')).toContain('1 check failed');
    expect(r.out.join('\n')).toContain("The profile 'test' does not have a target named 'NONE'.");
  });

  it('BaseDebugInvalidProject: an invalid dbt_project.yml is "dbt_project.yml file [ERROR invalid]", profiles.yml is not', async () => {
    const p = dbtProject({ models: MODELS });
    p.write({ 'dbt_project.yml': 'invalid-key: not a valid key so this is bad project\n' });
    const r = await p.dbt(['debug'], { expectPass: false });
    const lines = r.out.join('\n').split('\n');
    expect(lines.find((l) => l.trim().startsWith('dbt_project.yml file'))).toContain('ERROR invalid');
    expect(lines.filter((l) => l.trim().startsWith('profiles.yml file') && l.includes('ERROR invalid'))).toEqual([]);
  });

  it("test_connection_flag: --profiles-dir NONE is one failed check: dbt looked for a profiles.yml file in NONE", async () => {
    const p = dbtProject({ models: MODELS });
    const r = await p.dbt(['debug', '--connection', '--profiles-dir', 'NONE'], { expectPass: false });
    expect(r.code).toBe(1);
    expect(r.out.join('\n')).toContain('1 check failed');
    expect(r.out.join('\n')).toContain('dbt looked for a profiles.yml file in NONE');
  });

  it('BaseDebugInvalidProject test_profile_not_found: --profile NONE fails the profile check in dbt\'s words; --profile test passes', async () => {
    const p = dbtProject({ models: MODELS });
    const r = await p.dbt(['debug', '--connection', '--profile', 'NONE'], { expectPass: false });
    expect(r.out.join('\n')).toContain('Profile loading failed for the following reason');
    expect(r.out.join('\n')).toContain("Could not find profile named 'NONE'");
    // --profile picks the profile over dbt_project.yml's (here a name profiles.yml lacks).
    p.write({ 'dbt_project.yml': 'name: test\nprofile: not_in_profiles\nconfig-version: 2\n' });
    expect((await p.dbt(['debug', '--profile', 'test'])).out.join('\n')).toContain('All checks passed!');
    expect((await p.dbt(['run', '--profile', 'test'], { expectPass: false })).code).toBe(1); // the model's `seled` fails, after a load with profile test
  });

  it('BaseDebugInvalidProject test_not_found_project: --project-dir of a folder that does not exist is a usage error (exit 2)', async () => {
    const p = dbtProject({ models: MODELS });
    const r = await p.dbt(['debug', '--project-dir', `${p.dir}/nopass`, '--profiles-dir', p.dir], { expectPass: false });
    expect(r.code).toBe(2);
    expect(r.out.join('\n')).toContain('nopass');
  });

  it('BaseDebugInvalidProject test_invalid_project_outside_current_dir: --project-dir custom with an invalid dbt_project.yml is "dbt_project.yml file [ERROR invalid]"', async () => {
    const p = dbtProject({ models: MODELS });
    p.write({ 'custom/dbt_project.yml': '{invalid-key: not a valid key in this project}\n' });
    const r = await p.dbt(['debug', '--project-dir', `${p.dir}/custom`, '--profiles-dir', p.dir], { expectPass: false });
    expect(r.code).toBe(1);
    const lines = r.out.join('\n').split('\n');
    expect(lines.find((l) => l.trim().startsWith('dbt_project.yml file'))).toContain('ERROR invalid');
    expect(lines.filter((l) => l.trim().startsWith('profiles.yml file') && l.includes('ERROR invalid'))).toEqual([]);
  });

  it('BaseDebugProfileVariable: profile: \'{{ "te" ~ "st" }}\' in dbt_project.yml is rendered', async () => {
    const p = dbtProject({ models: MODELS });
    p.write({ 'dbt_project.yml': 'name: test\nconfig-version: 2\nprofile: \'{{ "te" ~ "st" }}\'\n' });
    const r = await p.dbt(['debug']);
    expect(r.out.join('\n')).not.toContain('ERROR');
  });

  it('BaseDebugInvalidProject: an empty dbt_project.yml (with --profile test) is "dbt_project.yml file [ERROR invalid]", profiles.yml is not', async () => {
    const p = dbtProject({ models: MODELS });
    p.write({ 'dbt_project.yml': '' });
    const r = await p.dbt(['debug', '--profile', 'test'], { expectPass: false });
    const lines = r.out.join('\n').split('\n');
    expect(lines.find((l) => l.trim().startsWith('dbt_project.yml file'))).toContain('ERROR invalid');
    expect(lines.filter((l) => l.trim().startsWith('profiles.yml file') && l.includes('ERROR invalid'))).toEqual([]);
  });
});
