import nunjucks from 'nunjucks';
import { describe, expect, it } from 'vitest';
import { createJinjaEnvironment, JinjaTemplate, preprocessJinja } from '../../../packages/core/src/render/jinja-compat/index.js';

/*
 * The Jinja dialect is contained (brief: our own environment and subclasses, no process-wide
 * patches of nunjucks internals): rendering Jinja leaves nunjucks' own Parser, Compiler, runtime
 * and Frame as they were, so another nunjucks user in the process renders as nunjucks does.
 */
const SOURCE = '{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}|{{ True }}|{{ [1, 2, 3][-1] }}|{{ "a" if none else "b" }}';

describe('the Jinja dialect is contained', () => {
  it('renders as Jinja2 through our environment and templates', () => {
    const jinja = createJinjaEnvironment();
    expect(jinja.renderString(SOURCE, {})).toBe('1|True|3|b');
    const template = new JinjaTemplate(preprocessJinja('{% macro m(a) %}{{ a * 2 }}{% endmacro %}{{ m(21) }}', 't.sql'), jinja, 't.sql', true);
    expect(template.render({})).toBe('42');
  });

  it('leaves nunjucks itself unpatched, before and after a Jinja render', () => {
    const plain = () => new nunjucks.Environment([], { autoescape: false }).renderString(SOURCE, {});
    const before = plain();
    createJinjaEnvironment().renderString(SOURCE, {});
    expect(plain()).toBe(before);
    // nunjucks' own semantics: `set` in a loop writes outward, True is an unknown name, [-1] is undefined.
    expect(before).toBe('2|||b');
    const runtime = nunjucks.runtime as unknown as Record<string, unknown>;
    expect(Object.keys(runtime).filter((k) => k.startsWith('jc'))).toEqual([]);
    const parser = (nunjucks as unknown as { parser: { Parser: { prototype: object } } }).parser.Parser.prototype;
    expect(Object.prototype.hasOwnProperty.call(parser, 'parseSignature') && String((parser as Record<string, unknown>).parseSignature).includes('JcSpread')).toBe(false);
  });
});
