import type { Manifest } from '../../manifest/manifest.js';
import type { MethodName } from '../selector-spec.js';

export interface MethodContext {
  readonly manifest: Manifest;
  /** Nodes selected by a named selector of selectors.yml (used by the `selector` method). */
  namedSelector(name: string): ReadonlySet<string>;
}

/** One selector method: the nodes matching `value` (before graph operators and tests). */
export interface SelectorMethod {
  readonly name: MethodName;
  /** Only `config` takes `.key` arguments. */
  readonly takesArguments?: boolean;
  search(ctx: MethodContext, value: string, args: readonly string[]): Iterable<string>;
}
