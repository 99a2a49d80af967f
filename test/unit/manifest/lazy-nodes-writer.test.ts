import { describe, expect, it, vi } from 'vitest';

// Counts v8.serialize calls: each leaves a native serializer (≥ 8 KB) until a GC collects its wrapper.
const calls = vi.hoisted(() => ({ serialize: 0 }));
vi.mock('node:v8', async (importOriginal) => {
  const v8 = await importOriginal<typeof import('node:v8')>();
  return { ...v8, serialize: (value: unknown) => (calls.serialize++, v8.serialize(value)) };
});

const { decodeNodes, encodeNodeStream } = await import('../../../packages/core/src/manifest/lazy-nodes.js');
const { decodeBlobMap, encodeBlobMapParts } = await import('../../../packages/core/src/load/saved-patches.js');
type Nodes = Parameters<typeof encodeNodeStream>[0];

describe('warm start node blobs and saved patches', () => {
  it('are written without a v8.serialize call per node, and read back as the nodes', () => {
    const tags = ['nightly'];
    const nodes = new Map(
      Array.from({ length: 500 }, (_, i) => {
        const node = { uniqueId: `model.p.m${i}`, resourceType: 'model', name: `m${i}`, packageName: 'p', fqn: ['p', `m${i}`], tags, originalFilePath: `models/m${i}.sql`, dependsOn: { nodes: [], macros: [] }, config: { materialized: 'view', tags, meta: { n: i, é: 'ü ✓' } }, rawCode: `select ${i}` };
        return [node.uniqueId, node] as const;
      }),
    ) as unknown as Nodes;
    const blobs: Uint8Array[] = [];
    const index = encodeNodeStream(nodes, (b) => blobs.push(b));
    expect(calls.serialize).toBe(0);
    const all = Buffer.concat(blobs);
    const back = decodeNodes(index, all.length, () => all);
    for (const [id, node] of nodes) expect({ ...back.get(id)! }).toEqual(node);
    const m7 = back.get('model.p.m7')! as unknown as { tags: string[]; config: { tags: string[] } };
    expect(m7.config.tags).toBe(m7.tags); // shared within a node as V8 shares it
  });

  it('saved schema patches are written without a v8.serialize call per file, and read back', () => {
    calls.serialize = 0;
    const columns = [{ name: 'id', tests: ['unique'] }];
    const patches = new Map(Array.from({ length: 300 }, (_, i) => [`models/m${i}.yml`, { models: [{ name: `m${i}`, columns, description: `ünïcode ${i}`, render: () => 'dropped' }] }] as const));
    const parts = encodeBlobMapParts(patches);
    expect(calls.serialize).toBe(0);
    const back = decodeBlobMap<{ models: { name: string; columns: unknown[]; description: string }[] }>(Buffer.concat(parts));
    expect(back.get('models/m42.yml')).toEqual({ models: [{ name: 'm42', columns, description: 'ünïcode 42' }] });
  });
});
