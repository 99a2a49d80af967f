import type { NodeDict } from './previous-state.js';
import { staticConfigCall } from './config-call-text.js';
import { TEST_AUDIT_SCHEMA } from '../manifest/node-dict.js';

export interface CompareOptions {
  /** dbt's flag state_modified_compare_more_unrendered_values: config() arguments compared as written. */
  readonly unrenderedConfigCalls?: boolean;
}

/**
 * dbt's node comparisons (contracts/graph/nodes.py `same_*`) over two manifest.json node dicts:
 * the current project's (written by nodeDict + nodeChecksum) and the state's. Each answers
 * undefined when dbt's node type has no such comparison (a source has no body).
 */

type Dict = Readonly<Record<string, unknown>>;

const isSource = (n: NodeDict) => n['resource_type'] === 'source';
const configOf = (n: NodeDict): Dict => (isRecord(n['config']) ? n['config'] : {});

/**
 * `state:modified.body`: the code as written (dbt's same_body, `raw_code ==`): a whitespace or
 * comment edit is a modification, as in dbt. dbt's raw_code is the file's text stripped at both
 * ends (read_files.py `strip=True`), so a blank line added at the end is not. A seed by its file's
 * checksum.
 */
export function sameBody(cur: NodeDict, old: NodeDict): boolean | undefined {
  if (isSource(cur)) return undefined;
  // Seeds by their file; unit tests by their given/expect/overrides (dbt's UnitTestDefinition.same_contents).
  if (cur['resource_type'] === 'seed' || cur['resource_type'] === 'unit_test') return stableJson(hashOf(cur['checksum'])) === stableJson(hashOf(old['checksum']));
  return String(cur['raw_code'] ?? '').trim() === String(old['raw_code'] ?? '').trim();
}

/** A unit test's checksum: the hash (a manifest of an earlier tsdbt wrote it as a FileHash object). */
const hashOf = (checksum: unknown): unknown => (isRecord(checksum) && checksum['name'] === 'sha256' && typeof checksum['checksum'] === 'string' ? checksum['checksum'] : checksum);

/** Config keys dbt leaves out of the config comparison (CompareBehavior.Exclude): `.relation` compares them. */
const RELATION_KEYS = ['database', 'schema', 'alias'] as const;
/** dbt's NodeConfig fields with CompareBehavior.Exclude: the relation's, and tags and group (a tag or group change is no config change). */
const NOT_COMPARED = new Set<string>([...RELATION_KEYS, 'tags', 'group']);

/**
 * `state:modified.configs`: every config key but database/schema/alias. As dbt's same_config, the
 * configs compared are the *unrendered* ones when both manifests have them (the keys set in the
 * project file, YAML and config(), Jinja as written): `+schema: "{{ env_var('X') }}"` or
 * `+enabled: "{{ target.name == 'prod' }}"` is the same config in CI and in production.
 */
export function sameConfig(cur: NodeDict, old: NodeDict, options: CompareOptions = {}): boolean {
  const strip = (c: Dict) => Object.fromEntries(Object.entries(c).filter(([k]) => !NOT_COMPARED.has(k)));
  // With dbt's state_modified_compare_more_unrendered_values: the SQL config() call's arguments as written.
  const calls = (n: NodeDict) => (options.unrenderedConfigCalls && typeof n['raw_code'] === 'string' ? staticConfigCall(n['raw_code']) : undefined);
  const [callA, callB] = [calls(cur), calls(old)];
  const unrendered = (n: NodeDict, call: Dict | undefined) => (isRecord(n['unrendered_config']) ? (callA && callB ? { ...n['unrendered_config'], ...call } : n['unrendered_config']) : undefined);
  const [a, b] = [unrendered(cur, callA), unrendered(old, callB)];
  if (a && b) return stableJson(strip(a)) === stableJson(strip(b));
  return stableJson(strip(configOf(cur))) === stableJson(strip(configOf(old)));
}

/**
 * `state:modified.relation`: the *configured* database/schema/alias (not the final names, so a CI
 * target with another schema than production compares equal); a source's database/schema/identifier.
 */
export function sameRelation(cur: NodeDict, old: NodeDict): boolean {
  if (isSource(cur)) return ['database', 'schema', 'identifier'].every((k) => (cur[k] ?? null) === (old[k] ?? null));
  // A test's unset schema is dbt's TestConfig default (an older manifest holds null for it).
  const configured = (n: NodeDict, k: string) => configOf(n)[k] ?? (k === 'schema' && n['resource_type'] === 'test' ? TEST_AUDIT_SCHEMA : null);
  return RELATION_KEYS.every((k) => configured(cur, k) === configured(old, k));
}

/** `state:modified.persisted_descriptions`: descriptions, where persist_docs writes them to the warehouse. */
export function samePersistedDescriptions(cur: NodeDict, old: NodeDict): boolean | undefined {
  if (isSource(cur)) return undefined;
  const persist = isRecord(configOf(cur)['persist_docs']) ? (configOf(cur)['persist_docs'] as Dict) : {};
  if (persist['relation'] === true && cur['description'] !== old['description']) return false;
  if (persist['columns'] === true) {
    const descriptions = (n: NodeDict) =>
      stableJson(Object.fromEntries(Object.entries(isRecord(n['columns']) ? n['columns'] : {}).map(([k, c]) => [k, isRecord(c) ? c['description'] ?? '' : ''])));
    if (descriptions(cur) !== descriptions(old)) return false;
  }
  return true;
}

export interface ContractComparison {
  readonly same: boolean;
  /** dbt's breaking changes of an enforced contract: what downstream consumers would notice. */
  readonly breaking: readonly string[];
}

/** `state:modified.contract` (dbt's ModelNode.same_contract): unchanged, or a change and whether it breaks consumers. */
export function compareContract(cur: NodeDict, old: NodeDict): ContractComparison | undefined {
  if (cur['resource_type'] !== 'model') return undefined;
  const contract = (n: NodeDict) => (isRecord(n['contract']) ? n['contract'] : {});
  const wasEnforced = contract(old)['enforced'] === true;
  const isEnforced = contract(cur)['enforced'] === true;
  if (!wasEnforced && !isEnforced) return { same: true, breaking: [] };
  // Enforcing a contract is a change, not a breaking one.
  if (!wasEnforced) return { same: false, breaking: [] };
  if (isEnforced && contract(cur)['checksum'] === contract(old)['checksum']) return { same: true, breaking: [] };
  // dbt's ModelNode.same_contract, its words: what downstream consumers of the contract would notice.
  const breaking: string[] = [];
  if (!isEnforced) breaking.push('Contract enforcement was removed: Previously, this model had an enforced contract. It is no longer configured to enforce its contract, and this is a breaking change.');
  const columns = (n: NodeDict): Record<string, Dict> => (isRecord(n['columns']) ? (n['columns'] as Record<string, Dict>) : {});
  const now = columns(cur);
  const removed: string[] = [];
  const retyped: string[] = [];
  let columnConstraints = false;
  for (const [name, column] of Object.entries(columns(old)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const current = now[name];
    if (!current) removed.push(String(column['name'] ?? name));
    else if ((current['data_type'] ?? null) !== (column['data_type'] ?? null)) retyped.push(`${String(column['name'] ?? name)} (${String(column['data_type'] ?? null)} -> ${String(current['data_type'] ?? null)})`);
    if (Array.isArray(column['constraints']) && column['constraints'].length > 0) columnConstraints = true;
  }
  if (removed.length) breaking.push(`Columns were removed: \n    - ${removed.join('\n    - ')}`);
  if (retyped.length) breaking.push(`Columns with data_type changes: \n    - ${retyped.join('\n    - ')}`);
  // A materialization that enforced constraints (table, incremental) changed to one that does not, with constraints declared.
  const materialized = (n: NodeDict) => String(configOf(n)['materialized']);
  const enforces = (m: string) => m === 'table' || m === 'incremental';
  const modelConstraints = Array.isArray(old['constraints']) && old['constraints'].length > 0;
  if (enforces(materialized(old)) && !enforces(materialized(cur)) && (modelConstraints || columnConstraints))
    breaking.push(`Materialization changed with enforced constraints: \n    - ${materialized(old)} -> ${materialized(cur)}`);
  return { same: false, breaking };
}

/** dbt's `same_contents`: what plain `state:modified` compares (macros aside). */
export function sameContents(cur: NodeDict, old: NodeDict, contract = compareContract(cur, old), options: CompareOptions = {}): boolean {
  const sameFqn = stableJson(cur['fqn']) === stableJson(old['fqn']);
  if (isSource(cur)) {
    // A source's description, tags and meta are not changes (dbt's SourceDefinition.same_contents).
    return sameRelation(cur, old) && sameFqn && sameConfig(cur, old, options) &&
      ['quoting', 'freshness', 'loaded_at_field', 'external'].every((k) => stableJson(cur[k] ?? null) === stableJson(old[k] ?? null));
  }
  const semantic = SEMANTIC_KEYS[String(cur['resource_type'])];
  if (semantic) return semantic.every((k) => stableJson(cur[k] ?? null) === stableJson(old[k] ?? null)) && stableJson(dependsOnNodes(cur)) === stableJson(dependsOnNodes(old));
  return sameBody(cur, old) !== false && sameConfig(cur, old, options) && samePersistedDescriptions(cur, old) !== false && sameFqn && sameRelation(cur, old) && (contract?.same ?? true) && sameRefRepresentation(cur, old);
}

/**
 * What dbt's same_contents compares of an exposure, metric, semantic model or saved query (their
 * YAML keys; tags and meta are no change, but a saved query's tags are). An exposure also compares
 * what it depends on (dependsOnNodes).
 */
const SEMANTIC_KEYS: Readonly<Record<string, readonly string[]>> = {
  exposure: ['fqn', 'type', 'owner', 'maturity', 'url', 'description', 'label', 'config'],
  metric: ['filter', 'metadata', 'type', 'type_params', 'description', 'label', 'config'],
  semantic_model: ['model', 'description', 'defaults', 'entities', 'dimensions', 'measures', 'config', 'primary_entity', 'group'],
  saved_query: ['query_params', 'description', 'label', 'config', 'group', 'exports', 'tags'],
};
const dependsOnNodes = (n: NodeDict) => (n['resource_type'] === 'exposure' && isRecord(n['depends_on']) ? n['depends_on']['nodes'] ?? [] : []);

/** A new exposure, metric, semantic model or saved query is not "modified" (their same_contents answers True for no old node, as a source's). */
export function newIsUnchanged(resourceType: string): boolean {
  return resourceType === 'source' || resourceType in SEMANTIC_KEYS;
}

/**
 * dbt's ModelNode.same_ref_representation: a model's latest_version (unpinned refs move), access and
 * deprecation_date (refs may fail to parse) are changes.
 */
function sameRefRepresentation(cur: NodeDict, old: NodeDict): boolean {
  if (cur['resource_type'] !== 'model') return true;
  return ['latest_version', 'access', 'deprecation_date'].every((k) => stableJson(cur[k] ?? null) === stableJson(old[k] ?? (k === 'access' ? 'protected' : null)));
}

/** Macros added, removed or whose text changed between the two manifests (dbt's `_macros_modified`). */
export function modifiedMacros(current: ReadonlyMap<string, NodeDict>, old: ReadonlyMap<string, NodeDict>): Set<string> {
  const modified = new Set<string>();
  for (const [id, macro] of current) {
    const before = old.get(id);
    if (!before || before['macro_sql'] !== macro['macro_sql']) modified.add(id);
  }
  for (const id of old.keys()) if (!current.has(id)) modified.add(id);
  return modified;
}

/** JSON with sorted keys: two equal values give one text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    isRecord(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
