// The naive floor of a Jinja-heavy load (issue 17): what plain nunjucks needs to render every model
// of a project (stub ref/var/config), parse its schema YAML and order the DAG — no dbt semantics,
// no checks. bench/compile.mjs times this script as a process beside `tsdbt ls` and reports the ratio.
// Usage: node bench/nunjucks-floor.mjs <project dir>   (prints models, tests and edges found)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import nunjucks from 'nunjucks';

const dir = process.argv[2];
const files = readdirSync(join(dir, 'models'), { withFileTypes: true, recursive: true }).filter((e) => e.isFile());
const env = new nunjucks.Environment(null, { autoescape: false });
// The project's macros (the varied project calls some), as plain nunjucks macros every model sees.
const macros = {};
let macroFiles = [];
try {
  macroFiles = readdirSync(join(dir, 'macros')).filter((f) => f.endsWith('.sql'));
} catch {}
for (const f of macroFiles)
  new nunjucks.Template(readFileSync(join(dir, 'macros', f), 'utf8'), env).getExported({}, (error, exported) => {
    if (error) throw error;
    Object.assign(macros, exported);
  });
const parents = new Map();
let tests = 0;
for (const f of files) {
  const path = join(f.parentPath, f.name);
  if (f.name.endsWith('.yml')) {
    for (const m of yaml.load(readFileSync(path, 'utf8')).models ?? []) for (const c of m.columns ?? []) tests += (c.tests ?? []).length;
    continue;
  }
  const refs = [];
  const ctx = { ...macros, ref: (name) => (refs.push(name), name), var: (_name, fallback) => fallback, config: () => '' };
  env.renderString(readFileSync(path, 'utf8'), ctx);
  parents.set(f.name.slice(0, -4), refs);
}
// Kahn's algorithm over the ref edges.
const indegree = new Map([...parents.keys()].map((k) => [k, 0]));
const children = new Map();
for (const [child, ps] of parents) for (const p of ps) (indegree.set(child, indegree.get(child) + 1), (children.get(p) ?? children.set(p, []).get(p)).push(child));
const ready = [...indegree].filter(([, d]) => d === 0).map(([k]) => k);
const order = [];
while (ready.length) {
  const n = ready.pop();
  order.push(n);
  for (const c of children.get(n) ?? []) if (indegree.set(c, indegree.get(c) - 1).get(c) === 0) ready.push(c);
}
console.log(JSON.stringify({ models: parents.size, tests, ordered: order.length }));
