// dbt_semantics' SQL rewrites (execute/dbt-semantics/chain.ts) on one large generated model, two builds side by side.
// A model of N UNION ALL branches, each with a correlated scalar subquery over its own relation under another name
// (outer-name-scope.ts rewrites it), a second correlated subquery, a join and an EXISTS: what a macro-generated model
// (union_relations over many relations, an unpivot) looks like. Each round times both builds in turn, in one process,
// on the same SQL; the rewritten texts are compared (the same, or the difference is said).
//
// --functions 1: each branch also rounds, nests a round and reads first_value/last_value/lag windows (round-half-away.ts,
// window-nulls.ts: both rewrote the text once per call, quadratic in the calls).
// Usage: nice node bench/rewrite-chain.mjs [--branches 800] [--rounds 5] [--functions 1] BEFORE_ROOT AFTER_ROOT
//   a ROOT is a built tsdbt checkout (its packages/core/dist is imported), e.g. /work/wt/before17 .
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args.splice(i, 2)[1]) : fallback;
};
const branches = opt('branches', 800);
const rounds = opt('rounds', 5);
const functions = opt('functions', 0) === 1;
const roots = args.map((r) => resolve(r));
if (roots.length !== 2) throw new Error('usage: node bench/rewrite-chain.mjs [--branches N] [--rounds R] BEFORE_ROOT AFTER_ROOT');

const extra = (i) =>
  functions
    ? `, round(t${i}.v, 2) as r, round(round(t${i}.v / 3, 3) * 2) as rr, first_value(t${i}.v) over (order by t${i}.k) as f, last_value(t${i}.v) over (order by t${i}.k) as l, lag(t${i}.v) over (order by t${i}.k) as p`
    : '';
const branch = (i) =>
  `select t${i}.k, cast(t${i}.v as Float64) as v, (select count() from db.t${i} as s where s.k = t${i}.k) as c, (select max(x) from db.u where u.k = t${i}.k) as m${extra(i)}\n` +
  `from db.t${i} join db.v on v.k = t${i}.k where exists (select 1 from db.w as ww where ww.k = t${i}.k)`;
const sql = Array.from({ length: branches }, (_, i) => branch(i)).join('\nunion all\n');
const node = { resourceType: 'model', name: 'big', uniqueId: 'model.bench.big', config: { materialized: 'table' } };
const rc = { adapter: {}, userFunctions: new Set() };
const builds = await Promise.all(roots.map(async (root) => (await import(`${root}/packages/core/dist/execute/dbt-semantics/chain.js`)).withDbtSemanticsRewrites));

const ms = roots.map(() => []);
const outs = [];
for (let r = 0; r < rounds; r++)
  builds.forEach((rewrite, b) => {
    const t0 = performance.now();
    outs[b] = rewrite(node, sql, rc);
    ms[b].push(performance.now() - t0);
  });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${branches} branches${functions ? ' with functions' : ''}, ${sql.length} characters, ${rounds} rounds`);
roots.forEach((root, b) => console.log(`${root}: median ${median(ms[b]).toFixed(0)} ms (${ms[b].map((x) => x.toFixed(0)).join(', ')}), ${outs[b].length} characters out`));
console.log(outs[0] === outs[1] ? 'rewritten SQL identical' : 'rewritten SQL differs');
