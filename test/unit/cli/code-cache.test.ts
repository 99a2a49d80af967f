import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheDir, WRAPPER_TAIL, wrapperHead } from '../../../packages/cli/src/code-cache.js';
import { CLI, ROOT } from '../../helpers/cli.js';
import { freshTempPath } from '../../helpers/inline-project.js';

/*
 * The CLI's bundle runs through V8's code cache (packages/cli/src/code-cache.ts). The cache is
 * written when a process ends, so every case loads in a child process of its own, with the built module.
 */

const LOADER = join(ROOT, 'packages/cli/dist/code-cache.js');

/** Loads `bundle` in a new process with the cache in `dir`; what its exports' answer() returns and what happened to the cache. */
function load(bundle: string, dir: string, globals: Record<string, unknown> = {}): { answer: unknown; cache: string } {
  const script = `
const { loadWithCodeCache } = await import(${JSON.stringify(LOADER)});
const loaded = loadWithCodeCache(${JSON.stringify(bundle)}, { requireFrom: ${JSON.stringify(bundle)}, cacheDir: ${JSON.stringify(dir)}, globals: ${JSON.stringify(globals)} });
console.log(JSON.stringify({ answer: loaded.exports.answer(), cache: loaded.cache }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** A CommonJS "bundle" whose answer() returns `value` (padded so that variants have the same length). */
function writeBundle(file: string, value: string): void {
  const helpers = Array.from({ length: 50 }, (_, i) => `function helper${i}(x) { return x + ${i}; }`).join('\n');
  writeFileSync(file, `'use strict';\n${helpers}\nexports.answer = () => helper1(0) + ${JSON.stringify(value)} + (typeof extra === 'undefined' ? '' : extra);\n`);
}

describe('loadWithCodeCache', () => {
  it('writes the cache when the process ends and hands it to V8 in the next process', () => {
    const base = freshTempPath('code-cache');
    mkdirSync(base, { recursive: true });
    const bundle = join(base, 'b.cjs');
    const dir = join(base, 'cache');
    writeBundle(bundle, 'a');
    expect(load(bundle, dir)).toEqual({ answer: '1a', cache: 'missing' });
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^b\\.cjs-[0-9a-f]+-\\d+-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.bin$`));
    expect(load(bundle, dir)).toEqual({ answer: '1a', cache: 'used' });
    // names passed in are bound in the bundle's scope
    expect(load(bundle, dir, { extra: '!' })).toMatchObject({ answer: '1a!' });
  });

  it('never runs an old cache for a changed bundle, even one of the same length', () => {
    const base = freshTempPath('code-cache');
    mkdirSync(base, { recursive: true });
    const bundle = join(base, 'b.cjs');
    const dir = join(base, 'cache');
    writeBundle(bundle, 'a');
    expect(load(bundle, dir).cache).toBe('missing');
    expect(load(bundle, dir).cache).toBe('used');
    writeBundle(bundle, 'b'); // same length: V8's own check of a cache compares only the source's length
    expect(load(bundle, dir)).toEqual({ answer: '1b', cache: 'missing' });
    expect(load(bundle, dir)).toEqual({ answer: '1b', cache: 'used' });
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('ignores a damaged cache file and writes it again', () => {
    const base = freshTempPath('code-cache');
    mkdirSync(base, { recursive: true });
    const bundle = join(base, 'b.cjs');
    const dir = join(base, 'cache');
    writeBundle(bundle, 'a');
    load(bundle, dir);
    const file = join(dir, readdirSync(dir)[0]!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(file, bytes);
    expect(load(bundle, dir)).toEqual({ answer: '1a', cache: 'missing' });
    expect(load(bundle, dir)).toEqual({ answer: '1a', cache: 'used' });
    writeFileSync(file, bytes.subarray(0, 20)); // cut short
    expect(load(bundle, dir)).toEqual({ answer: '1a', cache: 'missing' });
  });

  it('does not use a folder other users can write (bytecode from it would run)', () => {
    const base = freshTempPath('code-cache');
    const dir = join(base, 'cache');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777);
    const bundle = join(base, 'b.cjs');
    writeBundle(bundle, 'a');
    expect(load(bundle, dir)).toEqual({ answer: '1a', cache: 'off' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('runs a file written inside its wrapper (as the CLI’s bundle is) as read, and refuses one wrapped for other names', () => {
    const base = freshTempPath('code-cache');
    mkdirSync(base, { recursive: true });
    const plain = join(base, 'plain.cjs');
    writeBundle(plain, 'a');
    const bundle = join(base, 'b.cjs');
    writeFileSync(bundle, `${wrapperHead(['extra'])}${readFileSync(plain, 'utf8')}${WRAPPER_TAIL}`);
    const dir = join(base, 'cache');
    expect(load(bundle, dir, { extra: '!' })).toEqual({ answer: '1a!', cache: 'missing' });
    expect(load(bundle, dir, { extra: '!' })).toEqual({ answer: '1a!', cache: 'used' });
    expect(() => load(bundle, dir, { other: 1 })).toThrow(/b\.cjs is wrapped for other names than \(function \(exports, require, module, __filename, __dirname, other\) \{ \(rebuild it/);
    // the CLI's own bundle is written so
    expect(readFileSync(join(ROOT, 'packages/cli/dist/cli-bundle.cjs'), 'latin1').startsWith(wrapperHead(['__tsdbtCoreDist', '__tsdbtCliDist']))).toBe(true);
  });

  it('is turned off by TSDBT_COMPILE_CACHE=0 or NODE_DISABLE_COMPILE_CACHE, and put elsewhere by TSDBT_COMPILE_CACHE=<dir>', () => {
    expect(codeCacheDir({ TSDBT_COMPILE_CACHE: '0' })).toBeUndefined();
    expect(codeCacheDir({ TSDBT_COMPILE_CACHE: 'off' })).toBeUndefined();
    expect(codeCacheDir({ NODE_DISABLE_COMPILE_CACHE: '1' })).toBeUndefined();
    expect(codeCacheDir({ TSDBT_COMPILE_CACHE: '/somewhere' })).toBe('/somewhere');
    expect(codeCacheDir({})).toMatch(/tsdbt-compile-cache-/);
  });
});

describe('the CLI through its bundle and the code cache', () => {
  it('writes the cache once and answers the same with it, without it and without the bundle', () => {
    const dir = join(freshTempPath('code-cache'), 'cache');
    const run = (env: Record<string, string>) => spawnSync(process.execPath, [CLI, 'ls', '--help'], { encoding: 'utf8', env: { ...process.env, TSDBT_COMPILE_CACHE: dir, ...env } });
    const first = run({});
    expect(first.status).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('cli-bundle.cjs-'))).toHaveLength(1);
    const second = run({});
    expect(second.stdout).toBe(first.stdout);
    expect(run({ TSDBT_COMPILE_CACHE: '0' }).stdout).toBe(first.stdout);
    expect(run({ TSDBT_CLI_BUNDLE: '0' }).stdout).toBe(first.stdout);
    expect(first.stdout).toContain('--resource-type');
  });
});
