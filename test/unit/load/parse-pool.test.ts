import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { mostlyDistinct, parseThreadsFor } from '../../../packages/core/src/load/parse-pool.js';

/*
 * The parse worker's default policy (load/parse-pool.ts): a worker compiles every template shape it
 * meets again, so by default it starts only when the Jinja files mostly differ in shape.
 */

/** n models of one shape: the same tags, other strings and SQL. */
const sameShape = (n: number) => Array.from({ length: n }, (_, i) => `{{ config(tags=['t${i}']) }}\nselect ${i} as id from {{ ref('m_${i}') }}\n{% if var('flag', false) %}where 1 = 1{% endif %}`);
/** n models each of its own shape (a number of its own in a tag). */
const ownShapes = (n: number) => Array.from({ length: n }, (_, i) => `{% set seed = ${i} %}select {{ seed }} as id from {{ ref('m_${i}') }}`);
/** n models drawn from k shapes (scattered: a multiplicative hash of the model's number). */
const fewShapes = (n: number, k: number) => Array.from({ length: n }, (_, i) => `{% set seed = ${(Math.imul(i, 2654435761) >>> 0) % k} %}select 1 from {{ ref('m_${i}') }}`);

describe('parse threads by default', () => {
  it('tells templates that mostly share shapes from templates that mostly differ', () => {
    expect(mostlyDistinct(sameShape(10_000))).toBe(false);
    expect(mostlyDistinct(fewShapes(10_000, 900))).toBe(false);
    expect(mostlyDistinct(ownShapes(10_000))).toBe(true);
    expect(mostlyDistinct(fewShapes(10_000, 8_000))).toBe(true);
    // Fewer files than the sample: all of them are looked at.
    expect(mostlyDistinct(ownShapes(200))).toBe(true);
    expect(mostlyDistinct(fewShapes(200, 20))).toBe(false);
  });

  it('starts a worker by default only for many files of mostly different shapes; an explicit number is taken as given', () => {
    const cores = Math.min(availableParallelism(), 4);
    expect(parseThreadsFor(sameShape(10_000), undefined)).toBe(1);
    expect(parseThreadsFor(ownShapes(10_000), undefined)).toBe(cores);
    expect(parseThreadsFor(ownShapes(100), undefined)).toBe(1); // too few files for a worker to pay
    expect(parseThreadsFor(sameShape(10_000), 2)).toBe(2);
    expect(parseThreadsFor(sameShape(200), 2)).toBe(1);
    expect(parseThreadsFor(ownShapes(10_000), 1)).toBe(1);
  });
});
