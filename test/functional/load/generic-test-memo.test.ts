import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadProject, type LoadedProject } from '../../../packages/core/src/index.js';
import { setSharedTestRenders } from '../../../packages/core/src/load/generic-test-memo.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';
import { placeholder } from '../../../packages/core/src/render/placeholders.js';
import { Renderer } from '../../../packages/core/src/render/renderer.js';
import { inlineProject, openedPerTest, statuses } from '../../helpers/inline-project.js';

/*
 * Generic tests of one call shape share one render per load (load/generic-test-memo.ts): each test
 * still gets the text its own render would give — its own relation in it —, and a test whose
 * macros a project overrides, or whose arguments are Jinja, is rendered on its own.
 */

afterEach(() => {
  setSharedTestRenders(true);
  vi.restoreAllMocks();
});

/** How many times a load called a generic test's macro. */
function testMacroCalls(work: () => void): number {
  const spy = vi.spyOn(Renderer.prototype, 'callMacro');
  work();
  const n = spy.mock.calls.filter(([name]) => name.startsWith('test_')).length;
  spy.mockRestore();
  return n;
}

const MODELS = {
  'models/a.sql': 'select number as id, toString(number % 3) as kind from numbers(5)',
  'models/b.sql': 'select 1 as id, \'x\' as kind union all select 1, \'y\'',
  'models/c.sql': 'select number as id, \'0\' as kind from numbers(3)',
  'models/schema.yml': `version: 2
sources:
  - name: raw
    schema: raw_data
    tables:
      - name: events
        columns:
          - name: id
            tests: [not_null, unique]
models:
${['a', 'b', 'c']
  .map(
    (m) => `  - name: ${m}
    columns:
      - name: id
        tests:
          - not_null
          - unique
          - unique:
              name: unique_${m}_id_positive
              config:
                where: "id > 0"
      - name: kind
        tests:
          - accepted_values:
              values: ['0', '1', '2']
`,
  )
  .join('')}`,
};

function tests(loaded: LoadedProject): Map<string, ManifestNode & { renderedCode: string }> {
  return new Map([...loaded.manifest.nodes.values()].filter((n) => n.resourceType === 'test').map((n) => [n.name, n as ManifestNode & { renderedCode: string }]));
}

function load(dir: string, shared: boolean): LoadedProject {
  setSharedTestRenders(shared);
  return loadProject({ projectDir: dir, partialParse: false, env: {} });
}

/** Every test node field as JSON, by test name: what a manifest holds of them. */
function testJson(loaded: LoadedProject): Record<string, string> {
  return Object.fromEntries([...tests(loaded)].map(([name, n]) => [name, JSON.stringify(n)]));
}

describe('generic tests sharing a render', () => {
  it('give each test the text of its own render, naming its own relation', () => {
    const p = inlineProject(MODELS);
    try {
      let shared!: LoadedProject;
      let alone!: LoadedProject;
      // One render per shape: not_null, unique, unique with where, accepted_values on the models; not_null, unique on the source.
      expect(testMacroCalls(() => (shared = load(p.dir, true)))).toBe(6);
      expect(testMacroCalls(() => (alone = load(p.dir, false)))).toBe(14);
      expect(testJson(shared)).toEqual(testJson(alone));
      const byName = tests(shared);
      expect(byName.size).toBe(14);
      expect(byName.get('unique_a_id')!.renderedCode).not.toContain('id > 0');
      for (const m of ['a', 'b', 'c']) {
        const own = placeholder({ kind: 'ref', package: '', name: m }, '');
        expect(byName.get(`not_null_${m}_id`)!.renderedCode).toBe(`select id from ${own} where id is null`);
        expect(byName.get(`unique_${m}_id`)!.renderedCode).toContain(`from ${own}\nwhere id is not null`);
        expect(byName.get(`accepted_values_${m}_kind__0__1__2`)!.renderedCode).toContain(`from ${own}\n`);
        for (const other of ['a', 'b', 'c'].filter((o) => o !== m)) expect(byName.get(`not_null_${m}_id`)!.renderedCode).not.toContain(placeholder({ kind: 'ref', package: '', name: other }, ''));
      }
      expect(byName.get('unique_a_id_positive')!.renderedCode).toContain(`(select * from ${placeholder({ kind: 'ref', package: '', name: 'a' }, '')} where id > 0) dbt_subquery`);
      expect(byName.get('source_not_null_raw_events_id')!.renderedCode).toBe(`select id from ${placeholder({ kind: 'source', source: 'raw', table: 'events' }, '')} where id is null`);
    } finally {
      p.cleanup();
    }
  });

  it('render per test when the project overrides a macro the test calls, or an argument is Jinja', () => {
    const p = inlineProject({
      ...MODELS,
      // An override that uses the tested relation's name otherwise than as {{ model }}.
      'macros/unique.sql': "{% macro clickhouse__test_unique(model, column_name) %}select '{{ model.identifier | upper }}' as t, {{ column_name }} from {{ model }} group by {{ column_name }} having count() > 1{% endmacro %}",
      'models/schema.yml': MODELS['models/schema.yml'].replace("values: ['0', '1', '2']", "values: ['0', '1', '2']\n          - accepted_values:\n              values: \"{{ ['0', '1', '2'] }}\""),
    });
    try {
      const shared = load(p.dir, true);
      expect(testJson(shared)).toEqual(testJson(load(p.dir, false)));
      const byName = tests(shared);
      for (const m of ['a', 'b', 'c']) expect(byName.get(`unique_${m}_id`)!.renderedCode).toContain(`'${placeholder({ kind: 'ref', package: '', name: m }, 'identifier').toUpperCase()}'`);
      expect(byName.get(`unique_a_id`)!.macrosUsed).toContain('macro.proj.clickhouse__test_unique');
      const jinjaValues = [...byName.values()].filter((n) => n.name.startsWith('accepted_values_') && n.name !== 'accepted_values_a_kind__0__1__2' && n.name.includes('_a_'));
      expect(jinjaValues).toHaveLength(1);
      expect(jinjaValues[0]!.renderedCode).toContain("'0', '1', '2'");
    } finally {
      p.cleanup();
    }
  });
});

describe('generic tests sharing a render, run', () => {
  const setup = openedPerTest();
  it('find the failures of their own relation', async () => {
    const { project } = setup({ ...MODELS, 'models/schema.yml': MODELS['models/schema.yml'].replace(/sources:[\s\S]*?models:/, 'models:') });
    const result = await project.build();
    const s = statuses(result);
    expect([s['unique_a_id'], s['unique_b_id'], s['unique_c_id']]).toEqual(['pass', 'fail', 'pass']);
    expect([s['accepted_values_a_kind__0__1__2'], s['accepted_values_b_kind__0__1__2'], s['accepted_values_c_kind__0__1__2']]).toEqual(['pass', 'fail', 'pass']);
  });
});
