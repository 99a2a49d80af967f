/*
 * What dbt_semantics' SQL rewrites write that a server before ClickHouse 21.x lacks — the 18.16 line refuses the
 * whole model for it. There each such rewrite does what that server can, as its capability probe says (adapter/
 * capabilities.ts: system.data_type_families / system.functions), asked once per adapter before a node's SQL is
 * rewritten (run-settings.ts). Not asked yet, or a failed probe: the modern rewrite (asked again next time).
 * - Date32 (21.9; DateTime64 came in 20.1): SQL's date / timestamp run as Date32 / DateTime64(0) (float-casts.ts,
 *   function-names.ts' date(x)). Without it they stay ClickHouse's Date and DateTime (1970..2105), as with
 *   dbt_semantics off.
 * - Decimal256 (20.8): `numeric` / `decimal` without precision run as Decimal(76, 10) (float-casts.ts). Without it,
 *   Decimal(38, 10): the same scale, 28 integer digits (such a server has no NUMERIC name at all: the cast failed
 *   with or without dbt_semantics). 18.16 wraps a Decimal128 product past 38 digits silently (decimal_check_overflow
 *   misses it; decimal-overflow.ts' check needs a modern server), so three such factors can overflow there.
 * - sign() (21.2), and CAST to a type computed by toTypeName(): what round-half-away.ts writes for a float's tie.
 *   Without them round() is ClickHouse's (a float's tie to even; a Decimal's and an integer's as everywhere).
 */

/** What each adapter's server was found to have, by the adapter that asked (a key missing: not known yet). */
const servers = new WeakMap<object, { wideDates?: boolean; wideDecimals?: boolean; roundTies?: boolean }>();

/** What the probes ask of the adapter (cached by the adapter's capabilities). */
export interface ServerFeatureProbe {
  hasTypeFamily?(name: string): Promise<boolean>;
  hasFunction?(name: string): Promise<boolean>;
}

/** Asks once per adapter what the rewrites above need; a failed probe is asked again next time. */
export async function probeServerFeatures(adapter: ServerFeatureProbe): Promise<void> {
  const known = servers.get(adapter) ?? servers.set(adapter, {}).get(adapter)!;
  const ask = async (key: keyof typeof known, probe: (() => Promise<boolean>) | undefined): Promise<void> => {
    if (known[key] !== undefined || !probe) return;
    const answer = await probe().catch(() => undefined);
    if (answer !== undefined) known[key] = answer;
  };
  await Promise.all([
    ask('wideDates', adapter.hasTypeFamily && (() => adapter.hasTypeFamily!('Date32'))),
    ask('wideDecimals', adapter.hasTypeFamily && (() => adapter.hasTypeFamily!('Decimal256'))),
    ask('roundTies', adapter.hasFunction && (() => adapter.hasFunction!('sign'))),
  ]);
}

/** Whether probeServerFeatures found `adapter`'s server without Date32: its dates and timestamps stay Date / DateTime. */
export const lacksWideDates = (adapter: object): boolean => servers.get(adapter)?.wideDates === false;

/** Whether `adapter`'s server was found without Decimal256: numeric without precision is Decimal(38, 10) there. */
export const lacksWideDecimals = (adapter: object): boolean => servers.get(adapter)?.wideDecimals === false;

/** Whether `adapter`'s server was found without what round-half-away.ts writes: round() stays ClickHouse's there. */
export const lacksRoundTies = (adapter: object): boolean => servers.get(adapter)?.roundTies === false;
