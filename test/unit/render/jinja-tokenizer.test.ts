import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { preprocessJinja } from '../../../packages/core/src/render/jinja-compat/index.js';
import { JinjaTokenizer } from '../../../packages/core/src/render/jinja-compat/tokenizer.js';
import { atLeast, jinjaCorpus } from './jinja-corpus.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Every token of `src` (type, value, line, column), or the error that stopped the lexer. */
function tokens(lexer: any): unknown[] {
  const out: unknown[] = [];
  try {
    for (let tok = lexer.nextToken(); tok; tok = lexer.nextToken()) out.push([tok.type, tok.value, tok.lineno, tok.colno]);
  } catch (e) {
    out.push(['error', (e as Error).message]);
  }
  return out;
}

describe('JinjaTokenizer (whole runs of text at once) gives nunjucks lexer tokens', () => {
  const corpus = jinjaCorpus();

  it('on the Jinja2 fixtures, dbt macros, the reference project and the shared packages', () => {
    expect(corpus.length).toBeGreaterThan(atLeast(500, 200));
    let compared = 0;
    for (const { name, src } of corpus) {
      let source: string;
      try {
        source = preprocessJinja(src, name);
      } catch {
        continue;
      }
      expect(tokens(new JinjaTokenizer(source, {})), name).toEqual(tokens((nunjucks as any).lexer.lex(source, {})));
      compared++;
    }
    expect(compared).toBeGreaterThan(atLeast(500, 200));
  });

  it('keeps positions across newlines, whitespace control, comments, raw blocks and unterminated input', () => {
    const cases = [
      'a\nb {{- x -}}\n\n c {# note\n #} d\r\n{% raw %}{{ y }}{% endraw %}\n{%- if z %}\tq{% endif -%}   \n',
      "{{ 'str\\n' ~ \"x\" }} {{ 1.5 + 2 }}#{ {a: [1, 2]} }}",
      '{# never closed\n',
      '{{ x',
      '',
      '\n\n\n',
      'text { not a tag } # hash',
    ];
    for (const src of cases) expect(tokens(new JinjaTokenizer(src, {})), src).toEqual(tokens((nunjucks as any).lexer.lex(src, {})));
  });
});
