import { waitForMutations } from '../../../packages/core/src/adapter/materializations/mutations.js';
import type { TsdbtProject } from '../../../packages/core/src/index.js';

/*
 * A snapshot's life over several runs, shared by the fault tests (in this process and in killed
 * child processes): the source `fact` is changed by SQL, then the snapshot runs at a fixed time, so
 * two projects that go through the same steps write identical histories (scd ids included).
 */

export interface Variant {
  readonly name: string;
  /** The snapshot block's config() arguments. */
  readonly config: string;
}

export const VARIANTS: readonly Variant[] = [
  { name: 'timestamp, invalidate', config: "unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='invalidate'" },
  { name: 'check all, new_record', config: "unique_key='id', strategy='check', check_cols='all', hard_deletes='new_record'" },
  { name: 'check, ignore, dbt_valid_to_current', config: "unique_key='id', strategy='check', check_cols=['name'], dbt_valid_to_current=\"toDateTime64('2200-01-01 00:00:00', 6)\"" },
];

export const projectFiles = (variant: Variant): Record<string, string> => ({
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: "{{ target.schema }}"\n    tables:\n      - name: fact\n',
  'snapshots/snap.sql': `{% snapshot snap %}\n{{ config(${variant.config}) }}\nselect * from {{ source('raw', 'fact') }}\n{% endsnapshot %}\n`,
});

/** Each step: statements on the source (`{s}` is the schema), then a snapshot run at `time`. */
export const STEPS: readonly { readonly sql: readonly string[]; readonly time: string }[] = [
  {
    sql: [
      'CREATE TABLE {s}.fact (id Int32, name Nullable(String), updated_at DateTime) ENGINE = MergeTree ORDER BY id',
      "INSERT INTO {s}.fact SELECT toInt32(number), concat('n', toString(number)), toDateTime('2024-01-01 00:00:00') + number FROM numbers(1, 10)",
    ],
    time: '2030-01-01 00:00:01.000001',
  },
  {
    sql: [
      "ALTER TABLE {s}.fact UPDATE updated_at = updated_at + INTERVAL 1 DAY, name = concat(name, '!') WHERE id IN (2, 3)",
      'ALTER TABLE {s}.fact DELETE WHERE id IN (4, 5)',
      "INSERT INTO {s}.fact VALUES (11, 'n11', '2024-01-02 00:00:00'), (12, NULL, '2024-01-02 00:00:00')",
    ],
    time: '2030-01-01 00:00:02.000002',
  },
  {
    // The run under test: changed rows, a row back after deletion, a new deletion, a NULL that gets a value.
    sql: [
      "ALTER TABLE {s}.fact UPDATE updated_at = updated_at + INTERVAL 2 DAY, name = 'six' WHERE id = 6",
      "INSERT INTO {s}.fact VALUES (4, 'n4', '2024-01-05 00:00:00')",
      'ALTER TABLE {s}.fact DELETE WHERE id = 7',
      "ALTER TABLE {s}.fact UPDATE name = 'twelve', updated_at = updated_at + INTERVAL 1 HOUR WHERE id = 12",
    ],
    time: '2030-01-01 00:00:03.000003',
  },
];

type Client = {
  command: (sql: string, options?: { settings?: Record<string, unknown> }) => Promise<void>;
  query: (sql: string, ...rest: never[]) => Promise<unknown[]>;
};

export async function client(project: TsdbtProject): Promise<Client> {
  return (await project.adapter()).client as unknown as Client;
}

/** The source changes of step `i` (no snapshot run); ALTER … UPDATE/DELETE waited for, also where mutations_sync is unknown (18.x). */
export async function changeSource(project: TsdbtProject, schema: string, i: number): Promise<void> {
  const c = await client(project);
  const adapter = await project.adapter();
  const sync = await adapter.hasSetting('mutations_sync');
  if (i === 0) await c.command(`CREATE DATABASE IF NOT EXISTS ${schema}`);
  for (const sql of STEPS[i]!.sql) {
    await c.command(sql.replaceAll('{s}', schema), sync ? { settings: { mutations_sync: 2 } } : undefined);
    if (!sync && /^ALTER/.test(sql)) await waitForMutations(adapter, { schema, identifier: 'fact' });
  }
}

const times = new WeakMap<object, { time: string }>();

/** The snapshot runs of `project` from now on happen at `time` (their one question for now64(6) gets it). */
export async function atTime(project: TsdbtProject, time: string): Promise<void> {
  const c = await client(project);
  const known = times.get(c);
  if (known) {
    known.time = time;
    return;
  }
  const slot = { time };
  times.set(c, slot);
  const original = c.query.bind(c);
  // Servers without DateTime64 (18.x) ask for now(): seconds.
  c.query = (sql: string, ...rest: never[]) =>
    /^SELECT toString\(now64\(6\)\) AS t$/.test(sql) ? Promise.resolve([{ t: slot.time }])
    : /^SELECT toString\(now\(\)\) AS t$/.test(sql) ? Promise.resolve([{ t: slot.time.slice(0, 19) }])
    : original(sql, ...rest);
}

/** Steps 0..n-1: source changes and snapshot runs; returns the run statuses. */
export async function runSteps(project: TsdbtProject, schema: string, n: number): Promise<string[]> {
  const statuses: string[] = [];
  for (let i = 0; i < n; i++) {
    await changeSource(project, schema, i);
    await atTime(project, STEPS[i]!.time);
    statuses.push((await project.snapshot()).results.map((r) => `${r.status}: ${r.message}`).join());
  }
  return statuses;
}

/** The snapshot's rows, every column as text, in a fixed order. */
export async function history(project: TsdbtProject, schema: string): Promise<string[]> {
  const rows = (await (await client(project)).query(`SELECT * FROM ${schema}.snap ORDER BY id, dbt_valid_from, dbt_scd_id`)) as Record<string, unknown>[];
  return rows.map((r) => JSON.stringify(r));
}

/** Tables of the schema other than the source and the snapshot: temporaries a run left. */
export async function leftovers(project: TsdbtProject, schema: string): Promise<string[]> {
  const rows = (await (await client(project)).query(`SELECT name FROM system.tables WHERE database = '${schema}' AND name NOT IN ('fact', 'snap') ORDER BY name`)) as { name: string }[];
  return rows.map((r) => r.name);
}
