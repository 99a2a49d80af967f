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
  const groups = entries('groups').flatMap((e, i): GroupDeclaration[] => {
    if (!named('groups', e, i)) return [];
    return [{ name: e.name, file: yaml.file, line: yaml.lineOf(['groups', i]), owner: isMapping(e.owner) ? e.owner : {}, description: typeof e.description === 'string' ? e.description : '', config: isMapping(e.config) ? e.config : {} }];
  });
  return { semantic, groups };
}
