// `tsdbt validate` of a project: the selection analysed in a scratch warehouse, manifest.json (columns typed) and lineage.json (TsdbtProject.validate).
import { existsSync } from 'node:fs';
import type { ProjectHost } from '../project-host.js';
import { writeLineage, writeManifest } from '../report/artifacts.js';
import type { ValidateOptions } from '../tsdbt-options.js';
import type { ProjectAnalysis } from './analysis.js';
import { analyzeProject, scrubAnalysis } from './analyze-project.js';

/** See TsdbtProject.validate. */
export async function validateProject(p: ProjectHost, options: ValidateOptions = {}): Promise<ProjectAnalysis> {
  const selected = p.select({ ...options, resourceTypes: options.resourceTypes ?? ['model', 'seed', 'snapshot', 'test', 'source'] });
  let analysis = await analyzeProject({
    manifest: p.manifest,
    graph: p.graph,
    index: p.index,
    renderer: p.loaded.renderer,
    target: p.target,
    targetDir: p.targetDir,
    onEvent: p.onEvent,
    selected,
    lineage: options.lineage,
    // A chdb target never built has nothing to read (and opening it would create it).
    targetClient: async () => (p.target.type === 'chdb' && !p.opened() && !existsSync(p.target.path!) ? undefined : (await p.adapter()).client),
  });
  if (p.secrets.length) analysis = scrubAnalysis(analysis, p.secrets);
  if (options.write !== false) {
    const analysed = [...analysis.nodes.values()];
    const typed = new Map(analysed.filter((a) => a.columns.length).map((a) => [a.uniqueId, a.columns]));
    const compiled = new Map(analysed.filter((a) => a.sql !== undefined).map((a) => [a.uniqueId, a.sql!]));
    writeManifest(p.targetDir, p.manifest, p.graph, p.invocationId, compiled, p.secrets, typed);
    if (options.lineage !== false) writeLineage(p.targetDir, p.manifest, analysis, p.invocationId, p.secrets);
  }
  return analysis;
}
