import { ProjectError } from '../../shared/errors.js';
import { materializeDictionary } from './dictionary.js';
import { materializeDistributedIncremental } from './distributed-incremental.js';
import { materializeDistributedTable } from './distributed-table.js';
import { materializeIncremental } from './incremental.js';
import { materializeMaterializedView } from './materialized-view.js';
import { materializeTable } from './table.js';
import type { Materialization } from './types.js';
import { withoutOwnViews } from './retire-views.js';
import { materializeView } from './view.js';

/** Registry of materializations by config name. `ephemeral` models are inlined, never run. */
export const MATERIALIZATIONS: Readonly<Record<string, Materialization>> = {
  view: materializeView,
  table: materializeTable,
  incremental: materializeIncremental,
  distributed_table: materializeDistributedTable,
  distributed_incremental: materializeDistributedIncremental,
  dictionary: materializeDictionary,
  materialized_view: materializeMaterializedView,
};

export function materializationFor(name: string, file: string): Materialization {
  const m = MATERIALIZATIONS[name];
  if (m && name !== 'materialized_view') return withoutOwnViews(m);
  if (!m)
    throw new ProjectError('materialization', `Unknown materialization '${name}'`, {
      file,
      hint: `Use one of: ${[...Object.keys(MATERIALIZATIONS), 'ephemeral'].join(', ')}.`,
    });
  return m;
}

export type { Materialization, MaterializeContext, MaterializeResult, ModelLookup } from './types.js';
