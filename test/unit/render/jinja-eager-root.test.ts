import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { createJinjaEnvironment, jinjaTemplateCode, preprocessJinja } from '../../../packages/core/src/render/jinja-compat/index.js';

/*
 * A template's root function is compiled as a parenthesised function expression (compiler-patches.ts
 * patchEagerRoot): V8 compiles it with the code around it instead of pre-parsing it and parsing it
 * again at the first render. Only the function's form changes: blocks, macros and errors are as before.
 */

const env = createJinjaEnvironment();
const code = (src: string) => jinjaTemplateCode(preprocessJinja(src, 't.sql'), env);

describe('eager root function', () => {
  it('wraps root, and only root, in parentheses', () => {
    const text = code("{{ config(materialized='view') }}\nselect {{ 1 + 2 }}\n{% macro m(a) %}[{{ a }}]{% endmacro %}{{ m(3) }}");
    expect(text).toMatch(/^var root = \(function root\(env, context, frame, runtime, cb\) \{\n/);
    expect(text).toMatch(/\n}\n\);\nreturn \{\nroot: root\n\};\n$/);
    // A JS parse of the whole code: the parentheses close where root ends.
    expect(() => new Function(text)).not.toThrow(); // eslint-disable-line no-new-func
  });

  it('leaves block functions as they were and ends root before them', () => {
    const text = code('{% block head %}H{% endblock %} body');
    expect(text).toMatch(/^var root = \(function root\(/);
    expect(text).toMatch(/\n}\n\);\nfunction b_head\(env, context, frame, runtime, cb\) \{\n/);
    expect(text).not.toMatch(/\(function b_head/);
  });

  it('renders as before: output, macros, blocks, filters and errors with their positions', () => {
    const plain = new nunjucks.Environment(null, { autoescape: false });
    const cases = [
      "{% set xs = [1, 2, 3] %}{% for x in xs %}{{ x * 2 }},{% endfor %}{% if xs | length > 2 %}many{% endif %}",
      '{% macro m(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, b=5) }}',
      '{% block head %}H{% endblock %} body',
      "{% set d = {'k': 'v'} %}{{ d.k }}{% filter upper %}abc{% endfilter %}",
    ];
    for (const src of cases) expect(env.renderString(preprocessJinja(src, 't.sql'), {}), src).toBe(plain.renderString(src, {}));
    const failing = 'line one\n{{ undefined_fn(1) }}';
    expect(() => env.renderString(preprocessJinja(failing, 't.sql'), {})).toThrow(/Line 2, Column/);
  });
});
