import { relationSql } from '../../render/placeholders.js';
import { isNoAtomicExchange, isSyntaxError } from '../capabilities.js';
import { settingsClause } from '../settings-clause.js';
import { withStaging } from '../staging.js';
import { checkContract, contractEnforced } from '../contract/contract-check.js';
import { castSelect } from '../contract/contract-table.js';
import type { Materialization } from './types.js';
import type { ManifestNode } from '../../manifest/nodes.js';
import { ProjectError } from '../../shared/errors.js';
import { viewQueryWithCtesApart } from '../view-cte-names.js';
import { blankNonCode } from '../../shared/sql-statements.js';

/**
 * `CREATE OR REPLACE VIEW`: one statement, atomic. Where it cannot be used (a table, materialized
 * view or dictionary of the same name, or a server without OR REPLACE: a probe per statement
 * kind), the view is created under an owned temporary name and swapped in by one RENAME, so a
 * broken query or a killed run leaves the previous relation untouched.
 */
export const materializeView: Materialization = async ({ adapter, node, sql: query, signal }) => {
  const rel = node.relation;
  // An enforced contract: the columns are checked, and the view casts them to the declared types.
  const sql = contractEnforced(node) ? castSelect(await checkContract(adapter, node, query, signal), query) : query;
  const querySettings = settingsClause(node.config.query_settings);
  const body = `${sql}${querySettings ? `\n${querySettings}` : ''}`;
  const security = sqlSecurityClause(node);
  // The stored query names its CTEs apart from relations (view-cte-names.ts); as written if ClickHouse refuses that.
  const wrapped = querySettings && hasTopLevelSetOperation(sql) ? `SELECT * FROM (\n${sql}\n)\n${querySettings}` : undefined;
  const bodies = [...new Set([...(wrapped ? [viewQueryWithCtesApart(wrapped), wrapped] : []), viewQueryWithCtesApart(body), body])];
  const create = (head: string) => firstAccepted(bodies, signal, (b) => adapter.ddl(`${head}${adapter.onCluster()}${security} AS ${b}`, { signal }));
  await withStaging(adapter, rel, signal, async (s) => {
    const existing = await adapter.relationKind(rel);
    const staged = s.temporary();
    const createStaged = () => create(`CREATE VIEW ${relationSql(staged.schema, staged.identifier)}`);
    if ((existing === undefined || existing === 'view') && adapter.capabilities.peek('create_or_replace_view') !== false) {
      try {
        await create(`CREATE OR REPLACE VIEW ${relationSql(rel.schema, rel.identifier)}`);
        adapter.capabilities.learn('create_or_replace_view', true);
        return;
      } catch (error) {
        // A server without OR REPLACE reports a syntax error, and so does a broken model: the staged create tells them apart.
        // A filesystem without renameat2 (NFS, EFS…) cannot replace an object in place: staged create + RENAME there.
        if (!isSyntaxError(error) && !/OR REPLACE/i.test(String((error as Error).message)) && !isNoAtomicExchange(error)) throw error;
      }
      await createStaged();
      adapter.capabilities.learn('create_or_replace_view', false);
    } else await createStaged();
    await s.swap(staged, rel, 'view');
  });
  return { message: 'CREATE VIEW', warnings: [] };
};

/**
 * Whether the query's outermost level is a set operation (`select … union all select …`, EXCEPT,
 * INTERSECT; a top-level WITH's CTEs are inside parentheses). A view stores a trailing SETTINGS
 * clause with the LAST SELECT of such a query, so reading the view applies the node's settings to
 * that branch only: dbt_semantics' join_use_nulls gave '' instead of NULL for an outer join's
 * non-match in any other branch (a view's data differed from the same model as a table). Such a
 * view is stored as `SELECT * FROM (<query>) SETTINGS …`, whose settings its subquery inherits.
 */
export function hasTopLevelSetOperation(sql: string): boolean {
  let depth = 0;
  for (const m of blankNonCode(sql).matchAll(/[()]|\b(?:union|except|intersect)\b/gi)) {
    if (m[0] === '(') depth++;
    else if (m[0] === ')') depth--;
    else if (depth === 0) return true;
  }
  return false;
}

/** Runs `work` with each body in turn until one is accepted; the last one's error otherwise (a cancelled run stops). */
export async function firstAccepted(bodies: readonly string[], signal: AbortSignal | undefined, work: (body: string) => Promise<unknown>): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await work(bodies[i]!);
      return;
    } catch (error) {
      if (i === bodies.length - 1 || signal?.aborted) throw error;
    }
  }
}

/**
 * dbt-clickhouse's `sql_security` / `definer` view configs (get_sql_security_clause): `invoker`
 * gives `SQL SECURITY INVOKER`, `definer` needs `definer` (a user, or CURRENT_USER) and gives
 * `DEFINER = <user> SQL SECURITY DEFINER`; anything else is its Compilation Error, in its words.
 */
export function sqlSecurityClause(node: Pick<ManifestNode, 'uniqueId' | 'config' | 'originalFilePath' | 'resourceType'>): string {
  const security = node.config.sql_security;
  if (security === undefined || security === null || security === '' || security === false) return '';
  const fail = (message: string) => new ProjectError('compilation', `Compilation Error in ${node.resourceType} ${node.uniqueId.split('.').pop()} (${node.originalFilePath})\n  ${message}`, { file: node.originalFilePath });
  if (security === 'invoker') return ' SQL SECURITY INVOKER';
  if (security !== 'definer') throw fail(`Invalid config parameter \`sql_security\`. Got: \`${String(security)}\`, but only definer | invoker allowed.`);
  if (!('definer' in node.config) || node.config.definer === undefined || node.config.definer === null)
    throw fail(`Model '${node.uniqueId}' does not define a required config parameter 'definer'.`);
  if (!node.config.definer) throw fail('Invalid config parameter `definer`. No value was provided.');
  return ` DEFINER = ${String(node.config.definer)} SQL SECURITY DEFINER`;
}
