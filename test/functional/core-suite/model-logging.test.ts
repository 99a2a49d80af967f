import { describe, expect, it } from 'vitest';
import { dbtProject, type DbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/invalid_model_tests/test_model_logging.py (TestModelLogging): a model's
 * exceptions.warn() is dbt's JinjaLogWarning event — named so in the JSON log — and, as every
 * warn_or_error event, an error under --warn-error or a warn_error_options list naming it (dbt's
 * exceptions_jinja.warn calls warn_or_error(JinjaLogWarning(msg))), silenced by `silence`.
 * dbt prints the warnings twice (the parse and the run's compile render the model); tsdbt renders
 * a model whose SQL does not depend on the warehouse once, so its lines are the parse's.
 */
const WARNINGS_SQL = `{{ config(group='my_group') }}
{% do exceptions.warn('warning: everything is terrible but not that terrible') %}
{{ exceptions.warn("warning: everything is terrible but not that terrible") }}
select 1 as id
`;
const SCHEMA_YML = `version: 2
groups:
  - name: my_group
    owner:
      name: group_owner
`;
const MESSAGE = 'everything is terrible but not that terrible';

const project = () => dbtProject({ models: { 'warnings.sql': WARNINGS_SQL, 'schema.yml': SCHEMA_YML } });
const jsonLines = (out: string[]) => out.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

async function expectFailedParse(p: DbtProject, args: string[]) {
  const r = await p.dbt(args, { expectPass: false });
  expect(r.out.join('\n')).toContain(MESSAGE);
  expect(r.results).toEqual([]);
}

describe('exceptions.warn() is JinjaLogWarning (invalid_model_tests/test_model_logging.py)', () => {
  it('test_warn: the JSON log names the event', async () => {
    const p = project();
    const r = await p.dbt(['run', '--log-format', 'json']);
    const warnings = jsonLines(r.out).filter((e) => JSON.stringify(e).includes('JinjaLogWarning'));
    expect(warnings).toHaveLength(2);
    expect(warnings.every((e) => e.name === 'JinjaLogWarning' && String(e.message).includes(MESSAGE) && e.level === 'warn')).toBe(true);
    expect(r.results.map((x) => x.status)).toEqual(['success']);
  });

  it('--warn-error and warn_error_options naming JinjaLogWarning fail the parse; silence hides it; warn keeps it', async () => {
    const p = project();
    await expectFailedParse(p, ['run', '--warn-error']);
    await expectFailedParse(p, ['run', '--warn-error-options', "{'error': ['JinjaLogWarning']}"]);
    // The warm start of the last load (nothing edited) decides the same way.
    await expectFailedParse(p, ['run', '--warn-error-options', "{'error': 'all'}"]);
    const silenced = await p.dbt(['run', '--warn-error-options', "{'silence': ['JinjaLogWarning']}"]);
    expect(silenced.out.join('\n')).not.toContain(MESSAGE);
    const kept = await p.dbt(['run', '--warn-error-options', "{'error': 'all', 'warn': ['JinjaLogWarning']}"]);
    expect(kept.out.filter((l) => l.includes(MESSAGE))).toHaveLength(2);
    expect(kept.results.map((x) => x.status)).toEqual(['success']);
  });

  it('--warn-error is a global flag: every command takes it, before or after the command (dbt --warn-error parse)', async () => {
    const p = dbtProject({
      models: { 'warnings.sql': WARNINGS_SQL, 'schema.yml': SCHEMA_YML },
      macros: { 'say.sql': "{% macro say() %}{% do log('said', info=true) %}{% endmacro %}\n" },
    });
    for (const args of [['parse'], ['compile'], ['ls'], ['run-operation', 'say'], ['show', '--select', 'warnings'], ['docs', 'generate']]) {
      const before = await p.dbt(args);
      expect(before.out.filter((l) => l.includes(MESSAGE)), args.join(' ')).toHaveLength(2);
      const after = await p.dbt([...args, '--warn-error'], { expectPass: false });
      expect(after.out.join('\n'), args.join(' ')).toContain(MESSAGE);
      expect(after.out.join('\n'), args.join(' ')).not.toContain('unknown option');
      const leading = await p.dbt(['--warn-error', ...args], { expectPass: false });
      expect(leading.out.join('\n'), args.join(' ')).toContain(MESSAGE);
    }
  });

  it('a warning raised while the node runs fails that node only, named as its error', async () => {
    const p = dbtProject({
      models: {
        'careful.sql': "{% if execute %}{% do exceptions.warn('runtime careful') %}{% endif %}\nselect 1 as id\n",
        'child.sql': "select * from {{ ref('careful') }}\n",
        'other.sql': 'select 2 as id\n',
      },
    });
    const r = await p.dbt(['run', '--warn-error'], { expectPass: false });
    expect(Object.fromEntries(r.results.map((x) => [x.unique_id, x.status]))).toEqual({
      'model.test.careful': 'error',
      'model.test.child': 'skipped',
      'model.test.other': 'success',
    });
    expect(r.results.find((x) => x.unique_id === 'model.test.careful')!.message).toContain('runtime careful');
    const ok = await p.dbt(['run']);
    expect(ok.out.filter((l) => l.includes('runtime careful'))).toHaveLength(1);
    expect(ok.results.every((x) => x.status === 'success')).toBe(true);
  });
});
