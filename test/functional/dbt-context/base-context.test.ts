import { describe, expect, it } from 'vitest';
import { openedPerTest } from '../../helpers/inline-project.js';

/* dbt's base context members (dbt-core context/base.py) as templates use them. */
const setup = openedPerTest();

describe('base context', () => {
  it('zip, set, tojson, fromjson, toyaml, fromyaml, local_md5, diff_of_two_dicts, dbt_version', () => {
    const { project } = setup({});
    const out = (sql: string) => project.compileInline(sql);
    expect(out("{{ zip([1, 2, 3], ['a', 'b']) | list }} {{ zip(1, 2) is none }} {{ zip(none, default='d') }}")).toBe("[(1, 'a'), (2, 'b')] True d");
    expect(out('{{ set([1, 2, 2]) }} {{ 2 in set([1, 2]) }} {{ set([3, 1]) | sort | list }} {{ set([]) }}')).toBe('{1, 2} True [1, 3] set()');
    expect(out("{{ tojson({'b': 1, 'a': [1.0, none, 'é']}) }} {{ tojson({'b': 1, 'a': 2}, sort_keys=true) }} {{ fromjson('{\"x\": [1, 2]}')['x'][1] }} {{ fromjson('nope', 'dflt') }}")).toBe('{"b": 1, "a": [1.0, null, "\\u00e9"]} {"a": 2, "b": 1} 2 dflt');
    expect(out("{{ toyaml({'a': 1, 'b': [1, 2]}) | trim }}|{{ fromyaml('k: [1, 2]')['k'] }}")).toBe('a: 1\nb:\n  - 1\n  - 2|[1, 2]');
    expect(out("{{ local_md5('hello world') }} {{ diff_of_two_dicts({'x': ['A', 'b'], 'Y': ['c']}, {'X': ['a']}) }} {{ dbt_version }}")).toBe(
      "5eb63bbbe01eeed093cb22bb8f5acdc3 {'x': ['b'], 'Y': ['c']} 1.11.14",
    );
  });

  it('modules.pytz: localize, conversion, and the local mean time of a zone attached directly', () => {
    const { project } = setup({});
    const out = (sql: string) => project.compileInline(sql);
    const la = "modules.pytz.timezone('America/Los_Angeles')";
    expect(out(`{{ ${la}.localize(modules.datetime.datetime(2021, 6, 7, 12, 0)) }} {{ ${la}.localize(modules.datetime.datetime(2021, 1, 7, 12, 0)).tzname() }}`)).toBe(
      '2021-06-07 12:00:00-07:00 PST',
    );
    // pytz: a zone passed as tzinfo= (not localized) has its first offset, local mean time.
    expect(out(`{{ modules.datetime.datetime(1997, 9, 29, 6, 14, 0, tzinfo=${la}) }}`)).toBe('1997-09-29 06:14:00-07:53');
    expect(out(`{{ modules.datetime.datetime(2021, 6, 7, 19, 0, tzinfo=modules.pytz.utc).astimezone(${la}) }} {{ ${la} }} {{ modules.pytz.timezone('UTC').localize(modules.datetime.datetime(2020, 1, 1)).timestamp() }}`)).toBe(
      '2021-06-07 12:00:00-07:00 America/Los_Angeles 1577836800.0',
    );
  });

  it('run_started_at is an aware UTC datetime; exceptions.raise_compiler_error names the file', () => {
    const { project } = setup({});
    expect(project.compileInline("{{ run_started_at.tzinfo }} {{ run_started_at.strftime('%Y') | length }} {{ (run_started_at - run_started_at).total_seconds() }}")).toBe('UTC 4 0.0');
    expect(() => project.compileInline("{{ exceptions.raise_compiler_error('nope: ' ~ 1) }}")).toThrow(/nope: 1/);
  });
});

describe('config() values', () => {
  it("a macro's output is a plain string (also in a list); a dict with a 'val' key stays a dict", () => {
    const { project } = setup({
      'macros/h.sql': "{% macro audit_sql() %}select 1{% endmacro %}",
      'models/m.sql': "{{ config(post_hook=audit_sql(), pre_hook=[audit_sql()], meta={'val': 'x', 'n': 1}) }} select 1 as id",
    });
    const config = project.manifest.nodes.get('model.proj.m')!.config as Record<string, unknown>;
    expect(config.meta).toEqual({ val: 'x', n: 1 });
    expect(config.post_hook).toBe('select 1');
    expect(config.pre_hook).toEqual(['select 1']);
    expect(typeof (config.pre_hook as unknown[])[0]).toBe('string');
  });
});
