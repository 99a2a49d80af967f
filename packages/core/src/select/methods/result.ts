import { UsageError } from '../../shared/errors.js';
import type { SelectorMethod } from './types.js';

/** dbt's statuses a run_results.json row can hold (`result:<status>`). */
const STATUSES = ['success', 'error', 'skipped', 'pass', 'fail', 'warn', 'runtime error', 'partial success', 'no-op'];

/** `result:error`, `result:fail+`: nodes whose status in the `--state` folder's run_results.json is the value (dbt's ResultSelectorMethod). */
export const resultMethod: SelectorMethod = {
  name: 'result',
  *search({ manifest, state }, value) {
    if (!STATUSES.includes(value)) {
      throw new UsageError('selector-invalid-value', `Invalid result selector "result:${value}".`, {
        hint: `Use one of: ${STATUSES.filter((s) => s !== 'runtime error').map((s) => `result:${s}`).join(', ')}.`,
      });
    }
    if (!state?.results) {
      throw new UsageError('state_missing', state ? `'result:${value}' reads ${state.dir}/run_results.json, which does not exist` : `'result:${value}' needs the run results of a previous run: pass --state DIR`, {
        hint: 'Pass --state <folder holding a previous run_results.json>, e.g. --state target (copy it first: the next run overwrites it).',
      });
    }
    const matches = new Set(state.results.filter((r) => r.status === value).map((r) => r.uniqueId));
    for (const id of manifest.nodes.keys()) if (matches.has(id)) yield id;
  },
};
