import { UsageError } from '../../shared/errors.js';
import type { SelectorMethod } from './types.js';

/**
 * `config.materialized:table`, `config.meta.owner:ann`, `config.tags:nightly`.
 * Matches a string (or number) equal to the value, a boolean by `true`/`false`,
 * a list containing it, or a dict having it as a key.
 */
export const configMethod: SelectorMethod = {
  name: 'config',
  takesArguments: true,
  *search({ manifest }, value, args) {
    if (args.length === 0) {
      throw new UsageError('selector-invalid', `The config method needs a key: "config:${value}".`, {
        hint: 'Write config.<key>:<value>, e.g. config.materialized:table.',
      });
    }
    // As in dbt, test severity compares case-insensitively (warn = WARN).
    const caseInsensitive = args.length === 1 && args[0] === 'severity';
    for (const node of manifest.nodes.values()) {
      const found = descend(node.config, args);
      if (found.ok && configValueMatches(found.value, value, caseInsensitive)) yield node.uniqueId;
    }
  },
};

function descend(config: unknown, keys: readonly string[]): { ok: true; value: unknown } | { ok: false } {
  let value = config;
  for (const key of keys) {
    if (!isRecord(value) || !Object.hasOwn(value, key)) return { ok: false };
    value = value[key];
  }
  return { ok: true, value };
}

export function configValueMatches(value: unknown, selector: string, caseInsensitive = false): boolean {
  if (Array.isArray(value)) return value.some((item) => scalarMatches(item, selector, caseInsensitive));
  if (isRecord(value)) return Object.hasOwn(value, selector);
  return scalarMatches(value, selector, caseInsensitive);
}

function scalarMatches(value: unknown, selector: string, caseInsensitive: boolean): boolean {
  switch (typeof value) {
    case 'string':
      return caseInsensitive ? value.toLowerCase() === selector.toLowerCase() : value === selector;
    case 'boolean':
      return selector.toLowerCase() === String(value);
    case 'number':
    case 'bigint':
      return String(value) === selector;
    default:
      return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
