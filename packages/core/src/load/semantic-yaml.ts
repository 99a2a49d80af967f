import { ProjectError } from '../shared/errors.js';
import type { YamlFile } from '../shared/yaml-file.js';
import { isMapping } from './node-config.js';

/** The YAML sections of dbt's semantic layer and exposures: graph nodes of their own, not run. */
export const SEMANTIC_SECTIONS = { exposures: 'exposure', metrics: 'metric', semantic_models: 'semantic_model', saved_queries: 'saved_query' } as const;
export type SemanticSection = keyof typeof SEMANTIC_SECTIONS;

/** One `exposures:` / `metrics:` / `semantic_models:` / `saved_queries:` entry as written. */
export interface SemanticDeclaration {
  readonly kind: (typeof SEMANTIC_SECTIONS)[SemanticSection];
  readonly name: string;
  readonly file: string;
  readonly line: number;
  /** The entry's keys as written (name aside). */
  readonly entry: Readonly<Record<string, unknown>>;
}

/** The semantic model a metric declared under a model entry belongs to (its simple metrics' aggregations run on it). */
export const OWNING_SEMANTIC_MODEL = '__semantic_model';

/**
 * dbt's newer spec, semantic layer in the model entry: `semantic_model: true` (or `{enabled, name}`)
 * makes a semantic model of the model (entities and dimensions from its columns' `entity:` /
 * `dimension:`, `agg_time_dimension`), and the entry's `metrics:` are metrics on it.
 */
function modelSemanticLayer(yaml: YamlFile, models: unknown[]): SemanticDeclaration[] {
  const out: SemanticDeclaration[] = [];
  models.forEach((m, i) => {
    if (!isMapping(m) || typeof m.name !== 'string') return;
    const sm = m.semantic_model;
    const enabled = sm === true || (isMapping(sm) && sm.enabled !== false);
    const smName = isMapping(sm) && typeof sm.name === 'string' ? sm.name : m.name;
    if (enabled) {
      const columns = Array.isArray(m.columns) ? m.columns.filter(isMapping) : [];
      const entities = columns.filter((c) => isMapping(c.entity)).map((c) => ({ name: (c.entity as Record<string, unknown>).name ?? c.name, type: (c.entity as Record<string, unknown>).type, expr: c.name }));
      const dimensions = columns.filter((c) => isMapping(c.dimension)).map((c) => ({ name: (c.dimension as Record<string, unknown>).name ?? c.name, type: (c.dimension as Record<string, unknown>).type, expr: c.name, ...(c.granularity ? { type_params: { time_granularity: c.granularity } } : {}) }));
      // lineOf parses the file again with positions: only for entries that declare something.
      out.push({ kind: 'semantic_model', name: smName, file: yaml.file, line: yaml.lineOf(['models', i]), entry: { model: `ref('${m.name}')`, entities, dimensions, measures: [], ...(m.agg_time_dimension ? { defaults: { agg_time_dimension: m.agg_time_dimension } } : {}) } });
    }
    (Array.isArray(m.metrics) ? m.metrics : []).forEach((x, k) => {
      if (!isMapping(x) || typeof x.name !== 'string') return;
      const { name, ...entry } = x;
      out.push({ kind: 'metric', name, file: yaml.file, line: yaml.lineOf(['models', i, 'metrics', k]), entry: { ...entry, ...(enabled ? { [OWNING_SEMANTIC_MODEL]: smName } : {}) } });
    });
  });
  return out;
}

/** A `groups:` entry (dbt 1.5): a name and an owner that models join with `group:` config. */
export interface GroupDeclaration {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly owner: Readonly<Record<string, unknown>>;
  readonly description: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/**
 * Reads the semantic-layer sections and `groups:` of a schema file. dbt validates them with
 * MetricFlow; tsdbt keeps them as written (manifest.json, selection, `ls`) and checks only what
 * it needs: a name on each entry, and a mapping.
 */
export function parseSemanticSections(yaml: YamlFile): { semantic: SemanticDeclaration[]; groups: GroupDeclaration[] } {
  const data = yaml.data as Record<string, unknown>;
  const semantic: SemanticDeclaration[] = [];
  const entries = (section: string): unknown[] => {
    const v = data[section];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v))
      throw new ProjectError('schema_yaml', `'${section}' must be a list of '- name: …' entries`, { file: yaml.file, line: yaml.lineOf([section]), hint: `Write '${section}:' followed by entries such as '  - name: my_${section.replace(/s$/, '')}'.` });
    return v;
  };
  const named = (section: string, e: unknown, i: number): e is Record<string, unknown> & { name: string } => {
    if (isMapping(e) && typeof e.name === 'string' && e.name !== '') return true;
    throw new ProjectError('schema_yaml', `Each entry of '${section}' needs a 'name'`, { file: yaml.file, line: yaml.lineOf([section, i]), hint: 'Give the entry a name: key.' });
  };
  for (const [section, kind] of Object.entries(SEMANTIC_SECTIONS))
    entries(section).forEach((e, i) => {
      if (!named(section, e, i)) return;
      const { name, ...entry } = e;
      semantic.push({ kind, name, file: yaml.file, line: yaml.lineOf([section, i]), entry });
    });
  semantic.push(...modelSemanticLayer(yaml, entries('models')));
  const groups = entries('groups').flatMap((e, i): GroupDeclaration[] => {
    if (!named('groups', e, i)) return [];
    return [{ name: e.name, file: yaml.file, line: yaml.lineOf(['groups', i]), owner: isMapping(e.owner) ? e.owner : {}, description: typeof e.description === 'string' ? e.description : '', config: isMapping(e.config) ? e.config : {} }];
  });
  return { semantic, groups };
}
