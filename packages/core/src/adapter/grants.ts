import type { ManifestNode } from '../manifest/nodes.js';
import { relationSql, sqlString } from '../render/placeholders.js';
import { DatabaseError } from '../shared/errors.js';
import type { ClickHouseAdapter } from './clickhouse-adapter.js';

/** privilege → grantees, as dbt's grants dicts. */
export type GrantsDict = Readonly<Record<string, readonly string[]>>;

/**
 * A node's `grants` config as privilege → grantees (grantees listified, as dbt's config merge does);
 * undefined when there is nothing to apply. `grants: {}` is dbt's no-op (apply_grants runs only
 * `{% if grant_config %}`): the grants already on the relation stay — it must not revoke them all.
 * `{select: []}` is not empty: it revokes every grantee of select.
 */
export function grantsConfigOf(node: ManifestNode): GrantsDict | undefined {
  const raw = node.config.grants;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const [privilege, grantees] of Object.entries(raw as Record<string, unknown>))
    out[privilege.replace(/^\++/, '')] = (Array.isArray(grantees) ? grantees : grantees === null || grantees === undefined ? [] : [grantees]).map(String).filter((g) => g !== '');
  return out;
}

/**
 * dbt's diff_of_two_dicts: the grantees of `a` that `b` lacks, per privilege (case-insensitive,
 * as dbt compares grants).
 */
export function diffGrants(a: GrantsDict, b: GrantsDict): Record<string, string[]> {
  const lower = new Map(Object.entries(b).map(([k, v]) => [k.toLowerCase(), new Set(v.map((g) => g.toLowerCase()))]));
  const out: Record<string, string[]> = {};
  for (const [privilege, grantees] of Object.entries(a)) {
    const have = lower.get(privilege.toLowerCase());
    const missing = grantees.filter((g) => !have?.has(g.toLowerCase()));
    if (missing.length) out[privilege] = missing;
  }
  return out;
}

/**
 * dbt's apply_grants as dbt-clickhouse runs it: after a model, seed or snapshot builds, GRANT each
 * configured privilege to its grantees; when the relation existed before the build (ClickHouse
 * grants belong to the name, so a rebuilt table keeps them: dbt's should_revoke), first read the
 * grants on it from system.grants and REVOKE the ones the config no longer lists. The server's
 * error (an unknown user or role, an unknown privilege) fails the node, as in dbt.
 */
export async function applyGrants(adapter: ClickHouseAdapter, node: ManifestNode, existedBefore: boolean, signal?: AbortSignal): Promise<void> {
  const config = grantsConfigOf(node);
  if (!config) return;
  const current = existedBefore ? await currentGrants(adapter, node) : {};
  const revoke = diffGrants(current, config);
  const grant = diffGrants(config, current);
  const rel = relationSql(node.relation.schema, node.relation.identifier);
  const statements = [
    ...Object.entries(revoke).map(([privilege, grantees]) => `REVOKE${adapter.onCluster()} ${privilege} ON ${rel} FROM ${grantees.map(grantee).join(', ')}`),
    ...Object.entries(grant).map(([privilege, grantees]) => `GRANT${adapter.onCluster()} ${privilege} ON ${rel} TO ${grantees.map(grantee).join(', ')}`),
  ];
  for (const statement of statements) {
    try {
      await adapter.ddl(statement, { signal });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new DatabaseError('grants', `Applying grants on ${rel} failed (${statement}): ${message}`, {
        file: node.originalFilePath,
        hint: /\b511\b|UNKNOWN_ROLE|UNKNOWN_USER/.test(message)
          ? 'Create the user or role on the server (CREATE USER / CREATE ROLE), or set `grants` only for the targets that have it (e.g. in a target-specific dbt_project.yml block or `{{ [...] if target.name == "prod" else [] }}`). The embedded engine (chDB) has no users besides `default`.'
          : 'Check the privilege names in `grants` (ClickHouse privileges: select, insert, alter, …) and that the connecting user may grant them (WITH GRANT OPTION).',
        cause: error,
      });
    }
  }
}

/** The grants on a relation (dbt-clickhouse's get_show_grant_sql); none when this user may not read them. */
async function currentGrants(adapter: ClickHouseAdapter, node: ManifestNode): Promise<GrantsDict> {
  let rows: { privilege_type: string; grantee: string }[];
  try {
    rows = await adapter.client.query(
      `SELECT access_type AS privilege_type, coalesce(user_name, role_name) AS grantee FROM system.grants WHERE database = ${sqlString(node.relation.schema)} AND table = ${sqlString(node.relation.identifier)}`,
    );
  } catch {
    // No access management (chDB) or no SHOW USERS privilege: nothing to revoke that we can see.
    return {};
  }
  const out: Record<string, string[]> = {};
  for (const row of rows) (out[row.privilege_type] ??= []).push(row.grantee);
  return out;
}

/** A grantee name as written, or quoted when it is not a plain identifier. */
function grantee(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^CURRENT_USER$/i.test(name) ? name : `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}
