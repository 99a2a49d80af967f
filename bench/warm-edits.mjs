// Warm starts after one edit, side by side: checkouts (each built: `npm ci`) measured in turn, round after
// round, on their own copy of the same generated project (bench/gen-project.mjs), so a busy machine
// slows each alike. Rows: warm `ls` and `compile` (nothing changed), `ls` after one model file or one
// schema YAML description edited, `compile` after one model file edited (issue 17's "one changed
// file" goals), `ls` with a changed `--vars` of a var no node reads and of one ten models read (ten
// models of the generated project get a `{{ var('rare_var', '') }}` line). Prints the median wall
// and CPU seconds (user + system, from GNU time) and the peak RSS.
// Usage: node bench/warm-edits.mjs [models=10000] [rounds=5] [base=/dev/shm] [--jinja] <checkout>...
// (no checkout: this one)
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './gen-project.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const jinja = process.argv.includes('--jinja');
const [models = '10000', rounds = '5', base = '/dev/shm', ...given] = args;
const checkouts = given.length ? given.map((c) => resolve(c)) : [fileURLToPath(new URL('..', import.meta.url))];
const n = Number(models);

function timed(checkout, dir, command, ...extra) {
  const p = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, join(checkout, 'packages/cli/dist/cli.js'), command, '--project-dir', dir, ...extra], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (p.status !== 0) throw new Error(p.stderr);
  const [wall, user, sys, rss] = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(p.stderr).slice(1).map(Number);
  return { wall, cpu: user + sys, peakMB: Math.round(rss / 1024) };
}

const projects = checkouts.map((checkout, k) => {
  const dir = join(base, `tsdbt-warm-edits-${k}-${n}${jinja ? '-jinja' : ''}`);
  generateProject(n, dir, { jinja });
  // Ten models that read a var no other node reads (the `--vars` rows).
  for (let i = 1; i <= 10; i++) {
    const file = join(dir, 'models', 'layer_9', `m_${String(n - i).padStart(5, '0')}.sql`);
    writeFileSync(file, `${readFileSync(file, 'utf8')}-- {{ var('rare_var', '') }}\n`);
  }
  const model = join(dir, 'models', 'layer_5', `m_${String(Math.floor(n * 0.55)).padStart(5, '0')}.sql`);
  const yaml = join(dir, 'models', 'layer_5', 'schema.yml');
  timed(checkout, dir, 'compile'); // the warm start and the compile memo
  return { checkout, dir, model, yaml, modelText: readFileSync(model, 'utf8'), yamlText: readFileSync(yaml, 'utf8'), rows: {} };
});

const push = (p, row, r) => (p.rows[row] ??= []).push(r);
for (let r = 0; r < Number(rounds); r++)
  for (const p of projects) {
    push(p, 'warm ls', timed(p.checkout, p.dir, 'ls'));
    writeFileSync(p.model, `${p.modelText}-- ls edit ${r}\n`);
    push(p, 'one model edited, ls', timed(p.checkout, p.dir, 'ls'));
    writeFileSync(p.yaml, p.yamlText.replace('description: "Synthetic', `description: "Edit ${r} of synthetic`));
    push(p, 'one schema YAML edited, ls', timed(p.checkout, p.dir, 'ls'));
    timed(p.checkout, p.dir, 'compile'); // compiled as the edits left it
    push(p, 'warm compile', timed(p.checkout, p.dir, 'compile'));
    writeFileSync(p.model, `${p.modelText}-- compile edit ${r}\n`);
    push(p, 'one model edited, compile', timed(p.checkout, p.dir, 'compile'));
    push(p, '--vars no node reads, ls', timed(p.checkout, p.dir, 'ls', '--vars', `{unread_var: ${r}}`));
    push(p, '--vars 10 models read, ls', timed(p.checkout, p.dir, 'ls', '--vars', `{rare_var: ${r}}`));
    timed(p.checkout, p.dir, 'ls'); // back to no --vars
  }

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const p of projects) {
  console.log(`\n${p.checkout} (${n} models${jinja ? ', Jinja' : ''}, ${base}):`);
  for (const [row, runs] of Object.entries(p.rows))
    console.log(`  ${row.padEnd(28)} wall ${median(runs.map((x) => x.wall)).toFixed(2)} s, CPU ${median(runs.map((x) => x.cpu)).toFixed(2)} s, peak ${median(runs.map((x) => x.peakMB))} MB`);
  writeFileSync(p.model, p.modelText);
  writeFileSync(p.yaml, p.yamlText);
  rmSync(p.dir, { recursive: true, force: true });
}
