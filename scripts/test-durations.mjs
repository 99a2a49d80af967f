// Writes test/durations.json from a finished run's vitest JSON report: each test file's wall time
// in seconds (files over 10 s only). test/sequencer.ts starts the longest files first, so with two
// workers a long file does not run alone at the end. Usage: node scripts/test-durations.mjs [report]
// (default target/vitest-results.json; a report from another checkout, e.g. a CI clone's
// <clone>/target/vitest-results.json, names files under that clone: paths are taken relative to it).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const path = process.argv[2] ?? 'target/vitest-results.json';
const report = JSON.parse(readFileSync(path, 'utf8'));
const root = resolve(dirname(path), '..');
const seconds = {};
for (const f of report.testResults ?? []) {
  const s = Math.round((f.endTime - f.startTime) / 1000);
  if (s > 10) seconds[relative(root, f.name)] = s;
}
const sorted = Object.fromEntries(Object.entries(seconds).sort(([a], [b]) => (a < b ? -1 : 1)));
writeFileSync('test/durations.json', JSON.stringify(sorted, null, 2) + '\n');
console.log(`test/durations.json: ${Object.keys(sorted).length} files over 10 s`);
