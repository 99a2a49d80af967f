import type { ModelNode } from '../../manifest/nodes.js';
import { relationSql, sqlString } from '../../render/placeholders.js';
import { DatabaseError } from '../../shared/errors.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';
import { atLeast } from '../server-version.js';
import { createDictionarySql, dictionarySpec, type LocalCredentials } from '../dictionary-ddl.js';
import { withStaging } from '../staging.js';
import type { Materialization } from './types.js';

/** DDL dictionaries (`CREATE DICTIONARY`) exist from ClickHouse 19.17. */
async function requireDictionaries(adapter: ClickHouseAdapter, node: ModelNode): Promise<void> {
  const v = await adapter.serverVersion();
  if (!atLeast(v, 19, 17))
    throw new DatabaseError('not_supported', `Model ${node.name} is a dictionary, which is not supported by this server (ClickHouse ${v.text}; CREATE DICTIONARY needs 19.17 or newer)`, {
      file: node.originalFilePath,
      hint: 'Materialize the model as a table and read it with a JOIN, or upgrade ClickHouse.',
    });
}

/** The profile's user for a ClickHouse source on the same server: only when it is not the default user. */
function credentialsOf(adapter: ClickHouseAdapter): LocalCredentials {
  const t = adapter.client.target;
  if (t.type !== 'clickhouse') return {};
  const user = t.user && t.user !== 'default' ? t.user : undefined;
  return { user: user ?? (t.password ? 'default' : undefined), password: t.password || undefined };
}

/**
 * `dictionary`: the new definition is created under a temporary name and loaded (`SYSTEM RELOAD
 * DICTIONARY`), so a broken source query fails the model while the previous dictionary keeps
 * answering; then it takes the dictionary's place in one atomic `EXCHANGE DICTIONARIES` (or
 * `CREATE OR REPLACE DICTIONARY` where the database cannot exchange). Views and models calling
 * `dictGet` see the old dictionary or the new, loaded one, never a missing or empty one.
 */
export const materializeDictionary: Materialization = async ({ adapter, node, sql, signal }) => {
  await requireDictionaries(adapter, node);
  const rel = node.relation;
  await withStaging(adapter, rel, signal, async (s) => {
    const columns = await adapter.queryColumns(sql, undefined, node.config.query_settings);
    const spec = dictionarySpec(node.config, columns, sql, { name: node.name, file: node.originalFilePath, schema: rel.schema }, credentialsOf(adapter));
    // Dropped at the end whatever happens: after an exchange it holds the previous dictionary.
    const staged = s.temporary(undefined, rel, 'dictionary');
    const on = adapter.onCluster();
    const name = (r: typeof rel) => relationSql(r.schema, r.identifier);
    await adapter.ddl(createDictionarySql(staged, spec, { onCluster: on }), { signal });
    await adapter.ddl(`SYSTEM RELOAD DICTIONARY${on} ${name(staged)}`, { signal });
    const existing = await adapter.relationKind(rel);
    if (existing === 'dictionary' && (await adapter.canExchange(rel.schema))) {
      await adapter.ddl(`EXCHANGE DICTIONARIES ${name(staged)} AND ${name(rel)}${on}`);
    } else if (existing === 'dictionary') {
      // Ordinary databases: replace in one statement, then load it before anyone needs it.
      await adapter.ddl(createDictionarySql(rel, spec, { orReplace: true, onCluster: on }));
      await adapter.ddl(`SYSTEM RELOAD DICTIONARY${on} ${name(rel)}`);
    } else {
      // Nothing there yet, or a table or view of another materialization in the way.
      if (existing) await adapter.drop(rel, existing);
      await adapter.ddl(`RENAME DICTIONARY ${name(staged)} TO ${name(rel)}${on}`);
    }
  });
  const [row] = await adapter.client.query<{ n: string | number }>(
    `SELECT element_count AS n FROM system.dictionaries WHERE database = ${sqlString(rel.schema)} AND name = ${sqlString(rel.identifier)}`,
  );
  const keys = Number(row?.n ?? 0);
  return { message: `OK ${keys.toLocaleString('en-US')} keys`, rowsAffected: keys, warnings: [] };
};
