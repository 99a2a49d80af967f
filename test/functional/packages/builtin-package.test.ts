import { afterEach, describe, expect, it } from 'vitest';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

let p: InlineProject | undefined;
afterEach(() => {
  p?.cleanup();
  p = undefined;
});

async function compiled(files: Record<string, string>, model = 'a'): Promise<string> {
  p = inlineProject(files);
  const project = p.open();
  const [out] = await project.compile({ select: [model], write: false });
  return out!.sql.trim();
}

describe('the built-in dbt package (packages/core/macros)', () => {
  it('answers to dbt.<macro>, a bare call and adapter.dispatch(…, "dbt")', async () => {
    const sql = await compiled({
      'models/a.sql': "select '{{ dbt.generate_schema_name('x', none) }}' as a, '{{ generate_schema_name(none, none) }}' as b, '{{ adapter.dispatch('generate_schema_name', 'dbt')('y', none) }}' as c",
    });
    expect(sql).toBe(`select '${p!.schema}_x' as a, '${p!.schema}' as b, '${p!.schema}_y' as c`);
  });

  it('gives way to a root project macro of the same name, and to a default__ override for dispatch', async () => {
    p = inlineProject({
      'models/a.sql': 'select 1 as id',
      'macros/naming.sql': "{% macro default__generate_schema_name(custom_schema_name, node) %}{{ target.schema }}_own{% endmacro %}",
    });
    expect(p.open().manifest.nodes.get('model.proj.a')!.relation.schema).toBe(`${p.schema}_own`);
    p.write({ 'macros/naming.sql': "{% macro generate_alias_name(custom_alias_name=none, node=none) %}t_{{ node.name }}{% endmacro %}" });
    expect(p.open().manifest.nodes.get('model.proj.a')!.relation).toEqual({ schema: p.schema, identifier: 't_a' });
  });

  it('runs the generic tests from the built-in package, and a project override of their dispatched SQL', async () => {
    p = inlineProject({
      'models/a.sql': 'select 1 as id union all select 1',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique]\n',
    });
    let test = [...p.open().manifest.nodes.values()].find((n) => n.resourceType === 'test')!;
    expect(test.macrosUsed).toEqual(expect.arrayContaining(['macro.dbt.test_unique', 'macro.dbt.clickhouse__test_unique']));
    p.write({ 'macros/unique.sql': '{% macro default__test_unique(model, column_name) %}select 42 from {{ model }}{% endmacro %}' });
    test = [...p.open().manifest.nodes.values()].find((n) => n.resourceType === 'test')!;
    expect((test as { renderedCode: string }).renderedCode).toMatch(/^select 42 from /);
  });
});
