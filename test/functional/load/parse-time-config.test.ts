import { afterEach, describe, expect, it } from 'vitest';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * dbt renders a node twice: at parse its `config` is ParseConfigObject, whose get/require/meta_get/
 * meta_require answer '' whatever the config holds (dbt-core context/providers.py); at compile and
 * run the real values. Code that branches on a config value takes its parse-time path while the
 * project loads (EqualExperts/dbt-unit-testing's root ref() override asks config.get('tags')), and
 * the node is rendered again for its SQL.
 */

let p: InlineProject | undefined;
afterEach(() => {
  p?.cleanup();
  p = undefined;
});

// Shaped as dbt-unit-testing's override: under a 'unit-test' tag, ref() looks the model up in `graph`
// (empty while parsing) and answers a CTE name; otherwise it is dbt's ref.
const REF_OVERRIDE = `{% macro ref(model_name) %}
  {% if 'unit-test' in config.get('tags', {}) %}
    {% set found = graph.nodes.values() | selectattr('name', 'equalto', model_name) | list %}
    {% if found | length == 0 %}{{ exceptions.raise_compiler_error('Node ' ~ model_name ~ ' not found') }}{% endif %}
    {{ return('mock_' ~ model_name) }}
  {% else %}
    {{ return(builtins.ref(model_name)) }}
  {% endif %}
{% endmacro %}`;

describe("parse-time config.get answers '' (dbt's ParseConfigObject)", () => {
  it('a ref() override checking config.get(tags) records the dependency at parse and takes its tagged path at compile', async () => {
    p = inlineProject({
      'macros/refs.sql': REF_OVERRIDE,
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "{{ config(tags=['unit-test']) }}\nselect id from {{ ref('a') }}",
      'models/c.sql': "select id from {{ ref('a') }}",
    });
    const project = p.open();
    expect(project.node('model.proj.b').dependsOn).toEqual(['model.proj.a']);
    expect(project.node('model.proj.c').dependsOn).toEqual(['model.proj.a']);
    const sql = new Map((await project.compile({ write: false })).map((c) => [c.node.name, c.sql.trim()]));
    expect(sql.get('b')).toBe('select id from mock_a');
    expect(sql.get('c')).toBe(`select id from \`${p.schema}\`.\`a\``);
  });

  it("a model's SQL built from config.get/require/meta_get compiles and runs with the real values; nothing renders again", async () => {
    p = inlineProject({
      'models/a.sql': "{{ config(materialized='table', n=7) }}\n{% if config.get('materialized') == 'table' %}select {{ config.get('n') }} as v, '{{ config.require('owner') }}' as o, '{{ config.meta_get('team') }}' as t{% endif %}",
      'models/plain.sql': "{{ config(materialized='table') }}\nselect 1 as v",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    config:\n      owner: ann\n      meta: {team: data}\n',
    });
    const project = p.open();
    // Its SQL is a render with the real values, made at load: nothing renders again at compile.
    const a = project.node('model.proj.a') as { renderedCode: string; renderAtRuntime: boolean };
    expect([a.renderedCode.trim(), a.renderAtRuntime]).toEqual(["select 7 as v, 'ann' as o, 'data' as t", false]);
    expect(project.node('model.proj.plain').renderAtRuntime).toBe(false);
    const sql = new Map((await project.compile({ write: false })).map((c) => [c.node.name, c.sql.trim()]));
    expect(sql.get('a')).toBe("select 7 as v, 'ann' as o, 'data' as t");
    const run = await project.run();
    expect(run.results.map((r) => [r.node.name, r.status]).sort()).toEqual([['a', 'success'], ['plain', 'success']]);
    expect(await project.show({ inline: "select v, o, t from {{ ref('a') }}" })).toEqual([{ v: 7, o: 'ann', t: 'data' }]);
    await project.close();
  });

  it("a ref chosen by config.get is not a dependency (dbt's parse took the '' branch): the compile says so, as dbt's", async () => {
    p = inlineProject({
      'models/a.sql': 'select 1 as v',
      'models/d.sql': "{{ config(materialized='table') }}\n{% if config.get('materialized') == 'table' %}select v from {{ ref('a') }}{% else %}select 2 as v{% endif %}",
    });
    const project = p.open();
    expect(project.node('model.proj.d').dependsOn).toEqual([]);
    expect(project.node('model.proj.d').renderAtRuntime).toBe(true);
    await expect(project.compile({ write: false, select: ['d'] })).rejects.toThrow(/depend/);
    await project.close();
  });
});
