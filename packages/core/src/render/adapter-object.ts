import { bindArgs, given } from './call-args.js';
import { Column } from './column.js';
import { quoteIdentifier } from './placeholders.js';
import { Relation } from './relation.js';
import { S3ConfigError, s3SourceClause } from './s3-source.js';
import { compareVersions, serverVersion, VersionFormatError } from './server-version.js';
import type { RenderState, RenderWarehouse, WarehouseRelation } from './render-state.js';
import { executeSql } from './statements.js';
import { ProjectError } from '../shared/errors.js';
import { raiseInTemplate } from './template-error.js';
import { undefinedCallable } from './jinja-compat/python-values.js';

/**
 * dbt's `adapter` object (BaseAdapter's `@available` methods, as dbt-clickhouse implements them)
 * and `api` (Relation, Column). Methods that read the warehouse answer as dbt does at parse time
 * (None, an empty list) and mark the render to be repeated at run time; `adapter.dispatch` lives
 * with the macro lookup (dbt-context.ts).
 */

type RelationLike = { schema?: unknown; identifier?: unknown; type?: unknown } | null | undefined;

const relationOf = (w: WarehouseRelation) => Relation.create({ schema: w.schema, identifier: w.identifier, type: w.type, __keywords: true });

function nameOf(rel: RelationLike): { schema: string; identifier: string } {
  return { schema: String(rel?.schema ?? ''), identifier: String(rel?.identifier ?? '') };
}

/** dbt-clickhouse's settings text: strings quoted unless they already are. */
function settingsText(settings: unknown): string {
  if (!settings || typeof settings !== 'object') return '';
  const parts = Object.entries(settings as Record<string, unknown>).map(([k, v]) =>
    typeof v === 'string' && !v.startsWith("'") ? `${k}='${v}'` : `${k}=${typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v)}`,
  );
  return parts.length ? `SETTINGS ${parts.join(', ')}\n` : '';
}

function configOf(model: unknown): Record<string, unknown> {
  const config = (model as { config?: unknown } | null)?.config;
  if (config && typeof config === 'object') {
    const get = (config as { get?: unknown }).get;
    if (typeof get === 'function' && !('query_settings' in config)) return { query_settings: get('query_settings'), settings: get('settings') };
    return config as Record<string, unknown>;
  }
  return {};
}

export interface AdapterOptions {
  readonly state: () => RenderState;
  readonly cluster?: string;
  /** Where a fetched table's print_table() writes. */
  readonly print?: (text: string) => void;
}

export function adapterObject({ state, cluster, print }: AdapterOptions): Record<string, unknown> {
  /** The warehouse at run time; at parse time undefined (and the render is marked to run again). */
  const warehouse = (): RenderWarehouse | undefined => {
    const st = state();
    st.usesWarehouse = true;
    return st.runtimeProbe ? undefined : st.warehouse;
  };
  const run = (sql: string) => {
    const st = state();
    if (warehouse()) executeSql(st, sql, false);
  };
  const onCluster = () => warehouse()?.onCluster() ?? '';
  /** dbt-clickhouse's version checks: false without a connection (parse time), its error for a malformed version. */
  const versionCompare = (test: (server: string) => boolean): boolean => {
    const w = warehouse();
    if (!w) return false;
    try {
      return test(serverVersion(w));
    } catch (error) {
      if (!(error instanceof VersionFormatError)) throw error;
      return raiseInTemplate(new ProjectError('version_format', `Runtime Error: ${error.message}`, {
        file: state().node?.originalFilePath,
        hint: "Write the version as numbers separated by '.', e.g. adapter.is_before_version('22.7.1.2484').",
      }));
    }
  };
  const columns = (rel: RelationLike): Column[] => {
    const w = warehouse();
    if (!w || !rel) return [];
    const { schema, identifier } = nameOf(rel);
    return w.columns(schema, identifier).map((c) => new Column(c.name, c.dataType));
  };
  const getRelation = (...args: unknown[]) => {
    const a = bindArgs(args, ['database', 'schema', 'identifier']);
    const w = warehouse();
    if (!w) return null;
    const found = w.relation(String(a.schema ?? ''), String(a.identifier ?? ''));
    return found ? relationOf(found) : null;
  };

  // dbt's adapter.Relation / adapter.Column: the classes api.* names (adapter.Relation.create(...)).
  const api = apiObject();
  return {
    Relation: api.Relation,
    Column: api.Column,
    type: () => 'clickhouse',
    quote: (identifier: unknown) => quoteIdentifier(String(identifier)),
    quote_as_configured: (identifier: unknown) => quoteIdentifier(String(identifier)),
    quote_seed_column: (column: unknown, quoteConfig: unknown) => (quoteConfig === false ? String(column) : quoteIdentifier(String(column))),
    get_relation: getRelation,
    load_relation: (rel: RelationLike) => getRelation(null, rel?.schema, rel?.identifier),
    get_columns_in_relation: columns,
    get_column_schema_from_query: (sql: unknown) => {
      const w = warehouse();
      if (!w) return [];
      return w.runQuery(`DESCRIBE (\n${String(sql)}\n)`).rows.map((r) => new Column(String(r[0]), String(r[1])));
    },
    /** Columns of `from` that `to` lacks (dbt: compared case-insensitively). */
    get_missing_columns: (from: RelationLike, to: RelationLike) => {
      const have = new Set(columns(to).map((c) => c.name.toLowerCase()));
      return columns(from).filter((c) => !have.has(c.name.toLowerCase()));
    },
    // ClickHouse strings have no length: there is nothing to expand.
    expand_target_column_types: () => '',
    list_relations: (...args: unknown[]) => {
      const a = bindArgs(args, ['database', 'schema']);
      return warehouse()?.relationsIn(String(a.schema ?? '')).map(relationOf) ?? [];
    },
    list_relations_without_caching: (schemaRelation: RelationLike) => warehouse()?.relationsIn(String(schemaRelation?.schema ?? '')).map(relationOf) ?? [],
    list_schemas: () => warehouse()?.runQuery('SELECT name FROM system.databases').rows.map((r) => String(r[0])) ?? [],
    check_schema_exists: (...args: unknown[]) => {
      const a = bindArgs(args, ['database', 'schema']);
      return warehouse()?.schemaExists(String(a.schema ?? '')) ?? false;
    },
    already_exists: (...args: unknown[]) => {
      const a = bindArgs(args, ['schema', 'name']);
      return warehouse()?.relationExists(String(a.schema ?? ''), String(a.name ?? '')) ?? false;
    },
    create_schema: (rel: RelationLike) => {
      run(`CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(nameOf(rel).schema)}${onCluster()}`);
      return '';
    },
    drop_schema: (rel: RelationLike) => {
      run(`DROP DATABASE IF EXISTS ${quoteIdentifier(nameOf(rel).schema)}${onCluster()}`);
      return '';
    },
    drop_relation: (rel: RelationLike) => {
      const { schema, identifier } = nameOf(rel);
      const kind = rel?.type === 'dictionary' ? 'DICTIONARY' : 'TABLE'; // DROP TABLE drops views too
      run(`DROP ${kind} IF EXISTS ${quoteIdentifier(schema)}.${quoteIdentifier(identifier)}${onCluster()}`);
      return '';
    },
    truncate_relation: (rel: RelationLike) => {
      const { schema, identifier } = nameOf(rel);
      run(`TRUNCATE TABLE IF EXISTS ${quoteIdentifier(schema)}.${quoteIdentifier(identifier)}${onCluster()}`);
      return '';
    },
    /** As dbt-clickhouse: the target name is dropped first, then the relation renamed. */
    rename_relation: (from: RelationLike, to: RelationLike) => {
      const f = nameOf(from);
      const t = nameOf(to);
      run(`DROP TABLE IF EXISTS ${quoteIdentifier(t.schema)}.${quoteIdentifier(t.identifier)}${onCluster()}`);
      run(`RENAME TABLE ${quoteIdentifier(f.schema)}.${quoteIdentifier(f.identifier)} TO ${quoteIdentifier(t.schema)}.${quoteIdentifier(t.identifier)}${onCluster()}`);
      return '';
    },
    execute: (...args: unknown[]) => {
      const a = bindArgs(args, ['sql', 'auto_begin', 'fetch', 'limit']);
      const [response, table] = executeSql(state(), String(a.sql), a.fetch === true, print);
      return [response, given(a.limit) ? table.limit(a.limit) : table];
    },
    // ClickHouse has no transactions: dbt's commit/begin/rollback do nothing.
    commit: () => '',
    begin: () => '',
    rollback: () => '',
    cache_added: () => '',
    cache_dropped: () => '',
    cache_renamed: () => '',
    // dbt's BaseAdapter.standardize_grants_dict: privilege_type → its grantees, from get_show_grant_sql's rows.
    standardize_grants_dict: (table: unknown) => {
      const out: Record<string, unknown[]> = {};
      for (const row of (table ?? []) as Iterable<Record<string, unknown>>) (out[String(row.privilege_type)] ??= []).push(row.grantee);
      return out;
    },
    /** dbt's behavior flags (adapter.behavior.<flag>.setting / .no_warn): none is turned on. */
    behavior: new Proxy({}, { get: () => ({ setting: false, no_warn: false }) }),
    get_clickhouse_cluster_name: () => (cluster ? `"${cluster}"` : null),
    get_clickhouse_local_suffix: () => '_local',
    get_clickhouse_local_db_prefix: () => '',
    clickhouse_db_engine_clause: () => '',
    should_on_cluster: () => Boolean(cluster),
    is_before_version: (version: unknown) => versionCompare((server) => compareVersions(String(version), server) > 0),
    is_at_or_after_version: (version: unknown) => versionCompare((server) => compareVersions(server, String(version)) >= 0),
    format_columns: (cols: unknown) => (Array.isArray(cols) ? cols.map((c: { name?: unknown; data_type?: unknown }) => ({ name: c?.name, data_type: c?.data_type })) : []),
    s3source_clause: (...args: unknown[]) => {
      try {
        return s3SourceClause(args);
      } catch (error) {
        if (!(error instanceof S3ConfigError)) throw error;
        raiseInTemplate(new ProjectError('s3_config', `Runtime Error: ${error.message}`, {
          file: state().node?.originalFilePath,
          hint: 'Give both aws_access_key_id and aws_secret_access_key (and role_arn with external_id) in the clickhouse_s3source call, the model\'s S3 config or the project var of that name.',
        }));
      }
    },
    supports_atomic_exchange: () => true,
    can_exchange: (schema: unknown, type: unknown) => type === 'table' && Boolean(schema),
    /** dbt-clickhouse (elementary's ClickHouse hook calls it): the model's query_settings as a SETTINGS clause. */
    get_model_query_settings: (model: unknown) => {
      const text = settingsText(configOf(model).query_settings);
      return text ? `\n-- settings_section\n${text}` : '';
    },
    get_model_settings: (model: unknown) => `\n-- end_of_sql\n${settingsText(configOf(model).settings)}`,
  };
}

/**
 * dbt's `adapter` for a method it does not have (`adapter.invalid_method()`): dbt parses such a
 * call (its parse-time Undefined is callable) and fails the node at run time with a Compilation
 * Error. So here: at parse time the call gives '' and marks the render to be repeated at run time,
 * where it raises. Not called, the attribute is Jinja's Undefined (`{% if adapter.x %}` is false,
 * `adapter.x is defined` too, `{{ adapter.x }}` prints ''). Names starting with `_` and symbols are left alone (JS and Python protocols).
 */
export function withUnknownMethods<T extends Record<string, unknown>>(adapter: T, state: () => RenderState): T {
  return new Proxy(adapter, {
    get(target, name, receiver) {
      if (typeof name !== 'string' || name in target || name.startsWith('_') || name === 'then' || name === 'toJSON') return Reflect.get(target, name, receiver);
      return undefinedCallable((..._args: unknown[]) => {
        const st = state();
        if (st.mode === 'parse' || st.runtimeProbe) {
          st.usesWarehouse = true;
          return '';
        }
        raiseInTemplate(new ProjectError('compilation', `Compilation Error: 'adapter' object has no attribute '${name}'`, {
          file: st.node?.originalFilePath,
          hint: 'Check the method name against dbt\'s adapter methods (adapter.get_relation, adapter.get_columns_in_relation, adapter.dispatch, …).',
        }));
      });
    },
  });
}

/** `api`: Relation and Column as templates construct them (`api.Relation.create(...)`, `api.Column(...)`). */
export function apiObject(): Record<string, unknown> {
  const relation = {
    create: (...args: unknown[]) => Relation.create(...args),
    Table: 'table',
    View: 'view',
    CTE: 'cte',
    MaterializedView: 'materialized_view',
    External: 'external',
    Dictionary: 'dictionary',
    get_relation_type: Relation.get_relation_type,
  };
  const column = Object.assign((...args: unknown[]) => Column.make(...args), {
    create: (...args: unknown[]) => Column.create(...args),
    translate_type: (t: unknown) => Column.translate_type(t),
    from_description: (name: unknown, type: unknown) => Column.from_description(name, type),
    string_type: (size?: unknown) => Column.string_type(size),
    numeric_type: (dtype: unknown, precision: unknown, scale: unknown) => Column.numeric_type(dtype, precision, scale),
  });
  return { Relation: relation, Column: column };
}
