// How the warm start should tell that a project's files are unchanged: a stat of every file
// (mtime, size, inode: load/input-fingerprint.ts, what it does) against reading and hashing every
// file (sha1 of the text), over the model files of a generated project, on the disk given.
// Usage: node bench/fingerprint.mjs [models=10000] [repeats=5] [base folder=os.tmpdir(), e.g. /dev/shm]
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProject } from './gen-project.mjs';

const { scanInputs } = await import(new URL('../packages/core/dist/load/input-fingerprint.js', import.meta.url).href);
const [n = 10000, repeats = 5] = process.argv.slice(2, 4).map(Number);
const dir = join(process.argv[4] ?? tmpdir(), `tsdbt-fingerprint-${n}`);
generateProject(n, dir, { jinja: true });
const spec = { files: [], shallow: [dir], listed: [], trees: [join(dir, 'models')] };
const hashAll = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) hashAll(p);
    else createHash('sha1').update(readFileSync(p)).digest('base64');
  }
};
const stat = [];
const hash = [];
for (let r = 0; r < repeats; r++) {
  let t = performance.now();
  const scan = scanInputs(spec);
  stat.push(+(performance.now() - t).toFixed(1));
  t = performance.now();
  hashAll(join(dir, 'models'));
  hash.push(+(performance.now() - t).toFixed(1));
  if (scan.size < n) throw new Error(`scanned ${scan.size} files`);
}
console.log(JSON.stringify({ files: n, dir, statMs: stat, readAndHashMs: hash, best: { statMs: Math.min(...stat), readAndHashMs: Math.min(...hash) } }));
rmSync(dir, { recursive: true, force: true });
