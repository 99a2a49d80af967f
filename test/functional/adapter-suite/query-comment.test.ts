import { describe, expect, it } from 'vitest';
import { dbtProject } from './dbt-project.js';

/*
 * dbt-tests-adapter query_comment/test_query_comment.py (all six classes, as dbt-clickhouse runs
 * them): every statement carries dbt's query comment, seen in `--debug --log-format=json` logs
 * (dbt's SQL debug lines, JSON-escaped: a newline is `\n`). Beyond upstream: the comment reaches
 * ClickHouse (a model reads its own statement from system.processes), `append: true`.
 */
const MACROS = `
{%- macro query_header_no_args() -%}
{%- set x = "are pretty cool" -%}
{{ "dbt macros" }}
{{ x }}
{%- endmacro -%}


{%- macro query_header_args(message) -%}
  {%- set comment_dict = dict(
    app='dbt++',
    macro_version='0.1.0',
    message='blah: '~ message) -%}
  {{ return(comment_dict) }}
{%- endmacro -%}


{%- macro ordered_to_json(dct) -%}
{{ tojson(dct, sort_keys=True) }}
{%- endmacro %}


{% macro invalid_query_header() -%}
{{ "Here is an invalid character for you: */" }}
{% endmacro %}
`;
const X_SQL = "\n{% do run_query('select 2 as inner_id') %}\nselect 1 as outer_id\n";

async function runGetJson(projectConfig: string, expectPass = true): Promise<string> {
  const p = dbtProject({ projectConfig, models: { 'x.sql': X_SQL }, macros: { 'macro.sql': MACROS } });
  const r = await p.dbt(['--debug', '--log-format=json', 'run'], { expectPass });
  if (expectPass) expect(r.results.length).toBeGreaterThan(0);
  return r.out.join('\n');
}

describe('query_comment (dbt-tests-adapter query_comment/test_query_comment.py)', () => {
  it('BaseQueryComments: a string comment', async () => {
    expect(await runGetJson('query-comment: "dbt\\nrules!\\n"')).toContain(String.raw`/* dbt\nrules! */\n`);
  });

  it('BaseMacroQueryComments: a macro call', async () => {
    expect(await runGetJson('query-comment: "{{ query_header_no_args() }}"')).toContain(String.raw`/* dbt macros\nare pretty cool */\n`);
  });

  it('BaseMacroArgsQueryComments: return() of a macro with target.name', async () => {
    const logs = await runGetJson('query-comment: "{{ return(ordered_to_json(query_header_args(target.name))) }}"');
    const expected = `/* ${JSON.stringify({ app: 'dbt++', macro_version: '0.1.0', message: 'blah: default' }).replaceAll(',', ', ').replaceAll('":', '": ')} */\\n`.replaceAll('"', '\\"');
    expect(logs).toContain(expected);
  });

  it("BaseMacroInvalidQueryComments: a comment holding '*/' fails the invocation", async () => {
    const logs = await runGetJson('query-comment: "{{ invalid_query_header() }}"', false);
    expect(logs).toContain("query comment contains illegal value '*/'");
  });

  it.each([
    ['BaseNullQueryComments', 'query-comment: null'],
    ['BaseEmptyQueryComments', 'query-comment: ""'],
  ])('%s: no comment', async (_name, config) => {
    const logs = await runGetJson(config);
    expect(logs.includes('/*') && logs.includes('*/')).toBe(false);
  });

  it("dbt's default comment names app, version, profile, target and node; ClickHouse receives it", async () => {
    const p = dbtProject({
      models: {
        // The model's own CREATE … AS SELECT is running while it reads system.processes.
        'seen.sql': "{{ config(materialized='table') }}\nselect query from system.processes where query like '%marker_7f3a%'\n",
      },
    });
    const r = await p.dbt(['--debug', 'run']);
    const [row] = await p.query<{ query: string }>('select query from {schema}.seen');
    const comment = /^\/\* (\{.*\}) \*\/\n/.exec(row!.query);
    expect(comment, row!.query).not.toBeNull();
    expect(JSON.parse(comment![1]!)).toEqual({ app: 'dbt', dbt_version: expect.any(String), profile_name: 'test', target_name: 'default', node_id: 'model.test.seen' });
    // --debug prints each statement with its connection (dbt: "On model.test.seen: /* … */").
    expect(r.out.join('\n')).toMatch(/On model\.test\.seen: \/\* \{"app": "dbt"/);
    expect(r.out.join('\n')).toMatch(/On master: \/\* \{"app": "dbt", .*"connection_name": "master"/);
  });

  it('append: true puts the comment after the statement', async () => {
    const p = dbtProject({
      projectConfig: 'query-comment:\n  comment: "node {{ node.unique_id if node else connection_name }}"\n  append: true\n  job-label: true\n',
      models: { 'seen.sql': "{{ config(materialized='table') }}\nselect query from system.processes where query like '%marker_9b1c%'\n" },
    });
    await p.dbt(['run']);
    const [row] = await p.query<{ query: string }>('select query from {schema}.seen');
    expect(row!.query).toMatch(/\n\/\* node model\.test\.seen \*\/$/);
  });
});
