// Jinja text measuring as elementary's insert_rows does it (its artifact upload): a query grown row
// by row and `| length`-checked against query_max_size after each row, n rows of ~120 characters.
// Python's len() is O(1); a length that lists the text's characters made this quadratic (4,440
// column rows of a 1,900-node project: minutes). Each run is a fresh `tsdbt run-operation` process
// of a one-macro project; CLIs given are interleaved run by run, CPU (user + sys) and wall reported.
// Usage: node bench/jinja-insert-rows.mjs <rows=4000> <repeats=3> <cli.js> [<other cli.js> …]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rows = Number(process.argv[2] ?? 4000);
const repeats = Number(process.argv[3] ?? 3);
const clis = process.argv.slice(4);
if (!clis.length) clis.push(fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url)));

const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tsdbt-insert-rows-'));
mkdirSync(join(dir, 'macros'));
writeFileSync(join(dir, 'dbt_project.yml'), 'name: insert_rows_bench\nversion: "1.0"\nprofile: default\n');
writeFileSync(
  join(dir, 'macros', 'grow.sql'),
  `{% macro grow(n) %}
{% set base %}
   insert into t values
{% endset %}
{% set q = namespace(data=base, chunks=0) %}
{% for i in range(n) %}
  {% set row_sql = "(" ~ i ~ ", '${'a'.repeat(110)}')" %}
  {% set with_row = q.data + ("," if not loop.first else "") + row_sql %}
  {% if with_row | length > 1000000 %}{% set q.data = base + row_sql %}{% set q.chunks = q.chunks + 1 %}{% else %}{% set q.data = with_row %}{% endif %}
{% endfor %}
{% do log('chunks ' ~ (q.chunks + 1) ~ ', last ' ~ (q.data | length), info=True) %}
{% endmacro %}
`,
);

const results = clis.map(() => []);
for (let r = 0; r < repeats; r++) {
  clis.forEach((cli, k) => {
    const t0 = Date.now();
    const out = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time node ${JSON.stringify(cli)} run-operation grow --args '{n: ${rows}}' >/dev/null`], { cwd: dir, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${cli}: ${out.stderr}`);
    const [user, sys] = out.stderr.trim().split(/\s+/).slice(-2).map(Number);
    results[k].push({ cpu: user + sys, wall: (Date.now() - t0) / 1000 });
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
clis.forEach((cli, k) => {
  const cpu = median(results[k].map((x) => x.cpu)).toFixed(2);
  const wall = median(results[k].map((x) => x.wall)).toFixed(2);
  console.log(`${cli}: ${rows} rows, median of ${repeats}: CPU ${cpu} s, wall ${wall} s (all CPU: ${results[k].map((x) => x.cpu.toFixed(2)).join(' ')})`);
});
