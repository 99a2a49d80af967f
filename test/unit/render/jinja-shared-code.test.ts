import type nunjucks from 'nunjucks';
import { afterEach, describe, expect, it } from 'vitest';
import { preprocessJinja, setSharedTemplateCode, sharedTemplateShapes, sourceShapeHits } from '../../../packages/core/src/render/jinja-compat/index.js';
import { atLeast, jinjaCorpus } from './jinja-corpus.js';
import { data, makeEnv } from './jinja-fixture-env.js';

/*
 * Templates of one shape share compiled code (render/jinja-compat/shared-code.ts): the output, and
 * every error with its message and position, must be what compiling each template on its own
 * gives — for the first template of a shape and for later ones with other strings, text and positions.
 */

afterEach(() => setSharedTemplateCode(true));

function outcome(env: nunjucks.Environment, src: string): string {
  try {
    return `ok:${env.renderString(src, structuredClone(data.context))}`;
  } catch (e) {
    return `error:${(e as Error).message}`;
  }
}

/**
 * The same template moved down and right, with other string literals (and so other text), and with
 * strings holding escapes and line breaks (their tokens' positions shift by other amounts than their values).
 */
function variants(src: string): string[] {
  return [
    src,
    `\n\n   ${src}`,
    src.replace(/'([^'\\\n]*)'/g, "'$1_v'"),
    `x\n${src.replace(/"([^"\\\n]*)"/g, '"_$1"')}`,
    `  ${src.replace(/'([^'\\\n]*)'/g, "'\\'$1\\n\n'")}`,
  ];
}

describe('shared compiled code renders as per-template code', () => {
  it('on the Jinja2 fixtures, dbt macros, the reference project and the shared packages, moved and with other strings', () => {
    const shared = makeEnv();
    // Sharing code, but every template lexed and parsed (source shapes off).
    const parsedOnly = makeEnv();
    let compared = 0;
    for (const { name, src } of jinjaCorpus()) {
      for (const variant of variants(src)) {
        let source: string;
        try {
          source = preprocessJinja(variant, name);
        } catch {
          continue;
        }
        setSharedTemplateCode(false);
        const alone = outcome(makeEnv(), source);
        setSharedTemplateCode(true, { fromSource: false });
        expect(outcome(parsedOnly, source), `${name}\n${variant}`).toBe(alone);
        setSharedTemplateCode(true);
        expect(outcome(shared, source), `${name}\n${variant}`).toBe(alone);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(atLeast(2000, 400));
    expect(sharedTemplateShapes(shared)).toBeGreaterThan(atLeast(100, 20));
    // Variants after the first of a source shape come from its recipe (templates starting with a tag: moved ones have another).
    expect(sourceShapeHits(shared)).toBeGreaterThan(compared / 4);
  }, 300_000); // ~10,000 templates rendered three ways: 100-130 s at load ~20

  it('compiles one shape once: other strings, text, numbers of lines and columns reuse it', () => {
    const env = makeEnv();
    const model = (name: string, pad: string, text: string) =>
      `{{ config(materialized='${name}') }}${pad}select '{{ var("v", 'd') }}' as {{ kw_echo('${name}', k='${text}') }}\n${text}\n{% if x %}{{ undefined_call() }}{% endif %}`;
    const outputs = [model('table', '', 'a'), model('view', '\n\n  ', 'longer text\non lines'), model('x', ' ', '')].map((src) => {
      const ctx = { config: () => '', var: (_n: string, d: string) => d, x: false };
      return env.renderString(preprocessJinja(src, 'm.sql'), ctx);
    });
    expect(outputs).toEqual([
      "select 'd' as ['table'] {'k': 'a'}\na\n",
      "\n\n  select 'd' as ['view'] {'k': 'longer text\non lines'}\nlonger text\non lines\n",
      " select 'd' as ['x'] {'k': ''}\n\n",
    ]);
    // The third has an empty text literal (kept in the shape: nunjucks skips empty text), so two shapes.
    expect(sharedTemplateShapes(env)).toBe(2);
    // An error in a later template of the shape names its own line and column.
    const failing = (pad: string) => `{{ config(materialized='t') }}${pad}select '{{ var("v", 'd') }}' as {{ kw_echo('t', k='b') }}\nb\n{% if x %}{{ undefined_call() }}{% endif %}`;
    const errorOf = (src: string) => outcome(env, preprocessJinja(src, 'm.sql'));
    setSharedTemplateCode(false);
    const alone = [errorOf(failing('')), errorOf(failing('\n\n\n     '))];
    setSharedTemplateCode(true);
    const sharedErrors = [errorOf(failing('')), errorOf(failing('\n\n\n     '))];
    expect(sharedErrors).toEqual(alone);
  });

  it('stops scanning sources for a while after a window of templates whose source shapes are all new', () => {
    const env = makeEnv();
    const render = (src: string) => env.renderString(preprocessJinja(src, 'm.sql'), { config: () => '' });
    const unique = (i: number) => `{% set a${i} = ${i} %}{{ a${i} }}`;
    const pair = () => [render("{{ config(materialized='a') }} x"), render("{{ config(materialized='b') }} y")];
    // A window (256) of templates with a new key each: the next ones are not scanned (no recipe learnt, no hit) ...
    for (let i = 0; i < 256; i++) expect(render(unique(i))).toBe(String(i));
    expect(pair()).toEqual([' x', ' y']);
    expect(sourceShapeHits(env)).toBe(0);
    // ... until the pause (8 windows) is over; then a repeated key is learnt again.
    for (let i = 256; i < 256 + 8 * 256 - 2; i++) render(unique(i));
    expect(pair()).toEqual([' x', ' y']);
    expect(sourceShapeHits(env)).toBe(1);
  });

  it('compiles templates on their own for a while after a window of templates whose shapes are all new', () => {
    setSharedTemplateCode(true, { fromSource: false });
    const env = makeEnv();
    const render = (i: number) => env.renderString(preprocessJinja(`{% set a${i} = ${i} %}{{ a${i} * 2 }}`, 'm.sql'), {});
    for (let i = 0; i < 256; i++) expect(render(i)).toBe(String(2 * i));
    expect(sharedTemplateShapes(env)).toBe(256);
    // The next 2,048 are compiled (and rendered) as without sharing: no shape kept.
    for (let i = 256; i < 300; i++) expect(render(i)).toBe(String(2 * i));
    expect(sharedTemplateShapes(env)).toBe(256);
  });
});
