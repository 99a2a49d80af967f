import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, inlineProject, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * dbt's hooks beyond a model's own: on-run-start / on-run-end (task/run.py safe_run_hooks,
 * after_run's `results`, `schemas`, `database_schemas`), seeds' pre/post hooks from the project
 * file, `thread_id`, and the conflicting-keys check of config().
 */
const setup = openedPerTest();

const AUDIT = "create table if not exists {{ target.schema }}.audit (event String, n UInt64, s String) engine = MergeTree order by tuple()";

describe('on-run-start and on-run-end', () => {
  it('run before and after the nodes; on-run-end sees results, schemas and database_schemas; run_results.json lists them', async () => {
    const { p, project } = setup({
      'project.yml': `name: proj
profile: proj
on-run-start:
  - "${AUDIT}"
  - "insert into {{ target.schema }}.audit values ('start', 0, '{{ thread_id }}')"
on-run-end: "insert into {{ target.schema }}.audit select 'end', {{ results | length }}, '{{ schemas | join(',') }}|{{ database_schemas[0][1] }}|{{ results | map(attribute='status') | join(',') }}|{{ results[0].node.name }}'"
`,
      'models/a.sql': "{{ config(materialized='table') }} select 1 as x",
    });
    const r = await project.run();
    expectStatuses(r, { a: 'success' });
    expect(r.hooks.map((h) => [h.name, h.status, h.message])).toEqual([
      ['proj.on-run-start.0', 'success', 'proj.on-run-start.0 passed'],
      ['proj.on-run-start.1', 'success', 'proj.on-run-start.1 passed'],
      ['proj.on-run-end.0', 'success', 'proj.on-run-end.0 passed'],
    ]);
    expect(await queryRows(project, `SELECT event, n, s FROM ${p.schema}.audit ORDER BY event DESC`)).toEqual([
      { event: 'start', n: '0', s: 'MainThread' },
      { event: 'end', n: '1', s: `${p.schema}|${p.schema}|success|a` },
    ]);
    const runResults = JSON.parse(readFileSync(join(p.dir, 'target', 'run_results.json'), 'utf8')) as { results: { unique_id: string; status: string; thread_id: string }[] };
    expect(runResults.results.map((x) => [x.unique_id, x.status, x.thread_id])).toEqual([
      ['operation.proj.proj-on-run-start-0', 'success', 'main'],
      ['operation.proj.proj-on-run-start-1', 'success', 'main'],
      ['model.proj.a', 'success', 'Thread-1'],
      ['operation.proj.proj-on-run-end-0', 'success', 'main'],
    ]);
  });

  it("on-run-end's results give a passing test no message (dbt's None), a model its own", async () => {
    const { p, project } = setup({
      'project.yml': `name: proj
profile: proj
on-run-start: "create table if not exists {{ target.schema }}.msgs (s String) engine = Memory"
on-run-end: "insert into {{ target.schema }}.msgs select '{% for r in results | sort(attribute='status') %}{{ r.status }}:{{ r.message is none }} {% endfor %}'"
`,
      'models/a.sql': "{{ config(materialized='table') }} select 1 as x",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n        data_tests: [not_null]\n',
    });
    await project.build();
    expect(await queryRows(project, `SELECT s FROM ${p.schema}.msgs`)).toEqual([{ s: 'pass:True success:False ' }]);
  });

  it('a failing hook fails the run and skips the hooks after it; the nodes still run (dbt’s default)', async () => {
    const { project } = setup({
      'project.yml': 'name: proj\nprofile: proj\non-run-start:\n  - "select * from no_such_table_here"\n  - "select 1"\n',
      'models/a.sql': 'select 1 as x',
    });
    const r = await project.run();
    expectStatuses(r, { a: 'success' });
    expect(r.success).toBe(false);
    expect(r.hooks.map((h) => h.status)).toEqual(['error', 'skipped']);
    expect(r.hooks[0]!.message).toMatch(/^proj\.on-run-start\.0 failed, error:\n .*no_such_table_here/s);
    expect(r.hooks[1]!.message).toBe('proj.on-run-start.1 skipped');
  });

  it('tsdbt compile runs no hooks; test and seed do', async () => {
    const { p, project } = setup({
      'project.yml': `name: proj\nprofile: proj\non-run-start: "${AUDIT}"\non-run-end: "insert into {{ target.schema }}.audit values ('{{ flags.WHICH }}', 0, '')"\n`,
      'seeds/s.csv': 'id\n1\n',
      // Something for `test` to run: with nothing selected dbt says "Nothing to do" and runs no hooks.
      'tests/none.sql': "select id from {{ ref('s') }} where id < 0",
    });
    await project.compile();
    expect((await project.seed()).hooks.length).toBe(2);
    expect((await project.test()).hooks.length).toBe(2);
    expect(await queryRows(project, `SELECT event FROM ${p.schema}.audit ORDER BY event`)).toEqual([{ event: 'seed' }, { event: 'test' }]);
  });
});

describe('seed hooks, thread_id, conflicting hook keys', () => {
  it("a project's seeds: +pre-hook / +post-hook run around the seed load, with {{ this }} the seed", async () => {
    const { p, project } = setup({
      'project.yml': `name: proj
profile: proj
seeds:
  proj:
    +pre-hook: "${AUDIT}"
    +post-hook: "insert into {{ target.schema }}.audit select 'seeded', count(), '{{ this.identifier }}' from {{ this }}"
`,
      'seeds/people.csv': 'id,name\n1,a\n2,b\n',
    });
    expectStatuses(await project.seed(), { people: 'success' });
    expect(await queryRows(project, `SELECT event, n, s FROM ${p.schema}.audit`)).toEqual([{ event: 'seeded', n: '2', s: 'people' }]);
  });

  it('thread_id is the run thread (Thread-N) in a model and in run_results.json', async () => {
    const { p, project } = setup({ 'models/a.sql': "{{ config(materialized='table') }} select '{{ thread_id }}' as t" });
    expectStatuses(await project.run({ threads: 1 }), { a: 'success' });
    expect(await queryRows(project, `SELECT t FROM ${p.schema}.a`)).toEqual([{ t: 'Thread-1' }]);
  });

  it('one config() with both pre_hook and pre-hook is a compile error (dbt’s conflicting keys)', () => {
    const p = inlineProject({ 'models/a.sql': `{{ config({'pre_hook': 'select 1', 'pre-hook': 'select 2'}) }}\nselect 1` });
    try {
      expect(() => p.open()).toThrow(/Invalid config, has conflicting keys 'pre_hook' and 'pre-hook'/);
    } finally {
      p.cleanup();
    }
  });
});
