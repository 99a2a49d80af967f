import { DEFAULT_MODEL_CONFIG } from '../manifest/config.js';
import type { ManifestNode, RefCall, SemanticNode } from '../manifest/nodes.js';
import { lookupRef, lookupSource, nodeLookup, type NodeLookup } from '../manifest/node-lookup.js';
import { ProjectError } from '../shared/errors.js';
import { fqnOf, type SchemaFile } from './load-nodes.js';
import { finalizeConfig, folderConfig, isMapping } from './node-config.js';
import type { ProjectRoot } from './project-roots.js';
import { OWNING_SEMANTIC_MODEL, type SemanticDeclaration } from './semantic-yaml.js';

type Warn = (message: string) => void;

/** `ref('m')`, `ref('pkg', 'm')`, `ref('m', v=2)` as written in YAML (with or without `{{ }}`). */
const REF = /^\s*(?:\{\{\s*)?ref\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?(?:,\s*(?:v|version)\s*=\s*['"]?([^'")\s]+)['"]?\s*)?\)\s*(?:\}\})?\s*$/;
const SOURCE = /^\s*(?:\{\{\s*)?source\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3\s*\)\s*(?:\}\})?\s*$/;
const METRIC = /^\s*(?:\{\{\s*)?metric\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?\)\s*(?:\}\})?\s*$/;

/** `ref(...)` text → dbt's RefArgs (a two-argument ref names the package first). */
export function parseRefText(text: string): RefCall | undefined {
  const m = REF.exec(text);
  if (!m) return undefined;
  return m[4] !== undefined ? { name: m[4], package: m[2], ...(m[5] ? { version: m[5] } : {}) } : { name: m[2]!, ...(m[5] ? { version: m[5] } : {}) };
}

/** A measure, metric or input named as a string or as `{name: …}`. */
const nameOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : isMapping(v) && typeof v.name === 'string' ? v.name : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Exposures, semantic models, metrics and saved queries of one project root as graph nodes (dbt's
 * manifest keeps them beside `nodes`): an exposure depends on what its `depends_on` refs, a
 * semantic model on its `model:`, a metric on the semantic models of its measures (and on the
 * metrics a ratio or derived metric is built from), a saved query on its metrics. They are listed
 * and selected (`ls`, `+exposure:x`) but never run. A ref to no node is dbt's parse error; a
 * measure or metric nobody defines is a warning (MetricFlow's validation is not tsdbt's).
 */
export function loadSemanticNodes(inputs: readonly { root: ProjectRoot; files: readonly SchemaFile[] }[], nodes: ReadonlyMap<string, ManifestNode>, rootName: string, warn: Warn, lookupOf?: () => NodeLookup): SemanticNode[] {
  const decls = inputs.flatMap(({ root, files }) => files.flatMap((f) => f.contents.semantic.map((d) => ({ d, f, pf: root.projectFile }))));
  if (decls.length === 0) return [];
  const lookup = lookupOf?.() ?? nodeLookup(nodes.values());
  const idOf = (d: SemanticDeclaration, pkg: string) => `${d.kind}.${pkg}.${d.name}`;
  // Measures (→ their semantic model) and metrics (→ id) by name, across the project and its packages.
  const measures = new Map<string, string>();
  const metrics = new Map<string, string>();
  for (const { d, pf } of decls) {
    if (d.kind === 'semantic_model') for (const m of list(d.entry.measures)) if (nameOf(m)) measures.set(nameOf(m)!, idOf(d, pf.name));
    if (d.kind === 'metric' && !metrics.has(d.name)) metrics.set(d.name, idOf(d, pf.name));
  }

  return decls.flatMap(({ d, f, pf }): SemanticNode[] => {
    const configEntry = isMapping(d.entry.config) ? d.entry.config : {};
    const fqn = [...fqnOf(pf.name, pf.modelPaths, f.rel).slice(0, -1), d.name];
    // dbt_project.yml's `exposures:` / `metrics:` / … tree first; the entry's own configs win.
    const key = d.kind === 'exposure' ? 'exposures' : d.kind === 'metric' ? 'metrics' : d.kind === 'semantic_model' ? 'semantic-models' : 'saved-queries';
    const projectLayer = pf.semanticConfigs ? folderConfig(pf.semanticConfigs[d.kind], fqn, pf.file, (p) => pf.yaml.lineOf(p), [key]) : {};
    const layered = finalizeConfig({ ...DEFAULT_MODEL_CONFIG, materialized: d.kind }, [
      projectLayer,
      { ...(Array.isArray(d.entry.tags) ? { tags: d.entry.tags.map(String) } : {}), ...(isMapping(d.entry.meta) ? { meta: d.entry.meta } : {}) },
      configEntry,
    ]);
    // dbt's exposure parser: tags sorted and unique, with the project's top-level `exposures: tags:`
    // (even unprefixed); meta = the project's `exposures: meta:`, then the entry's, then its config's.
    const top = d.kind === 'exposure' && pf.semanticConfigs ? pf.semanticConfigs.exposure : {};
    const config = d.kind === 'exposure'
      ? {
          ...layered,
          tags: [...new Set([...(Array.isArray(top.tags) ? top.tags.map(String) : []), ...layered.tags])].sort(),
          meta: { ...(isMapping(top.meta) ? top.meta : {}), ...(isMapping(d.entry.meta) ? d.entry.meta : {}), ...layered.meta },
        }
      : layered;
    // A disabled one goes to manifest.disabled (as dbt's), what it names not looked up.
    if (!config.enabled) return [nodeOf(d, pf, fqn, config, { dependsOn: [], refs: [], sources: [], relation: { schema: '', identifier: d.name } })];
    const where = `${d.kind.replace('_', ' ')} '${d.name}' (${d.file}:${d.line})`;
    const dependsOn = new Set<string>();
    const refs: RefCall[] = [];
    const sources: [string, string][] = [];
    const resolveRef = (text: string, key: string) => {
      const call = parseRefText(text);
      if (!call) throw new ProjectError('semantic_yaml', `${where}: '${key}' must be written ref('model_name'), not ${JSON.stringify(text)}`, { file: d.file, line: d.line, hint: "Write e.g. ref('orders')." });
      const found = lookupRef(lookup, call.name, call.package, pf.name, rootName, call.version);
      if (!found)
        throw new ProjectError('semantic_yaml', `${where} depends on a node named '${call.name}' which was not found`, { file: d.file, line: d.line, hint: 'Check the name in ref(), or enable the model it names.' });
      refs.push(call);
      dependsOn.add(found.uniqueId);
    };
    const metricDep = (name: string | undefined) => {
      if (name === undefined) return;
      if (metrics.has(name)) dependsOn.add(metrics.get(name)!);
      else warn(`${d.file}:${d.line}: ${where} uses a metric named '${name}' that no metrics: entry defines`);
    };
    const measureDep = (name: string | undefined) => {
      if (name === undefined) return;
      const sm = measures.get(name);
      if (sm) dependsOn.add(sm);
      else warn(`${d.file}:${d.line}: ${where} uses a measure named '${name}' that no semantic model defines`);
    };
    const e = d.entry;
    if (d.kind === 'exposure') {
      for (const dep of list(e.depends_on)) {
        const text = String(dep);
        const source = SOURCE.exec(text);
        const metric = METRIC.exec(text);
        if (source) {
          const found = lookupSource(lookup, source[2]!, source[4]!, pf.name, rootName);
          if (!found) throw new ProjectError('semantic_yaml', `${where} depends on a source named '${source[2]}.${source[4]}' which was not found`, { file: d.file, line: d.line, hint: 'Check the source and table names.' });
          sources.push([source[2]!, source[4]!]);
          dependsOn.add(found.uniqueId);
        } else if (metric) metricDep(metric[4] ?? metric[2]);
        else resolveRef(text, 'depends_on');
      }
    } else if (d.kind === 'semantic_model') {
      if (e.model !== undefined) resolveRef(String(e.model), 'model');
    } else if (d.kind === 'metric') {
      // Newer spec (metrics under a model entry): an aggregation on the model's semantic model, or built from metrics.
      if (typeof e[OWNING_SEMANTIC_MODEL] === 'string' && e.agg !== undefined) dependsOn.add(`semantic_model.${pf.name}.${e[OWNING_SEMANTIC_MODEL]}`);
      if (e.input_metric !== undefined) metricDep(nameOf(e.input_metric));
      for (const m of list(e.input_metrics)) metricDep(nameOf(m));
      if (e.type === 'ratio') {
        metricDep(nameOf(e.numerator));
        metricDep(nameOf(e.denominator));
      }
      const tp = isMapping(e.type_params) ? e.type_params : {};
      measureDep(nameOf(tp.measure));
      for (const m of list(tp.input_measures)) measureDep(nameOf(m));
      if (isMapping(tp.conversion_type_params)) {
        measureDep(nameOf(tp.conversion_type_params.base_measure));
        measureDep(nameOf(tp.conversion_type_params.conversion_measure));
      }
      metricDep(nameOf(tp.numerator));
      metricDep(nameOf(tp.denominator));
      if (tp.metric !== undefined) metricDep(nameOf(tp.metric));
      for (const m of list(tp.metrics)) metricDep(nameOf(m));
    } else {
      const qp = isMapping(e.query_params) ? e.query_params : {};
      for (const m of list(qp.metrics)) metricDep(nameOf(m));
    }
    const model = d.kind === 'semantic_model' ? [...dependsOn].map((id) => nodes.get(id)).find((n) => n !== undefined) : undefined;
    return [nodeOf(d, pf, fqn, config, { dependsOn: [...dependsOn], refs, sources, relation: model?.relation ?? { schema: '', identifier: d.name } })];
  });

  function nodeOf(d: SemanticDeclaration, pf: { name: string }, fqn: string[], config: SemanticNode['config'], links: Pick<SemanticNode, 'dependsOn' | 'refs' | 'sources' | 'relation'>): SemanticNode {
    const { config: _config, description, tags: _tags, meta: _meta, [OWNING_SEMANTIC_MODEL]: _owner, ...properties } = d.entry;
    return Object.freeze({
      uniqueId: idOf(d, pf.name),
      resourceType: d.kind,
      name: d.name,
      packageName: pf.name,
      fqn,
      originalFilePath: d.file,
      line: d.line,
      description: typeof description === 'string' ? description : '',
      config,
      tags: config.tags,
      columns: {},
      macrosUsed: [],
      properties,
      ...links,
    } satisfies SemanticNode);
  }
}
