/*
 * dbt_semantics runs SQL's date as Date32 and timestamp as DateTime64(0) (float-casts.ts, function-names.ts' date(x)):
 * types a server before ClickHouse 21.9 (Date32; DateTime64 came in 20.1) does not know — the 18.16 line refuses the
 * model ("Unknown data type family"). There the casts stay ClickHouse's Date and DateTime, the dates ClickHouse has
 * (1970..2105), as with dbt_semantics off. Asked once per adapter through its capability probe (adapter/capabilities.ts:
 * system.data_type_families), before a node's SQL is rewritten (run-settings.ts); until then the wide types are kept.
 */

/** Whether each adapter's server has Date32 (and so DateTime64), by the adapter that asked. */
const wideDateServers = new WeakMap<object, boolean>();

/** What the probe asks of the adapter: whether its server knows a data type family (cached by the adapter). */
export interface TypeFamilyProbe {
  hasTypeFamily?(name: string): Promise<boolean>;
}

/** Asks once per adapter whether its server has Date32; a failed probe is asked again next time. */
export async function probeWideDates(adapter: TypeFamilyProbe): Promise<void> {
  if (wideDateServers.has(adapter) || !adapter.hasTypeFamily) return;
  const known = await adapter.hasTypeFamily('Date32').catch(() => undefined);
  if (known !== undefined) wideDateServers.set(adapter, known);
}

/** Whether probeWideDates found `adapter`'s server without Date32: its dates and timestamps stay Date / DateTime. */
export const lacksWideDates = (adapter: object): boolean => wideDateServers.get(adapter) === false;
