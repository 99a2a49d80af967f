import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../packages/core/src/index.js';
import { CLI } from '../../helpers/cli.js';
import { expectStatuses, freshTempPath, openedPerTest, queryRows, type InlineProject } from '../../helpers/inline-project.js';

/*
 * Bad files and folders around a project (issue #18): what tsdbt decided for each, and that the
 * CLI turns the errors into exit 2 with the file and a hint (the probes in probes.ts check the
 * library side of ~70 more).
 */
const setup = openedPerTest();

/** The CLI in a child, on a warehouse of its own (this process holds its own chDB directory). */
function cli(p: InlineProject, ...args: string[]) {
  const warehouse = freshTempPath('tsdbt-badfiles-warehouse');
  p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse}\n      schema: ${p.schema}\n` });
  const r = spawnSync(process.execPath, [CLI, ...args, '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('files tsdbt cannot use', () => {
  it('a --target-path that is a file (or runs through one): exit 2 before anything runs', () => {
    const { p } = setup({ 'models/m.sql': 'select 1 as x', 'afile': 'not a folder' });
    const r = cli(p, 'run', '--target-path', 'afile');
    expect(r.stderr).toContain(`Error: --target-path ${join(p.dir, 'afile')} is a file, not a folder [folder]`);
    expect(r.stderr).toMatch(/hint: Point --target-path at a folder/);
    expect(r.code).toBe(2);
    const deeper = cli(p, 'compile', '--target-path', 'afile/out');
    expect(deeper.stderr).toContain(`--target-path ${join(p.dir, 'afile/out')} cannot be created: ${join(p.dir, 'afile')} is a file`);
    expect(deeper.code).toBe(2);
    // target-path in project.yml: a project error naming the file and line
    p.write({ 'project.yml': 'name: proj\nprofile: proj\ntarget-path: afile\n' });
    const fromFile = cli(p, 'compile');
    expect(fromFile.stderr).toMatch(/Error in project\.yml:3: target-path in project\.yml .*afile is a file, not a folder/);
    expect(fromFile.code).toBe(2);
  });

  it('a chdb path that cannot be written: exit 2 naming profiles.yml, not an ENOTDIR or EACCES from inside the engine', () => {
    const { p } = setup({ 'models/m.sql': 'select 1 as x', 'afile': 'x' });
    const root = process.getuid?.() === 0;
    // root writes anywhere: a path under a file stands in for a read-only folder then
    const blocked = root ? join(p.dir, 'afile/warehouse') : join(p.dir, 'readonly/warehouse');
    if (!root) {
      mkdirSync(join(p.dir, 'readonly'));
      chmodSync(join(p.dir, 'readonly'), 0o555);
    }
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${blocked}\n      schema: s\n` });
    const r = spawnSync(process.execPath, [CLI, 'run', '--project-dir', p.dir, '--no-color'], { cwd: p.dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toContain(`Error in ${join(p.dir, 'profiles.yml')}: the chdb path of target 'dev' ${blocked} cannot be created: `);
    expect(r.stderr).not.toMatch(/\bE[A-Z]{3,}:/);
    expect(r.status).toBe(2);
  });

  it('a broken link the project does not use is skipped (as dbt); a symlinked folder is not followed (as dbt)', async () => {
    const { p } = setup({ 'models/m.sql': 'select 1 as x', 'elsewhere/n.sql': 'select 2 as x' });
    symlinkSync('nowhere.md', join(p.dir, 'models/README.md'));
    symlinkSync(join(p.dir, 'elsewhere'), join(p.dir, 'models/linked'));
    const project = setup.reopen(p);
    expect([...project.manifest.nodes.keys()].filter((k) => k.startsWith('model.'))).toEqual(['model.proj.m']);
  });

  it('a broken link named like a model is an error naming the link and its target (exit 2)', () => {
    const { p } = setup({ 'models/m.sql': 'select 1 as x' });
    symlinkSync('gone.sql', join(p.dir, 'models/n.sql'));
    const r = cli(p, 'compile');
    expect(r.stderr).toMatch(/Error in models\/n\.sql: models\/n\.sql is a symbolic link to 'gone\.sql', which does not exist \[file_unreadable\]/);
    expect(r.stderr).toMatch(/hint: Point the link at an existing file, or remove it\./);
    expect(r.code).toBe(2);
  });

  it('non-UTF-8 input through the CLI: exit 2, the file, line and column, and the byte', () => {
    const { p } = setup({});
    mkdirSync(join(p.dir, 'models'), { recursive: true });
    writeFileSync(join(p.dir, 'models/m.sql'), Buffer.from('select 1 as id\n-- café\n', 'latin1'));
    const r = cli(p, 'compile');
    expect(r.stderr).toMatch(/Error in models\/m\.sql:2:7: models\/m\.sql is not UTF-8: byte 0xE9 at offset 21 \(line 2, column 7\) \('é' in Latin-1 \/ Windows-1252\) \[encoding\]/);
    expect(r.code).toBe(2);
  });
});

describe('seeds in other encodings', () => {
  it('a UTF-16 seed with a byte order mark is decoded (spreadsheets save "Unicode text" so), and loads as UTF-8', async () => {
    const { p, project } = setup({});
    const text = 'id,city\n1,Zürich\n2,Kraków\n';
    mkdirSync(join(p.dir, 'seeds'), { recursive: true });
    writeFileSync(join(p.dir, 'seeds/le.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const be = Buffer.from(text, 'utf16le').swap16();
    writeFileSync(join(p.dir, 'seeds/be.csv'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    writeFileSync(join(p.dir, 'seeds/bom8.csv'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    const again = setup.reopen(p);
    expectStatuses(await again.seed(), { be: 'success', bom8: 'success', le: 'success' });
    for (const t of ['le', 'be', 'bom8'])
      expect(await queryRows(again, `SELECT id, city FROM ${p.schema}.${t} ORDER BY id`), t).toEqual([
        { id: 1, city: 'Zürich' },
        { id: 2, city: 'Kraków' },
      ]);
    await project.close();
  });
});

describe('models with no SQL', () => {
  it('load with a warning naming them (as dbt loads them); running fails only them, with what to do', async () => {
    const events: RunEvent[] = [];
    const { p } = setup({ 'models/empty.sql': '', 'models/blank.sql': '\n  \n', 'models/comment.sql': '-- later\n', 'models/fine.sql': 'select 1 as x' });
    const watched = p.open({ onEvent: (e) => events.push(e) });
    setup.track({ ...p, cleanup: () => {} }, watched);
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      'models/comment.sql holds no SQL (empty, or only comments and config): it fails when run; write the query or delete the file',
    ]);
    const r = await watched.run();
    // A file with nothing in it is never selected (dbt's `node.empty`: simple_copy's EmptyModelsArentRun).
    expectStatuses(r, { comment: 'error', fine: 'success' });
    expect(r.results.find((x) => x.node.name === 'comment')!.message).toBe('Model comment has no SQL: models/comment.sql is empty or holds only comments and config()');
  });
});
