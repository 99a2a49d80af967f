import { basename, extname, join } from 'node:path';
import { serialize } from 'node:v8';
import type { ManifestNode } from '../manifest/nodes.js';
import { readYamlFile } from '../shared/yaml-file.js';
import type { SchemaFile } from './load-nodes.js';
import { noteConfigKeys } from './node-config.js';
import { BlobMap, savedPatch } from './saved-patches.js';
import { parseSchemaFile, type ResourcePatch, type SchemaFileContents } from './schema-yaml.js';

/*
 * An edited schema YAML file over a warm start (load/warm-update.ts), entry by entry: when the file
 * held plain model entries only (no sources, seeds, snapshots, macros, unit tests, semantic
 * resources, groups, model versions or warnings) before and after the edit, with the same names in
 * the same order, each entry is compared with its saved patch (load/saved-patches.ts: the same v8
 * bytes, the same entry) and only the models whose entry changed are parsed again, with their tests.
 * Everything else a YAML edit can do loads in full.
 */

/** The model names of a schema file that holds plain model entries only, in file order; else null. */
function plainModelEntries(contents: SchemaFileContents, warnings: readonly string[] | undefined): string[] | null {
  const { models, ...others } = contents;
  if (warnings?.length || Object.values(others).some((list) => list.length > 0)) return null;
  if (models.some((m) => m.versions !== undefined)) return null;
  return models.map((m) => m.name);
}

/** What load-project.ts saves of the root's schema files for a later entry-wise update (LoadInternals.schemaEntries). */
export function schemaEntriesOf(files: readonly SchemaFile[]): Map<string, readonly string[] | null> {
  return new Map(files.map((f) => [f.file, plainModelEntries(f.contents, f.warnings)] as const));
}

/** The models to parse again for edited schema files, with their new entries. */
export interface YamlEntryChanges {
  /** Project-relative model files whose entry changed. */
  readonly models: readonly string[];
  /** The new entries, by model file name (they replace the saved patches). */
  readonly patches: readonly (readonly [string, ResourcePatch])[];
}

/** What an entry-wise update reads: the root project, the YAML renderer, what was saved, the saved nodes. */
export interface YamlUpdateBase {
  readonly projectRoot: string;
  readonly projectName: string;
  readonly renderYaml: (text: string, file: string) => string;
  readonly schemaEntries: ReadonlyMap<string, readonly string[] | null> | undefined;
  readonly patches: ReadonlyMap<string, ResourcePatch>;
  readonly nodes: ReadonlyMap<string, ManifestNode>;
}

/** The model entries `files` (edited schema files, project-relative) changed, or why the project must load in full. */
export function yamlEntryChanges(base: YamlUpdateBase, files: readonly string[]): YamlEntryChanges | string {
  const models: string[] = [];
  const patches: [string, ResourcePatch][] = [];
  for (const file of files) {
    const before = base.schemaEntries?.get(file);
    if (before === undefined) return `${file} is not a schema file of the saved load`;
    if (before === null) return `${file} holds more than model entries`;
    const yaml = readYamlFile(join(base.projectRoot, file), file);
    const stopNotes = noteConfigKeys();
    let contents: SchemaFileContents;
    try {
      contents = parseSchemaFile(yaml, (text) => base.renderYaml(text, file));
    } finally {
      stopNotes();
    }
    if (stopNotes().size) return `${file} sets a config key tsdbt does not know`;
    const after = plainModelEntries(contents, yaml.warnings);
    if (after === null) return `${file} now holds more than model entries`;
    if (after.length !== before.length || after.some((name, i) => name !== before[i])) return `the entries of ${file} changed`;
    for (const patch of contents.models) {
      const bytes = serialize(savedPatch(patch));
      const saved = savedBytes(base.patches, patch.name);
      if (saved && Buffer.compare(saved, bytes) === 0) continue;
      const node = base.nodes.get(`model.${base.projectName}.${patch.name}`);
      // A disabled model (its entry may enable it: a new node) or an entry of no model file: a full load.
      if (!node || basename(node.originalFilePath, extname(node.originalFilePath)) !== patch.name) return `model ${patch.name}'s entry changed and it has no node`;
      models.push(node.originalFilePath);
      patches.push([patch.name, patch]);
    }
  }
  return { models, patches };
}

/** A saved patch's bytes as saved (a BlobMap's blob), or as it would be saved. */
function savedBytes(patches: ReadonlyMap<string, ResourcePatch>, name: string): Uint8Array | undefined {
  const blob = patches instanceof BlobMap ? (patches as BlobMap<ResourcePatch>).blob(name) : undefined;
  if (blob) return blob;
  const patch = patches.get(name);
  return patch && serialize(savedPatch(patch));
}
