import { afterEach, describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows, recordQueries } from '../../helpers/inline-project.js';

/*
 * A dbt-clickhouse project's own server functions (CREATE FUNCTION in a hook, a run-operation, by hand)
 * named like another warehouse's function dbt_semantics rewrites (function-names.ts: contains, split_part,
 * nvl…) are called as the project wrote them (execute/dbt-semantics/user-functions.ts). ClickHouse's
 * functions belong to the server: this file's warehouse keeps them across tests, so each test drops its own.
 */
const setup = openedPerTest();
const made: { project: Parameters<typeof queryRows>[0]; names: string[] }[] = [];
afterEach(async () => {
  for (const { project, names } of made.splice(0)) for (const n of names) await (await project.adapter()).client.command(`DROP FUNCTION IF EXISTS ${n}`).catch(() => {});
});

describe("a project's own server functions named like a rewritten function", () => {
  it('calls a function made before the run as written (and a model and its unit test agree); other calls and another case are still rewritten', async () => {
    const { p: ip, project: p } = setup({
      'models/tagged.sql': `select
    contains(tags, 'b') as has_b,
    CONTAINS('abc', 'b') as snowflake_contains,
    nvl(cast(null as Nullable(String)), 'x') as filled
from (select ['a', 'b'] as tags)`,
      'models/tagged.yml': `unit_tests:
  - name: tagged_reads_its_own_contains
    model: tagged
    given: []
    expect:
      rows:
        - {has_b: true, snowflake_contains: true, filled: x}
`,
    });
    made.push({ project: p, names: ['contains'] });
    await (await p.adapter()).client.command('CREATE FUNCTION contains AS (arr, v) -> has(arr, v)');
    // Rewritten as Snowflake's contains(text, part), the array call failed: position(Array(String), String).
    expectStatuses(await p.build(), { tagged: 'success', tagged_reads_its_own_contains: 'pass' });
    expect(await queryRows(p, `select toBool(has_b) as has_b, toBool(snowflake_contains) as snowflake_contains, filled from ${ip.schema}.tagged`)).toEqual([
      { has_b: true, snowflake_contains: true, filled: 'x' },
    ]);
  });

  it("calls a function an on-run-start hook makes as written, in that run and the next", async () => {
    const { p: ip, project: p } = setup({
      'project.yml': `name: proj
profile: proj
on-run-start:
  - "create or replace function split_part as (s, d, n) -> concat('own:', s)"
`,
      'models/parts.sql': `select split_part('a-b', '-', 2) as part, square(3) as nine`,
    });
    made.push({ project: p, names: ['split_part'] });
    for (const run of [1, 2]) {
      expectStatuses(await p.run(), { parts: 'success' });
      // Rewritten, it was Postgres' field 2: 'b'.
      expect(await queryRows(p, `select part, nine from ${ip.schema}.parts`), `run ${run}`).toEqual([{ part: 'own:a-b', nine: 9 }]);
    }
  });

  it('lists the server functions once per run, and only for a run whose SQL calls such a name', async () => {
    const { p: ip, project: p } = setup({
      'models/plain.sql': 'select 1 as id',
    });
    const listings = (sent: string[]) => sent.filter((s) => /system\.functions/.test(s) && /origin/.test(s)).length;
    expect(listings((await recordQueries(p, () => p.run())).sent)).toBe(0);
    ip.write({
      'models/a.sql': `select nvl(null, 1) as v`,
      'models/b.sql': `select iff(true, 'y', 'n') as v`,
    });
    const again = setup.reopen(ip);
    const { result, sent } = await recordQueries(again, () => again.run());
    expectStatuses(result, { plain: 'success', a: 'success', b: 'success' });
    expect(listings(sent)).toBe(1);
  });
});
