import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadProject, type LoadedProject, type LoadOptions } from '../../packages/core/src/index.js';
import { ProjectGraph } from '../../packages/core/src/graph/project-graph.js';
import { writeManifest } from '../../packages/core/src/report/artifacts.js';

/** manifest.json as `compile` writes it for `loaded`, without its timestamp: what "byte-identical to a cold parse" compares. */
export function manifestText(loaded: LoadedProject): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsdbt-manifest-'));
  try {
    writeManifest(dir, loaded.manifest, new ProjectGraph(loaded.manifest), 'fixed-invocation');
    return readFileSync(join(dir, 'manifest.json'), 'utf8').replace(/"generated_at":"[^"]*"/, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loads `dir` (a warm start allowed) and checks it against a cold parse of the same inputs: manifest text, node
 * order and what the load logged. Gives the warm load.
 */
export function loadComparedWithCold(dir: string, options: LoadOptions = {}): { loaded: LoadedProject; cold: LoadedProject } {
  const said: string[] = [];
  const coldSaid: string[] = [];
  const loaded = loadProject({ projectDir: dir, ...options, onLog: (m) => said.push(m) });
  const cold = loadProject({ projectDir: dir, ...options, partialParse: false, onLog: (m) => coldSaid.push(m) });
  expect(manifestText(loaded)).toBe(manifestText(cold));
  expect([...loaded.manifest.nodes.keys()]).toEqual([...cold.manifest.nodes.keys()]);
  expect(said).toEqual(coldSaid);
  return { loaded, cold };
}
