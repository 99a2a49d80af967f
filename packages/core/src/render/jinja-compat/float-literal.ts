import { toPyFloat } from './python-values.js';

/** Name of the global that float literals with an integral value (`1.0`, `1e3`) are rewritten to call. */
export const FLOAT_GLOBAL = '__jc_float';

/** The float literal's value, marked as a float (see PyFloat). */
export function floatLiteral(n: unknown): unknown {
  return toPyFloat(Number(n));
}
