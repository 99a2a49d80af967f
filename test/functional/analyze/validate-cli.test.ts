import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';
import { CLEAN_PROJECT, DEFECTS_PROJECT } from './validate-fixture.js';

const projects: InlineProject[] = [];
/** The CLI's scratch directory (TSDBT_SCRATCH_DIR): its scratch warehouse lives there while it runs. */
const TMP = mkdtempSync(join(tmpdir(), 'tsdbt-validate-cli-'));
afterAll(() => {
  for (const p of projects) p.cleanup();
  rmSync(TMP, { recursive: true, force: true });
});

function cli(files: Record<string, string>, ...args: string[]) {
  const p = inlineProject(files);
  projects.push(p);
  const r = spawnSync(process.execPath, [CLI, 'validate', ...args, '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', env: { ...process.env, TSDBT_SCRATCH_DIR: TMP } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const scratchDirs = () => readdirSync(TMP).filter((f) => f.startsWith('tsdbt-scratch-')).length;

describe('tsdbt validate (CLI)', () => {
  it('exits 0 on a correct project and says what it validated', () => {
    const r = cli(CLEAN_PROJECT);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Validated 5 models, 1 seed, 2 sources, 3 tests in \d+\.\d\ds: no errors, 0 warnings\.$/m);
  });

  it('exits 1 with each error as file:line:col, a code frame and a hint', () => {
    const r = cli(DEFECTS_PROJECT);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('models/bad_unknown_column.sql:3:5: error in model bad_unknown_column: Unknown expression identifier `user_idd` [UNKNOWN_IDENTIFIER]');
    expect(r.stdout).toContain(">    3 |     user_idd\n       |     ^\n     4 | from {{ ref('stg_orders') }}\nhint: Did you mean 'user_id'?");
    expect(r.stdout).toContain('macros/tables.sql:2:5: error in model bad_macro_table');
    expect(r.stdout).toContain('(from models/bad_macro_table.sql:3)');
    expect(r.stdout).toContain('Not validated (an upstream node has errors): child_of_bad (bad_unknown_column)');
    expect(r.stdout).toMatch(/: 9 errors, 0 warnings, 1 not validated\.$/m);
    // the scratch warehouse is gone with the command
    expect(scratchDirs()).toBe(0);
  });

  it('--select narrows what is reported; --log-format json prints one object per issue', () => {
    const r = cli(DEFECTS_PROJECT, '--select', 'bad_union', 'child_of_bad', '--log-format', 'json');
    expect(r.code).toBe(1);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events).toEqual([
      expect.objectContaining({ event: 'validate_issue', unique_id: 'model.proj.bad_union', file: 'models/bad_union.sql', line: 2, column: 1, code: 'NO_COMMON_TYPE', clickhouse_code: 386 }),
      { event: 'validate_not_validated', unique_id: 'model.proj.child_of_bad', blocked_by: 'model.proj.bad_unknown_column' },
      expect.objectContaining({ event: 'validate_finished', nodes: 2, errors: 1, not_validated: 1 }),
    ]);
  });
});
