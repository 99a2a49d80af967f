import type { Manifest, SelectorDefinition } from '../manifest/manifest.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { ProjectError, UsageError } from '../shared/errors.js';
import { evaluateSpec, type EvalContext } from './evaluate-spec.js';
import type { Selection } from './indirect-tests.js';
import { parseSelectorDefinition } from './selectors-yml.js';

/**
 * Evaluates selectors.yml selectors by name, once each per selection, for `--selector`,
 * the default selector and the `selector:` method. Detects selectors that reference
 * themselves through others.
 */
export class NamedSelectors {
  private readonly results = new Map<string, Selection>();
  private readonly stack: SelectorDefinition[] = [];

  constructor(private readonly manifest: Manifest) {}

  evaluate(name: string, ctx: EvalContext): Selection {
    const selector = this.lookup(name);
    const cached = this.results.get(name);
    if (cached) return cached;
    const at = this.stack.findIndex((s) => s.name === selector.name);
    if (at >= 0) {
      const cycle = [...this.stack.slice(at), selector].map((s) => s.name).join(' -> ');
      throw new ProjectError('selector-cycle', `Selectors reference each other in a cycle: ${cycle}.`, {
        file: selector.file,
      });
    }
    this.stack.push(selector);
    try {
      const result = evaluateSpec(parseSelectorDefinition(selector), ctx);
      this.results.set(name, result);
      return result;
    } catch (error) {
      // e.g. `test_type:bogus` inside the definition: the fix is in selectors.yml.
      if (error instanceof UsageError) {
        throw new ProjectError(error.code, `In selector "${name}" (${selector.file}): ${error.message}`, {
          file: selector.file,
          hint: error.hint,
          cause: error,
        });
      }
      throw error;
    } finally {
      this.stack.pop();
    }
  }

  /** Unknown names: a UsageError from the command line, a ProjectError inside selectors.yml. */
  private lookup(name: string): SelectorDefinition {
    const selectors = this.manifest.selectors;
    if (Object.hasOwn(selectors, name)) return selectors[name]!;
    const names = Object.keys(selectors);
    const suggestion = didYouMean(name, names);
    const hint = `${suggestion ? `Did you mean "${suggestion}"? ` : ''}${
      names.length > 0 ? `Selectors defined in selectors.yml: ${names.join(', ')}.` : 'No selectors are defined in selectors.yml.'
    }`;
    const referrer = this.stack.at(-1);
    if (referrer) {
      throw new ProjectError('selector-unknown', `Selector "${referrer.name}" references unknown selector "${name}".`, {
        file: referrer.file,
        hint,
      });
    }
    throw new UsageError('selector-unknown', `Unknown selector "${name}".`, { hint });
  }
}

/** The selector marked `default: true`, used when neither --select nor --exclude is given. */
export function defaultSelectorName(manifest: Manifest): string | undefined {
  const defaults = Object.entries(manifest.selectors).filter(([, s]) => s.default === true);
  if (defaults.length > 1) {
    throw new ProjectError(
      'selectors-yml-multiple-default',
      `Several selectors have default: true (${defaults.map(([name]) => name).join(', ')}); only one may.`,
      { file: defaults[1]![1].file },
    );
  }
  return defaults[0]?.[0];
}
