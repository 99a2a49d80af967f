import { ProjectError, UsageError } from '../shared/errors.js';
import { DBT_DEPRECATION_EVENTS, DBT_EVENT_NAMES } from './dbt-event-names.js';
import type { EventHandler } from './events.js';

/**
 * dbt's `--warn-error-options` / `flags: warn_error_options:` (dbt-common's WarnErrorOptionsV2):
 * which of dbt's warnings (by event name) are errors, stay warnings, or are not shown. `error` is
 * `all` / `*` or a list of names (`Deprecations` names every deprecation); `include` / `exclude`
 * are the older names of `error` / `warn`.
 */
export interface WarnErrorOptions {
  readonly error: 'all' | '*' | readonly string[];
  readonly warn: readonly string[];
  readonly silence: readonly string[];
}

const ERROR_ALL = new Set(['all', '*']);
const DEPRECATIONS = 'Deprecations';

/** Where the options were written, for the error naming them. */
export type WarnErrorOptionsSource = 'flag' | 'dbt_project.yml';

function invalid(source: WarnErrorOptionsSource, message: string): never {
  if (source === 'flag') throw new UsageError('warn_error_options', message, { hint: "Write e.g. --warn-error-options '{\"error\": [\"NoNodesForSelectionCriteria\"]}'." });
  throw new ProjectError('warn_error_options', message, { file: 'dbt_project.yml', hint: 'Fix flags: warn_error_options (error / warn / silence: lists of dbt event names).' });
}

/**
 * The options as dbt reads them (dbt's normalize_warn_error_options then WarnErrorOptionsV2): one of
 * `include`/`error` and of `exclude`/`warn`; a key written empty (`warn:`) is no names; every name
 * must be one of dbt's events. Undefined when nothing is set.
 */
export function warnErrorOptionsOf(value: unknown, source: WarnErrorOptionsSource): WarnErrorOptions | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) invalid(source, 'warn_error_options must be a mapping of error / warn / silence to lists of dbt event names');
  const o = value as Record<string, unknown>;
  // dbt's exclusive_primary_alt_value_setting: both set (non-empty) is an error, the older one is moved.
  const pick = (primary: string, alt: string): unknown => {
    if (truthy(o[primary]) && truthy(o[alt])) invalid(source, `Only \`${alt}\` or \`${primary}\` can be specified in \`warn_error_options\`, not both`);
    return alt in o ? o[alt] : o[primary];
  };
  const error = pick('error', 'include') ?? [];
  const warn = names(pick('warn', 'exclude'), 'warn', source);
  const silence = names(o.silence, 'silence', source);
  if (typeof error === 'string' && !ERROR_ALL.has(error)) invalid(source, "error must be one of ('all', '*') or a list of strings");
  const errorList = typeof error === 'string' ? undefined : names(error, 'error', source);
  if (warn.length && !(errorList === undefined || errorList.includes(DEPRECATIONS) || silence.includes(DEPRECATIONS)))
    invalid(source, "`warn` can only be specified if `error` is one of ('all', '*') or Deprecations is in `error` or silence.");
  return { error: errorList ?? (error as 'all' | '*'), warn, silence };
}

const truthy = (v: unknown) => (Array.isArray(v) ? v.length > 0 : Boolean(v));

function names(value: unknown, key: string, source: WarnErrorOptionsSource): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) invalid(source, `warn_error_options' ${key} must be a list of dbt event names`);
  for (const name of value as string[]) if (name !== DEPRECATIONS && !DBT_EVENT_NAMES.has(name)) invalid(source, `${name} is not a valid dbt error name.`);
  return value as string[];
}

/**
 * What becomes of one of dbt's warnings (dbt-common's EventManager.fire_event with warn-or-error
 * handling): an error (the command fails with its message), silenced (not shown) or a warning.
 * Order: a named event beats `Deprecations`, which beats `all`; silence beats warn beats error.
 */
export function warnErrorDecision(event: string, options: WarnErrorOptions | undefined, warnError: boolean): 'error' | 'silence' | 'warn' {
  const deprecation = DBT_DEPRECATION_EVENTS.has(event);
  const named = (list: readonly string[] | string) => typeof list !== 'string' && list.includes(event);
  const asDeprecation = (list: readonly string[] | string) => deprecation && typeof list !== 'string' && list.includes(DEPRECATIONS);
  if (warnError) return 'error';
  if (!options) return 'warn';
  const namedElsewhere = named(options.warn) || named(options.silence);
  const deprecationElsewhere = asDeprecation(options.warn) || asDeprecation(options.silence);
  if (named(options.error) && !namedElsewhere) return 'error';
  if (asDeprecation(options.error) && !(namedElsewhere || deprecationElsewhere)) return 'error';
  if (typeof options.error === 'string' && !(namedElsewhere || deprecationElsewhere)) return 'error';
  if (named(options.silence)) return 'silence';
  if (asDeprecation(options.silence) && !(named(options.error) || named(options.warn))) return 'silence';
  return 'warn';
}

/**
 * tsdbt's warnings that are dbt's warn-or-error events, by dbt's words (tsdbt writes dbt's message
 * for each): the event name `warn_error_options` lists them by. Other warnings have no dbt event.
 */
const EVENTS_BY_TEXT: readonly (readonly [RegExp, string])[] = [
  [/^Model \S+ has passed its deprecation date of /, 'DeprecatedModel'],
  [/^While compiling '[^']*': Found a reference to .*, which was deprecated on /, 'DeprecatedReference'],
  [/^While compiling '[^']*': Found a reference to .*, which is slated for deprecation on /, 'UpcomingReferenceDeprecation'],
  [/^Configuration paths exist in your dbt_project\.yml file which do not apply to any resources\./, 'UnusedResourceConfigPath'],
  [/^Nothing to do\. Try checking your model configs and model specification args/, 'NothingToDo'],
  [/^The selection criterion '.*' does not match any enabled nodes/, 'NoNodesForSelectionCriteria'],
  [/^Did not find matching node for patch with name '/, 'NoNodeForYamlKey'],
  [/: the YAML entry for (model|snapshot|seed) '[^']*' matches no /, 'NoNodeForYamlKey'],
  [/: found properties for macro '[^']*', which package '[^']*' does not define$/, 'MacroNotFoundForPatch'],
  [/^Spaces found in \d+ resource name\(s\)\. This is deprecated/, 'ResourceNamesWithSpacesDeprecation'],
  [/^Found resources with the same name '[^']*' in package '[^']*': /, 'DuplicateNameDistinctNodeTypesDeprecation'],
  [/^(Argument \S+ in (the )?yaml for macro \S+ (does not match the jinja definition|has an invalid type)\.|The number of arguments in the yaml for macro \S+ does not match the jinja definition\.)$/, 'InvalidMacroAnnotation'],
];

/** The dbt event a tsdbt warning is, if any. */
export function dbtEventOf(message: string): string | undefined {
  for (const [text, event] of EVENTS_BY_TEXT) if (text.test(message)) return event;
  return undefined;
}

/** How a project treats dbt's warnings: --warn-error, else --warn-error-options, else dbt_project.yml `flags:`. */
export interface WarnErrorPolicy {
  readonly warnError: boolean;
  readonly options?: WarnErrorOptions;
}

/**
 * The policy of an invocation: the command line's (--warn-error / --warn-error-options, mutually
 * exclusive as in dbt), else the project's `flags: warn_error / warn_error_options`.
 */
export function warnErrorPolicyOf(given: { readonly warnError?: boolean; readonly warnErrorOptions?: unknown }, projectFlags: Readonly<Record<string, unknown>>): WarnErrorPolicy {
  if (given.warnError && given.warnErrorOptions !== undefined)
    throw new UsageError('warn_error_options', 'warn_error_options: not allowed with argument warn_error', { hint: 'Give --warn-error or --warn-error-options, not both.' });
  if (given.warnError) return { warnError: true };
  const cli = warnErrorOptionsOf(given.warnErrorOptions, 'flag');
  if (cli) return { warnError: false, options: cli };
  const options = warnErrorOptionsOf(projectFlags.warn_error_options, 'dbt_project.yml');
  return { warnError: projectFlags.warn_error === true, ...(options ? { options } : {}) };
}

/** Every warning an error: `error: all` (or `*`) with no event kept as a warning or silenced — tsdbt's own warnings too. */
export function allWarningsAreErrors(policy: WarnErrorPolicy): boolean {
  const o = policy.options;
  return policy.warnError || (o !== undefined && typeof o.error === 'string' && o.warn.length === 0 && o.silence.length === 0);
}

/** The error a warning promoted by the policy fails the command with (dbt's EventCompilationError: the warning's text). */
export function warningAsError(message: string): ProjectError {
  return new ProjectError('warn_error', message, { hint: 'A warning made an error by --warn-error / --warn-error-options (or flags: warn_error_options in dbt_project.yml).' });
}

/**
 * One of dbt's warnings under `policy`: the command's error, silenced, or a warning event. `event`: the dbt event it
 * is when its text cannot tell (else read from the text, dbtEventOf).
 */
export function reportWarning(message: string, policy: WarnErrorPolicy, onEvent: EventHandler, event = dbtEventOf(message)): void {
  const decision = event ? warnErrorDecision(event, policy.options, policy.warnError) : 'warn';
  if (decision === 'error') throw warningAsError(message);
  if (decision === 'warn') onEvent({ type: 'warning', message, ...(event ? { name: event } : {}) });
}
