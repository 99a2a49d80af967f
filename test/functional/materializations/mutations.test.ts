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

describe('delete+insert runs no DELETE', () => {
  it('replaces the partitions holding the keys in one ALTER: no DELETE, no mutation, whatever the keys', async () => {
    const { p, project } = setup({ 'models/inc.sql': model('') });
    expectStatuses(await project.run(), { inc: 'success' });
    // The same keys again: their rows are replaced.
    const { result, sent } = await recordCommands(project, () => project.run());
    expectStatuses(result, { inc: 'success' });
    expect(sent.filter((s) => /\bDELETE\b/.test(s.sql))).toEqual([]);
    expect(sent.filter((s) => /^ALTER TABLE .* REPLACE PARTITION/.test(s.sql))).toHaveLength(1);
    expect(await mutationsOf(project, p.schema, 'inc')).toBe(0);

    // Only new keys (3, 4): added, still no mutation.
    p.write({ 'project.yml': `name: proj\nprofile: proj\nvars: {n: 5, from: 3}\n` });
    const fresh = setup.reopen(p);
    const { result: r2, sent: s2 } = await recordCommands(fresh, () => fresh.run());
    expectStatuses(r2, { inc: 'success' });
    expect(r2.results[0]!.message).toBe('OK delete+insert 2 rows');
    expect(s2.filter((s) => /\bDELETE\b/.test(s.sql))).toEqual([]);
    expect(await mutationsOf(fresh, p.schema, 'inc')).toBe(0);
    expect(await queryRows(fresh, `SELECT id, v FROM ${p.schema}.inc ORDER BY id`)).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ id: String(i), v: `v${i}` })),
    );
  });
});
