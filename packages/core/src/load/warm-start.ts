import { appendFileSync, mkdirSync, openSync, closeSync, renameSync, rmSync, fstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';
import type { Manifest } from '../manifest/manifest.js';
import { decodeNodes, encodeNodeStream, plainNode, splitIndex } from '../manifest/lazy-nodes.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { readValue } from '../render/render-reads.js';
import { ProjectError } from '../shared/errors.js';
import { changedInputs, decodeScan, encodeScan, scanDiff, scanInputs, STAT_FIELDS, type InputScan, type InputSpec } from './input-fingerprint.js';
import type { TargetConfig } from './profiles.js';
import type { ProjectFile } from './project-file.js';
import { decodeBlobMap, encodeBlobMapParts, savedPatch } from './saved-patches.js';
import { SectionWriter, type Section } from './section-writer.js';
import { aheadInputMarks, countUsed, keptInputMarks } from './stat-ahead.js';
import { bytesAt as readBytes, DELTA_HEAD, DELTA_MAGIC, fileIdentity, FORMAT, readDeltas, readLayout, readSavedInputs, scanOverrides, sectionAt, type Header } from './warm-start-file.js';
import type { ResourcePatch } from './schema-yaml.js';
import { applyVarReads } from './warm-vars-update.js';
import { countKeptHit, countKeptUpdate, forgetWarmStart, keepingWarmStarts, keepWarmStart, keptWarmStart, statIdentity, type KeptWarmStart } from './warm-memory.js';
import type { SchemaFileEntries } from './warm-yaml-update.js';

/*
 * The warm start (target/warm_start.bin): the finished result of a load, reused whole when nothing
 * it was made from changed — the same tsdbt build and Node, the same load options (project dir,
 * profiles dir, target, target path, --vars, --full-refresh…), the same values of every environment
 * variable the load read, and the same files: a stat scan (load/input-fingerprint.ts) of the
 * project's root-level files, profiles.yml, every resource folder and every installed package.
 * Then a command skips the load entirely (no YAML, no Jinja, no dependency resolution): it reads
 * the manifest back (v8 deserialize) and builds the Jinja renderer only if it renders something.
 * The nodes are saved apart, one blob each behind an index of the fields listing and selecting read
 * (manifest/lazy-nodes.ts): `ls` decodes none and never reads the blobs, a command decodes the
 * nodes it uses (the file stays open until then: a replacement by another command does not matter).
 * When anything differs, the load runs as without it (the parse cache still spares the renders of
 * unchanged files) and saves a new one. Never saved: a load that read something that differs per
 * run (invocation_id, run_started_at, datetime.now() through `modules`, a render that logged) or
 * that runs with DBT_ENV_SECRET_* values. A file that is corrupt, truncated, of another format or
 * another build is ignored: each section carries a checksum of its bytes.
 * When only a few files changed, the saved load is updated in place (load/warm-update.ts) and the
 * change is appended to the file as a delta (the changed nodes, fingerprints and depths) instead of
 * rewriting it; a delta names the base it applies to and the offset it was written at, so a delta
 * of another base, a torn or interleaved append is detected (the file is ignored). Past a few
 * deltas, the whole load is written again.
 */

/** Past this many deltas, or deltas of this share of the load's bytes, the whole load is written again. */
const MAX_DELTAS = 32;
const MAX_DELTA_SHARE = 0.1;

/** A finished load as saved (the renderer is rebuilt on demand; ProjectFile without its YAML document). */
export interface SavedLoad {
  readonly projectRoot: string;
  readonly projectFile: Omit<ProjectFile, 'yaml'>;
  readonly target: TargetConfig;
  readonly manifest: Manifest;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly files: readonly string[];
  /** Jinja renders the saved load had (rendered or reused): a warm start reuses them all. */
  readonly renders: number;
  /** Warnings and notes of the saved load, said again on a warm start. */
  readonly logs: readonly (readonly [string, 'info' | 'debug' | 'warn'])[];
  /** Each node's generation in the DAG (saved only when it has no cycle). */
  readonly depths: readonly (readonly [string, number])[];
  /** Which of `logs` the node warnings are (node-warnings.ts nodeWarnings: recomputed by an update). */
  readonly nodeLogs: readonly [number, number];
  /** What this saved load is, as read (the base's checksum and size, each delta's): equal identities, equal loads. Not saved. */
  readonly identity?: string;
  /** The nodes each delta of `identity` set, in order (null: it deleted or added a node). Not saved. */
  readonly deltaNodes?: DeltaNodes;
}

/** The nodes each delta of a warm start set, in order (null: it deleted or added a node): load/warm-changes.ts. */
export type DeltaNodes = readonly (readonly string[] | null)[];

/** What an incremental update (load/warm-update.ts) needs beyond the load: read only then. */
export interface SavedInternals {
  /**
   * The root project's model patches by model file name (load-project.ts LoadInternals.patches),
   * saved without functions; read back, each is decoded when asked for (load/saved-patches.ts) and
   * its test declarations get their exact line back as the saved line (only error messages read it).
   */
  readonly patches: ReadonlyMap<string, ResourcePatch>;
  /** The root's schema files, their model entries and a hash of the rest (load-project.ts LoadInternals.schemaEntries). */
  readonly schemaEntries: ReadonlyMap<string, SchemaFileEntries | null>;
  /** Which vars the load's renders read (load/warm-vars-update.ts). */
  readonly varReads: VarReads;
}

/** The names of the vars a load read: by each render (a node's id, a generic test's `test.<pkg>.<name>`), and outside node renders. */
export interface VarReads {
  readonly byRender: ReadonlyMap<string, readonly string[]>;
  /** Read by YAML values, profiles.yml or a render outside any node's: a change of one loads in full. */
  readonly global: ReadonlySet<string>;
}

/** One incremental update of a saved load, appended to its file. */
export interface WarmDelta {
  /** Fingerprints that changed (null: no longer scanned). */
  readonly scan: readonly (readonly [string, string | null])[];
  /** Environment variables read since (name → readValue). */
  readonly env: readonly (readonly [string, string | undefined])[];
  /** Nodes set (in place when present) or deleted (null), in order. */
  readonly nodes: readonly (readonly [string, ManifestNode | null])[];
  /** Generations that changed (nodes deleted lose theirs). */
  readonly depths: readonly (readonly [string, number])[];
  readonly files?: readonly string[];
  /** --vars (name → readValue) when they changed, the root's vars then, and the var reads of the renders run again (null: none now). */
  readonly cliVars?: readonly (readonly [string, string | undefined])[];
  readonly vars?: SavedLoad['vars'];
  readonly varReads?: { readonly byRender: readonly (readonly [string, readonly string[] | null])[]; readonly global: readonly string[] };
  /** Model patches replaced by an edited schema file (load/warm-yaml-update.ts), saved without functions. */
  readonly patches?: readonly (readonly [string, ResourcePatch])[];
  readonly logs: SavedLoad['logs'];
  readonly nodeLogs: SavedLoad['nodeLogs'];
  readonly renders: number;
}

/** A saved load whose key and environment hold but some input files changed since. */
export interface StaleLoad {
  readonly changed: readonly string[];
  /** Names of the --vars that differ from the saved load's (set, unset or another value). */
  readonly changedVars: readonly string[];
  /** The scan just taken (before any file was read again): a map of every input, made when first read. */
  readonly scan: InputScan;
  /** One changed path's fingerprint now and in the saved load (undefined: absent), without making either scan a map. */
  fingerprints(path: string): readonly [string | undefined, string | undefined];
  readonly inputs: LoadInputs;
  /** The saved load (deserialized on first call), and what an update needs. */
  load(): SavedLoad;
  internals(): SavedInternals;
  /** The identity and nodes set by each delta of the saved load, before this update. */
  readonly identity: string;
  readonly deltaNodes: DeltaNodes;
  /** Appends `delta` to the file (or rewrites it whole when deltas have grown): the next command's warm start. */
  append(delta: WarmDelta, updated: () => { inputs: LoadInputs; load: SavedLoad; internals: SavedInternals }): string | undefined;
  /** After a successful append: keeps `load` (the update's, with the identity append gave) in memory for the next command (load/warm-memory.ts). */
  keep(load: SavedLoad): void;
}

/** What a load read, to tell whether a saved load still holds. */
export interface LoadInputs {
  readonly spec: InputSpec;
  readonly scan: InputScan;
  /** Environment variables read (name → readValue of the value, undefined: unset). */
  readonly env: ReadonlyMap<string, string | undefined>;
  /** --vars (name → readValue of the value). */
  readonly cliVars: ReadonlyMap<string, string | undefined>;
}

/**
 * The saved load in `file` when it was made with `key` and its inputs are unchanged; a StaleLoad
 * when only input files changed (the caller may update it); else why not.
 */
export function readWarmStart(file: string, key: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv, cliVars: ReadonlyMap<string, string | undefined>): SavedLoad | StaleLoad | string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    forgetWarmStart(file);
    return 'no warm-start file';
  }
  // Kept open while the node blobs are not read: they are read from this file even if another command replaces it meanwhile.
  let keepOpen = false;
  try {
    const st = fstatSync(fd);
    // A resident process's last read of this very file (load/warm-memory.ts), when nothing it was made from changed since.
    const remembered = keptWarmStart(file, fileIdentity(st), key);
    // An input edited since: the update starts from the kept load (its nodes already decoded) and the diff just taken.
    let known: { readonly load: SavedLoad; readonly diff: Map<string, string> } | undefined;
    if (remembered) {
      const now = keptChanges(file, remembered, env, cliVars);
      if (now?.diff?.size === 0 && now.sameVars) {
        countKeptHit();
        return remembered.load;
      }
      forgetWarmStart(file);
      if (now?.diff && remembered.load.identity !== undefined && remembered.load.deltaNodes) known = { load: remembered.load, diff: now.diff };
    }
    const size = st.size;
    const layout = readLayout(fd, size);
    if (typeof layout === 'string') return layout;
    const { header, offsets } = layout;
    const changedKeys = Object.keys({ ...key, ...header.key }).filter((k) => header.key?.[k] !== key[k]);
    if (changedKeys.length) return `${changedKeys.join(', ')} changed`;
    const [, loadAt, blobsAt, indexAt, tailAt, internalsAt] = layout.sections;
    const bytesAt = (offset: number, length: number) => readBytes(fd, offset, length);
    const section = (offset: number, s: Section) => sectionAt(fd, offset, s);
    const { base } = layout;
    const deltas = readDeltas(fd, layout, size);
    const saved = readSavedInputs(fd, layout);
    // The deltas' fingerprints over the saved scan's (null: no longer scanned).
    const overrides = scanOverrides(deltas);
    const envValues = new Map(saved.env);
    let savedVars = new Map(saved.cliVars);
    for (const d of deltas) {
      for (const [name, value] of d.env) envValues.set(name, value);
      if (d.cliVars) savedVars = new Map(d.cliVars);
    }
    const changedVars = [...new Set([...savedVars.keys(), ...cliVars.keys()])].filter((n) => savedVars.get(n) !== cliVars.get(n) || savedVars.has(n) !== cliVars.has(n));
    for (const [name, value] of envValues) if (readValue(env[name]) !== value) return `environment variable ${name} changed`;
    // The saved scan as a map, only when something differs (an unchanged one is compared as it is saved: sameScan).
    const savedScan = (): InputScan => {
      const scan = decodeScan(saved.scan);
      for (const [path, fp] of overrides) fp === null ? scan.delete(path) : scan.set(path, fp);
      return scan;
    };
    // The same files in the same order: only what differs is fingerprinted (a file added, removed or listed in another order: the full scan).
    // Files another thread has found unchanged meanwhile (load/stat-ahead.ts), when it read this same file.
    const marks = known ? undefined : aheadInputMarks(file, fileIdentity(st));
    const ahead = marks && { ...marks, skipped: 0 };
    const diff = known ? known.diff : scanDiff(saved.spec, saved.scan, overrides, ahead);
    if (ahead) countUsed('inputs', ahead.skipped);
    const scan = diff ? undefined : savedScan();
    let now = diff ? undefined : scanInputs(saved.spec);
    const differ = diff ? [...diff.keys()] : changedInputs(scan!, now!);
    // The kept load stands for the file's load and nodes (the same file: its identity was checked), which are then not read.
    const loadBytes = known ? undefined : section(offsets.load, loadAt);
    const indexBytes = known ? undefined : section(offsets.index, indexAt);
    let failed: ProjectError | undefined;
    const handle = { fd, open: true };
    // Only bit rot inside the file gets here (a truncated or replaced file was told apart above): say so once, never again.
    const damaged = () => {
      removeWarmStart(file);
      return (failed = new ProjectError('warm-start-corrupt', `The saved load ${file} is damaged (it has been removed).`, { file, hint: 'Run the command again: it loads the project in full.' }));
    };
    // The index's tail (configs, relations, blob CRCs): read when first needed (`ls` never), and before the file is closed.
    let tailBytes: Buffer | undefined;
    const tail = () => {
      if (tailBytes) return tailBytes;
      if (failed) throw failed;
      try {
        return (tailBytes = section(offsets.tail, tailAt));
      } catch {
        throw damaged();
      }
    };
    const blobs = () => {
      if (failed) throw failed;
      try {
        tail();
        return section(offsets.blobs, blobsAt);
      } catch {
        throw damaged();
      } finally {
        // Once: a success is kept by the nodes, a failure thrown again above.
        handle.open = false;
        closeSync(fd);
      }
    };
    // The first few nodes decoded read their own blob (a YAML edit decodes one node: not the ~40 MB of all of them).
    const blob = (offset: number, length: number, crc: number) => {
      if (failed) throw failed;
      let bytes: Buffer;
      try {
        bytes = bytesAt(offsets.blobs + offset, length);
      } catch {
        throw damaged();
      }
      if (crc32(bytes) !== crc) throw damaged();
      return bytes;
    };
    // Nodes never decoded (ls, a load replaced by an update's full load): the file is closed when they are collected.
    const nodes = indexBytes && decodeNodes(indexBytes, blobsAt.bytes, blobs, closer(handle), blob, tail);
    keepOpen = nodes !== undefined;
    if (known) countKeptUpdate();
    const load = () => (known ? known.load : deltas.reduce(applyDelta, withNodes(deserialize(loadBytes!) as SavedLoad, nodes!)));
    const identity = [`${base}:${loadAt.bytes + blobsAt.bytes}`, ...deltas.map((d) => `${d.crc}:${d.bytes}`)].join(',');
    const deltaNodes = known ? known.load.deltaNodes! : nodesSet(nodes!, deltas);
    // Nothing changed: what an update needs (~4 MB for 10,000 models) is not even read.
    if (differ.length === 0 && changedVars.length === 0) {
      const unchanged: SavedLoad = { ...load(), identity, deltaNodes };
      keepWarmStart(file, { fileIdentity: fileIdentity(st), key, spec: saved.spec, scan: saved.scan, overrides, env: envValues, cliVars: savedVars, load: unchanged });
      return unchanged;
    }
    // Read now (the file may be replaced by another command meanwhile), decoded when an update asks for it.
    const internalBytes = section(offsets.internals, internalsAt);
    // The saved scan and the scan now as maps only when asked for (an update that appends a delta reads the changed paths'
    // fingerprints only): the scan now is the saved one with what the walk found different, each fingerprint taken then.
    let before = scan;
    // One path's saved fingerprint, as savedScan() would give it (the deltas' over the saved scan's).
    let savedPaths: string[] | undefined;
    const savedFingerprint = (path: string): string | undefined => {
      if (overrides.has(path)) return overrides.get(path) ?? undefined;
      savedPaths ??= saved.scan.paths === '' ? [] : saved.scan.paths.split('\0');
      const k = savedPaths.indexOf(path);
      if (k < 0) return undefined;
      const { stats, other } = saved.scan;
      return other.find(([at]) => at === k)?.[1] ?? `${stats[STAT_FIELDS * k]}:${stats[STAT_FIELDS * k + 1]}:${stats[STAT_FIELDS * k + 2]}:${stats[STAT_FIELDS * k + 3]}`;
    };
    const beforeScan = () => (before ??= savedScan());
    const nowScan = () => {
      if (!now) {
        now = new Map(beforeScan());
        for (const [path, fp] of diff!) now.set(path, fp);
      }
      return now;
    };
    const deltaBytes = deltas.reduce((n, d) => n + d.bytes, 0);
    let loaded: SavedLoad | undefined;
    let internals: SavedInternals | undefined;
    /** What append() wrote, for keep(). */
    let written: Omit<KeptWarmStart, 'fileIdentity' | 'key' | 'load'> | undefined;
    return {
      changed: differ,
      changedVars,
      identity,
      deltaNodes,
      get scan() {
        return nowScan();
      },
      fingerprints: (path) => (diff ? [diff.get(path) ?? savedFingerprint(path), savedFingerprint(path)] : [nowScan().get(path), beforeScan().get(path)]),
      inputs: {
        spec: saved.spec,
        get scan() {
          return beforeScan();
        },
        env: envValues,
        cliVars: savedVars,
      },
      load: () => (loaded ??= load()),
      internals: () => (internals ??= decodeInternals(internalBytes, deltas)),
      append(delta, updated) {
        if (deltas.length + 1 > MAX_DELTAS || deltaBytes > (loadAt.bytes + blobsAt.bytes) * MAX_DELTA_SHARE) {
          const next = updated();
          const whole = writeWarmStart(file, key, next.inputs, next.load, next.internals);
          if (whole !== undefined && keepingWarmStarts()) written = { spec: next.inputs.spec, scan: encodeScan(next.inputs.scan), overrides: new Map(), env: next.inputs.env, cliVars: next.inputs.cliVars };
          return whole;
        }
        const appended = appendDelta(file, size, base, delta);
        if (appended !== undefined) {
          // What the file says now: the saved scan with every delta's fingerprints over it, this one's last (readWarmStart's reading).
          const nextOverrides = new Map(overrides);
          for (const [path, fp] of delta.scan) nextOverrides.set(path, fp);
          const nextEnv = new Map(envValues);
          for (const [name, value] of delta.env) nextEnv.set(name, value);
          written = { spec: saved.spec, scan: saved.scan, overrides: nextOverrides, env: nextEnv, cliVars: delta.cliVars ? new Map(delta.cliVars) : savedVars };
        }
        return appended && `${identity},${appended}`;
      },
      keep(updatedLoad) {
        const fileNow = written && statIdentity(file);
        if (written && fileNow) keepWarmStart(file, { fileIdentity: fileNow, key, ...written, load: updatedLoad });
      },
    };
  } catch {
    keepOpen = false;
    return 'the warm-start file is corrupt';
  } finally {
    if (!keepOpen) closeSync(fd);
  }
}

/**
 * What changed since a kept warm start was made (readWarmStart's checks): undefined when an environment value the load
 * read differs (the file's reading says which); else whether --vars are the same and the scan's diff (empty: every input
 * file as saved; undefined: files added, removed or listed in another order).
 */
function keptChanges(file: string, kept: KeptWarmStart, env: NodeJS.ProcessEnv, cliVars: ReadonlyMap<string, string | undefined>): { readonly sameVars: boolean; readonly diff: Map<string, string> | undefined } | undefined {
  for (const [name, value] of kept.env) if (readValue(env[name]) !== value) return undefined;
  const sameVars = cliVars.size === kept.cliVars.size && [...cliVars].every(([name, value]) => kept.cliVars.has(name) && kept.cliVars.get(name) === value);
  // The resident process's thread stats the same scan from its last file meanwhile (load/stat-ahead.ts restartStatAhead).
  const marks = keptInputMarks(file, kept.scan);
  const ahead = marks && { ...marks, skipped: 0 };
  const diff = scanDiff(kept.spec, kept.scan, kept.overrides, ahead);
  if (ahead) countUsed('inputs', ahead.skipped);
  return { sameVars, diff };
}

/** The nodes each delta set (null for a delta that deleted a node or added one the load before it had not). */
function nodesSet(base: ReadonlyMap<string, ManifestNode>, deltas: readonly WarmDelta[]): DeltaNodes {
  const added = new Set<string>();
  return deltas.map((d) => {
    let same = true;
    for (const [id, node] of d.nodes) {
      if (node === null) same = false;
      else if (!base.has(id) && !added.has(id)) (same = false), added.add(id);
    }
    return same ? d.nodes.map(([id]) => id) : null;
  });
}

/**
 * Closes a file left open for lazy node blobs (once). Made here, not inline: a closure shares its
 * scope with its siblings, and one that can reach the nodes would keep them from ever being collected.
 */
function closer(handle: { readonly fd: number; open: boolean }): () => void {
  return () => {
    if (!handle.open) return;
    handle.open = false;
    closeSync(handle.fd);
  };
}

/** A saved patch read back: its test declarations get their exact line back as the saved line (only error messages read it). */
const revivePatch = (p: ResourcePatch): ResourcePatch => ({ ...p, tests: p.tests.map((t) => ({ ...t, exactLine: () => t.line })) });

/** The internals section: the schema entries (length-prefixed v8), then the patches (load/saved-patches.ts). */
function encodeInternalParts(internals: SavedInternals): Uint8Array[] {
  const { byRender, global } = internals.varReads;
  const entries = serialize({ schemaEntries: [...internals.schemaEntries], varReads: { byRender: [...byRender], global: [...global] } });
  const length = Buffer.alloc(4);
  length.writeUInt32BE(entries.length, 0);
  return [length, entries, ...encodeBlobMapParts(internals.patches)];
}

/** The internals as saved, with the patches the deltas replaced. */
function decodeInternals(bytes: Buffer, deltas: readonly WarmDelta[]): SavedInternals {
  const length = bytes.readUInt32BE(0);
  const head = deserialize(bytes.subarray(4, 4 + length)) as { schemaEntries: [string, SchemaFileEntries | null][]; varReads: { byRender: [string, readonly string[]][]; global: string[] } };
  const patches = decodeBlobMap<ResourcePatch>(bytes.subarray(4 + length), revivePatch);
  // Made here and each delta applied in place (a copy per delta was 25,000 entries each, up to MAX_DELTAS times).
  const varReads = { byRender: new Map(head.varReads.byRender), global: new Set(head.varReads.global) };
  for (const d of deltas) {
    for (const [name, patch] of d.patches ?? []) patches.set(name, revivePatch(patch));
    if (d.varReads) applyVarReads(varReads, d.varReads);
  }
  return { patches, schemaEntries: new Map(head.schemaEntries), varReads };
}

/** A saved load with one delta applied (nodes set in place or deleted, as the update did). */
function applyDelta(load: SavedLoad, delta: WarmDelta): SavedLoad {
  const nodes = load.manifest.nodes as Map<string, ManifestNode>;
  // The generations copied only when the delta changes them (most edits leave every node's generation as it was).
  const gone = delta.nodes.filter(([, node]) => node === null).map(([id]) => id);
  let depths = load.depths;
  if (gone.length || delta.depths.length) {
    const changed = new Map(load.depths);
    for (const id of gone) changed.delete(id);
    for (const [id, d] of delta.depths) changed.set(id, d);
    depths = [...changed];
  }
  for (const [id, node] of delta.nodes) {
    if (node) nodes.set(id, node);
    else nodes.delete(id);
  }
  return { ...load, depths, logs: delta.logs, nodeLogs: delta.nodeLogs, renders: delta.renders, ...(delta.files ? { files: delta.files } : {}), ...(delta.vars ? { vars: delta.vars } : {}) };
}

/** A saved load read back without its nodes, with them. */
function withNodes(load: SavedLoad, nodes: Map<string, ManifestNode>): SavedLoad {
  return { ...load, manifest: { ...load.manifest, nodes } };
}

/** Appends one delta at the end of a file of `size` bytes (a concurrent append shows as a wrong offset: the file is then ignored). */
function appendDelta(file: string, size: number, base: string, delta: WarmDelta): string | undefined {
  try {
    const payload = serialize({ ...delta, nodes: delta.nodes.map(([id, node]) => [id, node && plainNode(node)]), ...(delta.patches ? { patches: delta.patches.map(([name, p]) => [name, savedPatch(p)]) } : {}), at: size, base });
    const head = Buffer.alloc(DELTA_HEAD);
    head.writeUInt32BE(DELTA_MAGIC, 0);
    head.writeUInt32BE(payload.length, 4);
    head.writeUInt32BE(crc32(payload), 8);
    appendFileSync(file, Buffer.concat([head, payload]));
    return `${head.readUInt32BE(8)}:${DELTA_HEAD + payload.length}`;
  } catch {
    removeWarmStart(file);
    return undefined;
  }
}

/**
 * Saves `load` for the next command (atomically: a rename) and returns its identity. A warm start that cannot be written
 * (read-only folder, a value that does not serialise) is skipped and any old one removed: it is only a cache.
 */
export function writeWarmStart(file: string, key: Readonly<Record<string, string>>, inputs: LoadInputs, load: SavedLoad, internals: SavedInternals): string | undefined {
  const tmp = `${file}.${process.pid}.tmp`;
  let out: SectionWriter | undefined;
  try {
    const inputBytes = serialize({ spec: inputs.spec, scan: encodeScan(inputs.scan), env: [...inputs.env], cliVars: [...inputs.cliVars] });
    // The nodes apart, each its own blob behind an index (manifest/lazy-nodes.ts): a warm start decodes only the nodes it uses.
    const { identity: _identity, deltaNodes: _deltaNodes, ...plain } = load;
    const loadBytes = serialize({ ...plain, manifest: { ...load.manifest, nodes: new Map() } });
    mkdirSync(dirname(file), { recursive: true });
    // Sections written as they are made, the blobs before their index: the 10k project's ~60 MB of
    // node blobs are written one batch at a time, never held together (a cold command's peak).
    out = new SectionWriter(tmp, headerRoom(key));
    const inputsAt = out.section([inputBytes]);
    const loadAt = out.section([loadBytes]);
    const index = encodeNodeStream(load.manifest.nodes, (blob) => out!.add(blob));
    const blobsAt = out.end();
    const [listed, rest] = splitIndex(index);
    const indexAt = out.section([listed]);
    const tailAt = out.section([rest]);
    const internalsAt = out.section(encodeInternalParts(internals));
    const header: Header = { format: FORMAT, key, sections: [inputsAt, loadAt, blobsAt, indexAt, tailAt, internalsAt] };
    out.finish(JSON.stringify(header));
    out = undefined;
    renameSync(tmp, file);
    // What readWarmStart will call this load (SavedLoad.identity): artifacts of this load can be reused by the next command.
    return `${loadAt.crc32}.${indexAt.crc32}.${tailAt.crc32}.${blobsAt.crc32}:${loadAt.bytes + blobsAt.bytes}`;
  } catch {
    out?.abandon();
    rmSync(tmp, { force: true });
    removeWarmStart(file);
    return undefined;
  }
}

/** Room for the header line: its JSON with the largest section sizes and checksums (the real one is padded to it). */
function headerRoom(key: Readonly<Record<string, string>>): number {
  const widest: Section = { bytes: Number.MAX_SAFE_INTEGER, crc32: 'ffffffff' };
  return Buffer.byteLength(JSON.stringify({ format: FORMAT, key, sections: Array(5).fill(widest) } satisfies Header));
}

/** Removes a warm start that no longer holds (a load that must not be saved leaves none behind). */
export function removeWarmStart(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // a read-only target folder: its key or inputs no longer match, so it is ignored anyway
  }
}

/** The environment as the load sees it, recording each variable it reads (by name). */
export function recordingEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; read: Set<string> } {
  const read = new Set<string>();
  const proxy = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
    has(target, name) {
      if (typeof name === 'string') read.add(name);
      return name in target;
    },
  });
  return { env: proxy, read };
}
