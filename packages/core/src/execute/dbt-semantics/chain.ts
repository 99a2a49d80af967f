import type { ManifestNode } from '../../manifest/nodes.js';
import { withAliasOrderTerms } from './column-precedence.js';
import { withNullEmptyAggregates } from './empty-aggregates.js';
import { withCorrelatedInAsExists } from './correlated-in.js';
import { withDatabaseNamedAliases } from './database-named-aliases.js';
import { withExistsUnionsSplit } from './exists-unions.js';
import { withDoubleFloatCasts } from './float-casts.js';
import { withWarehouseFunctionNames } from './function-names.js';
import { withJoinColumnNames } from './join-column-names.js';
import { withJoinOnSubqueriesInWhere } from './join-on-subqueries.js';
import { withLeadingZeroNumbers } from './leading-dot-numbers.js';
import { withNullAwareNotIn } from './not-in-nulls.js';
import { withNullTreatmentAfterCall } from './null-treatment.js';
import { withOrderedSetAggregates } from './ordered-set-aggregates.js';
import { withOuterNameScope } from './outer-name-scope.js';
import { withOuterColumnKeys } from './outer-column-keys.js';
import { withOuterJoinKeys } from './outer-join-keys.js';
import { lacksRoundTies, lacksWideDates, lacksWideDecimals } from './server-features.js';
import { withRegexOperators } from './regex-operators.js';
import { withSelfJoinAliases } from './self-join-aliases.js';
import { withShiftIgnoreNulls } from './shift-ignore-nulls.js';
import { withWholeUnionLimit } from './union-limit.js';
import { withUtf8TextFunctions } from './utf8-text.js';
import { withNullWindowShifts } from './window-nulls.js';

/** What a rewrite may need beside the node and its SQL. */
export interface RewriteContext {
  /** The run's adapter: its capability answers (empty-aggregates', not-in-nulls'). */
  readonly adapter: object;
  /** Functions the warehouse has under names a rewrite would take for another warehouse's (user-functions.ts): left as called. */
  readonly userFunctions: ReadonlySet<string>;
  /** round() as ClickHouse rounds (a tie to even): an incremental table whose keys were stored so (stored-rounding.ts). */
  readonly clickhouseRound?: boolean;
  /** `cast(x as date)`, `x::date`, `date(x)` as ClickHouse's Date: a table whose columns were stored so (stored-dates.ts). */
  readonly clickhouseDates?: boolean;
}

/** ClickHouse's Date / DateTime for SQL's date / timestamp: a table stored so, or a server without Date32 (server-features.ts). */
const clickhouseDates = (rc: RewriteContext): boolean => rc.clickhouseDates === true || lacksWideDates(rc.adapter);

type Rewrite = (node: ManifestNode, sql: string, rc: RewriteContext) => string;

/**
 * The rewrites that need no warehouse statement, in the order they apply (the first sees the SQL as
 * compiled): the one list run/build/show (node-sql.ts) and unit tests (run-unit-test.ts) use, so a
 * model and its unit test get the same SQL. Each step decides itself whether the node runs under
 * dbt_semantics. A new rewrite goes here.
 */
const CHAIN: readonly Rewrite[] = [
  (_, sql) => withLeadingZeroNumbers(sql),
  (node, sql) => withWholeUnionLimit(node, sql),
  (_, sql) => withNullTreatmentAfterCall(sql),
  (node, sql) => withShiftIgnoreNulls(node, sql),
  (_, sql) => withRegexOperators(sql),
  (_, sql) => withOrderedSetAggregates(sql),
  (node, sql, rc) => withOuterNameScope(node, sql, rc.adapter),
  (node, sql, rc) => withDatabaseNamedAliases(node, sql, rc.adapter),
  (node, sql) => withExistsUnionsSplit(node, sql),
  (node, sql) => withCorrelatedInAsExists(node, sql),
  (node, sql, rc) => withNullEmptyAggregates(node, sql, rc.adapter),
  (node, sql, rc) => withNullAwareNotIn(node, sql, rc.adapter),
  (node, sql) => withJoinOnSubqueriesInWhere(node, sql),
  (node, sql) => withOuterColumnKeys(node, sql),
  (node, sql) => withOuterJoinKeys(node, sql),
  (node, sql, rc) => withDoubleFloatCasts(node, sql, { clickhouseDates: clickhouseDates(rc), narrowDecimals: lacksWideDecimals(rc.adapter) }),
  (node, sql) => withNullWindowShifts(node, sql),
  (node, sql) => withSelfJoinAliases(node, sql),
  (node, sql) => withJoinColumnNames(node, sql),
  (node, sql) => withUtf8TextFunctions(node, sql),
  (node, sql, rc) =>
    withWarehouseFunctionNames(node, sql, rc.userFunctions, {
      clickhouseRound: rc.clickhouseRound || lacksRoundTies(rc.adapter),
      clickhouseDates: lacksWideDates(rc.adapter) ? 'toDate' : rc.clickhouseDates,
    }),
  (node, sql) => withAliasOrderTerms(node, sql),
];

export function withDbtSemanticsRewrites(node: ManifestNode, sql: string, rc: RewriteContext): string {
  return CHAIN.reduce((out, rewrite) => rewrite(node, out, rc), sql);
}
