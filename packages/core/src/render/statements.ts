import { AgateTable } from './agate-table.js';
import { bindArgs } from './call-args.js';
import type { QueryTable, RenderState } from './render-state.js';
import { dbtSemanticsOn } from '../load/dbt-semantics.js';
import { ProjectError } from '../shared/errors.js';
import { raiseInTemplate } from './template-error.js';

/**
 * dbt's statement machinery (global_project macros/etc/statement.sql and the providers behind it):
 * `{% call statement('name', fetch_result=True) %}…{% endcall %}`, `run_query()`, `load_result()`,
 * `store_result()`, `adapter.execute()`. Statements only run when `execute` is true; the SQL is
 * sent as written.
 */

/** dbt's AdapterResponse: prints as its message. */
export class AdapterResponse {
  constructor(readonly _message: string, readonly code: string, readonly rows_affected: number | null) {}
  toString(): string {
    return this._message;
  }
}

/** Whether statements run in this render (dbt's `execute`; a run-time probe answers them with nothing). */
export function executes(st: RenderState): boolean {
  return st.mode === 'execute' || st.runtimeProbe === true;
}

/** Runs `sql`, as adapter.execute() does: (response, table). */
export function executeSql(st: RenderState, sql: string, fetch: boolean, print?: (text: string) => void): [AdapterResponse, AgateTable] {
  st.usesWarehouse = true;
  if (st.runtimeProbe || !st.warehouse) return [new AdapterResponse('OK', 'OK', null), AgateTable.empty()];
  const table = queryFoldingCase(st, sql);
  return [new AdapterResponse('OK', 'OK', table.rows.length), fetch ? new AgateTable(table, print) : AgateTable.empty()];
}

/**
 * A read that ClickHouse refuses for a name it knows only in another case (`created_at` over a seed column
 * `CREATED_AT`: fivetran/dbt_recharge's `dbt_utils.get_single_value("select min(created_at) …")`) is sent
 * again with the column's spelling, as a node's query is under dbt_semantics (the warehouse's caseFold): unquoted
 * names are case-insensitive on every warehouse dbt runs on. Only a SELECT/WITH (it wrote nothing), only
 * with dbt_semantics on for the node rendering it, at most 8 names.
 */
function queryFoldingCase(st: RenderState, sql: string): QueryTable {
  const warehouse = st.warehouse!;
  const folding = READ.test(sql) && dbtSemanticsOn(st.node?.baseConfig ?? {});
  for (let attempt = 0, current = sql; ; attempt++) {
    try {
      return warehouse.runQuery(current);
    } catch (error) {
      const fold = folding && attempt < 8 ? warehouse.caseFold?.(error instanceof Error ? error.message : String(error)) : undefined;
      const next = fold?.(current);
      if (!next || next === current) throw error;
      current = next;
    }
  }
}

const READ = /^\s*(?:select|with)\b/i;

function storeResult(st: RenderState, name: string, response: unknown, table: unknown): void {
  const t = table instanceof AgateTable ? table : AgateTable.empty();
  st.sqlResults.set(name, { response, data: t.matrix(), table: t });
}

/** `print`: where a fetched table's print_table() writes. */
export function statementGlobals(state: () => RenderState, print?: (text: string) => void): Record<string, unknown> {
  const statement = (...args: unknown[]) => {
    const a = bindArgs(args, ['name', 'fetch_result', 'auto_begin', 'language']);
    const st = state();
    if (!executes(st)) {
      st.usesWarehouse = true;
      return '';
    }
    const caller = a.caller as (() => unknown) | undefined;
    const sql = caller ? String(caller()) : '';
    const language = a.language ?? 'sql';
    // dbt's statement macro: Python goes to adapter.submit_python_job, which dbt-clickhouse does not have.
    if (language === 'python')
      raiseInTemplate(new ProjectError('python_submission', `Python models cannot run on ClickHouse: statement(language='python') submits the model's code as a Python job, and the ClickHouse adapter has no Python runtime (default_python_submission_method is not specified)`, {
        file: st.node?.originalFilePath,
        hint: 'Build this model in SQL, or run its Python outside tsdbt and load the result as a source or seed.',
      }));
    if (language !== 'sql') raiseInTemplate(new ProjectError('compiler_error', "statement macro didn't get supported language", { file: st.node?.originalFilePath }));
    const [response, table] = executeSql(st, sql, a.fetch_result === true, print);
    if (a.name !== undefined && a.name !== null) storeResult(st, String(a.name), response, table);
    return '';
  };
  return {
    statement,
    noop_statement: (...args: unknown[]) => {
      const a = bindArgs(args, ['name', 'message', 'code', 'rows_affected', 'res']);
      const caller = a.caller as (() => unknown) | undefined;
      if (caller) caller();
      if (a.name !== undefined && a.name !== null)
        storeResult(state(), String(a.name), new AdapterResponse(String(a.message ?? ''), String(a.code ?? ''), (a.rows_affected as number) ?? null), a.res);
      return '';
    },
    run_query: (sql: unknown) => {
      const st = state();
      if (!executes(st)) {
        st.usesWarehouse = true;
        return null;
      }
      return executeSql(st, String(sql), true, print)[1];
    },
    load_result: (name: unknown) => {
      const results = state().sqlResults;
      const key = String(name);
      if (!results.has(key)) return null;
      const value = results.get(key);
      // As dbt: a result is loaded once (except 'main'); a second load is an error.
      if (value === null) throw new Error(`The 'statement' result named '${key}' has already been loaded into a variable`);
      if (key !== 'main') results.set(key, null);
      return value;
    },
    store_result: (...args: unknown[]) => {
      const a = bindArgs(args, ['name', 'response', 'agate_table']);
      storeResult(state(), String(a.name), a.response, a.agate_table);
      return '';
    },
    store_raw_result: (...args: unknown[]) => {
      const a = bindArgs(args, ['name', 'message', 'code', 'rows_affected', 'agate_table']);
      storeResult(state(), String(a.name), new AdapterResponse(String(a.message ?? ''), String(a.code ?? ''), (a.rows_affected as number) ?? null), a.agate_table);
      return '';
    },
    // dbt writes the 'main' statement's SQL to target/run; tsdbt writes compiled SQL itself.
    write: () => '',
  };
}
