/*
 * The text by which a round() that dbt_semantics rewrote (execute/dbt-semantics/round-half-away.ts: a float tie away from
 * zero) is recognised in compiled SQL — its tie test writes it, and an incremental run (adapter/materializations/
 * stored-rounding.ts) looks for it to decide whether its stored keys were rounded the other way.
 */
export const TIE_MARK = ") LIKE '%Float%' AND ";

/** Whether SQL has a round() that round-half-away.ts wrote. */
export const roundsTiesAway = (sql: string): boolean => sql.includes(TIE_MARK);
