import type { ModelNode } from '../../manifest/nodes.js';
import type { ClickHouseAdapter } from '../clickhouse-adapter.js';

export interface MaterializeContext {
  readonly adapter: ClickHouseAdapter;
  readonly node: ModelNode;
  /** Compiled SQL as of parse time (is_incremental() false). */
  readonly sql: string;
  /** Renders and compiles the model again against the warehouse, e.g. with is_incremental() true. */
  readonly recompile: (options: { isIncremental: boolean }) => string;
  readonly fullRefresh: boolean;
  readonly signal?: AbortSignal;
}

export interface MaterializeResult {
  /** What fills dbt's status slot: `OK`, `CREATE VIEW`, `INSERT 123`… */
  readonly message: string;
  readonly rowsAffected?: number;
  readonly warnings: readonly string[];
}

export type Materialization = (ctx: MaterializeContext) => Promise<MaterializeResult>;
