import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../../helpers/cli.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * `source load` runs through the scheduler every other command uses (issue #18: it had a loop of
 * its own that ignored --threads, --fail-fast, --full-refresh and --warn-error, exited 1 on
 * Ctrl-C and wrote no run_results.json).
 */
const setup = openedPerTest();

const sources = (tables: string) => `version: 2
sources:
  - name: ext
    schema: "{{ target.schema }}"
    tables:
${tables}`;
const table = (name: string, columns = '{name: id, data_type: UInt32}, {name: label, data_type: String}') =>
  `      - name: ${name}\n        external: {location: data/${name}.csv}\n        columns: [${columns}]\n`;

describe('source load through the scheduler', () => {
  it('loads sources side by side with --threads and writes run_results.json', async () => {
    const { p, project } = setup({
      'models/src.yml': sources(table('a') + table('b')),
      'data/a.csv': 'id,label\n1,x\n2,y\n',
      'data/b.csv': 'id,label\n3,z\n',
    });
    const r = await project.sourceLoad({ threads: 2 });
    expectStatuses(r, { a: 'success', b: 'success' });
    expect(p.events.find((e) => e.type === 'run_started')).toMatchObject({ command: 'source load', threads: 2, total: 2, counts: { source: 2 } });
    // both started before either finished
    const kinds = p.events.filter((e) => e.type === 'node_started' || e.type === 'node_finished').map((e) => e.type);
    expect(kinds.slice(0, 2)).toEqual(['node_started', 'node_started']);
    const results = JSON.parse(readFileSync(join(project.targetDir, 'run_results.json'), 'utf8'));
    expect(results.args.which).toBe('source load');
    expect(results.results.map((x: { unique_id: string; status: string }) => [x.unique_id, x.status]).sort()).toEqual([
      ['source.proj.ext.a', 'success'],
      ['source.proj.ext.b', 'success'],
    ]);
    expect(await queryRows(project, `SELECT count() AS n FROM ${p.schema}.a`)).toEqual([{ n: '2' }]);
  });

  it('--fail-fast stops at the first failure: the rest is not run', async () => {
    const { project } = setup({
      'models/src.yml': sources(table('a_missing') + table('b')),
      'data/b.csv': 'id,label\n3,z\n',
    });
    const r = await project.sourceLoad({ threads: 1, failFast: true });
    expectStatuses(r, { a_missing: 'error', b: 'skipped' });
    expect(r.results.find((x) => x.node.name === 'b')!.message).toBe('Skipping due to fail_fast');
    expect(r.success).toBe(false);
  });

  it('changed column types need --full-refresh (as dbt seed); the previous table is kept until then', async () => {
    const { p, project } = setup({ 'models/src.yml': sources(table('a')), 'data/a.csv': 'id,label\n1,x\n' });
    expectStatuses(await project.sourceLoad(), { a: 'success' });
    p.write({ 'models/src.yml': sources(table('a', '{name: id, data_type: UInt64}, {name: label, data_type: String}')) });
    const changed = setup.reopen(p);
    const r = await changed.sourceLoad();
    expectStatuses(r, { a: 'error' });
    expect(r.results[0]!.message).toBe('Source ext.a: the declared columns differ from the table in the warehouse (id: UInt32 → UInt64)');
    expect(await queryRows(changed, `SELECT type FROM system.columns WHERE database = '${p.schema}' AND table = 'a' AND name = 'id'`)).toEqual([{ type: 'UInt32' }]);
    expectStatuses(await changed.sourceLoad({ fullRefresh: true }), { a: 'success' });
    expect(await queryRows(changed, `SELECT type FROM system.columns WHERE database = '${p.schema}' AND table = 'a' AND name = 'id'`)).toEqual([{ type: 'UInt64' }]);
    // no temporaries left by the refused load
    expect(await queryRows(changed, `SELECT name FROM system.tables WHERE database = '${p.schema}'`)).toEqual([{ name: 'a' }]);
  });

  it('a file whose header lacks a declared column (or has an undeclared one) warns; --warn-error fails before loading', async () => {
    const { p, project } = setup({
      'models/src.yml': sources(table('a', '{name: id, data_type: UInt32}, {name: label, data_type: String}, {name: score, data_type: UInt8}')),
      'data/a.csv': 'id,label,extra\n1,x,q\n',
    });
    const r = await project.sourceLoad();
    expectStatuses(r, { a: 'success' });
    expect(r.results[0]!.warnings).toEqual([
      "data/a.csv has no column score (declared in YAML): loaded as the type's default value",
      'data/a.csv has column extra that the source does not declare: not loaded',
    ]);
    p.write({ 'data/a.csv': 'id,label,extra\n1,x,q\n2,y,r\n' });
    const strict = await project.sourceLoad({ warnError: true });
    expectStatuses(strict, { a: 'error' });
    expect(strict.results[0]!.message).toMatch(/^data\/a\.csv has no column score .* \(a warning, treated as an error by --warn-error\)$/);
    expect(await queryRows(project, `SELECT count() AS n FROM ${p.schema}.a`)).toEqual([{ n: '1' }]); // untouched
  });

  it('Ctrl-C during a load exits 2, as the README says: what was not started is not run, no temporary is left', async () => {
    const { p } = setup({ 'models/src.yml': sources(table('a_slow') + table('b')), 'data/b.csv': 'id,label\n3,z\n' });
    // The CLI child needs a warehouse this test process has not locked (chDB: one process per data directory).
    const warehouse = join(p.dir, 'warehouse');
    p.write({ 'profiles.yml': `proj:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${warehouse}\n      schema: ${p.schema}\n` });
    // a_slow is a FIFO: its load waits for rows until the test closes it, after the Ctrl-C.
    const fifo = join(p.dir, 'data/a_slow.csv');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const child = spawn(process.execPath, [CLI, 'source', 'load', '--threads', '1', '--project-dir', p.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const writer = createWriteStream(fifo);
    writer.on('error', () => {});
    writer.write('id,label\n1,x\n');
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    child.stdout.on('data', (d) => {
      out += String(d);
      if (out.includes('START source') && !child.killed) {
        child.kill('SIGINT');
        setTimeout(() => writer.end(), 500);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code, out + err).toBe(2);
    expect(out).toContain('The run was stopped before it finished.');
    expect(out).not.toMatch(/START source \w+\.b /);
    const results = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8'));
    expect(Object.fromEntries(results.results.map((x: { unique_id: string; status: string; message: string }) => [x.unique_id, x.message]))).toMatchObject({
      'source.proj.ext.b': 'not run: the run was stopped',
    });
    const after = setup.reopen(p);
    const left = await queryRows<{ name: string }>(after, `SELECT name FROM system.tables WHERE database = '${p.schema}' AND name LIKE '%tsdbt%'`);
    expect(left).toEqual([]);
  });
});
