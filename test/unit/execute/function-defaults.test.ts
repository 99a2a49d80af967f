import { describe, expect, it } from 'vitest';
import { withFunctionDefaults } from '../../../packages/core/src/execute/function-defaults.js';
import type { Manifest } from '../../../packages/core/src/manifest/manifest.js';

const fn = (name: string, args: { name: string; defaultValue?: unknown }[]) => ({
  resourceType: 'function',
  relation: { schema: 's', identifier: name },
  arguments: args.map((a) => ({ dataType: 'integer', description: '', ...a })),
});
const manifest = { nodes: new Map([['function.p.add', fn('add', [{ name: 'a' }, { name: 'b', defaultValue: 0 }, { name: 'c', defaultValue: "'x'" }])], ['function.p.two', fn('two', [{ name: 'a' }, { name: 'b' }])]]) } as unknown as Manifest;

describe("a project function's default arguments (execute/function-defaults.ts)", () => {
  it('completes short calls (quoted as function() renders them, or bare) and leaves full calls, other functions, strings and comments alone', () => {
    expect(withFunctionDefaults(manifest, "select `add`(1), add(1, 2), `add`(1, 2, 'y'), two(1), t.add(1), 'add(1)' -- add(1)\nfrom t")).toBe(
      "select `add`(1, 0, 'x'), add(1, 2, 'x'), `add`(1, 2, 'y'), two(1), t.add(1), 'add(1)' -- add(1)\nfrom t",
    );
  });
});
