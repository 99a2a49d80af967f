import { describe, expect, it } from 'vitest';
import { ProjectError, type RunEvent } from '../../../packages/core/src/index.js';
import { finished, started } from '../../helpers/events.js';
import { expectStatuses, inlineProject, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Every ref()/source() a run can reach is a DAG edge, found at load (issue #18): refs inside
 * `{% if is_incremental() %}` / `{% if execute %}` and refs in hooks. dbt records only what its one
 * parse-time render reaches and fails the run later ("unable to infer all dependencies"); tsdbt
 * renders the run-time branches at load, so the parent is built first.
 */
const setup = openedPerTest();
const parents = (project: { node(id: string): { dependsOn: readonly string[] } }, name: string) => [...project.node(`model.proj.${name}`).dependsOn].sort();

describe('refs only a run reaches', () => {
  it('a ref inside {% if is_incremental() %} is a parent: built first, and the incremental run reads it', async () => {
    const { p, project } = setup({
      'models/events.sql': "{{ config(materialized='table') }}\nselect number as id from numbers(5)",
      'models/watermark.sql': "{{ config(materialized='table') }}\nselect toUInt64(2) as max_id",
      'models/inc.sql': `{{ config(materialized='incremental') }}
select id from {{ ref('events') }}
{% if is_incremental() %} where id > (select max_id from {{ ref('watermark') }}) {% endif %}`,
    });
    expect(parents(project, 'inc')).toEqual(['model.proj.events', 'model.proj.watermark']);
    expectStatuses(await project.run({ threads: 4 }), { events: 'success', watermark: 'success', inc: 'success' });
    p.events.length = 0;
    expectStatuses(await project.run({ threads: 4 }), { events: 'success', watermark: 'success', inc: 'success' });
    expect(finished(p.events, 'watermark')).toBeLessThan(started(p.events, 'inc'));
    // first run: 0..4; the incremental run appends ids > 2
    expect(await queryRows(project, `SELECT id FROM ${p.schema}.inc ORDER BY id`)).toEqual([0, 1, 2, 3, 4, 3, 4].sort().map((id) => ({ id: String(id) })));
  });

  it('a ref inside {% if execute %} around run_query is a parent, and the compiled SQL names the relation', async () => {
    const { project } = setup({
      'models/limits.sql': "{{ config(materialized='table') }}\nselect toUInt64(3) as n",
      'models/picked.sql': `{% if execute %}{% set n = run_query('select n from ' ~ ref('limits')).columns[0].values()[0] %}{% else %}{% set n = 0 %}{% endif %}
select number from numbers({{ n }})`,
    });
    expect(parents(project, 'picked')).toEqual(['model.proj.limits']);
    const r = await project.run();
    expectStatuses(r, { limits: 'success', picked: 'success' });
    expect(r.results.find((x) => x.node.name === 'picked')!.compiledCode).toBe('\nselect number from numbers(3)');
  });

  it('a source() in a run-time branch is a parent too', () => {
    const { project } = setup({
      'models/src.yml': 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables: [{name: orders}]\n',
      'models/m.sql': "select 1 as x {% if is_incremental() %} from {{ source('raw', 'orders') }} {% endif %}",
    });
    expect(parents(project, 'm')).toEqual(['source.proj.raw.orders']);
  });

  it('a typo in a run-time branch is a load error naming the file, line and the likely name', () => {
    const p = inlineProject({
      'models/orders.sql': 'select 1 as id',
      'models/inc.sql': "{{ config(materialized='incremental') }}\nselect 1 as id\n{% if is_incremental() %}\nwhere id > (select max(id) from {{ ref('order') }})\n{% endif %}",
    });
    try {
      const error = (() => {
        try {
          p.open();
        } catch (e) {
          return e;
        }
      })() as ProjectError;
      expect(error).toBeInstanceOf(ProjectError);
      expect(error.code).toBe('unknown_ref');
      expect([error.file, error.line]).toEqual(['models/inc.sql', 4]);
      expect(error.hint).toBe("Did you mean ref('orders')?");
    } finally {
      p.cleanup();
    }
  });

  it('logs in a run-time branch are not printed twice at load', () => {
    const logs: string[] = [];
    const p = inlineProject({ 'models/m.sql': "{% do log('loading m', info=true) %}{% if execute %}{% do log('executing m', info=true) %}{% endif %}select 1 as x" });
    try {
      p.open({ onEvent: (e: RunEvent) => (e.type === 'log' ? logs.push(e.message) : undefined) });
      expect(logs).toEqual(['loading m']);
    } finally {
      p.cleanup();
    }
  });

  it('when the run-time branch cannot be rendered at load, its literal refs are parents; literal refs to nothing are ignored', async () => {
    const { p, project } = setup({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 7 as v",
      // at load run_query answers an empty table: `.rows[0][0] + 1` fails, so load reads the template's literal refs
      'models/b.sql': `{% if execute %}{% set v = run_query('select v from ' ~ ref('a')).rows[0][0] + 1 %}{% else %}{% set v = 0 %}{% endif %}
{% if var('never', false) %} select * from {{ ref('disabled_model') }} {% endif %}
select {{ v }} as v`,
    });
    expect(parents(project, 'b')).toEqual(['model.proj.a']);
    expectStatuses(await project.run(), { a: 'success', b: 'success' });
    expect(await queryRows(project, `SELECT v FROM ${p.schema}.b`)).toEqual([{ v: 8 }]);
  });

  it('a source() load cannot see is read at run time, as in dbt (only refs must be parents): sources are not built by the run', async () => {
    // codegen's generate_unit_test_template reads a model's sources this way.
    const dynamic = "{% set names = run_query(\"select 'events' as t\").columns[0].values() if execute else [] %}\nselect count() as n {% for t in names %} from {{ source('raw', t) }} {% endfor %}";
    const { p, project } = setup({
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables: [{name: events}]\n',
      'models/b.sql': `{{ config(materialized='table') }}\n${dynamic}`,
    });
    expect(parents(project, 'b')).toEqual([]);
    await queryRows(project, `CREATE DATABASE IF NOT EXISTS ${p.schema}`);
    await queryRows(project, `CREATE TABLE ${p.schema}.events ENGINE = Memory AS SELECT number AS id FROM numbers(3)`);
    expectStatuses(await project.run(), { b: 'success' });
    expect(await queryRows(project, `SELECT toInt32(n) AS n FROM ${p.schema}.b`)).toEqual([{ n: 3 }]);
  });

  it('a ref load cannot see fails the run as in dbt, with the depends_on fix; the fix works; never /* unresolved ref */', async () => {
    const dynamic = "{% set names = run_query(\"select 'a' as m\").columns[0].values() if execute else [] %}\nselect 1 as x {% for n in names %} from {{ ref(n) }} {% endfor %}";
    const { p, project } = setup({ 'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as x", 'models/b.sql': dynamic });
    expect(parents(project, 'b')).toEqual([]);
    const r = await project.run();
    const b = r.results.find((x) => x.node.name === 'b')!;
    expect(b.status).toBe('error');
    expect(b.message).toBe('tsdbt was unable to infer all dependencies for the model "b": it reads ref(\'a\') only at run time');
    expect(b.message).not.toMatch(/unresolved/);

    p.write({ 'models/b.sql': `-- depends_on: {{ ref('a') }}\n${dynamic}` });
    const fixed = setup.reopen(p);
    expect(parents(fixed, 'b')).toEqual(['model.proj.a']);
    expectStatuses(await fixed.run(), { a: 'success', b: 'success' });

    // a computed ref to a model that does not exist: a clear error, not SQL with a hole in it
    p.write({ 'models/b.sql': dynamic.replace("'a' as m", "'nope' as m") });
    const missing = await setup.reopen(p).run({ select: ['b'] });
    expect(missing.results[0]!.status).toBe('error');
    expect(missing.results[0]!.message).toBe("b: ref('nope') names no model or seed");
  });
});

describe('refs in hooks', () => {
  it('a post_hook that reads another model makes it a parent (built first)', async () => {
    const { p, project } = setup({
      'models/audit.sql': "{{ config(materialized='table') }}\nselect toUInt64(0) as n",
      'models/z_counted.sql': `{{ config(materialized='table', post_hook="insert into {{ ref('audit') }} select count() from {{ this }}") }}
select number from numbers(4)`,
    });
    expect(parents(project, 'z_counted')).toEqual(['model.proj.audit']);
    expectStatuses(await project.run({ threads: 4 }), { audit: 'success', z_counted: 'success' });
    expect(finished(p.events, 'audit')).toBeLessThan(started(p.events, 'z_counted'));
    expect(await queryRows(project, `SELECT n FROM ${p.schema}.audit ORDER BY n`)).toEqual([{ n: '0' }, { n: '4' }]);
  });

  it('hooks from project.yml and sources in hooks count; an unknown ref in a hook is a load error', () => {
    const { project } = setup({
      'project.yml': "name: proj\nprofile: proj\nmodels:\n  proj:\n    +pre-hook: \"select count() from {{ source('raw', 'log') }}\"\n",
      'models/src.yml': 'version: 2\nsources:\n  - name: raw\n    tables: [{name: log}]\n',
      'models/m.sql': 'select 1 as x',
    });
    expect(parents(project, 'm')).toEqual(['source.proj.raw.log']);
    const p = inlineProject({ 'models/m.sql': "{{ config(post_hook=\"select * from {{ ref('nope') }}\") }}\nselect 1 as x" });
    try {
      expect(() => p.open()).toThrow(/Model 'model\.\w+\.m' \(models\/m\.sql\) depends on a node named 'nope' which was not found/);
    } finally {
      p.cleanup();
    }
  });
});
