// Rows rendered to SQL through small macros, as dbt packages upload their artifacts: per row and
// column a case-insensitive dict lookup, a type normalised by a dict, a value rendered by a macro
// that dispatches to an escaping macro and ends with `return()`, timing macros around each row, and
// the insert query grown row by row and `| length`-checked (elementary's insert_rows shape: 4,440
// dbt_columns rows of a 1,900-node project took ~57 s in its render_row_to_sql alone). Our own
// macros, no package code. Each run is a fresh `tsdbt run-operation` process; the CLIs given are
// interleaved run by run; CPU (user + sys) and wall reported.
// Usage: node bench/jinja-render-rows.mjs <rows=4000> <repeats=3> <cli.js> [<other cli.js> …]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const rows = Number(process.argv[2] ?? 4000);
const repeats = Number(process.argv[3] ?? 3);
const clis = process.argv.slice(4).map((c) => resolve(c));
if (!clis.length) clis.push(fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url)));

const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'tsdbt-render-rows-'));
mkdirSync(join(dir, 'macros'));
writeFileSync(join(dir, 'dbt_project.yml'), 'name: render_rows_bench\nversion: "1.0"\nprofile: default\n');
writeFileSync(
  join(dir, 'macros', 'rows.sql'),
  `{% macro timer_begin(name) %}
  {% set stack = render_rows_bench.timer_stack() %}
  {% if stack is none %}{% do return(none) %}{% endif %}
  {% do stack.append({'name': name}) %}
{% endmacro %}

{% macro timer_end(name) %}
  {% set stack = render_rows_bench.timer_stack() %}
  {% if stack is none %}{% do return(none) %}{% endif %}
  {% do stack.pop() %}
{% endmacro %}

{% macro timer_stack() %}{% do return(none) %}{% endmacro %}

{% macro get_or_none(d, key) %}{% do return(d.get(key)) %}{% endmacro %}

{% macro get_ci(d, key, default=none) -%}
  {% for k in [key, key.lower(), key.upper()] %}
    {% set v = render_rows_bench.get_or_none(d, k) %}
    {% if v is not none %}{% do return(v) %}{% endif %}
  {% endfor %}
  {% do return(default) %}
{%- endmacro %}

{% macro type_list(kind) %}{{ return(adapter.dispatch('type_list', 'render_rows_bench')(kind)) }}{% endmacro %}
{% macro default__type_list(kind) %}
  {% set lists = {'string': ['string', 'text', 'varchar'], 'numeric': ['int32', 'int64', 'float64', 'decimal'],
                  'timestamp': ['datetime', 'datetime64', 'date'], 'boolean': ['bool', 'boolean']} %}
  {% do return(lists[kind]) %}
{% endmacro %}

{% macro normalize_type(t) %}
  {% set t = t.split('(')[0].lower() if '(' in t else t.lower() %}
  {% for kind in ['string', 'numeric', 'timestamp', 'boolean'] %}
    {% if t in render_rows_bench.type_list(kind) %}{% do return(kind) %}{% endif %}
  {% endfor %}
  {% do return('other') %}
{% endmacro %}

{% macro escape(s) %}{{ return(adapter.dispatch('escape', 'render_rows_bench')(s)) }}{% endmacro %}
{%- macro default__escape(s) -%}
  {{- return(s | replace("\\\\", "\\\\\\\\") | replace("'", "\\\\'") | replace("\\n", "\\\\n") | replace("\\r", "\\\\r")) -}}
{%- endmacro -%}

{%- macro render_value(value, data_type) -%}
  {%- if value is defined and value is not none -%}
    {%- if value is number -%}{{- value -}}
    {%- elif value is string and data_type == 'timestamp' -%}cast('{{ value }}' as timestamp)
    {%- elif value is string -%}'{{- render_rows_bench.escape(value) -}}'
    {%- elif value is mapping or value is sequence -%}'{{- render_rows_bench.escape(tojson(value)) -}}'
    {%- else -%}NULL{%- endif -%}
  {%- else -%}NULL{%- endif -%}
{%- endmacro -%}

{% macro render_row(row, columns) %}
  {% do render_rows_bench.timer_begin('render_row') %}
  {% set values = [] %}
  {% for column in columns %}
    {% if column.name.lower() == 'created_at' %}
      {% do values.append('now()') %}
    {% else %}
      {% set v = render_rows_bench.get_ci(row, column.name) %}
      {% do values.append(render_rows_bench.render_value(v, render_rows_bench.normalize_type(column.dtype))) %}
    {% endif %}
  {% endfor %}
  {% do render_rows_bench.timer_end('render_row') %}
  {% do return("({})".format(values | join(","))) %}
{% endmacro %}

{% macro upload(n) %}
{% set columns = [] %}
{% for c in ['unique_id', 'parent_unique_id', 'name', 'data_type', 'tags', 'meta', 'database_name', 'schema_name', 'table_name', 'description', 'resource_type', 'generated_at', 'metadata_hash', 'created_at'] %}
  {% do columns.append({'name': c, 'dtype': 'String' if c not in ['generated_at', 'created_at'] else 'DateTime'}) %}
{% endfor %}
{% set base %}insert into t ({{ columns | map(attribute='name') | join(',') }}) values {% endset %}
{% set q = namespace(data=base, chunks=0) %}
{% for i in range(n) %}
  {% set row = {'UNIQUE_ID': 'column.proj.model_' ~ i ~ '.col', 'parent_unique_id': 'model.proj.model_' ~ i, 'name': 'col_' ~ i,
      'data_type': 'Int32', 'tags': ['a', 'b'], 'meta': {'owner': "team's"}, 'database_name': none, 'schema_name': 'analytics',
      'table_name': 'model_' ~ i, 'description': "it's a \\"thing\\"\\nover two lines", 'resource_type': 'model',
      'generated_at': '2026-12-07 10:00:00', 'metadata_hash': 'abc' ~ i} %}
  {% set row_sql = render_rows_bench.render_row(row, columns) %}
  {% set with_row = q.data + ("," if not loop.first else "") + row_sql %}
  {% if with_row | length > 1000000 %}{% set q.data = base + row_sql %}{% set q.chunks = q.chunks + 1 %}{% else %}{% set q.data = with_row %}{% endif %}
{% endfor %}
{% do log('chunks ' ~ (q.chunks + 1) ~ ', last ' ~ (q.data | length) ~ ', tail ' ~ q.data[-160:], info=True) %}
{% endmacro %}
`,
);

const results = clis.map(() => []);
const tails = clis.map(() => '');
for (let r = 0; r < repeats; r++) {
  clis.forEach((cli, k) => {
    const t0 = Date.now();
    const out = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S'; time node ${JSON.stringify(cli)} run-operation upload --args '{n: ${rows}}'`], { cwd: dir, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${cli}: ${out.stdout}\n${out.stderr}`);
    tails[k] = out.stdout.split('\n').find((l) => l.includes('chunks ')) ?? '';
    const [user, sys] = out.stderr.trim().split(/\s+/).slice(-2).map(Number);
    results[k].push({ cpu: user + sys, wall: (Date.now() - t0) / 1000 });
  });
}
if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
clis.forEach((cli, k) => {
  const cpu = median(results[k].map((x) => x.cpu)).toFixed(2);
  const wall = median(results[k].map((x) => x.wall)).toFixed(2);
  console.log(`${cli}: ${rows} rows, median of ${repeats}: CPU ${cpu} s, wall ${wall} s (all CPU: ${results[k].map((x) => x.cpu.toFixed(2)).join(' ')})`);
});
if (new Set(tails.map((t) => t.replace(/^\S+\s+/, ''))).size > 1) console.log('OUTPUTS DIFFER:\n' + tails.join('\n'));
else console.log('same output: ' + tails[0].replace(/^.*?chunks/, 'chunks'));
