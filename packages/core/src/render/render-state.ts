import type { RefCall } from '../manifest/nodes.js';

/** A warehouse answer as templates see it (an agate-like table). */
export interface QueryTable {
  readonly columnNames: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** What a template may ask of the warehouse while rendering (only at run time). */
export interface RenderWarehouse {
  runQuery(sql: string): QueryTable;
  relationExists(schema: string, identifier: string): boolean;
  columns(schema: string, identifier: string): { name: string; dataType: string }[];
}

/** What the node being rendered is, as templates see it (`model`, `this`). */
export interface RenderNodeInfo {
  readonly uniqueId: string;
  readonly name: string;
  readonly resourceType: string;
  readonly packageName: string;
  readonly originalFilePath: string;
  readonly fqn: readonly string[];
  /** Config from project folders and YAML, before the file's own config() calls. */
  readonly baseConfig: Readonly<Record<string, unknown>>;
}

/**
 * The mutable state of one render. Rendering is synchronous, so the dbt globals read the
 * state of the render in progress from a single slot (see dbt-context.ts).
 */
export interface RenderState {
  readonly node?: RenderNodeInfo;
  /** 'parse': no warehouse, `execute` is false; 'execute': a warehouse may answer run_query. */
  readonly mode: 'parse' | 'execute';
  /**
   * A parse-mode render that takes the run-time branches (`execute` and is_incremental() true,
   * run_query answers an empty table, logs are silent), to find the refs only a run reaches.
   */
  readonly runtimeProbe?: boolean;
  readonly isIncremental: boolean;
  readonly warehouse?: RenderWarehouse;
  readonly refs: RefCall[];
  readonly sources: [string, string][];
  readonly configCalls: Record<string, unknown>[];
  readonly macrosUsed: Set<string>;
  /** Set when the template asked for warehouse state (is_incremental, run_query…). */
  usesWarehouse: boolean;
}

export function newRenderState(init: Partial<RenderState> & Pick<RenderState, 'mode'>): RenderState {
  return {
    isIncremental: false,
    refs: [],
    sources: [],
    configCalls: [],
    macrosUsed: new Set(),
    usesWarehouse: false,
    ...init,
  };
}
