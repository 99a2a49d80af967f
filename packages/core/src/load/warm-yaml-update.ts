import { createHash } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import { plainNode } from '../manifest/lazy-nodes.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { readYamlFile } from '../shared/yaml-file.js';
import type { SchemaFile } from './load-nodes.js';
import { noteConfigKeys } from './node-config.js';
import { parseSchemaFile, type ResourcePatch, type SchemaFileContents } from './schema-yaml.js';

/*
 * An edited schema YAML file over a warm start (load/warm-update.ts), entry by entry: when the file's
 * model entries have the same names in the same order before and after the edit (no model versions,
 * no warnings) and everything else it holds (sources, seeds, snapshots, macros, unit tests, semantic
 * resources, groups, with their lines) is the same, each model entry is compared with its saved
 * patch (load/saved-patches.ts) and only the models whose entry changed are parsed again, with their
 * tests. Everything else a YAML edit can do loads in full. Entries are compared as canonical text
 * (canonicalText), not as v8 bytes: V8 may write equal arrays differently (the elements kind an
 * optimised Array.prototype.map gives), which made equal entries look changed.
 */

/** A schema file as an entry-wise update compares it: its model names in file order, and a hash of everything else in it. */
export interface SchemaFileEntries {
  readonly models: readonly string[];
  readonly others: string;
}

/** The model names of a schema file and a hash of its other sections; null when it cannot be updated entry by entry. */
function modelEntries(contents: SchemaFileContents, warnings: readonly string[] | undefined): SchemaFileEntries | null {
  const { models, ...others } = contents;
  if (warnings?.length || models.some((m) => m.versions !== undefined)) return null;
  const text = canonicalText(others);
  return text === undefined ? null : { models: models.map((m) => m.name), others: createHash('sha1').update(text).digest('base64') };
}

/**
 * Plain YAML data as text that differs whenever the data does (functions left out, as saved patches
 * leave them): undefined, NaN, ±Infinity, -0 and dates spelled apart from any string or number;
 * undefined for anything else (a Map, a class instance: not compared).
 */
export function canonicalText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
      const raw = key === '' ? value : this[key];
      if (raw instanceof Date) return `\0date:${raw.getTime()}`;
      if (typeof raw === 'number') return Number.isFinite(raw) && !Object.is(raw, -0) ? raw : `\0number:${Object.is(raw, -0) ? '-0' : String(raw)}`;
      if (raw === undefined) return '\0undefined';
      if (typeof raw === 'function') return undefined;
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.getPrototypeOf(raw) !== Object.prototype && Object.getPrototypeOf(raw) !== null) throw new Error('not plain data');
      return v;
    });
  } catch {
    return undefined;
  }
}

/** What load-project.ts saves of the root's schema files for a later entry-wise update (LoadInternals.schemaEntries). */
export function schemaEntriesOf(files: readonly SchemaFile[]): Map<string, SchemaFileEntries | null> {
  return new Map(files.map((f) => [f.file, modelEntries(f.contents, f.warnings)] as const));
}

/** The models to parse again for edited schema files, with their new entries. */
export interface YamlEntryChanges {
  /** Project-relative model files whose entry changed. */
  readonly models: readonly string[];
  /** Models whose entry changed in its descriptions only: the saved node with the new ones (describedOnly), not parsed again. */
  readonly described: readonly (readonly [string, ManifestNode])[];
  /** The new entries, by model file name (they replace the saved patches). */
  readonly patches: readonly (readonly [string, ResourcePatch])[];
}

/** What an entry-wise update reads: the root project, the YAML renderer, what was saved, the saved nodes. */
export interface YamlUpdateBase {
  readonly projectRoot: string;
  readonly projectName: string;
  readonly renderYaml: (text: string, file: string) => string;
  readonly schemaEntries: ReadonlyMap<string, SchemaFileEntries | null> | undefined;
  readonly patches: ReadonlyMap<string, ResourcePatch>;
  readonly nodes: ReadonlyMap<string, ManifestNode>;
}

/** The model entries `files` (edited schema files, project-relative) changed, or why the project must load in full. */
export function yamlEntryChanges(base: YamlUpdateBase, files: readonly string[]): YamlEntryChanges | string {
  const models: string[] = [];
  const described: [string, ManifestNode][] = [];
  const patches: [string, ResourcePatch][] = [];
  for (const file of files) {
    const before = base.schemaEntries?.get(file);
    if (before === undefined) return `${file} is not a schema file of the saved load`;
    if (before === null) return `${file} cannot be compared entry by entry`;
    const yaml = readYamlFile(join(base.projectRoot, file), file);
    const stopNotes = noteConfigKeys();
    let contents: SchemaFileContents;
    try {
      contents = parseSchemaFile(yaml, (text) => base.renderYaml(text, file));
    } finally {
      stopNotes();
    }
    if (stopNotes().size) return `${file} sets a config key tsdbt does not know`;
    const after = modelEntries(contents, yaml.warnings);
    if (after === null) return `${file} cannot be compared entry by entry`;
    if (after.others !== before.others) return `${file}: more than its model entries changed`;
    if (after.models.length !== before.models.length || after.models.some((name, i) => name !== before.models[i])) return `the model entries of ${file} changed`;
    for (const patch of contents.models) {
      const text = canonicalText(patch);
      const saved = base.patches.get(patch.name);
      if (text !== undefined && saved !== undefined && canonicalText(saved) === text) continue;
      const node = base.nodes.get(`model.${base.projectName}.${patch.name}`);
      // A disabled model (its entry may enable it: a new node) or an entry of no model file: a full load.
      if (!node || basename(node.originalFilePath, extname(node.originalFilePath)) !== patch.name) return `model ${patch.name}'s entry changed and it has no node`;
      const redescribed = saved && describedOnly(node, saved, patch);
      if (redescribed) described.push([node.uniqueId, redescribed]);
      else models.push(node.originalFilePath);
      patches.push([patch.name, patch]);
    }
  }
  return { models, described, patches };
}

const HAS_JINJA = /\{[{%#]/;
/** A patch without its descriptions (the model's and its columns'), as canonical text. */
const withoutDescriptions = (p: ResourcePatch) => canonicalText({ ...p, description: '', columns: Object.fromEntries(Object.entries(p.columns).map(([k, c]) => [k, { ...c, description: '' }])) });

/**
 * When a model's entry changed only in its descriptions (model and columns: the most common YAML
 * edit), the model as a full load would build it: the saved node with the new descriptions and
 * columns — a node takes both from its entry as they are when they hold no Jinja, which the saved
 * node shows by holding the saved entry's. Its SQL, config, dependencies and tests are the same:
 * nothing is parsed or rendered again. Undefined when anything else may differ.
 */
function describedOnly(node: ManifestNode, saved: ResourcePatch, patch: ResourcePatch): ManifestNode | undefined {
  if (node.resourceType !== 'model') return undefined;
  const texts = [patch.description, ...Object.values(patch.columns).map((c) => c.description), saved.description, ...Object.values(saved.columns).map((c) => c.description)];
  if (texts.some((t) => typeof t !== 'string' || HAS_JINJA.test(t))) return undefined;
  const rest = withoutDescriptions(saved);
  if (rest === undefined || rest !== withoutDescriptions(patch)) return undefined;
  const plain = plainNode(node);
  if (plain.description !== (saved.description ?? '') || canonicalText(plain.columns) !== canonicalText(saved.columns)) return undefined;
  return Object.freeze({ ...plain, description: patch.description ?? '', columns: patch.columns });
}
