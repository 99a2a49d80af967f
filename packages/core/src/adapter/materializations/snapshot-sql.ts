import type { SnapshotNode } from '../../manifest/nodes.js';
import { resolveSnapshotConfig, SnapshotConfigProblem, type SnapshotSettings } from '../../manifest/snapshot-config.js';
import { ProjectError } from '../../shared/errors.js';
import { quoteIdentifier as q } from '../../render/placeholders.js';
import type { WarehouseColumn } from '../clickhouse-adapter.js';

/**
 * The SQL of a snapshot run, from dbt's snapshot macros (dbt-adapters: snapshots/helpers.sql,
 * strategies.sql) with the same rules, written for ClickHouse:
 *
 * - dbt's staging query joins the query to the current versions once per CTE (insertions, updates,
 *   deletes, deletion_records) and UNION ALLs them. Here one join of the query to the current
 *   versions (`changesSelect`) keeps only the keys that change, flagged by kind; every later
 *   statement reads that small table. The rules per key are dbt's:
 *   - new key (no current version) → insert a version;
 *   - row_changed (timestamp: `dbt_valid_from < updated_at`; check: a check column differs, NULL
 *     against a value counting as a difference, every row when a checked column is new), or (for
 *     new_record) the current version is a deletion record → close it at updated_at, insert a version;
 *   - key gone from the query (invalidate / new_record) → close it at the snapshot time; new_record
 *     also inserts a deletion record (dbt_is_deleted = 'True'), unless the current version is one.
 * - Which side of the join a row came from is read from marker columns, never from NULLs, so
 *   the result does not depend on `join_use_nulls` (a LEFT JOIN fills non-matches with defaults
 *   unless it is 1: dbt-clickhouse's invalidate_hard_deletes breaks on that).
 * - dbt_scd_id is dbt's md5 of `key|…|updated_at` as lowercase hex (Postgres' md5()).
 */
export interface SnapshotShape {
  readonly settings: SnapshotSettings;
  /** The snapshot's compiled query. */
  readonly source: string;
  readonly sourceColumns: readonly WarehouseColumn[];
  /** Types of the unique key expressions over the query (the snapshot's keys are cast to them). */
  readonly keyTypes: readonly string[];
  /** The snapshot time of this run, as a SQL literal (dbt's snapshot_get_time()). */
  readonly now: string;
  /** dbt_scd_id as dbt's md5 hex, or halfMD5 (UInt64) for a table dbt-clickhouse built. */
  readonly hash: 'md5' | 'halfMD5';
  /** The project's (or a package's) snapshot_hash_arguments, which dbt calls instead: its SQL for the arguments. */
  readonly hashSql?: (args: readonly string[]) => string;
  /**
   * Join the query to the current versions by sorting both (full_sorting_merge) rather than hashing
   * 10M current versions: set when the server has it and the query has no JOIN of its own (the
   * setting would reach the user's joins too).
   */
  readonly sortingJoin?: boolean;
}

/** The target table's columns and what this run sees in them. */
export interface TargetShape {
  readonly columns: readonly WarehouseColumn[];
  /** Check strategy: the checked columns both sides have; `columnAdded`: a checked column is new (dbt: every row changed). */
  readonly checked: readonly string[];
  readonly columnAdded: boolean;
}

/** Names of the flag and value columns of the changes table. */
export const C = {
  key: (i: number) => `__tsdbt_k${i + 1}`,
  inSource: '__tsdbt_in_source',
  inTarget: '__tsdbt_in_target',
  updatedAt: '__tsdbt_updated_at',
  oldScd: '__tsdbt_old_scd',
  /** A custom strategy's scd_id of the query's row. */
  scd: '__tsdbt_scd',
  oldFrom: '__tsdbt_old_from',
  oldTo: '__tsdbt_old_to',
  oldDeleted: '__tsdbt_old_deleted',
  src: (name: string) => `__tsdbt_s_${name}`,
  old: (name: string) => `__tsdbt_t_${name}`,
  srcCheck: (i: number) => `__tsdbt_sc${i + 1}`,
  oldCheck: (i: number) => `__tsdbt_tc${i + 1}`,
  /** 1 on rows whose current version closes. */
  closes: '__tsdbt_closes',
  /** The new dbt_valid_to of a closed version. */
  closeTo: '__tsdbt_close_to',
  /** 1 on rows that insert a version from the query. */
  inserts: '__tsdbt_inserts',
  /** 1 on rows that insert a deletion record (new_record). */
  deletion: '__tsdbt_deletion',
} as const;

export const keyList = (s: SnapshotSettings): readonly string[] => (typeof s.uniqueKey === 'string' ? [s.uniqueKey] : s.uniqueKey);

/** dbt's snapshot_hash_arguments: md5 of the arguments cast to text, NULL as '', joined by '|'. */
export function hashArguments(args: readonly string[], hash: 'md5' | 'halfMD5'): string {
  const parts = args.map((a) => `coalesce(toString(${a}), '')`).join(", '|', ");
  return hash === 'md5' ? `lower(hex(MD5(concat(${parts}))))` : `halfMD5(concat(${parts}))`;
}

/** dbt_scd_id's expression: the project's snapshot_hash_arguments when it has one, else dbt's. */
export const scdHash = (shape: SnapshotShape, args: readonly string[]): string => (shape.hashSql ? shape.hashSql(args) : hashArguments(args, shape.hash));

/** A type that can hold NULL (ClickHouse cannot wrap arrays, maps, tuples in Nullable). */
export function nullableOf(type: string): string {
  if (/^(Nullable|LowCardinality\(Nullable)\b/.test(type) || /^(Array|Map|Tuple|Nested|Object|JSON|Variant|Dynamic)\b/.test(type)) return type;
  const lc = /^LowCardinality\((.*)\)$/.exec(type);
  return lc ? `LowCardinality(Nullable(${lc[1]}))` : `Nullable(${type})`;
}

/** The updated_at expression of the strategy: the configured column, else (check) the snapshot time. */
export const updatedAtExpr = (shape: SnapshotShape): string => shape.settings.updatedAt ?? shape.now;

/** dbt_valid_to of a current version: dbt_valid_to_current, else NULL. */
export const currentValidTo = (s: SnapshotSettings): string => s.validToCurrent ?? 'NULL';

/** Rows of the snapshot that are current versions (dbt's snapshotted_data filter). */
export function currentFilter(s: SnapshotSettings, qualifier = ''): string {
  const to = `${qualifier}${q(s.columns.dbt_valid_to)}`;
  return s.validToCurrent ? `(${to} = ${s.validToCurrent} OR ${to} IS NULL)` : `${to} IS NULL`;
}

/**
 * dbt's build_snapshot_table: the first run's table (every row a current version). dbt_valid_to is
 * Nullable(<updated_at's type>); without that type, `if(0, updated_at, …)` gets ClickHouse to type it.
 */
export function firstBuildSelect(shape: SnapshotShape, updatedAtType?: string): string {
  const { settings: s } = shape;
  const u = updatedAtExpr(shape);
  const validTo = updatedAtType ? `CAST(${currentValidTo(s)} AS ${nullableOf(updatedAtType)})` : `if(0, ${u}, ${currentValidTo(s)})`;
  const cols = [
    `${s.custom ? s.custom.scdId : scdHash(shape, [...keyList(s), u])} AS ${q(s.columns.dbt_scd_id)}`,
    `${u} AS ${q(s.columns.dbt_updated_at)}`,
    `${u} AS ${q(s.columns.dbt_valid_from)}`,
    `${validTo} AS ${q(s.columns.dbt_valid_to)}`,
    ...(s.hardDeletes === 'new_record' ? [`'False' AS ${q(s.columns.dbt_is_deleted)}`] : []),
  ];
  return `SELECT *,\n  ${cols.join(',\n  ')}\nFROM (\n${shape.source}\n) AS sbq`;
}

/**
 * The snapshot table's query as the first run builds it, without asking the warehouse anything
 * (validate builds it empty): dbt_valid_to typed from updated_at by `if(0, …)`.
 */
export function snapshotTableSelect(node: SnapshotNode, sql: string): string {
  const settings = resolveSnapshotConfig(node.config);
  if (settings instanceof SnapshotConfigProblem) throw new ProjectError('snapshot_config', `Snapshot '${node.name}': ${settings.message}`, { file: node.originalFilePath, line: node.line, hint: settings.hint });
  const shape: SnapshotShape = { settings, source: sql, sourceColumns: [], keyTypes: [], now: 'now64(6)', hash: 'md5' };
  return firstBuildSelect(shape);
}

/**
 * updated_at as the snapshot table stores it: a table whose dbt_valid_from is DateTime (built by
 * dbt-clickhouse, or before `::timestamp` became DateTime64(6)) keeps whole seconds, so a query's
 * 10:00:00.5 was stored as 10:00:00 and compared later than it on every run — a new version each
 * run. Compared at the stored precision, a row changes when its stored value would.
 */
function atStoredPrecision(updatedAt: string, storedType: string | undefined): string {
  return storedType && /^(Nullable\()?(DateTime|DateTime64|Date|Date32)\b/.test(storedType) ? `CAST(${updatedAt} AS ${nullableOf(storedType)})` : updatedAt;
}

/** dbt's check strategy row_changed, over the checked column pairs (TRUE when a checked column is new). */
function rowChanged(shape: SnapshotShape, target: TargetShape): string {
  const { settings: s } = shape;
  if (s.custom) return `(${s.custom.rowChanged})`;
  if (s.strategy === 'timestamp') return `(${q(C.oldFrom)} < ${atStoredPrecision(q(C.updatedAt), target.columns.find((c) => c.name === s.columns.dbt_valid_from)?.type)})`;
  if (target.columnAdded) return '1';
  const parts = target.checked.map((_, i) => {
    const [a, b] = [q(C.oldCheck(i)), q(C.srcCheck(i))];
    return `${a} != ${b} OR ((${a} IS NULL) AND NOT (${b} IS NULL)) OR ((NOT ${a} IS NULL) AND (${b} IS NULL))`;
  });
  return parts.length ? `(${parts.join(' OR ')})` : '0';
}

/**
 * One pass over the query and the current versions: the keys this run changes, with the query's
 * row, the current version's scd id / valid_from / valid_to (and, for new_record, its values), and
 * what to do (`closes`, `inserts`, `deletion`).
 */
export function changesSelect(shape: SnapshotShape, target: TargetShape, relation: string): string {
  const { settings: s } = shape;
  const keys = keyList(s);
  const targetNames = new Set(target.columns.map((c) => c.name));
  const u = updatedAtExpr(shape);
  const newRecord = s.hardDeletes === 'new_record';
  const deletes = s.hardDeletes !== 'ignore';
  const checked = s.strategy === 'check' && !target.columnAdded ? target.checked : [];
  // [expression, name] of each side's columns; the names are unique across both sides.
  const sourceSide: [string, string][] = [
    ...keys.map((k, i): [string, string] => [`(${k})`, C.key(i)]),
    ['1', C.inSource],
    [u, C.updatedAt],
    ...checked.map((c, i): [string, string] => [q(c), C.srcCheck(i)]),
    ...shape.sourceColumns.map((c): [string, string] => [q(c.name), C.src(c.name)]),
  ];
  const kept = shape.sourceColumns.filter((c) => targetNames.has(c.name));
  const targetSide: [string, string][] = [
    ...keys.map((k, i): [string, string] => [`CAST((${k}) AS ${shape.keyTypes[i]})`, C.key(i)]),
    ['1', C.inTarget],
    [q(s.columns.dbt_scd_id), C.oldScd],
    [q(s.columns.dbt_valid_from), C.oldFrom],
    [q(s.columns.dbt_valid_to), C.oldTo],
    ...(newRecord ? [[q(s.columns.dbt_is_deleted), C.oldDeleted] as [string, string]] : []),
    ...checked.map((c, i): [string, string] => [q(c), C.oldCheck(i)]),
    ...(newRecord ? kept.map((c): [string, string] => [q(c.name), C.old(c.name)]) : []),
  ];
  // A custom strategy's row_changed reads the query's and the current version's columns by their own
  // names, as dbt's staging query joins `source_data` to `snapshotted_data`: both sides carry them too,
  // under those aliases; scd_id is computed over the query's columns.
  const raw = (columns: readonly WarehouseColumn[]): [string, string][] => (s.custom ? columns.map((c): [string, string] => [q(c.name), c.name]) : []);
  if (s.custom) sourceSide.push([s.custom.scdId, C.scd]);
  const list = (side: [string, string][], extra: [string, string][] = []) => [...side, ...extra].map(([e, n]) => `${e} AS ${q(n)}`).join(',\n    ');
  const inSource = `(ifNull(${q(C.inSource)}, 0) = 1)`;
  const inTarget = `(ifNull(${q(C.inTarget)}, 0) = 1)`;
  const wasDeleted = newRecord ? `(ifNull(${q(C.oldDeleted)}, '') = 'True')` : '0';
  const changed = `${inSource} AND ${inTarget} AND (${rowChanged(shape, target)} OR ${wasDeleted})`;
  const gone = deletes ? `${inTarget} AND (NOT ${inSource}) AND (NOT ${wasDeleted})` : '0';
  const flags = [
    `toUInt8(ifNull((${changed}) OR (${gone}), 0)) AS ${q(C.closes)}`,
    `toUInt8(ifNull((${changed}) OR (${inSource} AND NOT ${inTarget}), 0)) AS ${q(C.inserts)}`,
    `toUInt8(ifNull(${newRecord ? gone : '0'}, 0)) AS ${q(C.deletion)}`,
  ];
  // The columns by name, not `*`: old servers (18.x) add the right side's USING keys to the rows a FULL JOIN did not match.
  const names = [...new Set([...sourceSide, ...targetSide].map(([, n]) => n))];
  return [
    `SELECT ${names.map((n) => q(n)).join(', ')},`,
    `  ${flags.join(',\n  ')}`,
    'FROM (',
    `  SELECT\n    ${list(sourceSide, raw(shape.sourceColumns))}\n  FROM (\n${shape.source}\n  ) AS __tsdbt_query`,
    `) AS ${s.custom ? 'source_data' : '__tsdbt_s'} ALL ${deletes ? 'FULL OUTER' : 'LEFT'} JOIN (`,
    `  SELECT\n    ${list(targetSide, raw(target.columns))}\n  FROM ${relation}\n  WHERE ${currentFilter(s)}`,
    `) AS ${s.custom ? 'snapshotted_data' : '__tsdbt_t'} USING (${keys.map((_, i) => q(C.key(i))).join(', ')})`,
    ...(shape.sortingJoin ? ["SETTINGS join_algorithm = 'full_sorting_merge'"] : []),
  ].join('\n');
}

/** The rows of changesSelect that change something. */
export function changedRowsSelect(shape: SnapshotShape, target: TargetShape, relation: string): string {
  return `SELECT * FROM (\n${changesSelect(shape, target, relation)}\n) AS __tsdbt_changes\nWHERE ${q(C.closes)} = 1 OR ${q(C.inserts)} = 1 OR ${q(C.deletion)} = 1`;
}

/** Closed versions: the old scd id and its new dbt_valid_to (updated_at for a change, the snapshot time for a deletion). */
export function closesSelect(shape: SnapshotShape, validToType: string, changes: string): string {
  // One CAST around the if(): old servers (18.x) refuse a constant Nullable branch.
  const to = `CAST(if(ifNull(${q(C.inSource)}, 0) = 1, ${q(C.updatedAt)}, ${shape.now}) AS ${validToType})`;
  return `SELECT ${q(C.oldScd)} AS ${q(shape.settings.columns.dbt_scd_id)}, ${to} AS ${q(C.closeTo)} FROM ${changes} WHERE ${q(C.closes)} = 1`;
}

/** An INSERT column list and SELECT list for `pairs`: target columns and the expressions that fill them. */
export type Fill = readonly (readonly [column: string, expression: string])[];

/** New versions from the query (dbt's insertions): its values plus the meta columns. */
export function insertionFill(shape: SnapshotShape, targetColumns: readonly WarehouseColumn[]): Fill {
  const { settings: s } = shape;
  const types = new Map(targetColumns.map((c) => [c.name, c.type]));
  const out: [string, string][] = shape.sourceColumns.filter((c) => types.has(c.name)).map((c) => [c.name, q(C.src(c.name))]);
  // dbt_scd_id hashes the key's and updated_at's values as the query gave them (computed here, for k rows, not in the join over N).
  const scd = s.custom ? q(C.scd) : scdHash(shape, [...keyList(s).map((_, i) => q(C.key(i))), q(C.updatedAt)]);
  out.push([s.columns.dbt_scd_id, scd], [s.columns.dbt_updated_at, q(C.updatedAt)], [s.columns.dbt_valid_from, q(C.updatedAt)]);
  out.push([s.columns.dbt_valid_to, currentValidTo(s)]);
  if (s.hardDeletes === 'new_record') out.push([s.columns.dbt_is_deleted, "'False'"]);
  return out.map(([name, expr]) => [name, `CAST(${expr} AS ${types.get(name) ?? 'String'})`] as const);
}

/**
 * dbt's deletion_records (new_record): the deleted version's values for the query's columns the
 * snapshot has, valid from the snapshot time, dbt_valid_to as the deleted version's, a new scd id.
 */
export function deletionFill(shape: SnapshotShape, targetColumns: readonly WarehouseColumn[], keptNames: ReadonlySet<string>): Fill {
  const { settings: s } = shape;
  const types = new Map(targetColumns.map((c) => [c.name, c.type]));
  const out: [string, string][] = shape.sourceColumns.filter((c) => keptNames.has(c.name)).map((c) => [c.name, q(C.old(c.name))]);
  out.push(
    [s.columns.dbt_scd_id, scdHash(shape, [q(C.oldScd), shape.now])],
    [s.columns.dbt_updated_at, shape.now],
    [s.columns.dbt_valid_from, shape.now],
    [s.columns.dbt_valid_to, q(C.oldTo)],
    [s.columns.dbt_is_deleted, "'True'"],
  );
  return out.map(([name, expr]) => [name, `CAST(${expr} AS ${types.get(name) ?? 'String'})`] as const);
}

/** `INSERT INTO rel (cols) SELECT exprs FROM changes WHERE flag = 1`. */
export function insertFromChanges(relation: string, fill: Fill, changes: string, flag: string): string {
  return `INSERT INTO ${relation} (${fill.map(([c]) => q(c)).join(', ')})\nSELECT ${fill.map(([, e]) => e).join(', ')}\nFROM ${changes}\nWHERE ${q(flag)} = 1`;
}
