import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt's Python models (models/*.py) on ClickHouse: as dbt-core + dbt-clickhouse, the project loads
 * and the Python model is a node (language python, listed, selectable, its dbt.ref/dbt.source calls
 * are its parents, dbt.config() its config, YAML properties applied); `run` fails it with
 * dbt-clickhouse's materialization error and skips what depends on it, the rest builds.
 */
const SCORED = `import pandas as pd

# dbt.ref("not_a_parent") in a comment is not a call
def model(dbt, session):
    dbt.config(tags=["py"], alias='scored_orders')
    threshold = dbt.config.get("threshold", 10)
    orders = dbt.ref("orders").to_pandas()
    events = dbt.source('raw', 'events')
    return orders[orders.id < threshold]
`;
const SCHEMA = `version: 2
sources:
  - name: raw
    schema: raw_data
    tables:
      - name: events
models:
  - name: scored
    description: orders scored in Python
    columns:
      - name: id
        data_tests: [not_null]
  - name: later
    config:
      materialized: incremental
`;

/** The lines of a command's output (io lines may hold several). */
const lines = (out: string[]) => out.join('\n').split('\n');

function project() {
  return dbtProject({
    projectConfig: 'models:\n  +materialized: view\n',
    models: {
      'orders.sql': 'select 1 as id',
      'scored.py': SCORED,
      'later.py': 'def model(dbt, session):\n    return dbt.ref("scored")\n',
      'after_scored.sql': "select * from {{ ref('scored') }}",
      'independent.sql': 'select 2 as id',
      'schema.yml': SCHEMA,
    },
  });
}

describe('Python models (dbt-clickhouse: nodes whose run fails)', () => {
  it('load: nodes of language python with their refs, sources, config and YAML properties; ls and selection see them', async () => {
    const p = project();
    const ls = await p.dbt(['ls', '--resource-type', 'model']);
    expect(lines(ls.out).filter((l) => l.startsWith('test.')).sort()).toEqual(['test.after_scored', 'test.independent', 'test.later', 'test.orders', 'test.scored']);
    expect(ls.out.join('\n')).not.toMatch(/left out/);
    expect(lines((await p.dbt(['ls', '--select', 'tag:py', '--resource-type', 'model'])).out).filter((l) => l.startsWith('test.'))).toEqual(['test.scored']);
    expect(lines((await p.dbt(['ls', '--select', 'scored+', '--output', 'name'])).out).filter(Boolean).sort()).toEqual(['after_scored', 'later', 'not_null_scored_id', 'scored'].sort());
    await p.dbt(['parse']);
    const manifest = p.readJson('target/manifest.json');
    const scored = manifest.nodes['model.test.scored'];
    expect(scored.language).toBe('python');
    expect(scored.depends_on.nodes.sort()).toEqual(['model.test.orders', 'source.test.raw.events']);
    expect(scored.refs).toEqual([{ name: 'orders', package: null, version: null }]);
    expect(scored.sources).toEqual([['raw', 'events']]);
    // dbt's parser: a Python model is a table unless its YAML or dbt.config() says otherwise.
    expect(scored.config.materialized).toBe('table');
    expect(scored.config.alias).toBe('scored_orders');
    expect(scored.description).toBe('orders scored in Python');
    expect(scored.raw_code).toBe(SCORED);
    expect(manifest.nodes['model.test.later'].config.materialized).toBe('incremental');
    expect(manifest.nodes['model.test.orders'].language).toBe('sql');
    // state:modified compares them as any node.
    cpSync(join(p.dir, 'target'), join(p.dir, 'state'), { recursive: true });
    p.write({ 'models/scored.py': SCORED.replace('"threshold", 10', '"threshold", 20') });
    expect(lines((await p.dbt(['ls', '--select', 'state:modified', '--state', 'state', '--resource-type', 'model'])).out).filter((l) => l.startsWith('test.'))).toEqual(['test.scored']);
  });

  it("run: the Python models fail with dbt-clickhouse's error, their dependents are skipped, the rest is built (exit 1)", async () => {
    const p = project();
    const r = await p.dbt(['run'], { expectPass: false });
    expect(r.code).toBe(1);
    const status = Object.fromEntries(r.results.map((x) => [x.unique_id, x.status]));
    expect(status).toEqual({ 'model.test.orders': 'success', 'model.test.independent': 'success', 'model.test.scored': 'error', 'model.test.later': 'skipped', 'model.test.after_scored': 'skipped' });
    const message = r.results.find((x) => x.unique_id === 'model.test.scored')!.message;
    expect(message).toContain(`Materialization "materialization_table_clickhouse" only supports languages ['sql']; got "python"`);
    expect(r.out.join('\n')).toContain('models/scored.py');
    expect(await p.relationTypes(['orders', 'independent', 'scored_orders', 'after_scored'])).toEqual({ orders: 'view', independent: 'view', scored_orders: undefined, after_scored: undefined });
  });

  it('compile compiles them without running (the code as written); build skips their tests', async () => {
    const p = project();
    await p.dbt(['compile']);
    expect(readFileSync(join(p.dir, 'target/compiled/test/models/scored.py'), 'utf8')).toContain(SCORED.trim());
    expect(await p.relationTypes(['orders', 'scored_orders'])).toEqual({ orders: undefined, scored_orders: undefined });
    const b = await p.dbt(['build'], { expectPass: false });
    const status = Object.fromEntries(b.results.map((x) => [x.unique_id, x.status]));
    expect(status['model.test.scored']).toBe('error');
    expect(Object.entries(status).filter(([id]) => id.startsWith('test.test.not_null_scored_id'))).toEqual([[expect.any(String), 'skipped']]);
    expect(status['model.test.independent']).toBe('success');
  });

  it("compile writes dbt's compiled code: the model's code, then py_script_postfix with its refs, sources, config.get keys and this", async () => {
    const p = project();
    await p.dbt(['compile']);
    const code = readFileSync(join(p.dir, 'target/compiled/test/models/scored.py'), 'utf8');
    expect(code.startsWith(`${SCORED}\n\n# This part is user provided model code\n`)).toBe(true);
    const schema = p.schema;
    expect(code).toContain(`    refs = {"orders": "\`${schema}\`.\`orders\`"}\n`);
    expect(code).toContain(`    sources = {"raw.events": "\`raw_data\`.\`events\`"}\n`);
    expect(code).toContain("config_dict = {'threshold': 10}\nmeta_dict = {}\n");
    expect(code).toContain(`    schema = "${schema}"\n    identifier = "scored_orders"\n`);
    expect(code).toContain('        self.is_incremental = False\n');
    // dbt's parser keeps the keys dbt.config.get() reads, with their defaults.
    await p.dbt(['parse']);
    const config = p.readJson('target/manifest.json').nodes['model.test.scored'].config;
    expect([config.config_keys_used, config.config_keys_defaults]).toEqual([['threshold'], [10]]);
  });

  it("a project materialization supporting Python gets the compiled code; a statement(language='python') in it fails with dbt-clickhouse's missing Python submission", async () => {
    const mat = `{% materialization pyrun, supported_languages=['python'] %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- do log('COMPILED ' ~ (compiled_code | length) ~ ' ' ~ ('def ref(*args' in compiled_code) ~ ' ' ~ ("config_dict = {'k': 'fallback'}" in compiled_code), info=true) -%}
  {%- if config.get('submit') -%}
    {% call statement('main', language='python') -%}{{ compiled_code }}{%- endcall %}
  {%- else -%}
    {% call statement('main') -%} select 1 as x {%- endcall %}
  {%- endif -%}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
`;
    const code = (submit: boolean) => `def model(dbt, session):\n    dbt.config(materialized='pyrun', submit=${submit ? 'True' : 'False'})\n    k = dbt.config.get('k', 'fallback')\n    return dbt.ref('orders')\n`;
    const p = dbtProject({ macros: { 'pyrun.sql': mat }, models: { 'orders.sql': 'select 1 as id', 'ok.py': code(false), 'submitted.py': code(true) } });
    const r = await p.dbt(['run'], { expectPass: false });
    expect(Object.fromEntries(r.results.map((x) => [x.unique_id, x.status]))).toEqual({ 'model.test.orders': 'success', 'model.test.ok': 'success', 'model.test.submitted': 'error' });
    expect(r.out.join('\n')).toMatch(/COMPILED \d+ True True/);
    const message = r.results.find((x) => x.unique_id === 'model.test.submitted')!.message;
    expect(message).toContain("Python models cannot run on ClickHouse: statement(language='python')");
    expect(message).not.toMatch(/Syntax error/i);
  });

  it('a SQL model reading an ephemeral Python model fails with a clear error, not Python sent to ClickHouse as a CTE', async () => {
    const p = dbtProject({
      models: {
        'eph.py': "def model(dbt, session):\n    dbt.config(materialized='ephemeral')\n    return dbt.ref('orders')\n",
        'orders.sql': 'select 1 as id',
        'reads_eph.sql': "select * from {{ ref('eph') }}",
      },
    });
    const r = await p.dbt(['run'], { expectPass: false });
    const status = Object.fromEntries(r.results.map((x) => [x.unique_id, x.status]));
    expect(status['model.test.orders']).toBe('success');
    expect(status['model.test.reads_eph']).toBe('error');
    const message = r.results.find((x) => x.unique_id === 'model.test.reads_eph')!.message ?? '';
    expect(message).not.toMatch(/Syntax error/i);
    expect(message).toContain('ephemeral Python model');
    expect(message).toContain('models/eph.py');
  });

  it('validate reports the error their run gives (not their code read as SQL); what depends on them is not validated', async () => {
    const p = project();
    // (its source has no table: validate would stop at it first)
    p.write({ 'models/scored.py': SCORED.replace("    events = dbt.source('raw', 'events')\n", '') });
    const text = (await p.dbt(['validate', '--select', 'scored+', 'independent'], { expectPass: false })).out.join('\n');
    expect(text).toContain(`models/scored.py: error in model scored: Materialization "materialization_table_clickhouse" only supports languages ['sql']; got "python"`);
    expect(text).toMatch(/Not validated \(an upstream node has errors\): .*after_scored/);
    expect(text).not.toMatch(/error in model independent/);
  });

  it('run --select later: the materialization named is its own (incremental)', async () => {
    const p = project();
    const r = await p.dbt(['run', '--select', 'later'], { expectPass: false });
    expect(r.results.map((x) => [x.unique_id, x.status])).toEqual([['model.test.later', 'error']]);
    expect(r.results[0]!.message).toContain(`Materialization "materialization_incremental_clickhouse" only supports languages ['sql']; got "python"`);
  });

  it('show --select of a Python model gives the error its run gives, not its code sent as SQL', async () => {
    const p = project();
    const text = (await p.dbt(['show', '--select', 'later'], { expectPass: false })).out.join('\n');
    expect(text).not.toMatch(/database_error|Syntax error/i);
    expect(text).toContain(`Materialization "materialization_incremental_clickhouse" only supports languages ['sql']; got "python"`);
  });

  it("a non-literal argument of dbt.ref() is dbt's parse error naming the file", async () => {
    const p = dbtProject({ models: { 'bad.py': 'def model(dbt, session):\n    name = "orders"\n    return dbt.ref(name)\n', 'orders.sql': 'select 1 as id' } });
    const r = await p.dbt(['ls'], { expectPass: false });
    const text = r.out.join('\n');
    expect(text).toContain('models/bad.py');
    expect(text).toMatch(/literal_eval an arg to dbt\.ref\(\), dbt\.source\(\), dbt\.config\(\) or dbt\.config\.get\(\)/);
    expect(text).toContain('malformed node or string on line 3: name');
  });

  it('one `def model(dbt, session)` per file, as dbt checks', async () => {
    const p = dbtProject({ models: { 'two.py': 'def model(dbt, session):\n    return 1\n\ndef model(dbt, session):\n    return 2\n' } });
    expect((await p.dbt(['ls'], { expectPass: false })).out.join('\n')).toContain('dbt allows exactly one model defined per python file, found 2');
  });
});
