import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inlineProject, statuses, type InlineProject } from '../../helpers/inline-project.js';

const projects: InlineProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

const runResults = (p: InlineProject) => JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown>; results: { unique_id: string; status: string }[] };

describe('retry (dbt 1.6+)', () => {
  it('runs again only what errored or was skipped, with the previous command and flags; a second retry continues', async () => {
    const p = inlineProject({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/b.sql': "{{ config(materialized='table') }}\nselect throwIf(id = 1, 'boom') as id from {{ ref('a') }}",
      'models/c.sql': "select id from {{ ref('b') }}",
      'models/d.sql': "select id from {{ ref('a') }}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: c\n    columns:\n      - name: id\n        tests: [not_null]\n',
    });
    projects.push(p);
    const project = p.open();
    try {
      const first = await project.build({ fullRefresh: true, threads: 2 });
      expect(statuses(first)).toEqual({ a: 'success', b: 'error', c: 'skipped', d: 'success', not_null_c_id: 'skipped' });
      expect(runResults(p).args).toMatchObject({ which: 'build', full_refresh: true, threads: 2, select: [] });
      expect(project.retryPlan().uniqueIds.map((id) => id.split('.')[2]).sort()).toEqual(['b', 'c', 'not_null_c_id']);

      // Still failing: the retry's run_results keep the original command, so the next retry continues from them.
      const again = await project.retry();
      expect(again.command).toBe('build');
      expect(statuses(again)).toEqual({ b: 'error', c: 'skipped', not_null_c_id: 'skipped' });
      expect(runResults(p).args).toMatchObject({ which: 'build', full_refresh: true });

      p.write({ 'models/b.sql': "{{ config(materialized='table') }}\nselect id + 1 as id from {{ ref('a') }}" });
      const fixed = p.open();
      try {
        const retried = await fixed.retry();
        expect(statuses(retried)).toEqual({ b: 'success', c: 'success', not_null_c_id: 'pass' });
        // Nothing left to retry.
        const nothing = await fixed.retry();
        expect(nothing.results).toEqual([]);
        expect(nothing.success).toBe(true);
      } finally {
        await fixed.close();
      }
    } finally {
      await project.close();
    }
  });

  it('a test that failed is retried alone; without run_results.json retry is a usage error', async () => {
    const p = inlineProject({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id union all select 1",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique, not_null]\n',
    });
    projects.push(p);
    const project = p.open();
    try {
      expect(() => project.retryPlan()).toThrow(/Could not find previous run in 'target' target directory/);
      expect(statuses(await project.test())).toEqual({ unique_a_id: 'error', not_null_a_id: 'error' });
      await project.run();
      const tested = await project.test();
      expect(statuses(tested)).toEqual({ unique_a_id: 'fail', not_null_a_id: 'pass' });
      const retried = await project.retry();
      expect(retried.command).toBe('test');
      expect(statuses(retried)).toEqual({ unique_a_id: 'fail' });
    } finally {
      await project.close();
    }
  });
});
