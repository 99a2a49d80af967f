import { afterEach, describe, expect, it } from 'vitest';
import { inlineProject, queryRows, type InlineProject } from '../../helpers/inline-project.js';
import type { TsdbtProject } from '../../../packages/core/src/index.js';

/*
 * dbt-tests-adapter grants/ BaseSeedGrants, BaseSnapshotGrants, BaseIncrementalGrants and
 * BaseModelGrants' table steps, as dbt-clickhouse runs them (grants/test_*_grants.py), end to end on
 * the embedded warehouse. chDB has no access management (no writable user directory: CREATE USER and
 * GRANT to anyone are refused), and the 18.16 test server has no RBAC, so the warehouse client answers
 * what a server with three users would: GRANT / REVOKE change a grants table kept here, keyed by the
 * relation's name (ClickHouse's grants belong to the name: they outlive DROP, EXCHANGE and RENAME), and
 * dbt-clickhouse's get_show_grant_sql (system.grants) reads it. Every other statement runs on chDB.
 * dbt's "grant " / "revoke " in the --debug log are the GRANT / REVOKE statements sent.
 */

type Grants = Map<string, Map<string, Set<string>>>; // 'db.table' → PRIVILEGE → users

const opened: { p: InlineProject; project: TsdbtProject }[] = [];
afterEach(async () => {
  const done = opened.splice(0);
  for (const { project } of done) await project.close();
  for (const p of new Set(done.map((o) => o.p))) p.cleanup();
});

/** Opens the project (re-reading its files) on a client whose GRANT/REVOKE/system.grants go to `grants`; `sent` logs those statements. */
async function withGrants(p: InlineProject, grants: Grants, sent: string[]): Promise<TsdbtProject> {
  const project = p.open();
  opened.push({ p, project });
  const client = (await project.adapter(1)).client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const command = client.command!.bind(client);
  const query = client.query!.bind(client);
  client.command = async (...args: unknown[]) => {
    const sql = String(args[0]);
    const m = /^\s*(GRANT|REVOKE) (\w+) ON `([^`]+)`\.`([^`]+)` (?:TO|FROM) (.+)$/is.exec(sql);
    if (!m) return command(...args);
    sent.push(sql);
    const key = `${m[3]}.${m[4]}`;
    const privileges = grants.get(key) ?? new Map<string, Set<string>>();
    grants.set(key, privileges);
    const users = privileges.get(m[2]!.toUpperCase()) ?? new Set<string>();
    privileges.set(m[2]!.toUpperCase(), users);
    for (const user of m[5]!.split(',').map((u) => u.trim())) {
      if (!/^user_[123]$/i.test(user)) throw new Error(`Code: 511. DB::Exception: There is no role \`${user}\` in \`user directories\`. (UNKNOWN_ROLE)`);
      m[1]!.toUpperCase() === 'GRANT' ? users.add(user.toLowerCase()) : users.delete(user.toLowerCase());
    }
  };
  client.query = async (...args: unknown[]) => {
    const m = /FROM system\.grants WHERE database = '([^']+)' AND table = '([^']+)'/.exec(String(args[0]));
    if (!m) return query(...args);
    return [...(grants.get(`${m[1]}.${m[2]}`) ?? [])].flatMap(([privilege_type, users]) => [...users].map((grantee) => ({ privilege_type, grantee })));
  };
  return project;
}

/** The grants on a relation as dbt's standardize_grants_dict: privilege (lower case) → sorted grantees. */
function actual(grants: Grants, schema: string, name: string): Record<string, string[]> {
  return Object.fromEntries([...(grants.get(`${schema}.${name}`) ?? [])].filter(([, u]) => u.size).map(([privilege, u]) => [privilege.toLowerCase(), [...u].sort()]));
}

const SEED_CSV = 'id,name,some_date\n1,Easton,1981-05-20T06:46:51\n2,Lillian,1978-09-03T18:10:33\n';
const seedYml = (grants: string) => `version: 2\nseeds:\n  - name: my_seed\n    config:\n      grants: ${grants}\n`;
const SNAPSHOT_SQL = `{% snapshot my_snapshot %}
    {{ config(
        check_cols='all', unique_key='id', strategy='check',
        target_database=database, target_schema=schema
    ) }}
    select 1 as id, cast('blue' as {{ type_string() }}) as color
{% endsnapshot %}`;
const snapshotYml = (user: string) => `version: 2\nsnapshots:\n  - name: my_snapshot\n    config:\n      grants:\n        select: ["${user}"]\n`;
const incrementalYml = (user: string) => `version: 2\nmodels:\n  - name: my_incremental_model\n    config:\n      materialized: incremental\n      grants:\n        select: ["${user}"]\n`;

describe('grants on seeds, snapshots and incremental models (dbt-tests-adapter grants/, a server with three users)', () => {
  it('BaseSeedGrants: granted, carried over, changed, kept by --full-refresh; `grants: {}` is ignored, `select: []` revokes', async () => {
    const p = inlineProject({ 'seeds/my_seed.csv': SEED_CSV, 'seeds/schema.yml': seedYml('\n        select: ["user_1"]') });
    const grants: Grants = new Map();
    const step = async (options: { fullRefresh?: boolean } = {}) => {
      const sent: string[] = [];
      const project = await withGrants(p, grants, sent);
      const result = await project.seed(options);
      expect(result.results.map((r) => [r.status, r.error?.message])).toEqual([['success', undefined]]);
      return { sent, project };
    };

    const first = await step();
    expect(first.project.node('seed.proj.my_seed').config.grants).toEqual({ select: ['user_1'] });
    expect(first.sent.some((s) => /^GRANT /.test(s))).toBe(true);
    expect(actual(grants, p.schema, 'my_seed')).toEqual({ select: ['user_1'] });

    // Again, no config change: the grants carried over, nothing granted or revoked.
    expect((await step()).sent).toEqual([]);
    expect(actual(grants, p.schema, 'my_seed')).toEqual({ select: ['user_1'] });

    p.write({ 'seeds/schema.yml': seedYml('\n        select: ["user_2"]') });
    await step();
    expect(actual(grants, p.schema, 'my_seed')).toEqual({ select: ['user_2'] });
    await step({ fullRefresh: true });
    expect(actual(grants, p.schema, 'my_seed')).toEqual({ select: ['user_2'] });

    // `grants: {}` is dbt's no-op (apply_grants: `{% if grant_config %}`): the grants on the table stay.
    p.write({ 'seeds/schema.yml': seedYml('{}') });
    const ignored = await step();
    expect(ignored.project.node('seed.proj.my_seed').config.grants).toEqual({});
    expect(ignored.sent).toEqual([]);
    expect(actual(grants, p.schema, 'my_seed')).toEqual({ select: ['user_2'] });

    // `select: []` revokes every grantee of that privilege; a second run sends nothing.
    p.write({ 'seeds/schema.yml': seedYml('\n        select: []') });
    expect((await step()).sent.some((s) => /^REVOKE /.test(s))).toBe(true);
    expect(actual(grants, p.schema, 'my_seed')).toEqual({});
    expect((await step()).sent).toEqual([]);
    expect(actual(grants, p.schema, 'my_seed')).toEqual({});
    expect(await queryRows(first.project, `select toInt32(count()) as n from ${p.schema}.my_seed`)).toEqual([{ n: 2 }]);
  });

  it('BaseSnapshotGrants: granted on the first snapshot, nothing sent on the second, the grantee changed on the third', async () => {
    const p = inlineProject({ 'snapshots/my_snapshot.sql': SNAPSHOT_SQL, 'snapshots/schema.yml': snapshotYml('user_1') });
    const grants: Grants = new Map();
    const step = async () => {
      const sent: string[] = [];
      const project = await withGrants(p, grants, sent);
      const result = await project.snapshot();
      expect(result.results.map((r) => [r.status, r.error?.message])).toEqual([['success', undefined]]);
      return { sent, project };
    };
    const first = await step();
    expect(first.project.node('snapshot.proj.my_snapshot').config.grants).toEqual({ select: ['user_1'] });
    expect(actual(grants, p.schema, 'my_snapshot')).toEqual({ select: ['user_1'] });
    expect((await step()).sent).toEqual([]);
    expect(actual(grants, p.schema, 'my_snapshot')).toEqual({ select: ['user_1'] });
    p.write({ 'snapshots/schema.yml': snapshotYml('user_2') });
    await step();
    expect(actual(grants, p.schema, 'my_snapshot')).toEqual({ select: ['user_2'] });
  });

  it('BaseIncrementalGrants: carried over by incremental runs, revoked when changed, kept by --full-refresh, granted again after the schema is dropped', async () => {
    const p = inlineProject({ 'models/my_incremental_model.sql': '\n  select 1 as fun\n', 'models/schema.yml': incrementalYml('user_1') });
    const grants: Grants = new Map();
    const step = async (options: { fullRefresh?: boolean } = {}) => {
      const sent: string[] = [];
      const project = await withGrants(p, grants, sent);
      const result = await project.run(options);
      expect(result.results.map((r) => [r.status, r.error?.message])).toEqual([['success', undefined]]);
      expect(project.node('model.proj.my_incremental_model').config.materialized).toBe('incremental');
      return { sent, project };
    };
    await step();
    expect(actual(grants, p.schema, 'my_incremental_model')).toEqual({ select: ['user_1'] });
    expect((await step()).sent).toEqual([]);
    expect(actual(grants, p.schema, 'my_incremental_model')).toEqual({ select: ['user_1'] });

    p.write({ 'models/schema.yml': incrementalYml('user_2') });
    expect((await step()).sent.some((s) => /^REVOKE /.test(s))).toBe(true);
    expect(actual(grants, p.schema, 'my_incremental_model')).toEqual({ select: ['user_2'] });
    const refreshed = await step({ fullRefresh: true });
    expect(actual(grants, p.schema, 'my_incremental_model')).toEqual({ select: ['user_2'] });

    await (await refreshed.project.adapter()).client.command(`DROP DATABASE ${p.schema}`);
    const rebuilt = await step();
    expect(rebuilt.sent.some((s) => /^GRANT /.test(s))).toBe(true);
    expect(rebuilt.sent.some((s) => /^REVOKE /.test(s))).toBe(false);
    expect(actual(grants, p.schema, 'my_incremental_model')).toEqual({ select: ['user_2'] });
  });

  it('a table model and a view: `grants: {}` in a later layer leaves the grants in place, as dbt', async () => {
    const p = inlineProject({
      'models/t.sql': "{{ config(materialized='table', grants={'select': ['user_1']}) }}\nselect 1 as x\n",
      'models/v.sql': "{{ config(materialized='view', grants={'select': ['user_3']}) }}\nselect 1 as x\n",
    });
    const grants: Grants = new Map();
    await (await withGrants(p, grants, [])).run();
    expect([actual(grants, p.schema, 't'), actual(grants, p.schema, 'v')]).toEqual([{ select: ['user_1'] }, { select: ['user_3'] }]);
    p.write({ 'models/t.sql': "{{ config(materialized='table', grants={}) }}\nselect 2 as x\n", 'models/v.sql': "{{ config(materialized='view') }}\nselect 2 as x\n" });
    const sent: string[] = [];
    const project = await withGrants(p, grants, sent);
    expect((await project.run()).results.map((r) => r.status)).toEqual(['success', 'success']);
    expect(sent).toEqual([]);
    expect([actual(grants, p.schema, 't'), actual(grants, p.schema, 'v')]).toEqual([{ select: ['user_1'] }, { select: ['user_3'] }]);
    expect(await queryRows(project, `select x from ${p.schema}.t`)).toEqual([{ x: 2 }]);
  });
});
