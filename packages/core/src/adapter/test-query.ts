import { settingsClause } from './settings-clause.js';
import type { NodeConfig } from '../manifest/config.js';

export type TestStatus = 'pass' | 'fail' | 'warn';

/** dbt's test wrapper: failures, should_warn and should_error in one row. */
export function wrapTestSql(mainSql: string, config: NodeConfig): string {
  const failCalc = String(config.fail_calc ?? 'count(*)');
  const limit = config.limit === undefined || config.limit === null ? '' : `\nlimit ${Number(config.limit)}`;
  return [
    'select',
    `    ${failCalc} as failures,`,
    `    (${failCalc}) ${String(config.warn_if ?? '!= 0')} as should_warn,`,
    `    (${failCalc}) ${String(config.error_if ?? '!= 0')} as should_error`,
    'from (',
    `${mainSql}${limit}`,
    ') dbt_internal_test',
    // The test's query_settings (join_use_nulls = 1 for a test that joins: load/dbt-semantics.ts).
    ...(settingsClause(config.query_settings) ? [settingsClause(config.query_settings)] : []),
  ].join('\n');
}

/** dbt's status rule: FAIL if severity error and should_error, else WARN if should_warn, else PASS. */
export function testStatus(config: NodeConfig, shouldWarn: boolean, shouldError: boolean, warnError = false): TestStatus {
  const severity = String(config.severity ?? 'error').toLowerCase();
  if (severity === 'error' && shouldError) return 'fail';
  if (shouldWarn) return warnError ? 'fail' : 'warn';
  return 'pass';
}

/** Evaluates a threshold like `!= 0`, `>10`, `>= 5` in JS; undefined when it is not that simple. */
export function evaluateThreshold(failures: number, condition: string): boolean | undefined {
  const m = /^\s*(!=|<>|>=|<=|=|==|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(condition);
  if (!m) return undefined;
  const v = Number(m[2]);
  switch (m[1]) {
    case '!=':
    case '<>':
      return failures !== v;
    case '>=':
      return failures >= v;
    case '<=':
      return failures <= v;
    case '>':
      return failures > v;
    case '<':
      return failures < v;
    default:
      return failures === v;
  }
}
