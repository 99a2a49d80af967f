import type { TsdbtProject } from '../../packages/core/src/index.js';
import { queryRows } from './inline-project.js';

/*
 * Another writer beside a build, at chosen statements of it (conditions, not timing): the carry tests
 * (custom strategy, rebuild for new columns, delete+insert, microbatch, tables without parts) INSERT into
 * the table themselves right after — or right before — a statement the build sends, on the build's own
 * client. die-after.ts adds a process that dies at a statement.
 */

/** A statement of the other writer: sent on the project's client, past the hook that runs it. */
export type Send = (sql: string, o?: unknown) => Promise<unknown>;

export interface AtOptions {
  /** Act right before the statement is sent (default: right after it was answered). */
  readonly before?: boolean;
  /** Act at every statement `when` matches (default: only the first). */
  readonly every?: boolean;
}

/**
 * Runs `act(sql, send)` at the first statement of the project's client (one thread) that `when` matches
 * (a pattern, or a test that may depend on what an earlier hook saw).
 * Hooks stack: a later one wraps the earlier ones, and its `send` goes through them. Returns whether
 * `act` ran.
 */
export async function atStatement(
  project: TsdbtProject,
  when: RegExp | ((sql: string) => boolean),
  act: (sql: string, send: Send) => Promise<void>,
  options: AtOptions = {},
): Promise<() => boolean> {
  const client = (await project.adapter(1)).client as unknown as Record<'command', Send>;
  const original = client.command.bind(client);
  const send: Send = (sql) => original(sql);
  const matches = typeof when === 'function' ? when : (sql: string) => when.test(sql);
  let acted = 0;
  client.command = async (sql, o) => {
    const hit = (options.every || acted === 0) && matches(sql);
    if (hit) acted++;
    if (hit && options.before) await act(sql, send);
    const answer = await original(sql, o);
    if (hit && !options.before) await act(sql, send);
    return answer;
  };
  return () => acted > 0;
}

/** A custom incremental strategy (dbt's get_incremental_<name>_sql): the new rows whose id the table lacks. */
export const INSERT_NEW_STRATEGY = `{% macro get_incremental_insert_new_sql(arg_dict) %}
  insert into {{ arg_dict['target_relation'] }} select * from {{ arg_dict['temp_relation'] }}
  where id not in (select id from {{ arg_dict['target_relation'] }})
{% endmacro %}`;

/** An incremental model of (id, msg) on INSERT_NEW_STRATEGY: (1 a, 2 b), then (2 B, 3 c) offered. */
export const insertNewModel = (config: string): string => `{{ config(materialized='incremental', incremental_strategy='insert_new', ${config}) }}
{% if not is_incremental() %}select toUInt32(1) as id, 'a' as msg union all select 2, 'b'
{% else %}select toUInt32(2) as id, 'B' as msg union all select 3, 'c'{% endif %}`;

/** The EXCHANGE swapping a model `m`'s copy in; group 1: the copy's name, the old table's after it. */
export const EXCHANGE_COPY = /^\s*EXCHANGE TABLES `[^`]+`\.`(m__tsdbt_tmp_\w+__(?:work|new))`/;

/** The (id, msg) rows of `table` (`schema.m`), in order. */
export const idMsgRows = (project: TsdbtProject, table: string) => queryRows(project, `SELECT id, msg FROM ${table} ORDER BY id, msg`);

/** The tables of `schema` by name, in order: what a build left. */
export const tableNames = async (project: TsdbtProject, schema: string): Promise<string[]> =>
  (await queryRows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${schema}' ORDER BY name`)).map((r) => r.name);
