import { describe, expect, it } from 'vitest';
import { defaultMethod, parseCriterion, parseSelectArgs } from '../../../packages/core/src/select/parse-selector.js';
import { UsageError } from '../../../packages/core/src/shared/errors.js';
import { thrown } from './errors-helper.js';

describe('parseCriterion', () => {
  it('parses a bare name with the default method', () => {
    expect(parseCriterion('orders')).toMatchObject({
      kind: 'criterion',
      method: 'fqn',
      methodArgs: [],
      value: 'orders',
      parents: false,
      children: false,
      childrensParents: false,
    });
  });

  it('parses every graph operator', () => {
    expect(parseCriterion('+orders')).toMatchObject({ parents: true, parentsDepth: undefined, value: 'orders' });
    expect(parseCriterion('2+orders')).toMatchObject({ parents: true, parentsDepth: 2, value: 'orders' });
    expect(parseCriterion('orders+')).toMatchObject({ children: true, childrenDepth: undefined, value: 'orders' });
    expect(parseCriterion('orders+3')).toMatchObject({ children: true, childrenDepth: 3, value: 'orders' });
    expect(parseCriterion('1+tag:nightly+1')).toMatchObject({
      parents: true,
      parentsDepth: 1,
      children: true,
      childrenDepth: 1,
      method: 'tag',
      value: 'nightly',
    });
    expect(parseCriterion('@orders')).toMatchObject({ childrensParents: true, value: 'orders' });
  });

  it('parses a method with arguments', () => {
    expect(parseCriterion('config.meta.owner:ann')).toMatchObject({
      method: 'config',
      methodArgs: ['meta', 'owner'],
      value: 'ann',
    });
  });

  it('keeps colons after the method in the value', () => {
    expect(parseCriterion('tag:a:b')).toMatchObject({ method: 'tag', value: 'a:b' });
  });

  it('records the criterion indirect selection mode', () => {
    expect(parseCriterion('orders', 'cautious').indirectSelection).toBe('cautious');
  });

  it('picks path, file or fqn as the default method', () => {
    expect(defaultMethod('models/mart')).toBe('path');
    expect(defaultMethod('orders.sql')).toBe('file');
    expect(defaultMethod('country_codes.CSV')).toBe('file');
    expect(defaultMethod('mart.orders')).toBe('fqn');
    expect(parseCriterion('models/mart+').method).toBe('path');
  });

  it('rejects @ combined with a trailing +', () => {
    const error = thrown(() => parseCriterion('@orders+'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('selector-invalid');
  });

  it.each(['', '+', '@', 'tag:', '2+', '+tag:+'])('rejects the empty value in "%s"', (raw) => {
    const error = thrown(() => parseCriterion(raw));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('selector-empty-value');
  });

  it('rejects an unknown method, listing the valid ones and a suggestion', () => {
    const error = thrown(() => parseCriterion('tags:nightly'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('selector-unknown-method');
    expect(error.message).toContain('"tags"');
    expect(error.hint).toContain('Did you mean "tag"?');
    expect(error.hint).toContain('fqn, tag, path, file, source, resource_type, config, test_type, test_name, package, selector');
  });

  it('names dbt methods tsdbt does not support', () => {
    const error = thrown(() => parseCriterion('wildcard:weekly'));
    expect(error.code).toBe('selector-unknown-method');
    expect(error.message).toContain('does not support');
  });

  it('rejects arguments on a method that takes none', () => {
    expect(thrown(() => parseCriterion('tag.x:nightly')).code).toBe('selector-invalid');
    expect(thrown(() => parseCriterion('config.:x')).code).toBe('selector-invalid');
  });
});

describe('parseSelectArgs', () => {
  it('splits spaces into a union and commas into intersections', () => {
    const spec = parseSelectArgs(['a b,c', ' d '], { expectExists: true });
    expect(spec.kind).toBe('union');
    expect(spec.components.map((c) => c.kind === 'intersection' && c.components.map((x) => x.raw))).toEqual([
      ['a'],
      ['b', 'c'],
      ['d'],
    ]);
  });

  it('rejects an empty selection and an empty intersection part', () => {
    expect(thrown(() => parseSelectArgs(['  '], { expectExists: true })).code).toBe('selector-empty-value');
    expect(thrown(() => parseSelectArgs(['a,'], { expectExists: true })).code).toBe('selector-empty-value');
  });
});
