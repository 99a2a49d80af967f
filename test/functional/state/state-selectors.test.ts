import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../packages/core/src/index.js';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

const projects: InlineProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

const BASE: Record<string, string> = {
  'macros/m.sql': "{% macro inner() %}1{% endmacro %}\n{% macro outer() %}{{ inner() }} + 0{% endmacro %}\n",
  'models/a.sql': "{{ config(materialized='table') }}\nselect {{ outer() }} as id",
  'models/b.sql': "select id from {{ ref('a') }}",
  'models/c.sql': "select id from {{ ref('b') }}",
  'models/e.sql': "{{ config(schema='extra') }}\nselect 1 as x",
  'models/f.sql': "{{ config(persist_docs={'relation': true}) }}\nselect 1 as y",
  'models/g.sql': "{{ config(materialized='table', contract={'enforced': true}) }}\nselect 1 as id",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: f\n    description: first\n  - name: g\n    columns:\n      - name: id\n        data_type: Int32\n  - name: c\n    columns:\n      - name: id\n        tests: [not_null]\n',
  'seeds/s.csv': 'k\n1\n',
};

/** A project compiled once (its target/ copied to state/ as a production run's artifacts would be), then edited. */
async function withState(changes: Record<string, string>): Promise<InlineProject> {
  const p = inlineProject(BASE);
  projects.push(p);
  await p.open().compile();
  cpSync(join(p.dir, 'target'), join(p.dir, 'state'), { recursive: true });
  p.write(changes);
  return p;
}

const names = (p: InlineProject, select: string, state = 'state') => {
  const project = p.open();
  return project.select({ select: [select], state }).map((id) => project.node(id).name).sort();
};

describe('state: selectors (slim CI)', () => {
  it('selects nothing when nothing changed (a trailing newline aside); whitespace and comments are changes, as dbt', async () => {
    const p = await withState({ 'models/b.sql': "select id from {{ ref('a') }}\n" });
    expect(names(p, 'state:modified')).toEqual([]);
    expect(names(p, 'state:new')).toEqual([]);
    // dbt's same_body compares raw_code as written
    p.write({ 'models/b.sql': "-- reads a\nselect id from {{ ref('a') }}", 'models/e.sql': "{{ config(schema='extra') }}\nselect   1 as x" });
    expect(names(p, 'state:modified.body')).toEqual(['b', 'e']);
    expect(names(p, 'state:modified')).toEqual(['b', 'e']);
  });

  it('state:new and state:modified.body; state:modified+ adds descendants and their tests', async () => {
    const p = await withState({ 'models/b.sql': "select id + 1 as id from {{ ref('a') }}", 'models/d.sql': 'select 2 as z' });
    expect(names(p, 'state:new')).toEqual(['d']);
    expect(names(p, 'state:modified.body')).toEqual(['b', 'd']);
    expect(names(p, 'state:modified')).toEqual(['b', 'd']);
    expect(names(p, 'state:modified+')).toEqual(['b', 'c', 'd', 'not_null_c_id']);
    // a plain --state folder read relative to the project
    expect(names(p, 'state:modified,resource_type:model', join(p.dir, 'state'))).toEqual(['b', 'd']);
  });

  it('state:modified.configs, .relation and .persisted_descriptions', async () => {
    const p = await withState({
      'models/c.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('b') }}",
      'models/e.sql': "{{ config(schema='other') }}\nselect 1 as x",
      'models/schema.yml': BASE['models/schema.yml']!.replace('description: first', 'description: second'),
    });
    // tests follow the nodes they test (eager indirect selection)
    expect(names(p, 'state:modified.configs')).toEqual(['c', 'not_null_c_id']);
    expect(names(p, 'state:modified.relation')).toEqual(['e']);
    expect(names(p, 'state:modified.persisted_descriptions')).toEqual(['f']);
    // config() calls are part of the body
    expect(names(p, 'state:modified.body')).toEqual(['c', 'e', 'not_null_c_id']);
    expect(names(p, 'state:modified')).toEqual(['c', 'e', 'f', 'not_null_c_id']);
  });

  it('state:modified.macros: a changed macro modifies the nodes calling it, through other macros', async () => {
    const p = await withState({ 'macros/m.sql': "{% macro inner() %}2{% endmacro %}\n{% macro outer() %}{{ inner() }} + 0{% endmacro %}\n" });
    expect(names(p, 'state:modified.macros')).toEqual(['a']);
    expect(names(p, 'state:modified')).toEqual(['a']);
    expect(names(p, 'state:modified.body')).toEqual([]);
  });

  it('state:modified.contract: a type change of an enforced contract is modified (and a warning: breaking, unversioned)', async () => {
    const p = await withState({ 'models/schema.yml': BASE['models/schema.yml']!.replace('data_type: Int32', 'data_type: Int64') });
    const project = p.open();
    const picked = project.select({ select: ['state:modified.contract'], state: 'state' }).map((id) => project.node(id).name);
    expect(picked).toEqual(['g']);
    expect(p.events.some((e) => e.type === 'warning' && /Breaking change to contracted, unversioned model g \(models\/g.sql\)\nWhile comparing to previous project state, dbt detected a breaking change to an unversioned model\.\n  - Columns with data_type changes: \n    - id \(Int32 -> Int64\)/.test(e.message))).toBe(true);
  });

  it('a seed whose CSV changed is modified', async () => {
    const p = await withState({ 'seeds/s.csv': 'k\n2\n' });
    expect(names(p, 'state:modified')).toEqual(['s']);
  });

  it('state: without --state, or a folder without manifest.json, is a usage error; a missing folder too', async () => {
    const p = await withState({});
    expect(() => p.open().select({ select: ['state:modified'] })).toThrow(/needs a comparison manifest: pass --state DIR/);
    mkdirSync(join(p.dir, 'empty'));
    expect(() => p.open().select({ select: ['state:new'], state: 'empty' })).toThrow(/manifest\.json, which does not exist/);
    expect(() => p.open().select({ select: ['state:new'], state: 'nope' })).toThrow(UsageError);
    expect(() => p.open().select({ select: ['state:changed'], state: 'state' })).toThrow(/Invalid state selector "state:changed"/);
  });
});

describe('result: and source_status: selectors', () => {
  it('result:<status> reads run_results.json of --state; result:error+ adds descendants', async () => {
    const p = await withState({});
    const testId = p.open().select({ select: ['test_name:not_null'] })[0];
    writeFileSync(join(p.dir, 'state/run_results.json'), JSON.stringify({ results: [
      { unique_id: 'model.proj.b', status: 'error' }, { unique_id: 'model.proj.c', status: 'skipped' }, { unique_id: testId, status: 'fail' },
    ] }));
    expect(names(p, 'result:error')).toEqual(['b']);
    expect(names(p, 'result:error+')).toEqual(['b', 'c', 'not_null_c_id']);
    expect(names(p, 'result:skipped')).toEqual(['c', 'not_null_c_id']);
    expect(names(p, 'result:fail')).toEqual(['not_null_c_id']);
    expect(() => names(p, 'result:bogus')).toThrow(/Invalid result selector/);
    expect(() => p.open().select({ select: ['result:error'] })).toThrow(/pass --state DIR/);
  });

  it('source_status:fresher compares max_loaded_at of target/sources.json with the state\'s', async () => {
    const p = await withState({ 'models/src.yml': 'version: 2\nsources:\n  - name: raw\n    tables: [{name: t1}, {name: t2}, {name: t3}, {name: t4}]\n' });
    const row = (t: string, at?: string) => ({ unique_id: `source.proj.raw.${t}`, status: at ? 'pass' : 'runtime error', ...(at ? { max_loaded_at: at } : {}) });
    writeFileSync(join(p.dir, 'state/sources.json'), JSON.stringify({ results: [row('t1', '2024-01-01T00:00:00Z'), row('t2', '2024-01-01T00:00:00Z'), row('t4', '2024-01-01T00:00:00Z')] }));
    expect(() => names(p, 'source_status:fresher')).toThrow(/needs the current freshness results \(target\/sources\.json\)/);
    writeFileSync(join(p.dir, 'target/sources.json'), JSON.stringify({ results: [row('t1', '2024-01-02T00:00:00Z'), row('t2', '2024-01-01T00:00:00Z'), row('t3', '2023-01-01T00:00:00Z'), row('t4')] }));
    // t1 got newer data, t3 is new; t2 is unchanged; t4's query errored now.
    expect(names(p, 'source_status:fresher')).toEqual(['t1', 't3']);
  });
});
