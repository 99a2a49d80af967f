import { readProjectText } from '../shared/text-file.js';
import { dirname, join } from 'node:path';
import { DEFAULT_SNAPSHOT_CONFIG, type NodeConfig } from '../manifest/config.js';
import type { SnapshotNode } from '../manifest/nodes.js';
import { resolveSnapshotConfig, SnapshotConfigProblem } from '../manifest/snapshot-config.js';
import { hasPlaceholders, replacePlaceholders } from '../render/placeholders.js';
import type { Renderer } from '../render/renderer.js';
import { ProjectError } from '../shared/errors.js';
import { discoverFiles, toPosix } from './discover-files.js';
import { projectConfigLayers, schemaPaths, unrenderedConfigOf, type SchemaFile } from './load-nodes.js';
import { lineOfText } from './locate.js';
import { finalizeConfig } from './node-config.js';
import { parseSqlNode } from './parse-sql-node.js';
import type { TargetConfig } from './profiles.js';
import { rootRelative, type ProjectRoot } from './project-roots.js';
import { relationFor } from './relation-names.js';
import { addHookRelations, mergeLiteral } from './runtime-relations.js';
import type { SnapshotPatch } from './schema-yaml.js';

/** One `{% snapshot name %}…{% endsnapshot %}` block of a file. */
export interface SnapshotBlock {
  readonly name: string;
  /** The text between the tags. */
  readonly body: string;
  /** Line of the `{% snapshot %}` tag (the body starts on it). */
  readonly line: number;
}

const TAG = /\{%-?\s*(snapshot|endsnapshot)\b([^%]*?)-?%\}/g;
const COMMENT_OR_RAW = /\{#[\s\S]*?#\}|\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}/g;

/** The snapshot blocks of a file, as dbt's BlockSearcher finds them (text outside blocks is ignored). */
export function snapshotBlocks(source: string, file: string): SnapshotBlock[] {
  const hidden: [number, number][] = [...source.matchAll(COMMENT_OR_RAW)].map((m) => [m.index!, m.index! + m[0].length]);
  const out: SnapshotBlock[] = [];
  let open: { name: string; start: number; line: number } | undefined;
  for (const m of source.matchAll(TAG)) {
    const at = m.index!;
    if (hidden.some(([a, b]) => at >= a && at < b)) continue;
    const line = source.slice(0, at).split('\n').length;
    if (m[1] === 'snapshot') {
      const name = m[2]!.trim();
      if (open)
        throw new ProjectError('snapshot_block', `${file}:${line}: a snapshot block starts inside snapshot '${open.name}' (line ${open.line})`, {
          file,
          line,
          hint: `Close '${open.name}' with {% endsnapshot %} first.`,
        });
      if (!/^[A-Za-z_]\w*$/.test(name))
        throw new ProjectError('snapshot_block', `${file}:${line}: a snapshot block needs a name made of letters, digits and underscores (found '${name}')`, {
          file,
          line,
          hint: 'Write {% snapshot orders_snapshot %} … {% endsnapshot %}.',
        });
      open = { name, start: at + m[0].length, line };
    } else {
      if (!open)
        throw new ProjectError('snapshot_block', `${file}:${line}: {% endsnapshot %} without a {% snapshot %} block`, { file, line, hint: 'Remove it, or open the block with {% snapshot name %}.' });
      out.push({ name: open.name, body: source.slice(open.start, at), line: open.line });
      open = undefined;
    }
  }
  if (open)
    throw new ProjectError('snapshot_block', `${file}:${open.line}: snapshot '${open.name}' is never closed`, {
      file,
      line: open.line,
      hint: 'End the block with {% endsnapshot %}.',
    });
  return out;
}

/** A node's SQL as rendered for its file: line numbers of the body are the file's. */
export function snapshotSource(node: Pick<SnapshotNode, 'rawCode' | 'line' | 'originalFilePath'>): string {
  return node.originalFilePath.endsWith('.sql') ? '\n'.repeat(node.line - 1) + node.rawCode : node.rawCode;
}

interface Definition {
  readonly name: string;
  /** Relative to the root project. */
  readonly file: string;
  readonly line: number;
  readonly rawCode: string;
  readonly fqn: readonly string[];
}

/**
 * Snapshot nodes of one project root: blocks in its snapshot paths' .sql files, and YAML
 * `snapshots:` entries with `relation:` (dbt 1.9). Config, lowest first: project.yml `snapshots:`
 * folders, the YAML entry, the block's config() calls (then, in a package, the root project's
 * folders). As dbt: `target_schema` is used as written (legacy), else the `schema` config goes
 * through generate_schema_name like a model's.
 */
export function loadSnapshots(root: ProjectRoot, renderer: Renderer, patches: ReadonlyMap<string, SnapshotPatch>, schemaFiles: readonly SchemaFile[], target: TargetConfig): SnapshotNode[] {
  const pf = root.projectFile;
  const defs: Definition[] = [];
  const trim = (dir: string) => toPosix(dir).replace(/^\.\//, '').replace(/\/+$/, '');
  for (const dir of pf.snapshotPaths)
    for (const rel of discoverFiles(root.dir, dir, ['.sql'])) {
      const file = rootRelative(root, rel);
      // dbt's SnapshotParser.get_fqn: the path below the snapshot path, without .sql, then the block's name.
      const below = rel.slice(trim(dir).length + 1).replace(/\.sql$/, '');
      for (const b of snapshotBlocks(readProjectText(join(root.dir, rel), file), file))
        defs.push({ name: b.name, file, line: b.line, rawCode: b.body, fqn: [pf.name, ...below.split('/'), b.name] });
    }
  const relOf = new Map(schemaFiles.map((f) => [f.file, f.rel]));
  for (const patch of patches.values()) {
    if (patch.relation === undefined) continue;
    // dbt's get_fqn_prefix: the YAML file's folders below its resource path.
    const rel = relOf.get(patch.file) ?? patch.file;
    const dir = schemaPaths(pf).map(trim).find((d) => rel.startsWith(d + '/'));
    const folders = dirname(dir ? rel.slice(dir.length + 1) : rel);
    defs.push({ name: patch.name, file: patch.file, line: patch.line, rawCode: `select * from {{ ${relationCall(patch)} }}`, fqn: [pf.name, ...(folders === '.' ? [] : folders.split('/')), patch.name] });
  }
  return defs.map((d) => snapshotNode(d, root, renderer, patches.get(d.name), target));
}

/** `ref('x')` / `source('s', 't')` from a YAML `relation:` (braces allowed). */
function relationCall(patch: SnapshotPatch): string {
  const text = patch.relation!.trim().replace(/^\{\{-?\s*([\s\S]*?)\s*-?\}\}$/, '$1');
  if (!/^(ref|source)\s*\([\s\S]*\)$/.test(text))
    throw new ProjectError('snapshot_relation', `Snapshot '${patch.name}': relation must be a ref() or source() call (found "${patch.relation}")`, {
      file: patch.file,
      line: patch.line,
      hint: "Write relation: ref('orders') or relation: source('shop', 'orders').",
    });
  return text;
}

function snapshotNode(d: Definition, root: ProjectRoot, renderer: Renderer, patch: SnapshotPatch | undefined, target: TargetConfig): SnapshotNode {
  const pf = root.projectFile;
  const uniqueId = `snapshot.${pf.name}.${d.name}`;
  const { own, rootOverride, unrendered } = projectConfigLayers(root, 'snapshots', d.fqn);
  const baseLayers = [own, patch?.config ?? {}];
  const baseConfig = finalizeConfig(DEFAULT_SNAPSHOT_CONFIG, [...baseLayers, ...rootOverride]);
  const info = { uniqueId, name: d.name, resourceType: 'snapshot', packageName: pf.name, originalFilePath: d.file, fqn: d.fqn, baseConfig };
  const source = snapshotSource({ rawCode: d.rawCode, line: d.line, originalFilePath: d.file });
  const parsed = parseSqlNode(renderer, source, info);
  // `target_schema=schema` (dbt's own tests write it): `schema` is the target schema at parse time.
  const config = withoutSelfReferences(finalizeConfig(DEFAULT_SNAPSHOT_CONFIG, [...baseLayers, ...parsed.state.configCalls, ...rootOverride]), target.schema);
  const settings = resolveSnapshotConfig(config);
  // A strategy tsdbt does not have (a custom `snapshot_<name>_strategy` macro, `dbt.custom`) fails
  // that snapshot when it runs, as dbt resolves strategies at run time: the project still loads.
  const unsupportedStrategy = settings instanceof SnapshotConfigProblem && settings.key === 'strategy' && Boolean(config.strategy);
  if (settings instanceof SnapshotConfigProblem && !unsupportedStrategy)
    throw new ProjectError('snapshot_config', `Snapshot '${d.name}': ${settings.message}`, {
      file: d.file,
      line: d.file.endsWith('.sql') && new RegExp(`\\b${settings.key}\\b`).test(source) ? lineOfText(source, new RegExp(`\\b${settings.key}\\b`)) : d.line,
      hint: settings.hint,
    });
  const base = { uniqueId, name: d.name, resourceType: 'snapshot', packageName: pf.name, originalFilePath: d.file, fqn: d.fqn, config };
  const named = relationFor(base, target.schema, renderer);
  // Hooks are rendered now, as dbt does: their refs and sources are parents of the snapshot.
  const unrenderedRels = mergeLiteral(parsed.unrendered, addHookRelations(renderer, { ...base, baseConfig }, config, parsed.state));
  const targetSchema = typeof config.target_schema === 'string' && config.target_schema.trim() ? config.target_schema.trim() : undefined;
  // Every key written out, no `...base` (V8's slow literal: see load-nodes.ts buildModel).
  return Object.freeze({
    uniqueId,
    name: d.name,
    resourceType: 'snapshot',
    packageName: pf.name,
    originalFilePath: d.file,
    fqn: d.fqn,
    config,
    line: d.line,
    description: patch?.description ?? '',
    tags: config.tags,
    columns: patch?.columns ?? {},
    dependsOn: [],
    macrosUsed: [...parsed.state.macrosUsed],
    relation: targetSchema ? { ...named, schema: targetSchema } : named,
    rawCode: d.rawCode,
    renderedCode: parsed.rendered.replace(/^\s+/, ''),
    refs: parsed.state.refs,
    sources: parsed.state.sources,
    renderAtRuntime: parsed.state.usesWarehouse,
    needsNames: parsed.state.needsNames,
    ...(unrenderedRels ? { unrenderedRelations: unrenderedRels } : {}),
    unrenderedConfig: unrenderedConfigOf([unrendered.own, patch?.rawConfig ?? patch?.config ?? {}, ...parsed.state.configCalls, ...unrendered.rootOverride]),
    patchPath: patch?.file,
  } satisfies SnapshotNode);
}

/** Config values holding `this`/`schema` placeholders, resolved to the target schema. */
function withoutSelfReferences(config: NodeConfig, targetSchema: string): NodeConfig {
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (typeof v === 'string' && hasPlaceholders(v)) {
      changed = true;
      out[k] = replacePlaceholders(v, (t, attr) => (t.kind === 'this' && (attr === 'schema' || attr === 'database') ? targetSchema : ''));
    } else out[k] = v;
  }
  return changed ? (Object.freeze(out) as NodeConfig) : config;
}
