import { describe, expect, it } from 'vitest';
import { cliProjects, runCli } from '../../helpers/cli.js';

/** dbt 1.8's --resource-type / --exclude-resource-type on build, test and ls (dbt's resource_types_from_args). */
const { project } = cliProjects('tsdbt-resource-type-warehouse');
const files = {
  'models/a.sql': 'select toInt32(1) as id',
  'models/a.yml': `models:
  - name: a
    columns:
      - name: id
        data_tests: [not_null]
unit_tests:
  - name: ut_a
    model: a
    given: []
    expect: {rows: [{id: 1}]}
`,
  'seeds/s.csv': 'x\n1\n',
};
const cli = (dir: string, args: string[]) => runCli(args, { cwd: dir, env: { NO_COLOR: '1' } });

describe('--resource-type and --exclude-resource-type', () => {
  it('build --exclude-resource-type unit_test leaves unit tests out; test --resource-type unit_test runs only them', () => {
    const p = project(files);
    const build = cli(p.dir, ['build', '--exclude-resource-type', 'unit_test']);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stdout).toMatch(/PASS=3 .*TOTAL=3/);
    expect(build.stdout).not.toContain('ut_a');
    const unit = cli(p.dir, ['test', '--resource-type', 'unit_test']);
    expect(unit.code, unit.stdout + unit.stderr).toBe(0);
    expect(unit.stdout).toMatch(/PASS=1 .*TOTAL=1/);
    expect(unit.stdout).toContain('ut_a');
    const models = cli(p.dir, ['build', '--resource-type', 'model', '--resource-type', 'seed']);
    expect(models.stdout).toMatch(/PASS=2 .*TOTAL=2/);
    expect(models.stdout).not.toMatch(/not_null|ut_a/);
  });

  it('ls --exclude-resource-type test keeps unit tests (a type of their own) and an unknown type exits 2', () => {
    const p = project(files);
    const ls = cli(p.dir, ['ls', '--exclude-resource-type', 'test', 'seed']);
    expect(ls.stdout.trim().split('\n').sort()).toEqual(['proj.a', 'unit_test:proj.ut_a']);
    const bad = cli(p.dir, ['build', '--resource-type', 'modle']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'modle' is not one of");
  });
});
