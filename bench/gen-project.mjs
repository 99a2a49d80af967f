// Generates a synthetic layered project of N models: each model refs 1–3 earlier ones, has a
// config block, ~30 lines, and YAML tests on half of them. Deterministic for a given N.
// `valid: true` aliases the joined `base.id` (ClickHouse names it `base.id` when the joined tables
// also have `id`, so the final `select id` fails): the project then builds and validates clean.
// `jinja: true` makes every model Jinja-heavy, as real projects are (issue 17): a config() with
// tags, ONE ref(), `{{ var('factor', 1) }}` and `{% if var('with_flag', false) %}…{% endif %}` —
// no model can take the static parser's fast path, each goes through nunjucks.
// Usage: node bench/gen-project.mjs <N> <dir> [--valid] [--jinja]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateProject(n, dir, options = {}) {
  rmSync(dir, { recursive: true, force: true });
  const layers = 10;
  const perLayer = Math.ceil(n / layers);
  let rnd = 12345;
  const rand = (k) => ((rnd = (rnd * 1103515245 + 12345) % 2147483648), rnd % k);
  const yaml = new Map();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'project.yml'), `name: synth\nprofile: synth\nmodels:\n  synth:\n    +materialized: view\n    layer_0:\n      +materialized: table\n`);
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / perLayer);
    const name = `m_${String(i).padStart(5, '0')}`;
    const folder = join(dir, 'models', `layer_${layer}`);
    mkdirSync(folder, { recursive: true });
    const parents = [];
    if (layer > 0) {
      const k = options.jinja ? 1 : 1 + rand(3);
      for (let j = 0; j < k; j++) parents.push(`m_${String(rand(layer * perLayer)).padStart(5, '0')}`);
    }
    const from = parents.length === 0 ? 'numbers(100)' : `{{ ref('${parents[0]}') }}`;
    const joins = parents.slice(1).map((p, j) => `left join {{ ref('${p}') }} as p${j} on p${j}.id = base.id`).join('\n');
    const sql = options.jinja ? jinjaModel(name, i, layer, parents[0]) : `{{ config(materialized='${layer === 0 ? 'table' : 'view'}', tags=['layer_${layer}'], order_by='id') }}

-- synthetic model ${name}, layer ${layer}
with base as (
    select
        ${parents.length === 0 ? 'number' : 'id'} as id,
        ${parents.length === 0 ? 'number * 2' : 'value'} as value,
        ${parents.length === 0 ? "'x'" : 'label'} as label
    from ${from}
),

enriched as (
    select
        base.id${options.valid ? ' as id' : ''},
        base.value + ${i % 7} as value,
        concat(base.label, '_${i % 13}') as label,
        case
            when base.value % 3 = 0 then 'fizz'
            when base.value % 5 = 0 then 'buzz'
            else 'plain'
        end as kind
    from base
    ${joins}
)

select
    id,
    value,
    label,
    kind
from enriched
where id is not null
`;
    writeFileSync(join(folder, `${name}.sql`), sql);
    if (i % 2 === 0) {
      const entry = `  - name: ${name}\n    description: "Synthetic model ${i}"\n    columns:\n      - name: id\n        tests: [not_null, unique]\n      - name: kind\n        tests:\n          - accepted_values:\n              values: ['fizz', 'buzz', 'plain']\n`;
      yaml.set(layer, (yaml.get(layer) ?? '') + entry);
    }
  }
  for (const [layer, body] of yaml) writeFileSync(join(dir, 'models', `layer_${layer}`, 'schema.yml'), `version: 2\nmodels:\n${body}`);
}

/** A model that needs a Jinja render: var() (with defaults), an {% if %}, config() with tags, one ref(). */
function jinjaModel(name, i, layer, parent) {
  const from = parent ? `{{ ref('${parent}') }}` : 'numbers(100)';
  return `{{ config(materialized='${layer === 0 ? 'table' : 'view'}', tags=['layer_${layer}', 'jinja'], order_by='id') }}

-- synthetic Jinja model ${name}, layer ${layer}
with base as (
    select
        ${parent ? 'id' : 'number'} as id,
        ${parent ? 'value' : 'number * 2'} * {{ var('factor', 1) }} as value,
        ${parent ? 'label' : "'x'"} as label
    from ${from}
),

enriched as (
    select
        base.id as id,
        base.value + ${i % 7} as value,
        concat(base.label, '_${i % 13}') as label,
        case
            when base.value % 3 = 0 then 'fizz'
            when base.value % 5 = 0 then 'buzz'
            else 'plain'
        end as kind
    from base
)

select
    id,
    value,
    label,
    kind
from enriched
where id is not null
{% if var('with_flag', false) %}
  and value > 0
{% endif %}
`;
}

if (process.argv[1]?.endsWith('gen-project.mjs')) {
  const [n, dir, ...flags] = process.argv.slice(2);
  generateProject(Number(n), dir, { valid: flags.includes('--valid'), jinja: flags.includes('--jinja') });
  console.log(`generated ${n} models in ${dir}`);
}
