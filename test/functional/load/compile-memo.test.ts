import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TsdbtProject } from '../../../packages/core/src/index.js';
import { decodedNodes } from '../../../packages/core/src/manifest/lazy-nodes.js';
import { generateProject } from '../../../bench/gen-project.mjs';

/*
 * A warm compile of an unchanged project takes the last compile's result (compile/compile-memo.ts):
 * no node decoded, no SQL rendered, and still the files and manifest.json a cold compile writes.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-memo-'));
  dirs.push(dir);
  generateProject(40, dir, { jinja: true });
  return dir;
}

const manifestOf = (dir: string, target: string) => readFileSync(join(dir, target, 'manifest.json'), 'utf8').replace(/"(generated_at|invocation_id)":"[^"]*"/g, '');
/** models/layer_<k>/<name>.sql of the generated project, relative to it. */
const modelPath = (dir: string, name: string) => join('models', readdirSync(join(dir, 'models')).find((l) => existsSync(join(dir, 'models', l, `${name}.sql`)))!, `${name}.sql`);
const compiledFile = (dir: string, target: string, model: string) => readFileSync(join(dir, target, 'compiled', 'synth', modelPath(dir, model)), 'utf8');

/** A compile as a command runs it: open (warm start allowed), compile, the nodes decoded meanwhile. */
async function compile(dir: string, options: Parameters<TsdbtProject['compile']>[0] = {}, targetPath = 'target') {
  // The 'cold' target compiles without any cache: what the warm ones must equal.
  const project = TsdbtProject.open({ projectDir: dir, targetPath, partialParse: targetPath !== 'cold' });
  const before = decodedNodes();
  const result = await project.compile(options);
  return { result: result.map((c) => [c.node.uniqueId, c.sql, c.path.replace(targetPath, 'T')]), decoded: decodedNodes() - before, warm: project.loaded.partialParse.warmStart === true };
}

describe('warm compile memo', () => {
  it('an unchanged project: the last result, no node decoded; files and manifest.json as a cold compile', async () => {
    const dir = project();
    const cold = await compile(dir, {}, 'cold');
    const first = await compile(dir); // cold: saves the warm start, and the memo under the identity it will have
    expect(first.warm).toBe(false);
    const third = await compile(dir);
    expect(third.warm).toBe(true);
    expect(third.decoded).toBe(0);
    expect(third.result).toEqual(cold.result);
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
    expect(compiledFile(dir, 'target', 'm_00010')).toBe(compiledFile(dir, 'cold', 'm_00010'));
  });

  it('a compiled file edited by hand and a removed manifest.json are written again', async () => {
    const dir = project();
    await compile(dir, {}, 'cold');
    for (let i = 0; i < 2; i++) await compile(dir);
    const file = join(dir, 'target', 'compiled', 'synth', modelPath(dir, 'm_00010'));
    writeFileSync(file, 'edited by hand');
    rmSync(join(dir, 'target', 'manifest.json'));
    const again = await compile(dir);
    expect(compiledFile(dir, 'target', 'm_00010')).toBe(compiledFile(dir, 'cold', 'm_00010'));
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
    expect(again.result.length).toBeGreaterThan(40);
  });

  it('another selection or an edited model compiles again, as a cold compile would', async () => {
    const dir = project();
    for (let i = 0; i < 2; i++) await compile(dir);
    const selected = await compile(dir, { select: ['m_00010+'] });
    expect(selected.result).toEqual((await compile(dir, { select: ['m_00010+'] }, 'cold')).result);
    const model = join(dir, modelPath(dir, 'm_00010'));
    writeFileSync(model, `${readFileSync(model, 'utf8')}\n-- edited`);
    const edited = await compile(dir);
    expect(edited.decoded).toBeGreaterThan(0);
    expect(edited.result.find(([id]) => id === 'model.synth.m_00010')![1]).toMatch(/-- edited/);
    const coldAfter = (await compile(dir, {}, 'cold')).result;
    expect(edited.result).toEqual(coldAfter);
    // The warm start updated by the edit (a delta) is known by its identity: the next compile takes the memo.
    const next = await compile(dir);
    expect(next.decoded).toBe(0);
    expect(next.result).toEqual(coldAfter);
    expect(manifestOf(dir, 'target')).toBe(manifestOf(dir, 'cold'));
  });
});
