// Generates a synthetic layered project of N models: each model refs 1–3 earlier ones, has a
// config block, ~30 lines, and YAML tests on half of them. Deterministic for a given N.
// `valid: true` aliases the joined `base.id` (ClickHouse names it `base.id` when the joined tables
// also have `id`, so the final `select id` fails): the project then builds and validates clean.
// `jinja: true` makes every model Jinja-heavy, as real projects are (issue 17): a config() with
// tags, ONE ref(), `{{ var('factor', 1) }}` and `{% if var('with_flag', false) %}…{% endif %}` —
// no model can take the static parser's fast path, each goes through nunjucks.
// `varied: true` (with `jinja`) makes the Jinja models differ in shape, as a real project's do: each
// draws its config() keyword arguments, 1–3 refs, var() uses, {% if %}/{% for %} nesting, {% set %}
// and calls of the project's macros (macros/synth.sql) from the generator's random sequence — so
// templates rarely share a shape (render/jinja-compat/shared-code.ts), unlike the uniform `jinja`
// project, whose 10,000 models have two shapes. `unique: true` (with `varied`) gives each model a
// number of its own in a tag: every template a shape of its own, nothing shared.
// Usage: node bench/gen-project.mjs <N> <dir> [--valid] [--jinja] [--varied] [--unique]
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
  if (options.jinja && options.varied) mkdirSync(join(dir, 'macros'), { recursive: true });
  writeFileSync(join(dir, 'project.yml'), `name: synth\nprofile: synth\nmodels:\n  synth:\n    +materialized: view\n    layer_0:\n      +materialized: table\n`);
  for (let i = 0; i < n; i++) {
    const layer = Math.floor(i / perLayer);
    const name = `m_${String(i).padStart(5, '0')}`;
    const folder = join(dir, 'models', `layer_${layer}`);
    mkdirSync(folder, { recursive: true });
    const parents = [];
    if (layer > 0) {
      const k = options.jinja && !options.varied ? 1 : 1 + rand(3);
      for (let j = 0; j < k; j++) parents.push(`m_${String(rand(layer * perLayer)).padStart(5, '0')}`);
    }
    const from = parents.length === 0 ? 'numbers(100)' : `{{ ref('${parents[0]}') }}`;
    const joins = parents.slice(1).map((p, j) => `left join {{ ref('${p}') }} as p${j} on p${j}.id = base.id`).join('\n');
    const sql = options.jinja && options.varied ? variedModel(name, i, layer, parents, rand, options.unique) : options.jinja ? jinjaModel(name, i, layer, parents[0]) : `{{ config(materialized='${layer === 0 ? 'table' : 'view'}', tags=['layer_${layer}'], order_by='id') }}

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
  if (options.jinja && options.varied) writeFileSync(join(dir, 'macros', 'synth.sql'), SYNTH_MACROS, { flag: 'w' });
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

/** Macros the varied models call. */
const SYNTH_MACROS = `{% macro scaled(column, factor=1) -%}
({{ column }} * {{ factor }})
{%- endmacro %}

{% macro label_of(column, prefix='l') -%}
concat('{{ prefix }}_', toString({{ column }}))
{%- endmacro %}

{% macro bucket(column, edges) -%}
multiIf({% for e in edges %}{{ column }} < {{ e }}, {{ loop.index }}, {% endfor %}{{ edges | length + 1 }})
{%- endmacro %}
`;

/**
 * A Jinja model whose shape is drawn from `rand`: which config() arguments it has, how many refs
 * and joins, whether it reads vars, loops over columns (with an {% if %} inside or not), sets
 * variables and calls the project's macros, and in which order its optional blocks come.
 */
function variedModel(name, i, layer, parents, rand, unique) {
  const pick = (k) => rand(k);
  const kwargs = [`materialized='${layer === 0 ? 'table' : 'view'}'`];
  if (pick(2)) kwargs.push(`tags=[${['layer_' + layer, 'jinja', 'varied', 'x' + (i % 5)].slice(0, 1 + pick(4)).map((t) => `'${t}'`).join(', ')}]`);
  if (pick(2)) kwargs.push("order_by='id'");
  if (pick(3) === 0) kwargs.push(`meta={'owner': 'team_${i % 4}', 'tier': ${pick(3)}}`);
  if (pick(4) === 0) kwargs.push("enabled=true");
  for (let j = kwargs.length - 1; j > 1; j--) {
    const k = 1 + pick(j);
    [kwargs[j], kwargs[k]] = [kwargs[k], kwargs[j]];
  }
  const cols = ['value', 'label', 'kind'].slice(0, 1 + pick(3));
  const lines = [];
  lines.push(`{{ config(${kwargs.join(', ')}) }}`);
  if (pick(3) === 0) lines.push(`{% set threshold = ${pick(100)} %}`);
  // `unique`: a number of its own in a tag makes every model a shape of its own (the worst case for shared code).
  if (unique) lines.push(`{% set model_seed = ${i} %}`);
  if (pick(4) === 0) lines.push(`{% set extra_cols = [${cols.map((c) => `'${c}'`).join(', ')}] %}`);
  lines.push('', `-- synthetic varied Jinja model ${name}, layer ${layer}`);
  const base = parents.length === 0 ? 'numbers(100)' : `{{ ref('${parents[0]}') }}`;
  const factorExpr = pick(2) ? "var('factor', 1)" : String(1 + pick(5));
  const factor = factorExpr.startsWith('var') ? `{{ ${factorExpr} }}` : factorExpr;
  const valueExpr = parents.length === 0 ? 'number' : 'value';
  lines.push('with base as (', '    select');
  lines.push(`        ${parents.length === 0 ? 'number' : 'id'} as id,`);
  lines.push(pick(3) === 0 ? `        {{ scaled('${valueExpr}', ${factorExpr}) }} as value,` : `        ${valueExpr} * ${factor} as value,`);
  lines.push(pick(4) === 0 ? `        {{ label_of('${parents.length === 0 ? 'number' : 'id'}', prefix='p${i % 3}') }} as label` : `        ${parents.length === 0 ? "'x'" : 'label'} as label`);
  lines.push(`    from ${base}`);
  parents.slice(1).forEach((p, j) => lines.push(`    left join {{ ref('${p}') }} as p${j} on p${j}.id = ${parents.length === 0 ? 'number' : 'id'}`));
  lines.push('),', '', 'enriched as (', '    select', '        base.id as id,', `        base.value + ${i % 7} as value,`);
  if (pick(2)) {
    const n = 2 + pick(4);
    const inner = pick(2) ? `{% if not loop.last %}base.value % {{ loop.index + 1 }} as mod_{{ c }},{% endif %}` : `base.value % {{ loop.index + 1 }} as mod_{{ c }},`;
    lines.push(`        {% for c in [${Array.from({ length: n }, (_, k) => `'c${k}'`).join(', ')}] %}${inner}{% endfor %}`);
  }
  if (pick(3) === 0) lines.push(`        {{ bucket('base.value', [${Array.from({ length: 1 + pick(4) }, (_, k) => 10 * (k + 1)).join(', ')}]) }} as bucket,`);
  lines.push(`        concat(base.label, '_${i % 13}') as label,`);
  lines.push('        case', "            when base.value % 3 = 0 then 'fizz'", "            when base.value % 5 = 0 then 'buzz'", "            else 'plain'", '        end as kind');
  lines.push('    from base', ')', '', 'select', '    id,', '    value,', '    label,', '    kind', 'from enriched', 'where id is not null');
  const flag = pick(3);
  if (flag === 0) lines.push("{% if var('with_flag', false) %}", '  and value > 0', '{% endif %}');
  else if (flag === 1) lines.push("{% if var('with_flag', false) %}", '  and value > 0', '{% elif threshold is defined %}', '  and value > {{ threshold }}', '{% else %}', '  and 1 = 1', '{% endif %}');
  if (pick(4) === 0) lines.push('{# a comment block #}');
  return lines.join('\n') + '\n';
}

if (process.argv[1]?.endsWith('gen-project.mjs')) {
  const [n, dir, ...flags] = process.argv.slice(2);
  const unique = flags.includes('--unique');
  const varied = flags.includes('--varied') || unique;
  generateProject(Number(n), dir, { valid: flags.includes('--valid'), jinja: flags.includes('--jinja') || varied, varied, unique });
  console.log(`generated ${n} models in ${dir}`);
}
