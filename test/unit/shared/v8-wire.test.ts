import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { encode, serializeValue } from '../../../packages/core/src/shared/v8-wire.js';

/** v8.deserialize of the writer's bytes (which must be there: the value is one it writes). */
function back(value: unknown): unknown {
  const bytes = encode(value);
  expect(bytes, 'written in JavaScript').toBeDefined();
  return deserialize(bytes!);
}

const latin1 = 'café crème ÿ';
const wide = 'naïve – ✓ 𝔘 日本';
const lone = 'a\ud800b\udc00';

describe('v8-wire', () => {
  it('gives v8.deserialize the value back: strings of every width, numbers, keys, holes, Maps, Sets, Dates', () => {
    const values: unknown[] = [
      '', 'abc', latin1, wide, lone, 'x'.repeat(63), 'x'.repeat(64), 'é'.repeat(200), `${wide}${'y'.repeat(300)}`, `${lone}${'z'.repeat(100)}`,
      0, -0, 1, -1, 1.5, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_VALUE, NaN, Infinity, -Infinity,
      true, false, null, undefined,
      { a: 1, b: [1, 'two', null, undefined], c: { d: { e: [[]] } } },
      { 0: 'zero', 10: 'ten', '01': 'not an index', 4294967295: 'not an index either', x: 'x', 4294967294: 'last index' },
      Object.assign(Object.create(null) as object, { plain: 'no prototype' }),
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
      new Map<unknown, unknown>([['k', 1], [{ o: 1 }, [2]], [3, new Set(['s'])]]),
      new Set([1, 'a', { b: 2 }]),
      new Date('2024-01-02T03:04:05.678Z'),
      { [latin1]: wide, [wide]: latin1, [lone]: lone },
    ];
    for (const value of values) {
      const got = back(value);
      expect(got).toStrictEqual(deserialize(serialize(value)));
      if (typeof value === 'number') expect(Object.is(got, value)).toBe(true);
    }
    // eslint-disable-next-line no-sparse-arrays
    expect(1 in (back([1, , 3]) as unknown[])).toBe(false);
    expect(Object.getPrototypeOf(back(Object.create(null)))).toBe(Object.prototype); // as V8 gives it back
  });

  it('writes a plain node byte for byte as v8.serialize does', () => {
    const node = {
      uniqueId: 'model.p.orders', resourceType: 'model', name: 'orders', fqn: ['p', 'staging', 'orders'], tags: ['nightly'],
      config: { materialized: 'incremental', enabled: true, unique_key: ['id'], meta: {}, limit: 100, ratio: 0.25, negative: -7 },
      dependsOn: { nodes: ['model.p.a', 'source.p.s.t'], macros: [] }, rawCode: `select * from {{ ref('a') }} -- ${'x'.repeat(200)}`, description: latin1,
      columns: new Map([['id', { name: 'id', dataType: null }]]),
    };
    expect(Buffer.compare(encode(node)!, serialize(node))).toBe(0);
  });

  it('keeps objects shared within a value shared, and cycles, past the scanned ones too', () => {
    const tags = ['a', 'b'];
    const got = back({ tags, config: { tags } }) as { tags: string[]; config: { tags: string[] } };
    expect(got.config.tags).toBe(got.tags);
    const many = Array.from({ length: 200 }, (_, i) => ({ i }));
    const gotMany = back({ many, again: [many[5], many[150], many] }) as { many: object[]; again: object[] };
    expect(gotMany.again[0]).toBe(gotMany.many[5]);
    expect(gotMany.again[1]).toBe(gotMany.many[150]);
    expect(gotMany.again[2]).toBe(gotMany.many);
    const cycle: Record<string, unknown> = { name: 'c' };
    cycle.self = cycle;
    const gotCycle = back(cycle) as Record<string, unknown>;
    expect(gotCycle.self).toBe(gotCycle);
    // Objects of one value are not shared with the next value's.
    const first = back({ tags }) as { tags: string[] };
    expect(first.tags).toEqual(['a', 'b']);
  });

  it('leaves to v8.serialize what it does not write, with V8 answer or error', () => {
    class Thing {
      a = 1;
    }
    const extra = Object.assign(['a'], { note: 'kept by V8' });
    for (const value of [new Thing(), new Uint8Array([1, 2]), Buffer.from('x'), { f: () => 1 }, { s: Symbol('s') }, 10n, extra, /re/g, new Error('e')]) {
      expect(encode(value)).toBeUndefined();
    }
    expect((deserialize(serializeValue(extra)) as { note?: string }).note).toBe('kept by V8');
    expect(deserialize(serializeValue(new Thing()))).toEqual({ a: 1 });
    expect(() => serializeValue({ f: () => 1 })).toThrow(/could not be cloned/);
    // A Proxy (V8 refuses one) is written as what it shows, as a lazy node's is.
    expect(back({ p: new Proxy([1, { a: 2 }], {}) })).toEqual({ p: [1, { a: 2 }] });
    // The writer is usable after a value it left.
    expect(back({ after: 'ok' })).toEqual({ after: 'ok' });
  });

  it('the bytes of earlier values stay as written while later ones fill new slabs, one larger than a slab included', () => {
    const values = Array.from({ length: 3000 }, (_, i) => ({ i, text: `${i}:${'v'.repeat(1000)}` }));
    const blobs = values.map((v) => encode(v)!);
    const huge = { text: 'h'.repeat(3 << 20) };
    const hugeBlob = encode(huge)!;
    const after = encode({ i: 'after' })!;
    blobs.forEach((b, i) => expect(deserialize(b)).toEqual(values[i]));
    expect(deserialize(hugeBlob)).toEqual(huge);
    expect(deserialize(after)).toEqual({ i: 'after' });
  });

  it('an enumerable key added to Object.prototype (that for…in would list) is left to V8', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 1;
    try {
      expect(encode({ a: 1 })).toBeUndefined();
    } finally {
      delete proto.polluted;
    }
    expect(back({ a: 1 })).toEqual({ a: 1 });
  });
});
