import { describe, expect, it } from 'vitest';
import { diffManifests } from '../../../packages/core/src/watch/diff.js';
import type { Manifest } from '../../../packages/core/src/manifest/manifest.js';

describe('watch diff and custom materializations', () => {
  it('a changed {% materialization %} file changes the models that ask for it (not among their macrosUsed)', () => {
    const model = (name: string, materialized: string) => ({ uniqueId: `model.p.${name}`, name, resourceType: 'model', macrosUsed: [], config: { materialized } });
    const nodes = new Map([
      ['model.p.a', model('a', 'my_table')],
      ['model.p.b', model('b', 'table')],
      ['model.p.c', model('c', 'other')],
    ]);
    const macros = new Map([
      ['macro.p.materialization_my_table_default', { uniqueId: 'macro.p.materialization_my_table_default', originalFilePath: 'macros/my_table.sql' }],
      ['macro.p.materialization_other_clickhouse', { uniqueId: 'macro.p.materialization_other_clickhouse', originalFilePath: 'macros/other.sql' }],
    ]);
    const manifest = { nodes, macros } as unknown as Manifest;
    expect(diffManifests(manifest, manifest, new Set(['macros/my_table.sql'])).changed).toEqual(['model.p.a']);
    expect(diffManifests(manifest, manifest, new Set(['macros/other.sql'])).changed).toEqual(['model.p.c']);
    expect(diffManifests(manifest, manifest, new Set(['models/x.sql'])).changed).toEqual([]);
  });
});
