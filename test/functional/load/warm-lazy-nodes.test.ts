import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject, TsdbtProject, type ManifestNode } from '../../../packages/core/src/index.js';
import { decodedNodes, plainNode } from '../../../packages/core/src/manifest/lazy-nodes.js';
import { WARM_START_FILE } from '../../../packages/core/src/load/warm-load.js';
import { manifestText } from '../../helpers/manifest-text.js';
import { generateProject } from '../../../bench/gen-project.mjs';

/*
 * A warm start's nodes are decoded lazily (manifest/lazy-nodes.ts): listing and selecting by the
 * indexed fields decodes none, anything else decodes the nodes it touches, and every node reads as
 * the cold parse's node (fields, keys, `in`, spread, JSON).
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(models = 60): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-lazy-'));
  dirs.push(dir);
  generateProject(models, dir, { jinja: true });
  // A blank model (dbt's node.empty: never selected), a source and a tagged view for the selectors below.
  writeFileSync(join(dir, 'models', 'blank.sql'), '  \n');
  writeFileSync(join(dir, 'models', 'tagged.sql'), "{{ config(materialized='view', tags=['nightly']) }}\nselect * from {{ source('raw', 'events') }}");
  writeFileSync(join(dir, 'models', 'sources.yml'), 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n');
  return dir;
}

/** `tsdbt ls`'s default line of a node (packages/cli inspect-commands.ts). */
const lsLine = (n: ManifestNode) => (n.resourceType === 'source' ? `source:${n.packageName}.${(n as { sourceName: string }).sourceName}.${n.name}` : n.fqn.join('.'));

describe('warm start: nodes decoded on demand', () => {
  it('listing every node decodes none, and lists what a cold parse lists', () => {
    const dir = project();
    const cold = TsdbtProject.open({ projectDir: dir, partialParse: false });
    TsdbtProject.open({ projectDir: dir });
    const before = decodedNodes();
    const warm = TsdbtProject.open({ projectDir: dir });
    expect(warm.loaded.partialParse.warmStart).toBe(true);
    const ids = warm.select();
    const lines = ids.sort().map((id) => [lsLine(warm.node(id)), warm.node(id).originalFilePath, warm.node(id).tags, warm.node(id).dependsOn]);
    expect(decodedNodes() - before).toBe(0);
    expect(ids).not.toContain('model.synth.blank');
    expect(lines).toEqual(cold.select().sort().map((id) => [lsLine(cold.node(id)), cold.node(id).originalFilePath, cold.node(id).tags, cold.node(id).dependsOn]));
    // Graph operators and indirect tests read dependencies off the index too.
    const some = warm.select({ select: ['+m_00040+'] });
    expect(decodedNodes() - before).toBe(0);
    expect(some).toEqual(cold.select({ select: ['+m_00040+'] }));
  });

  it('a selector on other fields decodes the nodes it reads and selects as a cold parse', () => {
    const dir = project();
    const cold = TsdbtProject.open({ projectDir: dir, partialParse: false });
    TsdbtProject.open({ projectDir: dir });
    const warm = TsdbtProject.open({ projectDir: dir });
    const before = decodedNodes();
    for (const select of ['config.materialized:view', 'tag:nightly', 'source:raw+', 'path:models/layer_1']) expect(warm.select({ select: [select] })).toEqual(cold.select({ select: [select] }));
    expect(decodedNodes() - before).toBeGreaterThan(0);
  });

  it('each node reads as the cold parse: fields, keys, `in`, spread, JSON, serialization', () => {
    const dir = project(20);
    const cold = loadProject({ projectDir: dir, partialParse: false });
    loadProject({ projectDir: dir });
    const warm = loadProject({ projectDir: dir });
    expect(warm.partialParse.warmStart).toBe(true);
    for (const [id, c] of cold.manifest.nodes) {
      const w = warm.manifest.nodes.get(id)!;
      expect(w.uniqueId).toBe(id);
      expect(Object.keys(w)).toEqual(Object.keys(c));
      expect('rawCode' in w).toBe('rawCode' in c);
      expect({ ...w }).toEqual({ ...c });
      expect(JSON.stringify(w)).toBe(JSON.stringify(c));
      expect(plainNode(w)).toEqual(c);
    }
    expect(manifestText(warm)).toBe(manifestText(cold));
  });

  it('scalar config values and relations are read without decoding; the rest of a config decodes its node', () => {
    const dir = project(20);
    const cold = loadProject({ projectDir: dir, partialParse: false });
    loadProject({ projectDir: dir });
    const warm = loadProject({ projectDir: dir });
    const read = (n: ManifestNode) => [n.config.materialized, n.config.enabled, n.config.access, n.config.group, n.config.not_a_key, n.relation?.schema, n.relation?.identifier];
    const before = decodedNodes();
    const values = [...warm.manifest.nodes.values()].map(read);
    expect(decodedNodes() - before).toBe(0);
    expect(values).toEqual([...cold.manifest.nodes.values()].map(read));
    const tagged = warm.manifest.nodes.get('model.synth.tagged')!;
    expect(tagged.config.constructor).toBe(Object);
    expect(tagged.config.tags).toEqual(['nightly']); // a list: from the node's blob
    expect(decodedNodes() - before).toBe(1);
    expect(tagged.config).toEqual(cold.manifest.nodes.get('model.synth.tagged')!.config);
    expect(Object.keys(warm.manifest.nodes.get('model.synth.m_00003')!.config)).toEqual(Object.keys(cold.manifest.nodes.get('model.synth.m_00003')!.config));
  });

  it('a warm compile decodes what it compiles and writes the manifest of a cold parse', async () => {
    const dir = project();
    const cold = TsdbtProject.open({ projectDir: dir, partialParse: false, targetPath: 'cold' });
    TsdbtProject.open({ projectDir: dir });
    const warm = TsdbtProject.open({ projectDir: dir });
    const sql = async (p: TsdbtProject) => Object.fromEntries((await p.compile({ select: ['m_00010'], write: false })).map((c) => [c.node.uniqueId, c.sql]));
    expect(await sql(warm)).toEqual(await sql(cold));
    await warm.compile();
    await cold.compile();
    // compiled_path names the target folder (dbt's: target/compiled/…): the two compiles write to two.
    const text = (target: string) => readFileSync(join(dir, target, 'manifest.json'), 'utf8').replace(/"(generated_at|invocation_id|invocation_started_at)":"[^"]*"/g, '').replaceAll(`"compiled_path":"${target}/`, '"compiled_path":"');
    expect(text('target')).toBe(text('cold'));
  });

  it('a warm start whose nodes were never decoded does not keep its file open once they are gone', async () => {
    const dir = project(20);
    loadProject({ projectDir: dir });
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const file = join(dir, 'target', WARM_START_FILE);
    const openOnIt = () => readdirSync('/proc/self/fd').filter((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`) === file; } catch { return false; } }).length;
    (() => {
      const warm = loadProject({ projectDir: dir });
      expect(warm.manifest.nodes.size).toBeGreaterThan(20);
      expect(openOnIt()).toBe(1); // kept open for the blobs
    })();
    for (let i = 0; i < 50 && openOnIt() > 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(openOnIt()).toBe(0);
  });

  it('damaged node bytes: the command that needs them fails clearly, the file is removed, the next load is cold', async () => {
    const dir = project(20);
    loadProject({ projectDir: dir });
    const file = join(dir, 'target', WARM_START_FILE);
    const bytes = readFileSync(file);
    const header = JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString()) as { sections: { bytes: number }[] };
    const [inputs, load, blobs] = header.sections.map((s) => s.bytes) as [number, number, number]; // the blobs follow the load, their index them
    const blobsAt = bytes.indexOf(10) + 1 + inputs + load;
    const index = bytes.subarray(blobsAt + blobs);
    const { ids, lengths } = JSON.parse(index.subarray(0, index.indexOf(10)).toString()) as { ids: string[]; lengths: number[] };
    // A byte of a model compile reads (each blob is checked when read: a node no command decodes is never read)
    const blobAt = blobsAt + lengths.slice(0, ids.indexOf('model.synth.m_00010')).reduce((sum, l) => sum + l, 0) + 10;
    bytes[blobAt] = bytes[blobAt]! ^ 0xff;
    writeFileSync(file, bytes);
    const warm = TsdbtProject.open({ projectDir: dir });
    expect(warm.loaded.partialParse.warmStart).toBe(true);
    expect(warm.select().length).toBeGreaterThan(20); // the index is intact: listing works
    await expect(warm.compile({ write: false })).rejects.toMatchObject({ code: 'warm-start-corrupt' });
    expect(() => statSync(file)).toThrow();
    const again = loadProject({ projectDir: dir });
    expect(again.partialParse.warmStart).toBeUndefined();
    expect(manifestText(again)).toBe(manifestText(loadProject({ projectDir: dir, partialParse: false })));
  });

  it("the index's tail (configs, relations, blob CRCs) is read only by a command that needs it: listing works with a damaged one, a config read then fails clearly", () => {
    const dir = project(20);
    loadProject({ projectDir: dir });
    const file = join(dir, 'target', WARM_START_FILE);
    const bytes = readFileSync(file);
    const cut = bytes.indexOf(10);
    const header = JSON.parse(bytes.subarray(0, cut).toString()) as { sections: { bytes: number }[] };
    const sizes = header.sections.map((s) => s.bytes);
    // inputs, load, blobs, index, tail, internals: a byte in the middle of the tail
    const tailAt = cut + 1 + sizes.slice(0, 4).reduce((a, b) => a + b, 0);
    bytes[tailAt + Math.floor(sizes[4]! / 2)] ^= 0x01;
    writeFileSync(file, bytes);
    const cold = TsdbtProject.open({ projectDir: dir, partialParse: false });
    const before = decodedNodes();
    const warm = TsdbtProject.open({ projectDir: dir });
    expect(warm.loaded.partialParse.warmStart).toBe(true);
    const lines = (p: TsdbtProject) => p.select().sort().map((id) => lsLine(p.node(id)));
    expect(lines(warm)).toEqual(lines(cold));
    expect(decodedNodes() - before).toBe(0);
    expect(() => warm.node('model.synth.m_00010').config.materialized).toThrow(/is damaged \(it has been removed\)/);
    expect(() => statSync(file)).toThrow();
  });
});
