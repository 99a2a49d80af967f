// Cold `tsdbt compile` of synthetic projects (bench/gen-project.mjs): wall time, CPU and peak
// memory of the CLI process with a fresh target/ each time, plus where the time goes.
// Usage: node bench/compile.mjs [sizes=1000,10000] [repeats=3]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateProject } from './gen-project.mjs';

const sizes = (process.argv[2] ?? '1000,10000').split(',').map(Number);
const repeats = Number(process.argv[3] ?? 3);
const cli = fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url));
const { TsdbtProject } = await import(new URL('../packages/core/dist/index.js', import.meta.url).href);

// ext4 without a journal (this machine's disk) scans past inodes deleted in the last ~100 minutes
// (`recently_deleted`, while their inode-table blocks are cached) on every file it creates: after the
// test suite or the previous run deleted 25,000 files, creating 25,000 more took 4–18 s instead of
// 0.6 s. Each run therefore starts from dropped kernel caches (when allowed: root), then reads the
// project's files once so that its sources are cached as they are on a working machine.
function settleDisk(dir) {
  spawnSync('sync');
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
  } catch {
    if (!settleDisk.warned) console.error('note: cannot drop kernel caches (not root); file creation times may include ext4 recently-deleted scans');
    settleDisk.warned = true;
  }
  const walk = (d) => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : readFileSync(join(d, e.name)); };
  walk(dir);
}

for (const n of sizes) {
  const dir = join(tmpdir(), `tsdbt-synth-${n}`);
  generateProject(n, dir);
  const runs = [];
  for (let r = 0; r < repeats; r++) {
    rmSync(join(dir, 'target'), { recursive: true, force: true });
    settleDisk(dir);
    // GNU time prints the child's wall, user and system CPU seconds and max RSS (KB) on stderr.
    const p = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, cli, 'compile', '--project-dir', dir], { encoding: 'utf8' });
    const [wall, user, sys, rss] = /TIME (\S+) (\S+) (\S+) (\S+)/.exec(p.stderr).slice(1).map(Number);
    runs.push({ wall, cpu: +(user + sys).toFixed(2), peakMB: Math.round(rss / 1024) });
  }
  // Where the time goes, measured in this process with the library.
  rmSync(join(dir, 'target'), { recursive: true, force: true });
  settleDisk(dir);
  const t0 = performance.now();
  const project = TsdbtProject.open({ projectDir: dir });
  const t1 = performance.now();
  await project.compile({ write: false });
  const t2 = performance.now();
  await project.compile();
  const t3 = performance.now();
  console.log(JSON.stringify({
    models: n,
    nodes: project.manifest.nodes.size,
    cliRuns: runs,
    bestWall: Math.min(...runs.map((r) => r.wall)),
    phasesMs: { loadRenderGraph: Math.round(t1 - t0), compileSql: Math.round(t2 - t1), compileSqlAndWriteFiles: Math.round(t3 - t2) },
  }));
}
