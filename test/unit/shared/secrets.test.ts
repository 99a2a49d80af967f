import { afterEach, describe, expect, it } from 'vitest';
import { ProjectError, scrubSecrets, secretValues, type RunEvent } from '../../../packages/core/src/index.js';
import { inlineProject, queryRows } from '../../helpers/inline-project.js';

describe('secret values', () => {
  it('are the non-blank DBT_ENV_SECRET_* env values and secret-named vars, longest first', () => {
    expect(secretValues({ DBT_ENV_SECRET_A: 'abc', DBT_ENV_SECRET_B: 'abcdef', DBT_ENV_SECRET_C: ' ', OTHER: 'x' }, { DBT_ENV_SECRET_V: 42, plain: 'y' })).toEqual(['abcdef', 'abc', '42']);
    expect(scrubSecrets('abcdef and abc and abcabc', ['abcdef', 'abc'])).toBe('***** and ***** and **********');
  });

  describe('errors', () => {
    const saved = process.env.DBT_ENV_SECRET_UNIT;
    afterEach(() => (saved === undefined ? delete process.env.DBT_ENV_SECRET_UNIT : (process.env.DBT_ENV_SECRET_UNIT = saved)));
    it('a TsdbtError never carries a secret value in its message or hint, as dbt exceptions', () => {
      process.env.DBT_ENV_SECRET_UNIT = 'p4ssw0rd-unit';
      const e = new ProjectError('x', 'failed with p4ssw0rd-unit inside', { hint: 'retry p4ssw0rd-unit' });
      expect([e.message, e.hint]).toEqual(['failed with ***** inside', 'retry *****']);
    });
  });

  it('library events and results are scrubbed; the warehouse gets the real value', async () => {
    const p = inlineProject({ 'models/a.sql': "{{ config(materialized='table') }}\nselect '{{ var(\"DBT_ENV_SECRET_K\") }}' as k" });
    const events: RunEvent[] = [];
    const project = p.open({ vars: { DBT_ENV_SECRET_K: 'k3y-value' }, onEvent: (e) => events.push(e) });
    try {
      const r = await project.run();
      expect(r.results[0]!.compiledCode).toContain("select '*****' as k");
      const finished = events.find((e) => e.type === 'node_finished') as Extract<RunEvent, { type: 'node_finished' }>;
      expect(finished.result.compiledCode).toContain("'*****'");
      // what a listener prints (messages, SQL, warnings) is scrubbed; the in-memory manifest nodes are the project's own
      const printed = events.flatMap((e) => (e.type === 'node_finished' ? [e.result.message, e.result.compiledCode, ...e.result.warnings] : e.type === 'run_finished' ? e.results.map((x) => x.compiledCode) : []));
      expect(printed.join('\n')).not.toContain('k3y-value');
      expect(await queryRows(project, `SELECT k FROM ${p.schema}.a`)).toEqual([{ k: 'k3y-value' }]);
    } finally {
      await project.close();
      p.cleanup();
    }
  });
});
