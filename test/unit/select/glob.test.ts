import { describe, expect, it } from 'vitest';
import { fnmatch, hasGlob, pathMatch } from '../../../packages/core/src/select/glob.js';
import { UsageError } from '../../../packages/core/src/shared/errors.js';

describe('fnmatch', () => {
  it('follows Python fnmatch', () => {
    expect(fnmatch('stg_orders', 'stg_*')).toBe(true);
    expect(fnmatch('mart.orders', '*')).toBe(true);
    expect(fnmatch('orders', 'order?')).toBe(true);
    expect(fnmatch('orders', '[a-o]rders')).toBe(true);
    expect(fnmatch('orders', '[!o]rders')).toBe(false);
    expect(fnmatch('a.b', 'a?b')).toBe(true);
    expect(fnmatch('a+b', 'a+b')).toBe(true);
    expect(fnmatch('[x', '[x')).toBe(true);
    expect(fnmatch('Orders', 'orders')).toBe(false);
    expect(hasGlob('orders')).toBe(false);
  });

  it('reports an invalid range as a usage error', () => {
    expect(() => fnmatch('x', '[z-a]')).toThrow(UsageError);
  });
});

describe('pathMatch', () => {
  it('keeps * within one segment and lets ** cross folders', () => {
    expect(pathMatch('models/clean/stg_orders.sql', 'models/*/stg_*.sql')).toBe(true);
    expect(pathMatch('models/mart/finance/revenue.sql', 'models/*.sql')).toBe(false);
    expect(pathMatch('models/mart/finance/revenue.sql', 'models/**/revenue.sql')).toBe(true);
    expect(pathMatch('models/revenue.sql', 'models/**/revenue.sql')).toBe(true);
    expect(pathMatch('models/mart', 'models/**')).toBe(true);
    expect(pathMatch('models', 'models/**')).toBe(true);
    expect(pathMatch('models/mart/finance/revenue.sql', '**/revenue.sql')).toBe(true);
    expect(pathMatch('models/mart', 'models/mart')).toBe(true);
  });
});
