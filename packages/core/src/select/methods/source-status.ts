import { UsageError } from '../../shared/errors.js';
import type { SelectorMethod } from './types.js';

/**
 * `source_status:fresher` (dbt's SourceStatusSelectorMethod): sources whose `max_loaded_at` in the
 * current target's sources.json is later than in the `--state` folder's (or absent there); a
 * source whose freshness query errors now is left out.
 */
export const sourceStatusMethod: SelectorMethod = {
  name: 'source_status',
  *search({ manifest, state, currentFreshness }, value) {
    if (value !== 'fresher') {
      throw new UsageError('selector-invalid-value', `Invalid source_status selector "source_status:${value}".`, { hint: 'Use source_status:fresher (with --state).' });
    }
    if (!state?.sources) {
      // dbt's words first ("No previous state comparison freshness results in sources.json").
      const detail = state ? `'source_status:fresher' reads ${state.dir}/sources.json, which does not exist` : "'source_status:fresher' needs a previous run's sources.json: pass --state DIR";
      throw new UsageError('state_missing', `No previous state comparison freshness results in sources.json: ${detail}`, {
        hint: 'Keep the sources.json of the previous `tsdbt source freshness` run (e.g. from production) and pass its folder as --state.',
      });
    }
    if (!currentFreshness) {
      throw new UsageError('state_missing', "No current state comparison freshness results in sources.json: 'source_status:fresher' needs the current freshness results (target/sources.json)", {
        hint: 'Run `tsdbt source freshness` first; then build with --select source_status:fresher+ --state <previous run>.',
      });
    }
    const loadedAt = (rows: NonNullable<typeof currentFreshness>) => new Map(rows.filter((r) => r.maxLoadedAt !== undefined).map((r) => [r.uniqueId, Date.parse(r.maxLoadedAt!)]));
    // As dbt: a source whose query errored now is left out; one that errored before (no max_loaded_at there) counts as fresher.
    const errored = new Set(currentFreshness.filter((r) => r.maxLoadedAt === undefined).map((r) => r.uniqueId));
    const now = loadedAt(currentFreshness);
    const before = loadedAt(state.sources);
    for (const [id, at] of now) {
      if (errored.has(id) || !manifest.nodes.has(id)) continue;
      const previous = before.get(id);
      if (previous === undefined || at > previous) yield id;
    }
  },
};
