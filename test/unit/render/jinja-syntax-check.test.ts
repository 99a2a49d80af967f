import { describe, expect, it } from 'vitest';
import { findSyntaxProblem } from '../../../packages/core/src/render/jinja-compat/syntax-check.js';
import { preprocessWithPositions } from '../../../packages/core/src/render/jinja-compat/preprocess.js';

describe('findSyntaxProblem (Jinja2 structure, at the source position)', () => {
  it('accepts what Jinja2 accepts', () => {
    for (const ok of [
      "{{ {'a': {'b': 1}}}}",
      '{% set x %}a{% endset %}{% set y = 1 %}{% set n.z %}b{% endset %}',
      '{%- if a -%}x{%- elif b +%}y{% else %}z{% endif -%}',
      '{% for i in [1, 2] %}{{ i }}{% else %}none{% endfor %}',
      '{% raw %}{% if {{ {% endraw %}',
      "{{ 'multi\nline }} string' }}",
      '{% call statement("x", fetch_result=True) %}select 1{% endcall %}',
      '{% macro m(a=[1, 2]) %}{{ caller() }}{% endmacro %}{# {% if #}',
      '{% materialization t, default %}{% endmaterialization %}{% test t(model) %}{% endtest %}{% docs d %}x{% enddocs %}',
      '{% set a = "x" == "y" %}{% do a.append(1) %}',
    ]) expect(findSyntaxProblem(ok), ok).toBeUndefined();
  });

  it('a stray closing brace is unexpected where it stands (Jinja2: unexpected \'}\')', () => {
    expect(findSyntaxProblem("a\n  {{ ref('x') } as h\n-- 3\n-- 4")).toMatchObject({ message: "unexpected '}'", line: 2, column: 15 });
    expect(findSyntaxProblem('{{ f(1]) }}')).toMatchObject({ message: "unexpected ']', expected ')'", line: 1, column: 7 });
  });

  it('a block never closed is reported at its opening tag, naming what Jinja2 waits for', () => {
    const p = findSyntaxProblem('select\n{% for x in y %}\n  {% if x %}\n  x\n{% endfor %}');
    expect(p).toMatchObject({ line: 5, column: 1 });
    expect(p!.message).toBe("Encountered unknown tag 'endfor'. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.");
    expect(p!.hint).toBe('The {% if %} at line 3 is still open: close it with {% endif %} first.');
    expect(findSyntaxProblem('a\n{% for x in y %}\n{% if x %}{% endif %}\nb\nc')).toMatchObject({ line: 2, column: 1, message: expect.stringMatching(/^Unexpected end of template\. .*'else' or 'endfor'\. The innermost block that needs to be closed is 'for'\.$/) });
    expect(findSyntaxProblem('{% set x %}\nabc')).toMatchObject({ line: 1, message: expect.stringMatching(/'endset'/) });
  });

  it('tags, strings, comments and raw blocks never closed are reported where they open', () => {
    expect(findSyntaxProblem('a\nb {{ x + 1\nc')).toMatchObject({ line: 2, column: 3, message: expect.stringMatching(/never closed, expected 'end of print statement'/) });
    expect(findSyntaxProblem('a {% if x\nb')).toMatchObject({ line: 1, column: 3 });
    expect(findSyntaxProblem("{{ 'abc }}")).toMatchObject({ line: 1, column: 4, message: expect.stringMatching(/string that is never closed/) });
    expect(findSyntaxProblem('x {# y')).toMatchObject({ line: 1, column: 3, message: 'Missing end of comment tag' });
    expect(findSyntaxProblem('{% raw %}x')).toMatchObject({ line: 1, column: 1, message: 'Missing end of raw directive' });
    expect(findSyntaxProblem('{% else %}')).toMatchObject({ message: "Encountered unknown tag 'else'." });
  });
});

describe('preprocessWithPositions', () => {
  it('maps a position after a rewritten tag back to the source column', () => {
    const src = 'select 1\n{% set a, b = 1, 2 %}{{ a }} x';
    const pre = preprocessWithPositions(src, 'f.sql');
    const col = pre.text.split('\n')[1]!.indexOf(' x') + 2; // the x after the tags, 1-based
    expect(pre.sourcePosition(2, col)).toEqual({ line: 2, column: src.split('\n')[1]!.indexOf(' x') + 2 });
    expect(pre.sourcePosition(1, 3)).toEqual({ line: 1, column: 3 });
  });

  it('keeps an unterminated tag once (the text before it is not repeated)', () => {
    expect(preprocessWithPositions('a\nb {{ x', 'f.sql').text).toBe('a\nb {{ x');
  });
});
