import { basename, extname, join } from 'node:path';
import { DEFAULT_FUNCTION_CONFIG } from '../manifest/config.js';
import type { FunctionNode } from '../manifest/nodes.js';
import type { Renderer } from '../render/renderer.js';
import { readProjectText } from '../shared/text-file.js';
import { discoverFiles } from './discover-files.js';
import type { FunctionPatch } from './function-yaml.js';
import { fqnOf, projectConfigLayers } from './load-nodes.js';
import { finalizeConfig } from './node-config.js';
import { parseSqlNode } from './parse-sql-node.js';
import type { TargetConfig } from './profiles.js';
import { rootRelative, type ProjectRoot } from './project-roots.js';
import { relationFor } from './relation-names.js';

/**
 * The functions of `root` (dbt 1.11 user-defined functions, `function.<project>.<name>`): each .sql
 * or .py file under function-paths is a function's body, rendered like a model (its ref()/source()
 * calls are parents; `{{ config(volatility=…) }}` in it), described by a `functions:` YAML entry of
 * the same name (arguments, returns). Config layers as dbt's: dbt_project.yml's `functions:` tree,
 * the YAML entry's config, the file's config() calls, then (for a package) the root project's tree.
 */
export function loadFunctions(root: ProjectRoot, renderer: Renderer, patches: ReadonlyMap<string, FunctionPatch>, target: TargetConfig): FunctionNode[] {
  const pf = root.projectFile;
  return pf.functionPaths.flatMap((p) => discoverFiles(root.dir, p, ['.sql', '.py'])).map((rel) => {
    const path = rootRelative(root, rel);
    const fqn = fqnOf(pf.name, pf.functionPaths, rel);
    const name = basename(rel, extname(rel));
    const uniqueId = `function.${pf.name}.${name}`;
    const language = extname(rel) === '.py' ? 'python' : 'sql';
    const rawCode = readProjectText(join(root.dir, rel), path);
    const patch = patches.get(name);
    const layers = projectConfigLayers(root, 'functions', fqn);
    const yamlLayer = patch ? [patch.config] : [];
    const baseConfig = finalizeConfig(DEFAULT_FUNCTION_CONFIG, [layers.own, ...yamlLayer]);
    const parsed = parseSqlNode(renderer, rawCode, { uniqueId, name, resourceType: 'function', packageName: pf.name, originalFilePath: path, fqn, baseConfig });
    const config = finalizeConfig(DEFAULT_FUNCTION_CONFIG, [layers.own, ...yamlLayer, ...parsed.state.configCalls, ...layers.rootOverride], path);
    const naming = { uniqueId, name, resourceType: 'function', packageName: pf.name, originalFilePath: path, fqn, config };
    return Object.freeze({
      uniqueId,
      resourceType: 'function',
      name,
      packageName: pf.name,
      fqn,
      originalFilePath: path,
      line: 1,
      description: patch?.description ?? '',
      config,
      tags: config.tags,
      columns: {},
      dependsOn: [],
      macrosUsed: [...parsed.state.macrosUsed],
      relation: relationFor(naming, target.schema, renderer),
      language,
      rawCode,
      renderedCode: parsed.rendered,
      refs: parsed.state.refs,
      sources: parsed.state.sources,
      renderAtRuntime: parsed.state.usesWarehouse,
      needsNames: parsed.state.needsNames,
      ...(parsed.unrendered ? { unrenderedRelations: parsed.unrendered } : {}),
      ...(patch ? { patchPath: patch.file } : {}),
      arguments: patch?.arguments ?? [],
      ...(patch?.returns ? { returns: patch.returns } : {}),
    } satisfies FunctionNode);
  });
}
