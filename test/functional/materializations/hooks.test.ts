import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

const LOG = "create table if not exists {{ target.schema }}.hook_log (what String, n UInt64) engine = MergeTree order by tuple()";

describe('pre_hook and post_hook', () => {
  it('run around the build with the model’s context: {{ this }} is the built relation; project.yml hooks too', async () => {
    const { p, project } = setup({
      'project.yml': `name: proj\nprofile: proj\nmodels:\n  proj:\n    +post-hook: "insert into {{ target.schema }}.hook_log select 'project', 1"\n`,
      'models/a.sql': `{{ config(materialized='table', pre_hook="${LOG}", post_hook=["insert into {{ target.schema }}.hook_log select 'post', count() from {{ this }}"]) }}
select number from numbers(5)`,
    });
    expectStatuses(await project.run(), { a: 'success' });
    expect(await queryRows(project, `SELECT what, n FROM ${p.schema}.hook_log ORDER BY what`)).toEqual([
      { what: 'post', n: '5' },
      { what: 'project', n: '1' },
    ]);
  });

  it('is_incremental() in a hook answers as in the model', async () => {
    const model = `{{ config(materialized='incremental', pre_hook=["${LOG}", "insert into {{ target.schema }}.hook_log select '{{ 'incremental' if is_incremental() else 'first' }}', 0"]) }}
select number from numbers(3)`;
    const { p, project } = setup({ 'models/inc.sql': model });
    expectStatuses(await project.run(), { inc: 'success' });
    expectStatuses(await project.run(), { inc: 'success' });
    expectStatuses(await project.run({ fullRefresh: true }), { inc: 'success' });
    expect(await queryRows(project, `SELECT what FROM ${p.schema}.hook_log ORDER BY what`)).toEqual([{ what: 'first' }, { what: 'first' }, { what: 'incremental' }]);
  });

  it('a failing hook fails the model; a failing pre-hook stops before the build', async () => {
    const { p, project } = setup({
      'models/a.sql': "{{ config(materialized='table', pre_hook='select * from no_such_table_anywhere') }}\nselect 1 as x",
    });
    const r = await project.run();
    expectStatuses(r, { a: 'error' });
    expect(r.results[0]!.message).toMatch(/no_such_table_anywhere/);
    expect(await queryRows(project, `SELECT name FROM system.tables WHERE database = '${p.schema}'`)).toEqual([]);
  });
});
