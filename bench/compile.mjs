// `tsdbt compile` of synthetic projects (bench/gen-project.mjs): wall time, CPU and peak memory of
// the CLI process — cold (a target folder that never existed) and warm (compiling again, nothing
// changed) —, `tsdbt ls`, the cost of merely creating the same files, and where the time goes.
// `--jinja`: the Jinja-heavy project (gen-project.mjs `jinja`: every model renders through nunjucks),
// with the naive floor (bench/nunjucks-floor.mjs: plain nunjucks, stub ref/var/config, YAML, DAG
// order) timed as a process in the same run, interleaved with `tsdbt ls`; `lsOverFloor` is the ratio.
// The parse cache (target/partial_parse.bin): `cold` compiles write into a target folder that never
// existed (no cache: every file parsed, the cache written); `warm` compiles and `ls` find the cache
// of the previous command; `lsNoCache` is `ls --no-partial-parse`; `lsChangedModel` edits one model
// file before each `ls`, `lsChangedYaml` one schema YAML file, `lsChangedVars` alternates
// `--vars '{with_flag: …}'` (every Jinja-heavy model reads it; the static project has no var()),
// `lsChangedUnreadVar` sets `--vars '{unread_var: …}'`, a var no node reads (a warm update parses nothing again).
// `compileChangedModel`: one model file edited before each warm `compile` (the warm start brought up to date).
// `lsNoCacheOneThread`: `ls --no-partial-parse` parsing on the main thread only (TSDBT_PARSE_THREADS=1);
// `lsNoCache` uses the default (a worker thread per other core, from 150 Jinja files per thread).
// `--varied`: the Jinja-heavy project whose models differ in shape (gen-project.mjs `varied`; implies --jinja);
// `--unique`: the varied project with every model a shape of its own (nothing shared).
// Usage: node bench/compile.mjs [sizes=1000,10000] [repeats=3] [base folder=os.tmpdir(), e.g. /dev/shm for a RAM disk] [--jinja | --varied | --unique]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './gen-project.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unique = process.argv.includes('--unique');
const varied = process.argv.includes('--varied') || unique;
const jinja = process.argv.includes('--jinja') || varied;
const sizes = (args[0] ?? '1000,10000').split(',').map(Number);
const repeats = Number(args[1] ?? 3);
const base = args[2] ?? tmpdir();
const floorScript = fileURLToPath(new URL('./nunjucks-floor.mjs', import.meta.url));
const cli = fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url));
const { TsdbtProject } = await import(new URL('../packages/core/dist/index.js', import.meta.url).href);

// GNU time prints the child's wall, user and system CPU seconds and max RSS (KB) on stderr.
function timed(args, script = cli, env = {}) {
  const p = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, script, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  if (p.status !== 0) throw new Error(p.stderr);
  const [wall, user, sys, rss] = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(p.stderr).slice(1).map(Number);
  return { wall, cpu: +(user + sys).toFixed(2), peakMB: Math.round(rss / 1024) };
}

const files = (dir) => readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

for (const n of sizes) {
  const dir = join(base, `tsdbt-synth-${unique ? 'unique-' : varied ? 'varied-' : jinja ? 'jinja-' : ''}${n}`);
  generateProject(n, dir, { jinja, varied, unique });
  // Each cold run writes into a target folder that never existed; all are removed at the end (a
  // deletion right before a run would slow the file creations it measures: see BENCHMARKS.md).
  const cold = [];
  for (let r = 0; r < repeats; r++) cold.push(timed(['compile', '--project-dir', dir, '--target-path', `target-cold-${r}`]));
  const warm = [];
  for (let r = 0; r < repeats; r++) warm.push(timed(['compile', '--project-dir', dir, '--target-path', 'target-cold-0']));
  const ls = [];
  const lsNoCache = [];
  const lsNoCacheOneThread = [];
  const floor = [];
  timed(['ls', '--project-dir', dir]); // the default target's cache
  for (let r = 0; r < repeats; r++) {
    ls.push(timed(['ls', '--project-dir', dir]));
    lsNoCache.push(timed(['ls', '--project-dir', dir, '--no-partial-parse']));
    lsNoCacheOneThread.push(timed(['ls', '--project-dir', dir, '--no-partial-parse'], cli, { TSDBT_PARSE_THREADS: '1' }));
    if (jinja) floor.push(timed([dir], floorScript));
  }
  const lsChangedModel = [];
  const lsChangedYaml = [];
  const lsChangedVars = [];
  const model = join(dir, 'models', 'layer_5', `m_${String(Math.floor(n * 0.55)).padStart(5, '0')}.sql`);
  const yamlFile = join(dir, 'models', 'layer_5', 'schema.yml');
  const modelText = readFileSync(model, 'utf8');
  const yamlText = readFileSync(yamlFile, 'utf8');
  for (let r = 0; r < repeats; r++) {
    writeFileSync(model, `${modelText}-- edit ${r}\n`);
    lsChangedModel.push(timed(['ls', '--project-dir', dir]));
  }
  for (let r = 0; r < repeats; r++) {
    writeFileSync(yamlFile, yamlText.replace('description: "Synthetic', `description: "Edit ${r} of synthetic`));
    lsChangedYaml.push(timed(['ls', '--project-dir', dir]));
  }
  for (let r = 0; r < repeats; r++) lsChangedVars.push(timed(['ls', '--project-dir', dir, '--vars', `{with_flag: ${r % 2 === 0}}`]));
  const lsChangedUnreadVar = [];
  timed(['ls', '--project-dir', dir]); // back to no --vars (a full load after the last with_flag)
  for (let r = 0; r < repeats; r++) lsChangedUnreadVar.push(timed(['ls', '--project-dir', dir, '--vars', `{unread_var: ${r}}`]));
  // A warm start brought up to date (load/warm-update.ts) and compiled: the one changed file written.
  const compileChangedModel = [];
  timed(['compile', '--project-dir', dir, '--target-path', 'target-cold-0']);
  for (let r = 0; r < repeats; r++) {
    writeFileSync(model, `${modelText}-- compile edit ${r}\n`);
    compileChangedModel.push(timed(['compile', '--project-dir', dir, '--target-path', 'target-cold-0']));
  }
  writeFileSync(model, modelText);
  writeFileSync(yamlFile, yamlText);

  // The floor set by the disk: creating the same files with the same text, one after another.
  const written = files(join(dir, 'target-cold-0'));
  const texts = written.map((f) => [relative(join(dir, 'target-cold-0'), f), readFileSync(f)]);
  const t = performance.now();
  for (const [rel, text] of texts) {
    const to = join(dir, 'target-floor', rel);
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, text);
  }
  const createFilesMs = Math.round(performance.now() - t);

  // Where the time goes, measured in this process with the library.
  const t0 = performance.now();
  const project = TsdbtProject.open({ projectDir: dir, targetPath: 'target-phases' });
  const t1 = performance.now();
  await project.compile({ write: false });
  const t2 = performance.now();
  await project.compile();
  const t3 = performance.now();
  const best = (runs) => Math.min(...runs.map((r) => r.wall));
  console.log(JSON.stringify({
    models: n,
    kind: unique ? 'jinja-unique' : varied ? 'jinja-varied' : jinja ? 'jinja' : 'static',
    nodes: project.manifest.nodes.size,
    files: written.length,
    cold,
    warm,
    ls,
    lsNoCache,
    lsNoCacheOneThread,
    lsChangedModel,
    lsChangedYaml,
    lsChangedVars,
    lsChangedUnreadVar,
    compileChangedModel,
    ...(jinja ? { floor } : {}),
    best: {
      cold: best(cold), warm: best(warm), ls: best(ls), lsNoCache: best(lsNoCache), lsNoCacheOneThread: best(lsNoCacheOneThread),
      lsChangedModel: best(lsChangedModel), lsChangedYaml: best(lsChangedYaml), lsChangedVars: best(lsChangedVars), lsChangedUnreadVar: best(lsChangedUnreadVar), compileChangedModel: best(compileChangedModel),
      ...(jinja ? { floor: best(floor), lsOverFloor: +(best(ls) / best(floor)).toFixed(2), lsNoCacheOverFloor: +(best(lsNoCache) / best(floor)).toFixed(2) } : {}),
    },
    createSameFilesMs: createFilesMs,
    phasesMs: { loadRenderGraph: Math.round(t1 - t0), compileSql: Math.round(t2 - t1), compileSqlAndWriteFiles: Math.round(t3 - t2) },
  }));
  for (const e of readdirSync(dir)) if (e.startsWith('target')) rmSync(join(dir, e), { recursive: true, force: true });
}
