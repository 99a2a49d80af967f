import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import type { CompareOptions } from './compare-nodes.js';

/** A node of a manifest.json (dbt's v12 keys), as read back. */
export type NodeDict = Readonly<Record<string, unknown>>;

/** The parts of a manifest.json the state comparisons read. */
export interface StateManifest {
  readonly nodes: ReadonlyMap<string, NodeDict>;
  readonly macros: ReadonlyMap<string, NodeDict>;
}

/** One row of run_results.json. */
export interface StateResult {
  readonly uniqueId: string;
  readonly status: string;
}

/** One row of sources.json: `maxLoadedAt` is absent for a source whose freshness query errored (dbt's runtime error). */
export interface StateFreshness {
  readonly uniqueId: string;
  readonly status: string;
  readonly maxLoadedAt?: string;
}

/** dbt's PreviousState: what `--state DIR` holds (each artifact only when the file exists). */
export interface PreviousState {
  readonly dir: string;
  /** How the current project compares its nodes with these (its dbt_project.yml `flags:`). */
  readonly compare?: CompareOptions;
  readonly manifest?: StateManifest;
  readonly results?: readonly StateResult[];
  readonly sources?: readonly StateFreshness[];
}

/** Reads `--state DIR` (dbt requires the folder to exist; a missing artifact is an error only when a selector needs it). */
export function readPreviousState(dir: string, cwd = process.cwd()): PreviousState {
  const abs = resolve(cwd, dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new UsageError('state_dir', `--state ${dir}: no such folder`, {
      hint: 'Point --state (or DBT_STATE) at the folder holding the artifacts (manifest.json, run_results.json) of the run to compare with, e.g. a copy of target/ from production.',
    });
  }
  const manifest = readArtifact(abs, 'manifest.json', dir);
  const runResults = readArtifact(abs, 'run_results.json', dir);
  return {
    dir: abs,
    manifest: manifest === undefined ? undefined : stateManifest(manifest, dir),
    results: runResults === undefined ? undefined : resultsOf(runResults),
    sources: readFreshness(abs, dir),
  };
}

/** `sources.json` of a folder (dbt's freshness results), or undefined when there is none. */
export function readFreshness(absDir: string, display = absDir): readonly StateFreshness[] | undefined {
  const sources = readArtifact(absDir, 'sources.json', display);
  if (sources === undefined) return undefined;
  return rows(sources).map((r) => ({
    uniqueId: String(r['unique_id']),
    status: String(r['status']),
    ...(typeof r['max_loaded_at'] === 'string' ? { maxLoadedAt: r['max_loaded_at'] } : {}),
  }));
}

function readArtifact(absDir: string, name: string, display: string): Record<string, unknown> | undefined {
  const path = join(absDir, name);
  if (!existsSync(path)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError('state_artifact', `${join(display, name)} is not valid JSON: ${(error as Error).message}`, {
      hint: 'Copy the artifact again from the run you compare with (it may have been truncated).',
      cause: error,
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError('state_artifact', `${join(display, name)} is not a dbt artifact (expected a JSON object)`);
  return value as Record<string, unknown>;
}

function stateManifest(json: Record<string, unknown>, display: string): StateManifest {
  const nodes = new Map<string, NodeDict>();
  for (const key of ['nodes', 'sources', 'snapshots', 'seeds', 'unit_tests', 'exposures', 'metrics', 'semantic_models', 'saved_queries', 'functions'] as const) {
    const part = json[key];
    if (part && typeof part === 'object') for (const [id, node] of Object.entries(part as Record<string, NodeDict>)) nodes.set(id, node);
  }
  if (!json['nodes'] || typeof json['nodes'] !== 'object')
    throw new UsageError('state_artifact', `${join(display, 'manifest.json')} has no "nodes": not a dbt manifest`);
  const macros = new Map(Object.entries((json['macros'] ?? {}) as Record<string, NodeDict>));
  return { nodes, macros };
}

function resultsOf(json: Record<string, unknown>): StateResult[] {
  return rows(json).map((r) => ({ uniqueId: String(r['unique_id']), status: String(r['status']) }));
}

function rows(json: Record<string, unknown>): Record<string, unknown>[] {
  const results = json['results'];
  return Array.isArray(results) ? results.filter((r): r is Record<string, unknown> => !!r && typeof r === 'object') : [];
}

/** The state's manifest, or dbt's error for a `state:` selector without one. */
export function requireStateManifest(state: PreviousState | undefined, selector: string): StateManifest {
  if (state?.manifest) return state.manifest;
  throw new UsageError(
    'state_missing',
    // dbt's words first ("Got a state selector method, but no comparison manifest"), then which
    state ? `Got a state selector method, but no comparison manifest: '${selector}' compares with ${join(state.dir, 'manifest.json')}, which does not exist` : `Got a state selector method, but no comparison manifest: '${selector}' needs a comparison manifest: pass --state DIR`,
    { hint: 'Run with --state <folder of a previous run\'s manifest.json> (or set DBT_STATE), e.g. the production target/ folder.' },
  );
}
