import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt's compile introspects (compile/test_compile.py TestIntrospectFlag: a model's run_query is
 * answered by the warehouse; --no-introspect fails it): a node that reads the warehouse while it
 * renders is compiled with `execute` true, as a run renders it — not with the parse-time text.
 */
describe('compile renders with the warehouse (compile/test_compile.py TestIntrospectFlag)', () => {
  it("a model's run_query is answered in compiled SQL; the others compile without it", async () => {
    const p = dbtProject({
      models: {
        'first_model.sql': 'select 1 as fun',
        'second_model.sql': "{% set cols = run_query(\"select 'hello' as greeting\") %}\nselect {% if execute %}'{{ cols.columns[0].values()[0] }}'{% else %}'parse'{% endif %} as g, '{{ target.schema }}' as schema",
      },
    });
    const r = await p.dbt(['compile']);
    expect(r.code).toBe(0);
    const compiled = (name: string) => readFileSync(join(p.dir, 'target', 'compiled', 'test', 'models', `${name}.sql`), 'utf8');
    expect(compiled('first_model').trim()).toBe('select 1 as fun');
    expect(compiled('second_model')).toContain("select 'hello' as g");
    expect(compiled('second_model')).toContain(`'${p.schema}' as schema`);
    // Again (a warm start, the compile memo): still the warehouse's answer.
    await p.dbt(['compile']);
    expect(compiled('second_model')).toContain("select 'hello' as g");
  });

  it("an ephemeral that reads the warehouse is inlined as it runs (execute true), not with its parse-time text", async () => {
    const p = dbtProject({
      models: {
        'eph.sql': "{{ config(materialized='ephemeral') }}\n{% set r = run_query(\"select 'hello' as greeting\") %}\nselect {% if execute %}'{{ r.columns[0].values()[0] }}'{% else %}'parse'{% endif %} as g",
        'reader.sql': "select g from {{ ref('eph') }}",
      },
    });
    const compiled = () => readFileSync(join(p.dir, 'target', 'compiled', 'test', 'models', 'reader.sql'), 'utf8');
    expect((await p.dbt(['compile'])).code).toBe(0);
    expect(compiled()).toContain("select 'hello' as g");
    expect(compiled()).not.toContain("'parse'");
    // A warm start (the compile memo) keeps the warehouse's answer; run builds the same SQL.
    await p.dbt(['compile']);
    expect(compiled()).toContain("select 'hello' as g");
    expect((await p.dbt(['run'])).code).toBe(0);
    expect(readFileSync(join(p.dir, 'target', 'run', 'test', 'models', 'reader.sql'), 'utf8')).toContain("select 'hello' as g");
  });

  it('an ephemeral that uses a relation name as text is inlined with the final name', async () => {
    const p = dbtProject({
      models: {
        'base.sql': 'select 1 as x',
        'eph.sql': "{{ config(materialized='ephemeral') }}\nselect '{{ ref('base').identifier | upper }}' as t, x from {{ ref('base') }}",
        'reader.sql': "select t, x from {{ ref('eph') }}",
      },
    });
    expect((await p.dbt(['compile'])).code).toBe(0);
    const compiled = readFileSync(join(p.dir, 'target', 'compiled', 'test', 'models', 'reader.sql'), 'utf8');
    expect(compiled).toContain("select 'BASE' as t");
  });

  it('a model calling an unknown macro fails compile with the macro named (not compiled as empty text)', async () => {
    const p = dbtProject({ models: { 'bad.sql': 'select {{ no_such_macro() }} as x', 'good.sql': 'select 1 as x' } });
    const ok = await p.dbt(['compile', '--select', 'good']);
    expect(ok.code).toBe(0);
    const r = await p.dbt(['compile', '--select', 'bad'], { expectPass: false });
    expect(r.out.join('\n')).toContain("Macro 'no_such_macro' not found");
  });

  it('dependencies/test_local_dependency.py TestMissingDependency: iterating a missing package\'s macro fails compile', async () => {
    const p = dbtProject({ models: { 'iterate.sql': '\n{% for x in no_such_dependency.no_such_method() %}\n{% endfor %}\n' } });
    const r = await p.dbt(['compile'], { expectPass: false });
    expect(r.out.join('\n')).toContain("'no_such_dependency' is undefined");
  });
});
