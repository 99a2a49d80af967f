import { DatabaseError, TsdbtError } from '../shared/errors.js';
import { pythonModelError } from './python-model.js';
import type { ManifestNode, ModelNode } from '../manifest/nodes.js';
import { withJoinUseNulls } from '../load/dbt-semantics.js';
import { folderConfig } from '../load/node-config.js';
import type { ProjectFile } from '../load/project-file.js';
import { splitStatements } from '../shared/sql-statements.js';
import type { ClickHouseAdapter } from '../adapter/clickhouse-adapter.js';
import { nodeSqlAsync } from './node-sql.js';
import type { RunContext } from './run-context.js';
import { withRunSettings } from './dbt-semantics/run-settings.js';
import { runWithCommonTypes, withoutVariantCommonType } from './dbt-semantics/common-types.js';

/** `SELECT * FROM (<sql>) LIMIT n` (a negative limit: every row), as dbt show previews. */
export function previewSql(sql: string, limit: number): string {
  const body = sql.replace(/;\s*$/, '');
  return limit >= 0 ? `SELECT * FROM (\n${body}\n) LIMIT ${limit}` : body;
}

/**
 * `show --select <model>`: the model's rows as its build makes them (dbt show runs what the model
 * builds): rendered at run time if it must be, `t.col` named `col`, its query settings and
 * dbt_semantics' ones, and the run's rewrites — common types (a refused one retried with its sites
 * cast; a preview only reads, so a second attempt repeats nothing) and rounding CASTs.
 */
export async function modelPreviewRows(ctx: RunContext, adapter: ClickHouseAdapter, node: ModelNode, limit: number, wide?: string[]): Promise<Record<string, unknown>[]> {
  // A Python model has no SQL to preview: the error its run gives, not its code sent as SQL.
  if (node.language === 'python') throw pythonModelError(ctx, node);
  const loose = await withRunSettings(adapter, node, ctx.manifest.nodes);
  const strict = withoutVariantCommonType(loose, await adapter.hasSetting('use_variant_as_common_type').catch(() => false));
  return runWithCommonTypes(adapter.client, strict, loose, [], async (run) => {
    const sql = await nodeSqlAsync(ctx, run);
    const own = run.config.query_settings;
    const settings = own && typeof own === 'object' && !Array.isArray(own) ? (own as Record<string, unknown>) : undefined;
    const rows = await adapter.client.query<Record<string, unknown>>(previewSql(sql, limit), settings ? { settings } : undefined);
    if (wide && hasDigitText(rows)) wide.push(...wideIntegerColumns(await adapter.queryColumns(sql, undefined, settings)));
    return rows;
  });
}

/**
 * ClickHouse's JSON writes 64-bit and wider integers as text (output_format_json_quote_64bit_integers,
 * adapter/warehouse-client.ts): the columns of such a type, whose values `show --output json` writes
 * as numbers (dbt's agate rows hold Python ints). Asked only when some value is digits in text.
 */
export function wideIntegerColumns(columns: readonly { readonly name: string; readonly type: string }[]): string[] {
  return columns.filter((c) => WIDE_INTEGER.test(c.type)).map((c) => c.name);
}

const WIDE_INTEGER = /^(?:LowCardinality\()?(?:Nullable\()?U?Int(?:64|128|256)\)*$/;

/** Whether some value of `rows` is an integer written as text (else no column can be a wide integer one). */
export function hasDigitText(rows: readonly Record<string, unknown>[]): boolean {
  return rows.some((r) => Object.values(r).some((v) => typeof v === 'string' && /^-?\d+$/.test(v)));
}

/**
 * `show --inline`: the SQL (compiled: refs resolved) previewed as an ad-hoc model of the project
 * would be (modelPreviewRows): dbt_semantics' settings and rewrites apply, so `select 1 union
 * select 1` or `cast(1.5 as int)` answer as in a model, not as ClickHouse's own. It takes the
 * project's model-level config from `pf` (its `dbt_semantics: false` keeps ClickHouse's answers).
 */
export async function inlinePreviewRows(ctx: RunContext, adapter: ClickHouseAdapter, sql: string, pf: ProjectFile, limit: number, wide?: string[]): Promise<Record<string, unknown>[]> {
  // Several statements: sent as written, so the warehouse's refusal is dbt's "Database Error" (a model's is a project error).
  if (splitStatements(sql).length > 1) return adapter.client.query<Record<string, unknown>>(previewSql(sql, limit));
  const config = folderConfig(pf.modelsConfig, [ctx.manifest.projectName], pf.file, pf.yaml.lineOf, ['models']);
  const node: ModelNode = {
    uniqueId: 'sql_operation.inline',
    resourceType: 'model',
    name: 'inline',
    packageName: ctx.manifest.projectName,
    fqn: [ctx.manifest.projectName, 'inline'],
    originalFilePath: '<inline>',
    line: 1,
    description: '',
    // The project's model-level config (dbt_semantics, query_settings, sql_header), as a view's.
    config: { ...config, enabled: true, materialized: 'view', tags: [], meta: {} },
    tags: [],
    columns: {},
    dependsOn: [],
    macrosUsed: [],
    relation: { schema: '', identifier: 'inline' },
    rawCode: sql,
    renderedCode: sql,
    refs: [],
    sources: [],
    renderAtRuntime: false,
  };
  const nodes = withJoinUseNulls(new Map<string, ManifestNode>([[node.uniqueId, node]]));
  return modelPreviewRows(ctx, adapter, nodes.get(node.uniqueId) as ModelNode, limit, wide);
}

/** One previewed node of `show` (`node` absent: inline SQL), as dbt's ShowNode event carries it. */
export interface Preview {
  readonly node?: string;
  readonly rows: Record<string, unknown>[];
  /** Columns of a 64-bit or wider integer type, whose values `rows` holds as text (exact): numbers in dbt's JSON. */
  readonly wideIntegers?: readonly string[];
}

/** dbt show's name of a node: its name, `name.vN` for a model version (dbt's ShowTask). */
export function previewName(node: { readonly name: string; readonly version?: string }): string {
  return node.version === undefined ? node.name : `${node.name}.v${node.version}`;
}

/**
 * dbt show keeps, of the nodes its selection picks, those whose name is written in the `--select`
 * text (ShowTask.task_end_messages: `result.node.name in selection_arg[0]`): `--select a+`
 * previews `a`, not its children.
 */
export function namedInSelection<T extends { readonly name: string }>(nodes: readonly T[], select: string): T[] {
  return nodes.filter((n) => select.includes(n.name));
}

/** A statement the warehouse refused while previewing, worded as dbt's "Database Error in <what>". */
export function previewDatabaseError(error: unknown, what: string): unknown {
  if (error instanceof TsdbtError && !(error instanceof DatabaseError)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith('Database Error')) return error;
  const code = error instanceof DatabaseError ? error.code : 'database';
  return new DatabaseError(code, `Database Error in ${what}\n  ${message}`, { cause: error, hint: error instanceof DatabaseError ? error.hint : undefined });
}
