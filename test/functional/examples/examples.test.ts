import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TsdbtProject } from '../../../packages/core/src/index.js';
import { WAREHOUSE_DIR, queryRows, statuses } from '../../helpers/inline-project.js';

const QUICKSTART = resolve(__dirname, '../../../examples/quickstart');
let dirs: string[] = [];
let counter = 0;
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A copy of the quickstart, and a profiles dir pointing it at this test file's warehouse, in a schema of its own. */
function quickstartCopy(): { dir: string; profilesDir: string; schema: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-quickstart-'));
  const profilesDir = mkdtempSync(join(tmpdir(), 'tsdbt-profiles-'));
  dirs.push(dir, profilesDir);
  cpSync(QUICKSTART, dir, { recursive: true, filter: (src) => !/[\\/](\.tsdbt|target)([\\/]|$)/.test(src) });
  const schema = `qs${process.pid}_${++counter}`;
  writeFileSync(join(profilesDir, 'profiles.yml'), `quickstart:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${schema}\n      threads: 2\n`);
  return { dir, profilesDir, schema };
}

describe('examples/quickstart', () => {
  it('builds: seed, 2 models, 7 tests, all passing, with the documented result', async () => {
    const { dir, profilesDir, schema } = quickstartCopy();
    const project = TsdbtProject.open({ projectDir: dir, profilesDir });
    try {
      const result = await project.build();
      expect(result.success).toBe(true);
      const s = statuses(result);
      expect(s).toMatchObject({ raw_orders: 'success', stg_orders: 'success', customer_revenue: 'success', revenue_is_positive: 'pass' });
      expect(result.results.filter((r) => r.node.resourceType === 'test')).toHaveLength(7);
      const rows = await queryRows<{ customer: string; orders: string | number; revenue: string | number }>(project, `SELECT customer, orders, revenue FROM ${schema}.customer_revenue ORDER BY customer`);
      expect(rows.map((r) => [r.customer, Number(r.orders), Number(r.revenue)])).toEqual([
        ['alice', 1, 12.5],
        ['bob', 2, 22.75],
        ['carol', 1, 5.25],
      ]);
    } finally {
      await project.close();
    }
  });

  it('npx tsdbt runs the CLI after npm ci, through a launcher kept in git (npm links bins before prepare builds dist/)', () => {
    const root = resolve(__dirname, '../../..');
    const pkg = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')) as { bin: Record<string, string> };
    const launcher = join(root, 'packages/cli', pkg.bin.tsdbt!);
    expect(spawnSync('git', ['ls-files', '--error-unmatch', launcher], { cwd: root }).status).toBe(0);
    expect(realpathSync(join(root, 'node_modules/.bin/tsdbt'))).toBe(realpathSync(launcher));
    const r = spawnSync('npx', ['--no-install', 'tsdbt', '--help'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: tsdbt/);
  });

  it('README lists commands the CLI has', () => {
    const readme = readFileSync(join(QUICKSTART, 'README.md'), 'utf8');
    const verbs = [...readme.matchAll(/^npx tsdbt (\S+)/gm)].map((m) => m[1]);
    expect(verbs).toEqual(expect.arrayContaining(['seed', 'run', 'test', 'build', 'watch']));
    const cli = readFileSync(resolve(__dirname, '../../../packages/cli/src/program.ts'), 'utf8') + readFileSync(resolve(__dirname, '../../../packages/cli/src/commands/watch-command.ts'), 'utf8');
    for (const v of verbs) expect(cli, v).toMatch(new RegExp(`['"]${v}['"]|command\\('${v}'`));
  });
});

describe('examples/library/run-and-report.ts', () => {
  it('builds a selection and returns and prints a summary', async () => {
    const { main } = await import('../../../examples/library/run-and-report.js');
    const { dir, profilesDir } = quickstartCopy();
    const lines: string[] = [];
    const report = await main({ projectDir: dir, profilesDir, select: ['+stg_orders'], print: (l) => lines.push(l) });
    expect(report.success).toBe(true);
    // The seed, stg_orders and its 3 tests.
    expect(report.selected).toHaveLength(5);
    expect(report.counts).toEqual({ success: 2, pass: 3 });
    expect(lines.some((l) => l.startsWith('Summary: success=2 pass=3'))).toBe(true);
    expect(lines.at(-1)).toBe('All good.');
  });

  it('reports failing nodes with their file', async () => {
    const { main } = await import('../../../examples/library/run-and-report.js');
    const { dir, profilesDir } = quickstartCopy();
    writeFileSync(join(dir, 'seeds/raw_orders.csv'), 'order_id,customer,amount,status\n1,alice,1.00,lost\n');
    const lines: string[] = [];
    const report = await main({ projectDir: dir, profilesDir, select: ['stg_orders', 'raw_orders'], print: (l) => lines.push(l) });
    expect(report.success).toBe(false);
    expect(report.failures).toEqual([expect.objectContaining({ status: 'fail', where: expect.stringMatching(/^models\/schema\.yml:\d+$/) })]);
    expect(lines).toContain('Some nodes failed.');
  });
});
