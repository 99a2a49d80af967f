import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

const setup = openedPerTest();

// dbt 1.8's --empty: ref() and source() render as `(select * from <relation> where false limit 0)`
// (dbt-adapters BaseRelation.render_limited; dbt-clickhouse sets require_alias = False), `this` as
// itself; the SQL runs against the real target, so every model is built with its shape and no rows.
const PROJECT = {
  'seeds/people.csv': 'id,name\n1,Ann\n2,Bob\n2,Bob\n',
  'models/stg_people.sql': "select id, name from {{ ref('people') }}\n",
  'models/people_count.sql': "{{ config(materialized='table') }}\nselect count() as n, max(id) as top from {{ ref('stg_people') }} as p\n",
  'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect id from {{ ref('stg_people') }}\n",
  'models/from_eph.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('eph') }}\n",
  'models/growing.sql': `{{ config(materialized='incremental') }}
select id, name from {{ ref('stg_people') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}
`,
  'models/schema.yml': 'version: 2\nmodels:\n  - name: stg_people\n    columns:\n      - name: id\n        tests: [unique]\n',
};

describe('--empty', () => {
  // dbt-tests-adapter empty/BaseTestEmptySeedFlag (dbt 1.10): `build --empty` loads seeds without rows too.
  it('builds every model and seed with its shape and no rows against the real target', async () => {
    const { project } = setup(PROJECT);
    const result = await project.build({ empty: true });
    // the duplicated seed row would fail `unique`: under --empty the test reads zero rows
    expectStatuses(result, { people: 'success', stg_people: 'success', unique_stg_people_id: 'pass', people_count: 'success', from_eph: 'success', growing: 'success' });
    const s = project.target.schema;
    expect(await queryRows(project, `SELECT count() AS n FROM ${s}.people`)).toEqual([{ n: '0' }]);
    // max() over no rows is NULL, as on dbt's other warehouses (dbt_semantics: empty-aggregates.ts)
    expect(await queryRows(project, `SELECT * FROM ${s}.people_count`)).toEqual([{ n: '0', top: null }]);
    expect(await queryRows(project, `SELECT count() AS n FROM ${s}.stg_people`)).toEqual([{ n: '0' }]);
    expect(await queryRows(project, `SELECT name, type FROM system.columns WHERE database = '${s}' AND table = 'growing' ORDER BY position`)).toEqual([
      { name: 'id', type: 'Int32' },
      { name: 'name', type: 'String' },
    ]);
    const compiled = (p: string) => readFileSync(join(project.targetDir, 'compiled', 'proj', 'models', p), 'utf8');
    expect(compiled('people_count.sql')).toContain(`from (select * from \`${s}\`.\`stg_people\` where false limit 0) as p`);
    expect(compiled('from_eph.sql')).toContain('from (select * from `__dbt__cte__eph` where false limit 0)');
    expect(compiled('from_eph.sql')).toContain(`select id from (select * from \`${s}\`.\`stg_people\` where false limit 0)`);
  });

  it('leaves {{ this }} as it is: an incremental run under --empty reads its own table and adds nothing', async () => {
    const { project } = setup(PROJECT);
    await project.seed();
    await project.run();
    const s = project.target.schema;
    expect(await queryRows(project, `SELECT count() AS n FROM ${s}.growing`)).toEqual([{ n: '3' }]);
    await project.run({ select: ['growing'], empty: true });
    expect(await queryRows(project, `SELECT count() AS n FROM ${s}.growing`)).toEqual([{ n: '3' }]);
    const sql = readFileSync(join(project.targetDir, 'compiled', 'proj', 'models', 'growing.sql'), 'utf8');
    // a run's compiled SQL is what ran: max() over {{ this }} as maxOrNull (dbt_semantics: empty-aggregates.ts)
    expect(sql).toContain(`(select maxOrNull(id) from \`${s}\`.\`growing\`)`);
    expect(sql).toContain(`from (select * from \`${s}\`.\`stg_people\` where false limit 0)`);
  });

  it('compile --empty writes the limited SQL; plain compile does not', async () => {
    const { project } = setup(PROJECT);
    const [limited] = await project.compile({ select: ['people_count'], empty: true, write: false });
    const [plain] = await project.compile({ select: ['people_count'], write: false });
    expect(limited!.sql).toContain('(select * from `');
    expect(plain!.sql).not.toContain('where false limit 0');
  });
});
