import type { RenderWarehouse } from '../render/render-state.js';

/** One answer the warehouse gave a template: the call (method and arguments) and its result or error. */
export interface WarehouseCall {
  readonly key: string;
  readonly result?: unknown;
  readonly error?: unknown;
}

const METHODS = ['runQuery', 'relationExists', 'columns', 'relation', 'relationsIn', 'schemaExists', 'onCluster'] as const;

/**
 * The warehouse of a render that must run twice as if once (a project's materialization that calls one of
 * tsdbt's built-in ones: run-custom-materialization.ts). `calls` is filled by the first pass and replayed by
 * the second: the first `calls.length` calls answer as recorded, without running anything again (a statement
 * that wrote, e.g. an audit INSERT before the build, runs once), and must be the same calls in the same order
 * (`onMismatch` otherwise: the template took another path); the calls after them run and are recorded.
 * Calls that differ only in their numbers are the same call: a clock or a random number read while
 * rendering (an audit row stamped with `modules.datetime.datetime.now()`) moved between the passes.
 */
export function replayingWarehouse(base: RenderWarehouse, calls: WarehouseCall[], replayed: number, onMismatch: (expected: string, got: string) => never): RenderWarehouse {
  let next = 0;
  const out = {} as Record<(typeof METHODS)[number], (...args: unknown[]) => unknown>;
  for (const method of METHODS) {
    const real = (base[method] as (...args: unknown[]) => unknown).bind(base);
    out[method] = (...args: unknown[]) => {
      const key = `${method}(${JSON.stringify(args)})`;
      const at = next++;
      if (at < replayed) {
        const call = calls[at]!;
        if (call.key !== key && digitless(call.key) !== digitless(key)) onMismatch(call.key, key);
        if ('error' in call) throw call.error;
        return call.result;
      }
      try {
        const result = real(...args);
        calls.push({ key, result });
        return result;
      } catch (error) {
        calls.push({ key, error });
        throw error;
      }
    };
  }
  // Not a call of the warehouse (it reads a refusal's text): passed through, neither recorded nor replayed.
  return { ...(out as unknown as RenderWarehouse), ...(base.caseFold ? { caseFold: base.caseFold.bind(base) } : {}) };
}

const digitless = (key: string) => key.replace(/\d+/g, '0');
