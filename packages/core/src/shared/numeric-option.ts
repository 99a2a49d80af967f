import { UsageError } from './errors.js';

/** What a numeric flag or option may hold. */
export interface IntegerRule {
  /** Smallest allowed value (default 0). */
  readonly min?: number;
  /** Largest allowed value (default: none). */
  readonly max?: number;
  /** A value that works, for the hint (e.g. '4'). */
  readonly example: string;
  /** A value outside [min, max] the option also accepts, with its meaning (e.g. -1 for `--limit`: all rows). */
  readonly special?: { readonly value: number; readonly meaning: string };
}

const WHOLE = /^[+-]?\d+$/;

/**
 * A whole number from a CLI flag (a string) or a library option (a number), checked at the edge:
 * `--threads abc`, `--threads 0`, `--threads 2.5`, `--port 99999` fail here with a UsageError (exit 2)
 * instead of reaching the scheduler or the network as NaN, 0 or a fraction.
 * `name` is how the user wrote it: '--threads' on the command line, 'threads' in the library.
 */
export function integerOption(name: string, value: unknown, rule: IntegerRule): number {
  const min = rule.min ?? 0;
  const n = typeof value === 'number' ? value : typeof value === 'string' && WHOLE.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (rule.special && n === rule.special.value) return n;
  if (Number.isSafeInteger(n) && n >= min && (rule.max === undefined || n <= rule.max)) return n;
  const range =
    rule.max !== undefined ? `a whole number from ${min} to ${rule.max}`
    : min === 1 ? 'a positive whole number'
    : `a whole number of ${min} or more`;
  const special = rule.special ? `, or ${rule.special.value} for ${rule.special.meaning}` : '';
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  const flag = name.startsWith('-');
  throw new UsageError('invalid_option', `${name} must be ${range}${special}, got ${shown}`, {
    hint: flag ? `Write e.g. ${name} ${rule.example}.` : `Pass e.g. { ${name}: ${rule.example} }.`,
  });
}

/** integerOption() for an optional value: undefined stays undefined. */
export function optionalInteger(name: string, value: unknown, rule: IntegerRule): number | undefined {
  return value === undefined ? undefined : integerOption(name, value, rule);
}

/** The rules of tsdbt's numeric flags and options, one place for the CLI and the library. */
export const NUMERIC_RULES = {
  threads: { min: 1, example: '4' },
  port: { min: 0, max: 65535, example: '8123' },
  limit: { min: 0, example: '10', special: { value: -1, meaning: 'all rows' } },
  debounce: { min: 0, max: 60_000, example: '50' },
  depth: { min: 1, example: '2' },
  /** --printer-width: the width of progress lines. */
  printerWidth: { min: 20, max: 1000, example: '120' },
  /** Durations in profiles.yml (temporaries_max_age…). */
  seconds: { min: 0, example: '3600' },
  positiveSeconds: { min: 1, example: '60' },
} as const satisfies Record<string, IntegerRule>;
