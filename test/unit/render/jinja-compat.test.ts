import { describe, expect, it } from 'vitest';
import { preprocessJinja } from '../../../packages/core/src/render/jinja-compat/index.js';
import { data, expected, makeEnv } from './jinja-fixture-env.js';

const env = makeEnv();
function render(src: string, ctx: Record<string, unknown> = structuredClone(data.context)): string {
  return env.renderString(preprocessJinja(src, 'snippet.sql'), ctx);
}

describe('jinja-compat matches Jinja2 output', () => {
  it('has enough fixtures', () => {
    expect(expected.length).toBeGreaterThanOrEqual(120);
  });
  for (const fx of expected) {
    it(fx.name, () => {
      if (fx.error !== undefined) expect(() => render(fx.src)).toThrow();
      else expect(render(fx.src)).toBe(fx.expected);
    });
  }
});
