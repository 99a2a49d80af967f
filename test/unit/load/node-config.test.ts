import { describe, expect, it } from 'vitest';
import { folderConfig, noteConfigKeys } from '../../../packages/core/src/load/node-config.js';

const lineOf = (path: (string | number)[]) => path.length;

describe('folderConfig', () => {
  const tree = {
    '+materialized': 'view',
    '+tags': ['all'],
    p: {
      '+meta': { owner: 'a' },
      staging: { '+schema': 'stg', '+tags': 'staging', orders: { '+alias': 'orders_x', '+meta': { pii: true } }, deep: { more: { '+schema': 'deeper' } } },
      marts: { enabled: false, '+my_custom_key': 1 },
    },
  };
  const of = (fqn: string[]) => folderConfig(tree, fqn, 'project.yml', lineOf, ['models']);

  it("resolves each node's layers: deeper folders win, tags accumulate, meta merges, a key naming the node configures it alone", () => {
    expect(of(['p', 'staging', 'orders'])).toEqual({ materialized: 'view', tags: ['all', 'staging'], meta: { owner: 'a', pii: true }, schema: 'stg', alias: 'orders_x' });
    expect(of(['p', 'staging', 'customers'])).toEqual({ materialized: 'view', tags: ['all', 'staging'], meta: { owner: 'a' }, schema: 'stg' });
    expect(of(['p', 'staging', 'deep', 'more', 'm'])).toEqual({ materialized: 'view', tags: ['all', 'staging'], meta: { owner: 'a' }, schema: 'deeper' });
    expect(of(['p', 'staging', 'deep', 'other', 'm'])).toEqual({ materialized: 'view', tags: ['all', 'staging'], meta: { owner: 'a' }, schema: 'stg' });
    expect(of(['p', 'marts', 'm'])).toEqual({ materialized: 'view', tags: ['all'], meta: { owner: 'a' }, enabled: false, my_custom_key: 1 });
    expect(of(['other', 'x'])).toEqual({ materialized: 'view', tags: ['all'] });
  });

  it('nodes of one folder share one frozen result; another tree path or tree gets its own', () => {
    const a = of(['p', 'staging', 'customers']);
    expect(of(['p', 'staging', 'payments'])).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(of(['p', 'staging', 'orders'])).not.toBe(a);
    expect(folderConfig(tree, ['p', 'staging', 'customers'], 'project.yml', lineOf, ['seeds'])).not.toBe(a);
    expect(folderConfig({ ...tree }, ['p', 'staging', 'customers'], 'project.yml', lineOf, ['models'])).toEqual(a);
  });

  it('notes unknown config keys in every load, the same tree read again included', () => {
    for (let load = 0; load < 2; load++) {
      const stop = noteConfigKeys();
      of(['p', 'marts', 'm1']);
      of(['p', 'marts', 'm2']);
      expect([...stop().keys()]).toEqual(['my_custom_key']);
    }
  });
});
