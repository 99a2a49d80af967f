import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedProject } from '../../packages/core/src/index.js';
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
