import { TsdbtError } from '../../../packages/core/src/shared/errors.js';

/** The TsdbtError `fn` throws (fails the test when it throws nothing or something else). */
export function thrown(fn: () => unknown): TsdbtError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TsdbtError) return error;
    throw error;
  }
  throw new Error('expected an error');
}
