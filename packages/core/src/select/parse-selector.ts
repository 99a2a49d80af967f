import { didYouMean } from '../shared/did-you-mean.js';
import { UsageError } from '../shared/errors.js';
import { getMethod, isMethodName, METHOD_NAMES } from './methods/index.js';
import type { IndirectSelection, MethodName, SelectionCriterion, SelectionSet } from './selector-spec.js';

/** dbt's `RAW_SELECTOR_PATTERN` (selector_spec.py). */
const RAW_SELECTOR =
  /^(?<childrensParents>@)?(?<parents>(?<parentsDepth>\d*)\+)?(?:(?<method>[\w.]+):)?(?<value>.*?)(?<children>\+(?<childrenDepth>\d*))?$/s;

/** dbt methods tsdbt does not implement: named in the error so users know it is not a typo. */
const DBT_ONLY_METHODS = new Set(['wildcard']);

/** The parts of a criterion, from the regex or from a selectors.yml dict. */
export interface CriterionParts {
  readonly method?: string;
  readonly value: string;
  readonly parents?: boolean;
  readonly parentsDepth?: number;
  readonly children?: boolean;
  readonly childrenDepth?: number;
  readonly childrensParents?: boolean;
  readonly indirectSelection?: IndirectSelection;
}

/** One criterion such as `2+tag:nightly+`, `@orders`, `config.materialized:table`. */
export function parseCriterion(raw: string, indirectSelection?: IndirectSelection): SelectionCriterion {
  const groups = RAW_SELECTOR.exec(raw)?.groups;
  if (!groups) throw new UsageError('selector-invalid', `Invalid selector "${raw}".`);
  return buildCriterion(raw, {
    method: groups['method'],
    value: groups['value'] ?? '',
    parents: groups['parents'] !== undefined,
    parentsDepth: depth(groups['parentsDepth']),
    children: groups['children'] !== undefined,
    childrenDepth: depth(groups['childrenDepth']),
    childrensParents: groups['childrensParents'] !== undefined,
    indirectSelection,
  });
}

/** Validates the parts and resolves the method (default: path, file or fqn from the value). */
export function buildCriterion(raw: string, parts: CriterionParts): SelectionCriterion {
  if (parts.value === '') {
    throw new UsageError('selector-empty-value', `Selector "${raw}" has no value.`, {
      hint: 'Write a node name or method:value, e.g. orders, tag:nightly, path:models/mart.',
    });
  }
  if (parts.childrensParents && parts.children) {
    throw new UsageError('selector-invalid', `Invalid selector "${raw}": "@" and a trailing "+" cannot be combined.`, {
      hint: '@x already selects all descendants of x (and their parents).',
    });
  }
  const { method, methodArgs } = resolveMethod(raw, parts.method, parts.value);
  return {
    kind: 'criterion',
    raw,
    method,
    methodArgs,
    value: parts.value,
    parents: parts.parents ?? false,
    parentsDepth: parts.parentsDepth,
    children: parts.children ?? false,
    childrenDepth: parts.childrenDepth,
    childrensParents: parts.childrensParents ?? false,
    indirectSelection: parts.indirectSelection,
  };
}

/**
 * `--select` / `--exclude` values: each element may hold several space-separated
 * arguments (union); commas within one argument intersect.
 */
export function parseSelectArgs(
  args: readonly string[],
  options: { indirectSelection?: IndirectSelection; expectExists: boolean },
): SelectionSet {
  const tokens = args.flatMap((arg) => arg.split(/\s+/)).filter((t) => t !== '');
  if (tokens.length === 0) {
    throw new UsageError('selector-empty-value', 'The selection is empty.', {
      hint: 'Pass at least one selector, e.g. --select orders.',
    });
  }
  const components = tokens.map(
    (token): SelectionSet => ({
      kind: 'intersection',
      raw: token,
      expectExists: options.expectExists,
      components: token.split(',').map((part) => parseCriterion(part, options.indirectSelection)),
    }),
  );
  return { kind: 'union', raw: tokens.join(' '), expectExists: false, components };
}

/** dbt's default: `path` when the value looks like a path, `file` for a file name, else `fqn`. */
export function defaultMethod(value: string): MethodName {
  if (value.includes('/') || value.includes('\\')) return 'path';
  if (/\.(sql|csv|py)$/i.test(value)) return 'file';
  return 'fqn';
}

function resolveMethod(raw: string, rawMethod: string | undefined, value: string): { method: MethodName; methodArgs: string[] } {
  if (rawMethod === undefined) return { method: defaultMethod(value), methodArgs: [] };
  const [name = '', ...methodArgs] = rawMethod.split('.');
  if (!isMethodName(name)) {
    const suggestion = didYouMean(name, METHOD_NAMES);
    const unsupported = DBT_ONLY_METHODS.has(name) ? ` tsdbt does not support dbt's "${name}" method.` : '';
    throw new UsageError('selector-unknown-method', `Unknown selector method "${name}" in "${raw}".${unsupported}`, {
      hint: `${suggestion ? `Did you mean "${suggestion}"? ` : ''}Valid methods: ${METHOD_NAMES.join(', ')}.`,
    });
  }
  if (methodArgs.length > 0 && !getMethod(name).takesArguments) {
    throw new UsageError('selector-invalid', `The ${name} method takes no ".${methodArgs.join('.')}" argument ("${raw}").`, {
      hint: 'Only config takes a key: config.materialized:table.',
    });
  }
  if (methodArgs.some((a) => a === '')) {
    throw new UsageError('selector-invalid', `Invalid method "${rawMethod}" in "${raw}".`);
  }
  return { method: name, methodArgs };
}

function depth(text: string | undefined): number | undefined {
  return text ? Number.parseInt(text, 10) : undefined;
}
