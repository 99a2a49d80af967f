import type { Manifest } from '../../manifest/manifest.js';
import type { PreviousState } from '../../state/previous-state.js';
import type { MethodName } from '../selector-spec.js';

export interface MethodContext {
  readonly manifest: Manifest;
  /** Nodes selected by a named selector of selectors.yml (used by the `selector` method). */
  namedSelector(name: string): ReadonlySet<string>;
  /** `--state DIR`: the artifacts `state:`, `result:` and `source_status:` compare with. */
  readonly state?: PreviousState;
  /** The current target's sources.json (`source_status:` compares it with the state's). */
  readonly currentFreshness?: PreviousState['sources'];
  readonly onWarning?: (message: string) => void;
}

/** One selector method: the nodes matching `value` (before graph operators and tests). */
export interface SelectorMethod {
  readonly name: MethodName;
  /** Only `config` takes `.key` arguments. */
  readonly takesArguments?: boolean;
  search(ctx: MethodContext, value: string, args: readonly string[]): Iterable<string>;
}
