import type { ModelNode } from '../manifest/nodes.js';
import type { ValidationIssue } from './analysis.js';
import type { IssueLocator } from './locate-issue.js';

/** `t.col`: how ClickHouse names a selected qualified column whose name exists in several joined tables. */
const QUALIFIED = /^[A-Za-z_]\w*\.[A-Za-z_]\w*$/;

/**
 * A model output column ClickHouse named `t.col` (the trap of selecting `t.col` when `col` exists in
 * several joined tables): downstream models cannot select `col`, and the name changes with the aliases.
 */
export function qualifiedColumnIssues(locator: IssueLocator, node: ModelNode, sql: string, columns: readonly { name: string }[]): ValidationIssue[] {
  return columns
    .filter((c) => QUALIFIED.test(c.name))
    .map((c) => {
      const short = c.name.split('.')[1]!;
      return locator.at(node, sql, c.name, {
        severity: 'error',
        code: 'qualified_column',
        message: `Output column '${c.name}' keeps its table prefix: ClickHouse names a selected ${c.name} that way when '${short}' exists in several joined tables`,
        hint: `Alias it: ${c.name} AS ${short} (downstream models cannot select '${short}' otherwise).`,
      });
    });
}
