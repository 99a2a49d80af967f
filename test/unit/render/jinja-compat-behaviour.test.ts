import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { createJinjaEnvironment, preprocessJinja } from '../../../packages/core/src/render/jinja-compat/index.js';

/** A loader that preprocesses, as the project's loader does. */
class DictLoader {
  cache: Record<string, unknown> = {};
  constructor(private readonly templates: Record<string, string>, private readonly pre = true) {}
  getSource(name: string) {
    const src = this.templates[name];
    if (src === undefined) return null;
    return { src: this.pre ? preprocessJinja(src, name) : src, path: name, noCache: true };
  }
}

function envWith(templates: Record<string, string> = {}): nunjucks.Environment {
  const env = createJinjaEnvironment();
  (env as unknown as { loaders: unknown[] }).loaders.push(new DictLoader(templates));
  return env;
}

const render = (src: string, ctx: object = {}, env = envWith()) => env.renderString(preprocessJinja(src, 'model.sql'), ctx);

describe('parse-time rejections name the file and line', () => {
  it('keeps line numbers after a loop filter spanning lines', () => {
    const src = '{% for x in xs\n if x > 1 %}{{ x }}{% endfor %}\n{{ nope() }}';
    expect(() => render(src, { xs: [1, 2] })).toThrow(/Line 3/);
  });
  it('does not mistake an inline if inside brackets for a loop filter', () => {
    expect(render("{% for x in ([1] if true else [2]) %}{{ x }}{% endfor %}")).toBe('1');
  });
  it('rejects recursive loops', () => {
    expect(() => preprocessJinja('a\n{% for x in xs recursive %}{% endfor %}', 'c.sql')).toThrow(/^c\.sql:2: recursive/);
  });
  it('fails loudly on break outside a loop', () => {
    expect(() => render('{% break %}')).toThrow(/'break' outside of a for loop/);
  });
  it('refuses attribute assignment on a non-namespace', () => {
    expect(() => render("{% set d = {} %}{% set d.x = 1 %}")).toThrow(/non-namespace/);
  });
  it('keeps line numbers after multi-tag rewrites', () => {
    const src = "{% set ns = namespace(a=1) %}\n{% set ns.a %}\nx\n{% endset %}\n{% set a, b = 1, 2 %}\n{{ nope() }}";
    expect(() => render(src)).toThrow(/Line 6/);
  });
});

describe('plain nunjucks features keep working', () => {
  const templates = {
    'lib.sql': "{% macro q(x) %}'{{ x }}'{% endmacro %}{% macro list(xs) %}{{ xs|map('upper')|join(',') }}{% endmacro %}",
    'inc.sql': '[{{ name }}]',
    'base.sql': '<{% block body %}base{% endblock %}>',
  };
  const env = envWith(templates);
  it('macros, import and from-import', () => {
    expect(render("{% import 'lib.sql' as lib %}{{ lib.q('a') }}", {}, env)).toBe("'a'");
    expect(render("{% from 'lib.sql' import q, list as l %}{{ q(1) }} {{ l(['a', 'b']) }}", {}, env)).toBe("'1' A,B");
  });
  it('include with the current context', () => {
    expect(render("{% set name = 'n' %}{% include 'inc.sql' %}", {}, env)).toBe('[n]');
  });
  it('extends and blocks', () => {
    expect(render("{% extends 'base.sql' %}{% block body %}child{% endblock %}", {}, env)).toBe('<child>');
  });
  it('caller and call blocks', () => {
    expect(render('{% macro w(t) %}{{ t }}({{ caller() }}){% endmacro %}{% call w("f") %}x{% endcall %}')).toBe('f(x)');
  });
  it('filters, filter blocks and whitespace control', () => {
    expect(render("{%- filter upper -%}  a {{ 'b'|replace('b', 'c') }}  {%- endfilter %}")).toBe('A C');
    expect(render('x\n  {%- if true %}\n  y\n  {%- endif %}\nz')).toBe('x\n  y\nz');
  });
  it('a plain nunjucks Environment still renders (patches are shared but compatible)', () => {
    createJinjaEnvironment();
    const plain = new nunjucks.Environment([], { autoescape: false });
    expect(plain.renderString('{% for x in xs %}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}', { xs: [1, 2] })).toBe('1,2');
    expect(plain.renderString("{% macro m(a='d') %}{{ a }}{% endmacro %}{{ m() }}{{ m('e') }}", {})).toBe('de');
  });
  it('autoescape is off', () => {
    expect(render("{{ x }}", { x: "it's <b>" })).toBe("it's <b>");
  });
  it('undefined attributes render empty (more lenient than Jinja)', () => {
    expect(render('[{{ nope.attr }}]')).toBe('[]');
  });
});

describe('installation', () => {
  it('patches nunjucks internals once per process', () => {
    const nj = nunjucks as unknown as { compiler: { Compiler: { prototype: Record<string, unknown> } }; runtime: Record<string, unknown> };
    createJinjaEnvironment();
    const compileIf = nj.compiler.Compiler.prototype.compileIf;
    const memberLookup = nj.runtime.memberLookup;
    const makeMacro = nj.runtime.makeMacro;
    createJinjaEnvironment();
    expect(nj.compiler.Compiler.prototype.compileIf).toBe(compileIf);
    expect(nj.runtime.memberLookup).toBe(memberLookup);
    expect(nj.runtime.makeMacro).toBe(makeMacro);
    expect(render("{% macro m() %}{{ return(1) }}{% endmacro %}{{ m() + 1 }}")).toBe('2');
  });
  it('JS globals get keyword arguments as a trailing __keywords object', () => {
    const env = envWith();
    const seen: unknown[][] = [];
    env.addGlobal('config', (...args: unknown[]) => {
      seen.push(args);
      return '';
    });
    render("{{ config(materialized='table', order_by=['id']) }}{{ config('x') }}", {}, env);
    expect(seen).toEqual([[{ materialized: 'table', order_by: ['id'], __keywords: true }], ['x']]);
  });
  it('JS objects keep their own methods; plain dicts get Python dict methods', () => {
    const cfg = { get: (k: string) => `cfg:${k}` };
    expect(render("{{ cfg.get('a') }} {{ d.get('a') }} {{ d.items()|list }}", { cfg, d: { a: 1 } })).toBe("cfg:a 1 [('a', 1)]");
  });
});

describe("dict(): Python's constructor", () => {
  it('builds from (key, value) pairs and keeps keyword arguments after them', () => {
    expect(render("{{ dict([('a', 1), ('b', 2)], c=3) }}")).toBe("{'a': 1, 'b': 2, 'c': 3}");
    expect(render("{{ dict(pairs) }}", { pairs: [['x', 3], ['y', 4]] })).toBe("{'x': 3, 'y': 4}");
  });
  it('keeps a non-text key as itself, and copies a dict with its keys', () => {
    expect(render("{% set d = dict([(1, 'one')]) %}{{ (d.keys() | list)[0] + 1 }}")).toBe('2');
    expect(render("{% set d = dict({2: 'two'}) %}{{ (d.keys() | list)[0] + 1 }}|{{ dict({'a': 1}, a=2) }}")).toBe("3|{'a': 2}");
  });
  it("a tuple (or None) key set by setdefault/update/a literal is read back by d[key], get, pop, `in`: elementary's store_anomaly_test_results", () => {
    // Jinja2 answers the same (checked with jinja2 3.1.6): each line is what Python's dict gives.
    const src = `{% set d = {} %}{% for r in rows %}{% set g = (r.t, r.c, 'row_count') %}{% do d.setdefault(g, []) %}{% do d[g].append(r.v) %}{% endfor %}
{%- for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{{ d[('a', None, 'row_count')] }}|{{ d.get(('b', 'x', 'row_count')) }}|{{ ('b', 'x', 'row_count') in d }}
{%- set e = {None: 1, (1, 2): 'p'} %}|{{ e[None] }} {{ e.get(None) }} {{ e[(1, 2)] }} {{ e.pop((1, 2)) }} {{ e }}`;
    const rows = [{ t: 'a', c: null, v: 1 }, { t: 'a', c: null, v: 2 }, { t: 'b', c: 'x', v: 3 }];
    expect(render(src, { rows })).toBe("('a', None, 'row_count')=[1, 2];('b', 'x', 'row_count')=[3];|[1, 2]|[3]|True|1 1 p p {None: 1}");
  });
  it('refuses an item that is not a pair, as Python', () => {
    expect(() => render("{{ dict(['ab', 'c']) }}")).toThrow(/element has length 1; 2 is required/);
  });
});

describe("a text's length and slices count code points, as Python's str", () => {
  it('length and count', () => {
    expect(render("{{ 'abc' | length }} {{ 'a😀b' | length }} {{ 'a😀b' | count }} {{ '' | length }}")).toBe('3 3 3 0');
  });
  it('slices', () => {
    const out = render("{{ 'abcdef'[1:3] }}|{{ 'abcdef'[-2:] }}|{{ 'abcdef'[:-10] }}|{{ 'abcdef'[4:2] }}|{{ 'abcdef'[::2] }}|{{ 'abcdef'[::-1] }}|{{ 'héllo'[1:3] }}|{{ 'a😀b'[1:2] }}|{{ 'a😀bc'[-2:] }}");
    expect(out).toBe('bc|ef|||ace|fedcba|él|😀|bc');
  });
  it("measures a query grown row by row, as elementary's insert_rows does", () => {
    const src =
      "{% set q = namespace(data='insert into t values ') %}{% set sizes = [] %}" +
      "{% for i in range(100) %}{% set q.data = q.data + ('😀' if i == 7 else 'x') * 1000 %}{% do sizes.append(q.data | length) %}{% endfor %}" +
      '{{ sizes[0] }} {{ sizes[7] }} {{ sizes[-1] }}';
    expect(render(src)).toBe('1021 8021 100021');
  });
});

describe('return()', () => {
  it("is the macro call's value, from nested macros", () => {
    const src = "{% macro q(v) %}{{ return(\"'\" ~ v ~ \"'\") }}{% endmacro %}{% macro row(xs) %}{{ return(xs | map('string') | map('upper') | list | join(',')) }}{% endmacro %}{{ q(row(['a', 'b'])) }}";
    expect(render(src)).toBe("'A,B'");
  });
  it("takes one argument, as dbt's _return(data): none is None, no argument Python's TypeError (was an empty value)", () => {
    expect(render('{% macro a() %}{{ return(data=3) }}{% endmacro %}{% macro b() %}{% do return(none) %}{% endmacro %}{{ a() }} {{ b() is none }}')).toBe('3 True');
    for (const call of ['{{ return() }}', '{% do return() %}', "{{ 'x' ~ return() }}", '{% set s %}{{ return() }}{% endset %}'])
      expect(() => render(`{% macro a() %}x${call}{% endmacro %}{{ a() }}`), call).toThrow(/_return\(\) missing 1 required positional argument: 'data'/);
    expect(() => render('{% macro a() %}{{ return(1, 2) }}{% endmacro %}{{ a() }}')).toThrow(/_return\(\) takes 1 positional argument but 2 were given/);
  });
  it('outside a macro is an error naming it', () => {
    expect(() => render('{{ return(1) }}')).toThrow(/return\(\) called outside of a macro/);
  });
  // In a macro's own code return() is compiled as a JS return; in a {% set %} block, a call
  // block's body or an expression it still unwinds: each way ends the enclosing macro with the value.
  it('ends the macro wherever it is called: after output, in loops, set blocks, call blocks and expressions', () => {
    const src = [
      "{% macro after_output() %}text {{ 'more' }}{{ return('r1') }}{{ 'never' }}{% endmacro %}",
      '{% macro in_loop(xs) %}{% for x in xs %}{% for y in [x, x * 10] %}{% if y > 15 %}{% do return(y) %}{% endif %}{% endfor %}{% endfor %}{{ return(-1) }}{% endmacro %}',
      "{% macro in_set_block() %}{% set body %}a{{ return('r2') }}b{% endset %}{{ return('not ' ~ body) }}{% endmacro %}",
      '{% macro wrap() %}[{{ caller() }}]{% endmacro %}',
      "{% macro in_call_block() %}{% call wrap() %}{{ return('r3') }}{% endcall %}{{ return('after call') }}{% endmacro %}",
      "{% macro in_expression() %}{{ 'x' ~ return('r4') }}{% endmacro %}",
      "{% macro none_value() %}{% do return(none) %}{% endmacro %}",
      "{% set v = 'top' %}{% for i in [1, 2] %}{{ after_output() }} {{ in_loop([1, 2, 3]) }} {{ in_loop([]) }} ",
      '{{ in_set_block() }} {{ in_call_block() }} {{ in_expression() }} [{{ none_value() }}] {{ none_value() is none }} {{ i }}{{ v }} {% endfor %}',
    ].join('');
    expect(render(src)).toBe(
      'r1 20 -1 r2 after call r4 [None] True 1top r1 20 -1 r2 after call r4 [None] True 2top ',
    );
  });
});

describe("Jinja2's Undefined in tests", () => {
  it('is iterable and a sequence (no items), not a mapping, string or none — a macro argument left out, as automate-dv 0.9 is_list() reads it', () => {
    const src = [
      '{% macro is_list(obj) %}{{ return(obj is iterable and obj is not string and obj is not mapping) }}{% endmacro %}',
      '{% macro f(a, b) %}{{ return(b) }}{% endmacro %}',
      "{{ nope is iterable }} {{ nope is sequence }} {{ nope is mapping }} {{ nope is string }} {{ nope is none }}",
      " {{ is_list(f(a=1)) }} {{ [1, f(a=1)] | reject('none') | list | length }} [{% for x in f(a=1) %}x{% endfor %}]",
      " {{ none is iterable }} {{ 1 is iterable }}",
    ].join('');
    expect(render(src)).toBe('True True False False False True 2 [] False False');
  });
});
