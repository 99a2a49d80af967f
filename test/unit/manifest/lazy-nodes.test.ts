import { describe, expect, it } from 'vitest';
import { decodedNodes, decodeNodes, encodeNodes, holdsNoSql, indexColumnsParsed, isEmptyNode, plainNode, tailCellsParsed } from '../../../packages/core/src/manifest/lazy-nodes.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';

/** Plain nodes → encodeNodes → decodeNodes: lazy nodes as a warm start reads them back. */
function roundTrip(nodes: readonly Record<string, unknown>[]): Map<string, ManifestNode> {
  const map = new Map(nodes.map((n) => [n.uniqueId as string, n as unknown as ManifestNode]));
  const { index, blobs } = encodeNodes(map);
  return decodeNodes(index, blobs.length, () => blobs);
}

const model = (name: string, extra: Record<string, unknown> = {}) => ({
  uniqueId: `model.p.${name}`, resourceType: 'model', name, packageName: 'p', fqn: ['p', name], tags: [], originalFilePath: `models/${name}.sql`,
  dependsOn: [], config: { materialized: 'view', enabled: true, meta: { owner: 'x' }, limit: -0 }, relation: { schema: 's', identifier: name },
  rawCode: 'select 1', renderedCode: 'select 1', ...extra,
});

describe('lazy nodes', () => {
  it('answer indexed fields, scalar config and relations without decoding; other values decode the node once', () => {
    const [a] = [...roundTrip([model('a')]).values()] as [ManifestNode];
    const before = decodedNodes();
    expect([a.uniqueId, a.name, a.fqn, a.resourceType, a.config.materialized, a.config.enabled, a.config.nope, a.relation]).toEqual(['model.p.a', 'a', ['p', 'a'], 'model', 'view', true, undefined, { schema: 's', identifier: 'a' }]);
    expect((a as { sourceName?: string }).sourceName).toBeUndefined();
    expect(decodedNodes() - before).toBe(0);
    expect(a.config.meta).toEqual({ owner: 'x' }); // an object: from the blob
    expect(Object.is(a.config.limit, -0)).toBe(true); // -0 is not kept by JSON: from the blob
    expect(decodedNodes() - before).toBe(1);
    expect(a.config.constructor).toBe(Object);
  });

  it("reads one node's config and relation from their own cells of the tail, not every node's", () => {
    const plain = Array.from({ length: 200 }, (_, i) => model(`m${i}`, { config: { materialized: i % 2 ? 'view' : 'table', alias: `é${i}ü`, meta: {} }, relation: { schema: 'ß', identifier: `m${i}` } }));
    const nodes = [...roundTrip(plain).values()];
    const before = tailCellsParsed();
    expect([nodes[137]!.config.materialized, nodes[137]!.config.alias, nodes[137]!.relation]).toEqual(['view', 'é137ü', { schema: 'ß', identifier: 'm137' }]);
    expect(nodes[137]!.relation).toEqual({ schema: 'ß', identifier: 'm137' });
    expect(tailCellsParsed() - before).toBe(2);
    expect(nodes.map((n) => [n.config.materialized, n.config.alias, n.relation])).toEqual(plain.map((n) => [n.config.materialized, n.config.alias, n.relation]));
  });

  it('a field the index cannot hold (not a string or list of strings) comes from the blob', () => {
    const [a] = [...roundTrip([model('a', { fqn: ['p', 1], version: 2 })]).values()] as [ManifestNode];
    expect(a.fqn).toEqual(['p', 1]);
    expect((a as { version?: unknown }).version).toBe(2);
  });

  it('emptiness and no-SQL flags match the node', () => {
    const nodes = roundTrip([model('blank', { rawCode: ' \n', renderedCode: '' }), model('comment', { rawCode: '-- x', renderedCode: '-- x' }), model('sql')]);
    const flags = [...nodes.values()].map((n) => [isEmptyNode(n), holdsNoSql(n)]);
    expect(flags).toEqual([[true, true], [false, true], [false, false]]);
    expect([...nodes.values()].map((n) => [isEmptyNode(plainNode(n)), holdsNoSql(plainNode(n))])).toEqual(flags);
  });

  it('a node written to through its proxy is saved as it is now, not as its old blob', () => {
    const nodes = roundTrip([model('a'), model('b')]);
    (nodes.get('model.p.a') as unknown as { name: string }).name = 'changed';
    const again = decodeNodes(encodeNodes(nodes).index, encodeNodes(nodes).blobs.length, () => encodeNodes(nodes).blobs);
    expect(again.get('model.p.a')!.name).toBe('changed');
    expect(plainNode(again.get('model.p.b')!)).toEqual(model('b'));
  });

  it('parses an index column only when its field is first read (listing reads few of them)', () => {
    const nodes = roundTrip([model('a'), model('b', { tags: ['t'] }), model('c')]);
    const before = indexColumnsParsed();
    expect([...nodes.values()].map((n) => n.fqn.join('.'))).toEqual(['p.a', 'p.b', 'p.c']);
    expect(indexColumnsParsed() - before).toBe(1);
    expect([...nodes.values()].map((n) => [n.resourceType, n.uniqueId])).toEqual([['model', 'model.p.a'], ['model', 'model.p.b'], ['model', 'model.p.c']]);
    expect(indexColumnsParsed() - before).toBe(2);
    expect([...nodes.values()].map((n) => [n.tags, n.originalFilePath, n.dependsOn])).toEqual([[[], 'models/a.sql', []], [['t'], 'models/b.sql', []], [[], 'models/c.sql', []]]);
    expect(indexColumnsParsed() - before).toBe(5);
    expect(nodes.get('model.p.b')!.tags).toEqual(['t']);
    expect(indexColumnsParsed() - before).toBe(5);
  });
});
