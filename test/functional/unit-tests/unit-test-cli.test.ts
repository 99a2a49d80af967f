import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { freshTempPath, inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/* The CLI runs in child processes, one after another, on a warehouse this file never opens itself. */
const WAREHOUSE = freshTempPath('tsdbt-unit-cli-warehouse');
const projects: InlineProject[] = [];
afterAll(() => {
  for (const p of projects) p.cleanup();
  rmSync(WAREHOUSE, { recursive: true, force: true });
});

function cli(p: InlineProject, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout.replace(/^\d\d:\d\d:\d\d {2}/gm, ''), stderr: r.stderr };
}

describe('tsdbt test with unit tests', () => {
  it("prints dbt's unit test lines and the diff table, and exits 1 when a unit test fails", () => {
    const p = inlineProject({
      'models/src.sql': "select toInt32(1) as id, 'a' as name",
      'models/m.sql': "select id, upper(name) as name_up from {{ ref('src') }} where id > 0",
      'models/u.yml': `version: 2
unit_tests:
  - name: uppercases
    model: m
    given:
      - input: ref('src')
        rows: [{id: 1, name: x}, {id: -1, name: y}]
    expect:
      rows: [{name_up: X}, {name_up: Q}]
`,
    });
    projects.push(p);
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE}\n      schema: ${p.schema}\n` });
    const failed = cli(p, 'test', '--select', 'test_type:unit');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('1 of 1 START unit_test m::uppercases ..');
    expect(failed.stdout).toContain('Failure in unit_test uppercases (models/u.yml)');
    expect(failed.stdout).toContain(['  actual differs from expected:', '  ', '  @@ ,name_up', '  ---,Q', '     ,X'].join('\n'));
    expect(cli(p, 'ls', '--resource-type', 'unit_test').stdout.trim()).toBe('unit_test:proj.uppercases');

    p.write({ 'models/u.yml': `version: 2\nunit_tests:\n  - name: uppercases\n    model: m\n    given: [{input: "ref('src')", rows: [{id: 1, name: x}]}]\n    expect: {rows: [{name_up: X}]}\n` });
    const passed = cli(p, 'test');
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/1 of 1 PASS unit_test m::uppercases \.+ \[PASS in/);
  });
});
