// Load time of a 1,000-model project (bench/gen-project.mjs) without packages and with dbt_utils
// installed (dbt_packages/dbt_utils, a symlink to the shared copy, as `tsdbt deps` leaves a
// `local:` package), side by side: each run is a fresh `node` process timing TsdbtProject.open()
// (load + render + graph), and `tsdbt ls` wall time; variants alternate run by run. Then the fixed
// cost of the installed package alone, in-process: a one-model project with and without it.
// Usage: node bench/packages-load.mjs [models=1000] [repeats=7] [base folder=os.tmpdir()] [dbt_utils folder]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './gen-project.mjs';

const n = Number(process.argv[2] ?? 1000);
const repeats = Number(process.argv[3] ?? 7);
const base = process.argv[4] ?? tmpdir();
const root = fileURLToPath(new URL('..', import.meta.url));
const dbtUtils = process.argv[5] ?? ['../shared', '../../shared'].map((d) => resolve(root, d, 'third_party/dbt-packages/dbt_utils')).find((d) => existsSync(d));
if (!dbtUtils) throw new Error('dbt_utils not found: pass its folder as the 5th argument');
const core = new URL('../packages/core/dist/index.js', import.meta.url).href;
const cli = fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url));

const plain = join(base, `tsdbt-pkgbench-${n}-plain`);
const withPkg = join(base, `tsdbt-pkgbench-${n}-dbt_utils`);
generateProject(n, plain);
generateProject(n, withPkg);
writeFileSync(join(withPkg, 'packages.yml'), `packages:\n  - local: ${dbtUtils}\n`);
mkdirSync(join(withPkg, 'dbt_packages'), { recursive: true });
symlinkSync(dbtUtils, join(withPkg, 'dbt_packages', 'dbt_utils'));

const openScript = `const t = performance.now(); const { TsdbtProject } = await import(${JSON.stringify(core)}); const i = performance.now(); const p = TsdbtProject.open({ projectDir: process.argv[1] }); const o = performance.now(); console.log(JSON.stringify({ importMs: i - t, openMs: o - i, nodes: p.manifest.nodes.size, macros: p.manifest.macros.size }));`;
const open = (dir) => JSON.parse(spawnSync(process.execPath, ['--input-type=module', '-e', openScript, dir], { encoding: 'utf8' }).stdout);
const ls = (dir) => {
  const t = performance.now();
  const p = spawnSync(process.execPath, [cli, 'ls', '--project-dir', dir], { encoding: 'utf8' });
  if (p.status !== 0) throw new Error(p.stderr);
  return performance.now() - t;
};

const runs = { plain: [], dbt_utils: [] };
let shape;
for (let r = 0; r < repeats; r++) {
  for (const [name, dir] of r % 2 ? [['dbt_utils', withPkg], ['plain', plain]] : [['plain', plain], ['dbt_utils', withPkg]]) {
    const o = open(dir);
    shape ??= {};
    shape[name] = { nodes: o.nodes, macros: o.macros };
    runs[name].push({ open: o.openMs, ls: ls(dir) });
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The fixed cost of an installed package, in this process (warm, many alternating runs): a
// one-model project with and without dbt_utils; the difference is what loading the package costs.
const tiny = {};
for (const [name, pkg] of [['plain', false], ['dbt_utils', true]]) {
  const dir = join(base, `tsdbt-pkgbench-tiny-${name}`);
  mkdirSync(join(dir, 'models'), { recursive: true });
  writeFileSync(join(dir, 'project.yml'), 'name: tiny\nprofile: tiny\n');
  writeFileSync(join(dir, 'models', 'a.sql'), 'select 1 as id');
  if (pkg && !existsSync(join(dir, 'dbt_packages', 'dbt_utils'))) {
    mkdirSync(join(dir, 'dbt_packages'), { recursive: true });
    symlinkSync(dbtUtils, join(dir, 'dbt_packages', 'dbt_utils'));
  }
  tiny[name] = { dir, ms: [] };
}
const { TsdbtProject } = await import(core);
for (let r = 0; r < 70; r++)
  for (const k of r % 2 ? ['dbt_utils', 'plain'] : ['plain', 'dbt_utils']) {
    const t = performance.now();
    TsdbtProject.open({ projectDir: tiny[k].dir });
    if (r >= 10) tiny[k].ms.push(performance.now() - t);
  }
const fixedCostMs = +(median(tiny.dbt_utils.ms) - median(tiny.plain.ms)).toFixed(1);

const summary = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, { openMs: Math.round(median(v.map((x) => x.open))), lsMs: Math.round(median(v.map((x) => x.ls))), ...shape[k] }]));
console.log(JSON.stringify({ models: n, repeats, base, summary, openRatio: +(summary.dbt_utils.openMs / summary.plain.openMs).toFixed(3), lsRatio: +(summary.dbt_utils.lsMs / summary.plain.lsMs).toFixed(3), tinyOpenMs: { plain: +median(tiny.plain.ms).toFixed(1), dbt_utils: +median(tiny.dbt_utils.ms).toFixed(1) }, fixedCostMs }, null, 1));
