import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Imports flow one way through the stages (each packages/core/src/<stage>/README.md says what it may import: shared → manifest → load / render / graph → select →
// compile → adapter → execute → report → tsdbt.ts → watch). These are the arrows that must never run back up.
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../packages/core/src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Each `from '<relative>'` of a core source file, as the top folder (or root file) of packages/core/src it reaches. */
function importedStages(stage: string): { file: string; target: string }[] {
  const out: { file: string; target: string }[] = [];
  for (const file of sourceFiles(join(SRC, stage))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g)) {
      const target = relative(SRC, resolve(dirname(file), (m[1] ?? m[2])!));
      out.push({ file: relative(SRC, file), target: target.split('/')[0]! });
    }
  }
  return out;
}

const forbidden = (stage: string, targets: string[]) =>
  importedStages(stage)
    .filter((i) => targets.some((t) => i.target === t || i.target === `${t}.js`) || i.target.startsWith('..'))
    .map((i) => `${i.file} → ${i.target}`);

describe('stage imports', () => {
  it('shared/ imports nothing of the stages', () => {
    expect(importedStages('shared').filter((i) => i.target !== 'shared').map((i) => `${i.file} → ${i.target}`)).toEqual([]);
  });
  it('manifest/ imports only shared/', () => {
    expect(importedStages('manifest').filter((i) => i.target !== 'manifest' && i.target !== 'shared').map((i) => `${i.file} → ${i.target}`)).toEqual([]);
  });
  it('render/ imports no later stage', () => {
    expect(forbidden('render', ['compile', 'adapter', 'execute', 'report', 'analyze', 'watch', 'serve', 'tsdbt'])).toEqual([]);
  });
  it('adapter/ imports no later stage (execute, report, the facade)', () => {
    expect(forbidden('adapter', ['execute', 'report', 'analyze', 'watch', 'serve', 'docs', 'tsdbt'])).toEqual([]);
  });
  it('core imports nothing outside packages/core/src (never the CLI)', () => {
    const stages = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(stages.flatMap((s) => importedStages(s).filter((i) => i.target.startsWith('..')).map((i) => `${i.file} → ${i.target}`))).toEqual([]);
  });
});
