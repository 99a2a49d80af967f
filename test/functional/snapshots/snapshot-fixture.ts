import type { TsdbtProject } from '../../../packages/core/src/index.js';
import type { InlineProject } from '../../helpers/inline-project.js';

/** A statement on the project's warehouse (DDL/DML for the test's source table). */
export async function exec(project: TsdbtProject, sql: string): Promise<void> {
  await (await project.adapter()).client.command(sql, { settings: { mutations_sync: 2 } });
}

export async function rows<T = Record<string, unknown>>(project: TsdbtProject, sql: string): Promise<T[]> {
  return (await project.adapter()).client.query<T>(sql);
}

/** `sources:` YAML for tables the test creates itself in the project's schema. */
export const sourceYaml = (tables: readonly string[]) =>
  `version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n${tables.map((t) => `      - name: ${t}\n`).join('')}`;

/**
 * Makes each snapshot run's time (dbt's snapshot_get_time()) the next of `times`, so two projects
 * run through the same steps write identical histories (scd ids included). The run asks the server
 * once per run for `now64(6)`; that question gets the fixed answer.
 */
export async function fixSnapshotTimes(project: TsdbtProject, times: string[]): Promise<void> {
  const client = (await project.adapter()).client as { query: (sql: string, ...rest: never[]) => Promise<unknown> };
  const original = client.query.bind(client);
  client.query = (sql: string, ...rest: never[]) => {
    if (/^SELECT toString\(now64\(6\)\) AS t$|^SELECT toString\(now\(\)\) AS t$/.test(sql)) {
      const t = times.shift();
      if (t === undefined) throw new Error('fixSnapshotTimes: more snapshot runs than times');
      return Promise.resolve([{ t }]);
    }
    return original(sql, ...rest);
  };
}

/** The snapshot's history, ordered, with the columns a test compares. */
export async function history(project: TsdbtProject, p: InlineProject, name: string, columns: string): Promise<Record<string, unknown>[]> {
  return rows(project, `SELECT ${columns} FROM ${p.schema}.${name} ORDER BY id, dbt_valid_from, dbt_valid_to`);
}

/** The apply paths of snapshot-apply.ts; tests run under each. */
export const APPLY_PATHS = ['hardlink', 'rewrite'] as const;

/**
 * Makes the project's snapshots take `path`: `rewrite` is what servers without joinGet / synchronous
 * mutations (18.x), cluster mode and other engines get; here the embedded engine pretends to lack joinGet.
 */
export async function useApplyPath(project: TsdbtProject, path: (typeof APPLY_PATHS)[number]): Promise<void> {
  if (path === 'hardlink') return;
  const adapter = await project.adapter();
  const original = adapter.hasFunction.bind(adapter);
  adapter.hasFunction = (name: string) => (name === 'joinGet' ? Promise.resolve(false) : original(name));
}

/** The tables of `schema` (temporaries of a run would show here). */
export async function tablesOf(project: TsdbtProject, schema: string): Promise<string[]> {
  return (await rows<{ name: string }>(project, `SELECT name FROM system.tables WHERE database = '${schema}' ORDER BY name`)).map((r) => r.name);
}
