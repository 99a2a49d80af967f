import { describe, expect, it } from 'vitest';
import { ClickHouseAdapter } from '../../../packages/core/src/adapter/clickhouse-adapter.js';
import { applyGrants, diffGrants } from '../../../packages/core/src/adapter/grants.js';
import type { WarehouseClient } from '../../../packages/core/src/adapter/warehouse-client.js';
import type { ManifestNode } from '../../../packages/core/src/manifest/nodes.js';
import { mergeConfig } from '../../../packages/core/src/load/node-config.js';

let port = 0;

/** A server that keeps grants per privilege as GRANT/REVOKE change them and answers system.grants from them. */
function grantsServer(cluster = '') {
  const grants = new Map<string, Set<string>>(); // 'SELECT' → users
  const statements: string[] = [];
  const client = {
    target: { type: 'clickhouse', host: 'fake-grants-test', port: ++port, user: 'u', password: '', schema: 's', name: 'dev', profileName: 'p', secure: false, settings: {}, threads: 1, source: 'x' },
    embedded: false,
    command: async (sql: string) => {
      statements.push(sql);
      const m = /^(GRANT|REVOKE)(?: ON CLUSTER `\w+`)? (\w+) ON `s`\.`m` (?:TO|FROM) (.+)$/.exec(sql);
      if (!m) throw new Error(`unexpected statement ${sql}`);
      const users = grants.get(m[2]!.toUpperCase()) ?? new Set();
      for (const u of m[3]!.split(', ')) m[1] === 'GRANT' ? users.add(u) : users.delete(u);
      grants.set(m[2]!.toUpperCase(), users);
    },
    query: async (sql: string) => {
      if (!/FROM system\.grants WHERE database = 's' AND table = 'm'/.test(sql)) throw new Error(`unexpected query ${sql}`);
      return [...grants].flatMap(([privilege, users]) => [...users].map((grantee) => ({ privilege_type: privilege, grantee })));
    },
    insertStream: async () => {},
    querySync: () => ({ columnNames: [], rows: [] }),
    close: async () => {},
  } as unknown as WarehouseClient;
  const adapter = new ClickHouseAdapter(client, 'r', cluster);
  const actual = () => Object.fromEntries([...grants].filter(([, u]) => u.size).map(([p, u]) => [p.toLowerCase(), [...u].sort()]));
  return { adapter, statements, actual };
}

const model = (grants: unknown) => ({ resourceType: 'model', name: 'm', originalFilePath: 'models/m.sql', relation: { schema: 's', identifier: 'm' }, config: { materialized: 'table', grants } }) as unknown as ManifestNode;

describe('grants (dbt-tests-adapter grants/test_model_grants.py BaseModelGrants, replayed on a recording server)', () => {
  it('grants on a new relation, then revokes what the config no longer lists and grants the rest', async () => {
    const { adapter, statements, actual } = grantsServer();
    // New relation: dbt's should_revoke is false, nothing is read.
    await applyGrants(adapter, model({ select: ['user_1'] }), false);
    expect(statements).toEqual(['GRANT select ON `s`.`m` TO user_1']);
    expect(actual()).toEqual({ select: ['user_1'] });

    // Change the select grantee.
    statements.length = 0;
    await applyGrants(adapter, model({ select: ['user_2'] }), true);
    expect(statements).toEqual(['REVOKE SELECT ON `s`.`m` FROM user_1', 'GRANT select ON `s`.`m` TO user_2']);
    expect(actual()).toEqual({ select: ['user_2'] });

    // Multiple grantees, then multiple privileges.
    await applyGrants(adapter, model({ select: ['user_1', 'user_2'] }), true);
    expect(actual()).toEqual({ select: ['user_1', 'user_2'] });
    await applyGrants(adapter, model({ select: ['user_1'], insert: ['user_2'] }), true);
    expect(actual()).toEqual({ select: ['user_1'], insert: ['user_2'] });

    // All in place: no statement (dbt: "All grants are in place").
    statements.length = 0;
    await applyGrants(adapter, model({ select: ['USER_1'], insert: ['user_2'] }), true);
    expect(statements).toEqual([]);

    // An empty list revokes the privilege from everyone.
    await applyGrants(adapter, model({ select: [], insert: ['user_2'] }), true);
    expect(actual()).toEqual({ insert: ['user_2'] });
  });

  it('cluster mode grants ON CLUSTER', async () => {
    const { adapter, statements } = grantsServer('c1');
    await applyGrants(adapter, model({ select: 'reporter' }), false);
    expect(statements).toEqual(['GRANT ON CLUSTER `c1` select ON `s`.`m` TO reporter']);
  });

  it("a node without grants issues nothing; diff_of_two_dicts is case-insensitive", async () => {
    const { adapter, statements } = grantsServer();
    await applyGrants(adapter, model(undefined), true);
    expect(statements).toEqual([]);
    expect(diffGrants({ Select: ['A', 'b'] }, { SELECT: ['a'] })).toEqual({ Select: ['b'] });
  });

  it("config layers merge grants as dbt's DictKeyAppend: `+select` extends, `select` replaces", () => {
    const project = mergeConfig({}, { grants: { select: ['reporter'], insert: 'loader' } });
    expect(project.grants).toEqual({ select: ['reporter'], insert: ['loader'] });
    expect(mergeConfig(project, { grants: { '+select': ['bi'] } }).grants).toEqual({ select: ['reporter', 'bi'], insert: ['loader'] });
    expect(mergeConfig(project, { grants: { select: ['bi'] } }).grants).toEqual({ select: ['bi'], insert: ['loader'] });
  });
});
