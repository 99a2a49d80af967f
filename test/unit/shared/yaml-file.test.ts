import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../packages/core/src/shared/yaml-file.js';

// parseYaml's schema checks a plain scalar's first character before js-yaml's float and timestamp
// resolvers: every value must be what js-yaml's default schema gives (PyYAML's SafeLoader types).
describe('parseYaml', () => {
  it('reads plain scalars as js-yaml default schema does: floats, timestamps, ints, bools, nulls, merges', () => {
    const text = `
floats: [1.5, -2.5e3, +.5, .inf, -.Inf, .NaN, 1_000.5, 6.8523015e+5, "1.5"]
not_floats: [e5, inf, nan, x.5, 1.5x, _1.5]
dates: [2024-01-02, 2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10 -5, 2002-12-14]
not_dates: [2024-1-2x, d2024-01-02, "2024-01-02"]
ints: [0, -17, +42, 0x1F, 0o17, 0b101, 1_000]
bools: [true, False, TRUE, yes, no]
nulls: [~, null, Null, ]
empty:
base: &b {x: 1, y: 2}
merged: {<<: *b, y: 3}
binary: !!binary aGVsbG8=
tagged_float: !!float 3
`;
    expect(parseYaml(text, 'x.yml').data).toEqual(jsYaml.load(text));
    expect((parseYaml(text, 'x.yml').data as { dates: unknown[] }).dates[0]).toBeInstanceOf(Date);
  });

  it('rejects what js-yaml rejects under an explicit tag', () => {
    expect(() => parseYaml('x: !!float abc', 'x.yml')).toThrow(/Invalid YAML/);
    expect(() => parseYaml('x: !!timestamp abc', 'x.yml')).toThrow(/Invalid YAML/);
  });
});
