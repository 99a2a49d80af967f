import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core's compiled nodes in its artifacts (contracts/graph/nodes.py CompiledResource,
 * compilation.py _recursively_prepend_ctes, task/runnable.py writing manifest.json again after
 * the run; expected_manifest.py expected_references_manifest): a node compiled in the command has
 * compiled: true, compiled_code and extra_ctes_injected / extra_ctes (each inlined ephemeral model as
 * {id, sql: ' <cte> as (\n<its SQL>\n)'}, nested ones first); a node not compiled has none of these
 * keys (CompiledResource.__post_serialize__). An ephemeral model inlined is compiled by the way.
 */
const MODELS = {
  'inner_eph.sql': "{{ config(materialized='ephemeral') }}select 1 as id",
  'outer_eph.sql': "{{ config(materialized='ephemeral') }}select id from {{ ref('inner_eph') }}",
  'reader.sql': "select id from {{ ref('outer_eph') }} union all select id from {{ ref('inner_eph') }}",
  'plain.sql': 'select 2 as id',
};
const compiledKeys = ['compiled', 'compiled_code', 'extra_ctes_injected', 'extra_ctes'];
const ids = (ctes: { id: string }[]) => ctes.map((c) => c.id);

describe('compiled nodes in manifest.json and on-run-end results', () => {
  it('run: manifest.json after the run holds the compiled nodes with their extra_ctes; the others have no compiled keys', async () => {
    const p = dbtProject({
      models: MODELS,
      seeds: { 'seed.csv': 'id\n1\n' },
      projectConfig: 'on-run-end: ["{% for r in results %}{{ log(\'NODE \' ~ r.node.unique_id ~ \' \' ~ r.node.compiled ~ \' \' ~ (r.node.extra_ctes | map(attribute=\'id\') | join(\',\')), info=true) }}{% endfor %}"]\n',
    });
    await p.dbt(['seed']);
    const parsed = p.readJson('target/manifest.json').nodes;
    // Before any compile (the seed command's manifest): no node is compiled.
    for (const key of compiledKeys) expect(parsed['model.test.reader'], key).not.toHaveProperty(key);
    const { out } = await p.dbt(['run', '--select', 'reader']);
    const nodes = p.readJson('target/manifest.json').nodes;
    const reader = nodes['model.test.reader'];
    expect([reader.compiled, reader.extra_ctes_injected]).toEqual([true, true]);
    expect(reader.compiled_path).toBe('target/compiled/test/models/reader.sql');
    // Nested first, each once, in the order dbt injects them.
    expect(ids(reader.extra_ctes)).toEqual(['model.test.inner_eph', 'model.test.outer_eph']);
    expect(reader.extra_ctes[0].sql).toBe(' `__dbt__cte__inner_eph` as (\nselect 1 as id\n)');
    expect(reader.extra_ctes[1].sql).toBe(' `__dbt__cte__outer_eph` as (\nselect id from `__dbt__cte__inner_eph`\n)');
    for (const cte of reader.extra_ctes) expect(reader.compiled_code).toContain(cte.sql.trim());
    // The ephemeral models inlined, compiled by the way: their own CTEs injected.
    const outer = nodes['model.test.outer_eph'];
    expect([outer.compiled, outer.extra_ctes_injected, ids(outer.extra_ctes)]).toEqual([true, true, ['model.test.inner_eph']]);
    expect(outer.compiled_code).toContain('`__dbt__cte__inner_eph` as (\nselect 1 as id\n)');
    expect([nodes['model.test.inner_eph'].compiled, nodes['model.test.inner_eph'].extra_ctes]).toEqual([true, []]);
    // Not run in this command, or never compiled (a seed): no compiled keys.
    for (const key of compiledKeys) {
      expect(nodes['model.test.plain'], key).not.toHaveProperty(key);
      expect(nodes['seed.test.seed'], key).not.toHaveProperty(key);
    }
    // on-run-end's results: each node as its run left it.
    expect(out.join('\n')).toContain('NODE model.test.reader True model.test.inner_eph,model.test.outer_eph');
  });

  it('a model that fails in the warehouse is compiled; a model that fails to compile is not', async () => {
    const p = dbtProject({
      models: {
        'bad_sql.sql': 'select throwIf(1) as x',
        'bad_jinja.sql': "select {% if execute %}{{ exceptions.raise_compiler_error('no') }}{% endif %} 1 as x",
      },
    });
    await p.dbt(['run'], { expectPass: false });
    const nodes = p.readJson('target/manifest.json').nodes;
    expect(nodes['model.test.bad_sql']).toMatchObject({ compiled: true, compiled_code: expect.stringContaining('throwIf(1)'), extra_ctes: [] });
    for (const key of compiledKeys) expect(nodes['model.test.bad_jinja'], key).not.toHaveProperty(key);
  });

  it('compile without --select compiles the ephemeral models too (file, compiled_code, extra_ctes) but lists only the others', async () => {
    // dbt's CompileTask runs every selected node; an ephemeral one's result is kept only with --select.
    const p = dbtProject({ models: MODELS });
    const { out } = await p.dbt(['compile']);
    expect(out.join('\n')).toContain('Compiled 2 nodes');
    const check = () => {
      const nodes = p.readJson('target/manifest.json').nodes;
      const outer = nodes['model.test.outer_eph'];
      expect([outer.compiled, outer.compiled_path, ids(outer.extra_ctes)]).toEqual([true, 'target/compiled/test/models/outer_eph.sql', ['model.test.inner_eph']]);
      expect(outer.compiled_code).toBe('with `__dbt__cte__inner_eph` as (\nselect 1 as id\n)\nselect id from `__dbt__cte__inner_eph`');
      expect(readFileSync(join(p.dir, 'target/compiled/test/models/outer_eph.sql'), 'utf8').trimEnd()).toBe(outer.compiled_code);
      expect(nodes['model.test.inner_eph']).toMatchObject({ compiled: true, compiled_code: 'select 1 as id', extra_ctes: [] });
    };
    check();
    // Again, from the compile memo; and after an edit elsewhere (the others from the memo).
    await p.dbt(['compile']);
    check();
    p.write({ 'models/plain.sql': 'select 3 as id' });
    expect((await p.dbt(['compile'])).out.join('\n')).toContain('Compiled 2 nodes');
    check();
  });

  it("a custom materialization's model has the ephemeral models it inlined (model.extra_ctes), as dbt's compiled node", async () => {
    const p = dbtProject({
      models: { ...MODELS, 'reader.sql': "{{ config(materialized='logged') }}select id from {{ ref('outer_eph') }}" },
      macros: {
        'logged.sql': `{% materialization logged, adapter='clickhouse' %}
  {{ log('CTES ' ~ model.extra_ctes_injected ~ ' ' ~ (model.extra_ctes | map(attribute='id') | join(',')) ~ ' ' ~ model.compiled, info=true) }}
  {% call statement('main') %}create table {{ this }} engine = Memory as {{ sql }}{% endcall %}
  {{ return({'relations': [this]}) }}
{% endmaterialization %}`,
      },
    });
    const { out } = await p.dbt(['run', '--select', 'reader']);
    expect(out.join('\n')).toContain('CTES True model.test.inner_eph,model.test.outer_eph True');
  });

  it('compile: extra_ctes listed, the same from a warm compile taken from the memo', async () => {
    const p = dbtProject({ models: MODELS });
    await p.dbt(['compile']);
    const cold = p.readJson('target/manifest.json').nodes['model.test.reader'];
    expect(ids(cold.extra_ctes)).toEqual(['model.test.inner_eph', 'model.test.outer_eph']);
    expect(cold.compiled_code).toContain('`__dbt__cte__outer_eph` as (');
    // An edit elsewhere: the reader comes from the compile memo, its dict made again.
    p.write({ 'models/plain.sql': 'select 3 as id' });
    await p.dbt(['compile']);
    expect(p.readJson('target/manifest.json').nodes['model.test.reader']).toEqual(cold);
    // --no-inject-ephemeral-ctes: the ephemerals read listed, their SQL not injected (not the memo's SQL either).
    await p.dbt(['compile', '--no-inject-ephemeral-ctes']);
    const plain = p.readJson('target/manifest.json').nodes['model.test.reader'];
    expect(plain.compiled_code).toBe('select id from `__dbt__cte__outer_eph` union all select id from `__dbt__cte__inner_eph`');
    expect([plain.extra_ctes_injected, plain.extra_ctes]).toEqual([false, [{ id: 'model.test.outer_eph', sql: null }, { id: 'model.test.inner_eph', sql: null }]]);
  });
});
