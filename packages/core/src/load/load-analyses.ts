import { join } from 'node:path';
import { DEFAULT_MODEL_CONFIG } from '../manifest/config.js';
import type { AnalysisNode } from '../manifest/nodes.js';
import type { Renderer } from '../render/renderer.js';
import type { ResourcePatch } from './schema-yaml.js';
import { readProjectText } from '../shared/text-file.js';
import { discoverFiles } from './discover-files.js';
import { fqnOf } from './load-nodes.js';
import { finalizeConfig } from './node-config.js';
import { parseSqlNode } from './parse-sql-node.js';
import { rootRelative, type ProjectRoot } from './project-roots.js';

/** An analysis's config defaults (one object: finalizeConfig shares the config of analyses that set none). */
const ANALYSIS_DEFAULTS = Object.freeze({ ...DEFAULT_MODEL_CONFIG, materialized: 'view' });

/**
 * The analyses of `root` (.sql files under analysis-paths, dbt's `analysis.<project>.<name>`):
 * rendered like models, their ref()/source() calls parents (an unknown one is dbt's parse error),
 * compiled to target/compiled by `compile`, never run. The root project's only, as dbt (a
 * package's analyses are not parsed).
 */
/** `patches`: the `analyses:` YAML entries of the root's schema files (description, columns, config), by name. */
export function loadAnalyses(root: ProjectRoot, renderer: Renderer, patches: ReadonlyMap<string, ResourcePatch>): AnalysisNode[] {
  const pf = root.projectFile;
  if (root.relDir !== '') return [];
  return pf.analysisPaths.flatMap((p) => discoverFiles(root.dir, p, ['.sql'])).map((rel) => {
    const path = rootRelative(root, rel);
    // dbt's fqn of an analysis: project, 'analysis', folders, name.
    const fqn = [pf.name, 'analysis', ...fqnOf(pf.name, pf.analysisPaths, rel).slice(1)];
    const name = fqn[fqn.length - 1]!;
    const uniqueId = `analysis.${pf.name}.${name}`;
    const rawCode = readProjectText(join(root.dir, rel), path);
    const patch = patches.get(name);
    const yamlLayer = patch ? [patch.config] : [];
    const baseConfig = finalizeConfig(ANALYSIS_DEFAULTS, yamlLayer);
    const parsed = parseSqlNode(renderer, rawCode, { uniqueId, name, resourceType: 'analysis', packageName: pf.name, originalFilePath: path, fqn, baseConfig });
    const config = finalizeConfig(ANALYSIS_DEFAULTS, [...yamlLayer, ...parsed.state.configCalls]);
    return Object.freeze({
      uniqueId,
      resourceType: 'analysis',
      name,
      packageName: pf.name,
      fqn,
      originalFilePath: path,
      line: 1,
      description: patch?.description ?? '',
      config,
      tags: config.tags,
      columns: patch?.columns ?? {},
      dependsOn: [],
      macrosUsed: [...parsed.state.macrosUsed],
      relation: { schema: '', identifier: name },
      rawCode,
      renderedCode: parsed.rendered,
      refs: parsed.state.refs,
      sources: parsed.state.sources,
      renderAtRuntime: parsed.state.usesWarehouse,
      needsNames: parsed.state.needsNames,
      ...(parsed.unrendered ? { unrenderedRelations: parsed.unrendered } : {}),
      ...(patch ? { patchPath: patch.file } : {}),
    } satisfies AnalysisNode);
  });
}
