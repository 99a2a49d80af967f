// Test batching: the column tests of one relation answered from one scan vs one query per test
// (dbt's way), on a table of `rows` rows with 10 column tests. Same statuses and counts checked.
// Usage: node bench/test-batching.mjs [rows=30000000] [repeats=3]
import { TsdbtProject } from '@tsdbt/core';
import { writeProject, seconds } from './bench-project.mjs';

const rows = Number(process.argv[2] ?? 30_000_000);
const repeats = Number(process.argv[3] ?? 3);
// mixed: 8 scan tests + 2 unique (not batched: an exact pre-check on the integer id, dbt's GROUP BY on the string code); scan: 10 not_null/accepted_values.
const mix = process.argv[4] ?? 'mixed';
const dir = writeProject({
  // Nullable columns (as raw data loaded from files usually is): not_null then really scans.
  'models/big.sql': `{{ config(materialized='table', order_by='id') }}
select number as id, toNullable(number % 1000) as a, toNullable(toString(number % 7)) as kind, if(number % 100000 = 0, NULL, number) as maybe,
       toNullable(number % 3) as small, toNullable(concat('u', toString(number % 50000))) as user_code
from numbers(${rows})`,
  'models/schema.yml': `version: 2
models:
  - name: big
    columns:
      - name: id
        tests: [not_null${mix === 'mixed' ? ', unique' : ''}]
      - name: a
        tests: [not_null]
      - name: kind
        tests: [not_null, {accepted_values: {values: ['0','1','2','3','4','5','6']}}]
      - name: maybe
        tests: [not_null]
      - name: small
        tests: [not_null, {accepted_values: {values: [0, 1], quote: false}}${mix === 'mixed' ? '' : ", {accepted_values: {values: [0, 1, 2], quote: false}}, {accepted_values: {values: [0, 2], quote: false, config: {severity: warn}}}"}]
      - name: user_code
        tests: [not_null${mix === 'mixed' ? ', unique' : ''}]
`,
}, { name: 'batching', threads: 4 });
const project = TsdbtProject.open({ projectDir: dir });
await project.run();
const client = (await project.adapter()).client;
const time = async (batchTests) => {
  const out = [];
  let result;
  for (let r = 0; r < repeats; r++) {
    // ClickHouse's query condition cache remembers which granules matched a WHERE: a repeated
    // `where col is null` then skips the whole table. Tests normally run once on a freshly built
    // table, so every timed run starts with it empty (for both paths).
    await client.command('SYSTEM DROP QUERY CONDITION CACHE');
    const t = performance.now();
    result = await project.test({ batchTests });
    out.push(performance.now() - t);
  }
  return { out, result };
};
const single = await time(false);
const batched = await time(true);
const summary = (res) => Object.fromEntries(res.results.map((r) => [r.node.name, `${r.status}:${r.failures}`]).sort());
const same = JSON.stringify(summary(single.result)) === JSON.stringify(summary(batched.result));
await project.close();
const best = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (!same) console.log(JSON.stringify(summary(single.result)));
console.log(JSON.stringify({ rows, mix, tests: single.result.results.length, perTestSeconds: single.out.map(seconds), batchedSeconds: batched.out.map(seconds), speedup: (best(single.out) / best(batched.out)).toFixed(2), medianSpeedup: (median(single.out) / median(batched.out)).toFixed(2), identicalResults: same, results: summary(batched.result) }));
