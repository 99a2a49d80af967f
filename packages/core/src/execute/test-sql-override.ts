import { settingsClause } from '../adapter/settings-clause.js';
import type { TestNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';
import { runtimeState } from './node-sql.js';
import type { RunContext } from './run-context.js';

/*
 * A project's own get_test_sql. dbt builds a data test's one-row result query (failures,
 * should_warn, should_error) with the get_test_sql macro; tsdbt runs its own equal wrapper
 * (adapter/test-query.ts wrapTestSql) and shared scans unless the project or a package overrides
 * get_test_sql or the default__/clickhouse__ form it dispatches to. Then each test runs the query that
 * macro makes, alone, and its flags are read as dbt's TestResultData reads them.
 */

/** Whether a project or package overrides get_test_sql (then no test is batched or pre-checked). */
export const overridesGetTestSql = (ctx: Pick<RunContext, 'renderer'>): boolean => !ctx.renderer.isBuiltin('get_test_sql');

/** The overriding get_test_sql's query for a test whose SQL is `main`, with the test's query_settings. */
export function projectTestSql(ctx: RunContext, node: TestNode, main: string): string {
  const c = node.config;
  const limit = c.limit === undefined || c.limit === null ? null : c.limit;
  const sql = ctx.renderer.callMacro('get_test_sql', runtimeState(ctx, node), [main, String(c.fail_calc ?? 'count(*)'), String(c.warn_if ?? '!= 0'), String(c.error_if ?? '!= 0'), limit]);
  const settings = settingsClause(c.query_settings);
  return settings ? `${sql}\n${settings}` : sql;
}

const TRUE = new Set(['y', 'yes', 't', 'true', 'on', '1']);
const FALSE = new Set(['n', 'no', 'f', 'false', 'off', '0']);

/** dbt's TestResultData.convert_bool_type: text as Python's strtobool reads it, anything else by its truth; other text is dbt's error. */
export function testFlag(value: unknown, node: TestNode): boolean {
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    throw new ProjectError('test_flag', `Compilation Error in test ${node.name} (${node.originalFilePath}): Macro 'get_test_sql' returns '${value}'.  It is not type 'bool' and cannot not be converted reliably to a bool.`, {
      file: node.originalFilePath,
      hint: 'Make get_test_sql give should_warn and should_error as booleans (or 0/1, true/false).',
    });
  }
  return value !== null && value !== undefined && value !== false && value !== 0 && value !== '0';
}
