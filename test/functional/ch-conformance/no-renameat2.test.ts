import { afterEach, describe, expect, it } from 'vitest';
import { inlineProject, queryRows, type InlineProject } from '../../helpers/inline-project.js';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { HACKERS_MV_MODEL, PEOPLE_SEED_CSV, SEED_SCHEMA_YML } from './common.js';

/*
 * dbt-clickhouse view/test_view_no_renameat2.py (TestClickHouseViewNoRenameat2): on a filesystem without
 * renameat2(RENAME_EXCHANGE) (NFS, EFS, CephFS…) ClickHouse refuses every exchange of two objects' files —
 * CREATE OR REPLACE over an existing view and EXCHANGE TABLES — with UNSUPPORTED_METHOD. Upstream emulates it
 * with a seccomp profile in a docker container; here the warehouse client refuses those statements with
 * ClickHouse's error, as such a server does. A second run replaces the view and the table (staged + one
 * RENAME, which needs no exchange) instead of failing on every run after the first.
 */
const REFUSAL = 'Code: 1. DB::Exception: Cannot exchange /var/lib/clickhouse/store/a and /var/lib/clickhouse/store/b because renameat2 is not supported. (UNSUPPORTED_METHOD)';

const opened: { p: InlineProject; project: TsdbtProject }[] = [];
afterEach(async () => {
  for (const { p, project } of opened.splice(0)) {
    await project.close();
    p.cleanup();
  }
});

/** A project whose warehouse client refuses what a server without renameat2 refuses; `sent` logs the statements. */
async function withoutRenameat2(p: InlineProject, sent: string[], vars?: Record<string, unknown>) {
  const project = p.open(vars ? { vars } : {});
  opened.push({ p, project });
  const client = (await project.adapter(1)).client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const command = client.command!.bind(client);
  client.command = async (...args: unknown[]) => {
    const sql = String(args[0]);
    sent.push(sql);
    if (/^\s*(?:\/\*.*?\*\/\s*)?(?:EXCHANGE TABLES|CREATE OR REPLACE VIEW)\b/is.test(sql)) throw new Error(REFUSAL);
    return command(...args);
  };
  return project;
}

describe('a server without renameat2 (dbt-clickhouse TestClickHouseViewNoRenameat2)', () => {
  it('a view and a table are replaced on every run: staged and swapped in by one RENAME', async () => {
    const p = inlineProject({
      'models/simple_view.sql': "{{ config(materialized='view') }}\nselect {{ var('col_value', 1) }} as id\n",
      'models/simple_table.sql': "{{ config(materialized='table') }}\nselect {{ var('col_value', 1) }} as id\n",
    });
    const first = await (await withoutRenameat2(p, [])).run({ threads: 1 });
    expect(first.results.map((r) => r.status)).toEqual(['success', 'success']);

    const sent: string[] = [];
    const project = await withoutRenameat2(p, sent, { col_value: 2 });
    const second = await project.run({ threads: 1 });
    expect(second.results.map((r) => [r.node.name, r.status, r.error?.message])).toEqual([
      ['simple_table', 'success', undefined],
      ['simple_view', 'success', undefined],
    ].sort());
    expect(await queryRows(project, `select id from ${p.schema}.simple_view`)).toEqual([{ id: 2 }]);
    expect(await queryRows(project, `select id from ${p.schema}.simple_table`)).toEqual([{ id: 2 }]);
    expect(sent.filter((s) => /\bRENAME TABLE\b/.test(s))).toHaveLength(2);
    // nothing staged is left behind
    expect(await queryRows(project, `select name from system.tables where database = '${p.schema}' order by name`)).toEqual([{ name: 'simple_table' }, { name: 'simple_view' }]);
  });
});

/*
 * dbt-clickhouse materialized_view/test_materialized_view.py TestCatchup.test_full_refresh_catchup_disabled_no_exchange:
 * upstream mocks can_exchange = False and dbt-clickhouse drops and recreates the view and its table (no
 * backfill with catchup=False). Here the warehouse refuses EXCHANGE TABLES as a server without renameat2
 * does: the rebuild (mv-unit.ts) swaps its new table in with one three-step RENAME instead (staging.ts
 * exchangeTables) — the view is never dropped, so an INSERT meanwhile is never lost to a missing view.
 * Until session 13 the --full-refresh failed with the server's error (safely, nothing changed).
 */
describe('materialized view --full-refresh without EXCHANGE (dbt-clickhouse TestCatchup)', () => {
  it('test_full_refresh_catchup_disabled_no_exchange: rebuilt with the new columns and not backfilled; the view keeps writing', async () => {
    const p = inlineProject({ 'seeds/people.csv': PEOPLE_SEED_CSV, 'seeds/schema.yml': SEED_SCHEMA_YML, 'models/hackers.sql': HACKERS_MV_MODEL });
    const schema = `${p.schema}_catchup_no_exchange`;
    const count = async (project: TsdbtProject) => Number((await queryRows<{ n: string }>(project, `select count(*) as n from ${schema}.hackers`))[0]!.n);
    const insert = async (project: TsdbtProject, values: string) => (await project.adapter()).client.command(`insert into ${p.schema}.people ("id", "name", "age", "department") values ${values}`);

    const first = p.open({ vars: { schema_name: 'catchup_no_exchange', catchup: false } });
    opened.push({ p: { ...p, cleanup: () => {} }, project: first });
    expect((await first.seed()).results.map((r) => r.status)).toEqual(['success']);
    expect((await first.run()).results.map((r) => r.status)).toEqual(['success']);
    expect(await count(first)).toBe(0);
    await insert(first, "(1232,'Dade',16,'engineering')");
    expect(await count(first)).toBe(1);
    await first.close();

    const sent: string[] = [];
    const project = await withoutRenameat2(p, sent, { schema_name: 'catchup_no_exchange', catchup: false, use_updated_schema: true });
    const refreshed = await project.run({ fullRefresh: true });
    expect(refreshed.results.map((r) => [r.status, r.error?.message])).toEqual([['success', undefined]]);
    // The exchange was refused, and the swap renamed instead.
    expect(sent.some((s) => /EXCHANGE TABLES/.test(s))).toBe(true);
    expect(sent.filter((s) => /^\s*(?:\/\*.*?\*\/\s*)?RENAME TABLE .*`hackers` TO .*, .* TO .*`hackers`, /s.test(s))).toHaveLength(1);
    // Step 6: not backfilled (catchup: false), the new columns.
    expect(await count(project)).toBe(0);
    expect((await queryRows<{ name: string }>(project, `DESCRIBE TABLE ${schema}.hackers`)).map((c) => c.name)).toEqual(['id', 'name', 'hacker_alias', 'id2']);
    // Step 7: the view writes into the rebuilt table.
    await insert(project, "(5555,'Trinity',29,'engineering')");
    expect(await count(project)).toBe(1);
    expect(await queryRows(project, `select id, id2 from ${schema}.hackers`)).toEqual([{ id: 5555, id2: 5555 }]);
    // Nothing of the rebuild is left: the table and its view only.
    expect(await queryRows(project, `select name from system.tables where database = '${schema}' order by name`)).toEqual([{ name: 'hackers' }, { name: 'hackers_mv' }]);
  });

  it('with catchup: the rebuilt table holds every row exactly once (backfill below the cut, then the view), swapped in by the rename', async () => {
    const p = inlineProject({ 'seeds/people.csv': PEOPLE_SEED_CSV, 'seeds/schema.yml': SEED_SCHEMA_YML, 'models/hackers.sql': HACKERS_MV_MODEL });
    const schema = `${p.schema}_catchup_rename`;
    const insert = async (project: TsdbtProject, values: string) => (await project.adapter()).client.command(`insert into ${p.schema}.people ("id", "name", "age", "department") values ${values}`);
    const first = p.open({ vars: { schema_name: 'catchup_rename' } });
    opened.push({ p: { ...p, cleanup: () => {} }, project: first });
    await first.seed();
    expect((await first.run()).results.map((r) => r.status)).toEqual(['success']);
    await insert(first, "(1232,'Dade',16,'engineering')");
    await first.close();

    const sent: string[] = [];
    const project = await withoutRenameat2(p, sent, { schema_name: 'catchup_rename', use_updated_schema: true });
    expect((await project.run({ fullRefresh: true })).results.map((r) => [r.status, r.error?.message])).toEqual([['success', undefined]]);
    expect(sent.some((s) => /RENAME TABLE .*`hackers` TO /s.test(s))).toBe(true);
    await insert(project, "(5555,'Trinity',29,'engineering')");
    expect(await queryRows(project, `select id, hacker_alias from ${schema}.hackers order by id`)).toEqual([
      { id: 1231, hacker_alias: 'crash override' },
      { id: 1232, hacker_alias: 'crash override' },
      { id: 5555, hacker_alias: 'N/A' },
      { id: 6666, hacker_alias: 'N/A' },
      { id: 8888, hacker_alias: 'acid burn' },
    ]);
    expect(await queryRows(project, `select name from system.tables where database = '${schema}' order by name`)).toEqual([{ name: 'hackers' }, { name: 'hackers_mv' }]);
  });
});
