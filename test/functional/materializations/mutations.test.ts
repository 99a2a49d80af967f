import { describe, expect, it } from 'vitest';
import type { TsdbtProject } from '../../../packages/core/src/index.js';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

/** Runs `work` while recording the statements (and their settings) the project's client sends as commands. */
async function recordCommands<T>(project: TsdbtProject, work: () => Promise<T>): Promise<{ result: T; sent: { sql: string; settings?: Record<string, unknown> }[] }> {
  const client = (await project.adapter()).client as { command: (sql: string, o?: { settings?: Record<string, unknown> }) => Promise<void> };
  const original = client.command;
  const sent: { sql: string; settings?: Record<string, unknown> }[] = [];
  client.command = (sql, o) => (sent.push({ sql, settings: o?.settings as Record<string, unknown> | undefined }), original.call(client, sql, o));
  try {
    return { result: await work(), sent };
  } finally {
    client.command = original;
  }
}

const model = (extra: string) => `{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert'${extra}) }}
select number as id, 'v' || toString(number) as v from numbers({{ var('n', 3) }})
{% if is_incremental() %}where number >= {{ var('from', 0) }}{% endif %}`;

async function mutationsOf(project: TsdbtProject, schema: string, table: string): Promise<number> {
  const [row] = await queryRows<{ n: string }>(project, `SELECT count() AS n FROM system.mutations WHERE database = '${schema}' AND table = '${table}'`);
  return Number(row!.n);
}

describe('delete+insert DELETEs', () => {
  it('sends no DELETE when none of the new keys is in the table (a lightweight DELETE would still run a mutation)', async () => {
    const { p, project } = setup({ 'models/inc.sql': model('') });
    expectStatuses(await project.run(), { inc: 'success' });
    // The same keys again: they are deleted, then inserted.
    const { result, sent } = await recordCommands(project, () => project.run());
    expectStatuses(result, { inc: 'success' });
    expect(sent.filter((s) => /\bDELETE\b/.test(s.sql))).toHaveLength(1); // keys 0..2 match: deleted
    expect(await mutationsOf(project, p.schema, 'inc')).toBe(1);

    // Only new keys (3, 4): nothing to delete, no mutation.
    p.write({ 'project.yml': `name: proj\nprofile: proj\nvars: {n: 5, from: 3}\n` });
    const fresh = setup.reopen(p);
    const { result: r2, sent: s2 } = await recordCommands(fresh, () => fresh.run());
    expectStatuses(r2, { inc: 'success' });
    expect(r2.results[0]!.message).toBe('OK delete+insert 2 rows');
    expect(s2.filter((s) => /\bDELETE\b/.test(s.sql))).toEqual([]);
    expect(await mutationsOf(fresh, p.schema, 'inc')).toBe(1);
    expect(await queryRows(fresh, `SELECT id, v FROM ${p.schema}.inc ORDER BY id`)).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ id: String(i), v: `v${i}` })),
    );
  });

  it('mutations_sync sets how many replicas the DELETE waits for; 0 is a project error', async () => {
    const { p, project } = setup({ 'models/inc.sql': model(', mutations_sync=1') });
    expectStatuses(await project.run(), { inc: 'success' });
    const { result, sent } = await recordCommands(project, () => project.run());
    expectStatuses(result, { inc: 'success' });
    const del = sent.find((s) => /\bDELETE\b/.test(s.sql))!;
    expect(del.settings).toMatchObject({ mutations_sync: 1 });

    p.write({ 'models/inc.sql': model(', mutations_sync=0') });
    const again = setup.reopen(p);
    const r = await again.run();
    expectStatuses(r, { inc: 'error' });
    expect(r.results[0]!.message).toMatch(/mutations_sync must be 1, 2 or 3, not 0/);
    expect(r.results[0]!.file).toBe('models/inc.sql');
  });
});
