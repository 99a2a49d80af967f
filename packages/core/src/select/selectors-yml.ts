import type { SelectorDefinition } from '../manifest/manifest.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { ProjectError, UsageError } from '../shared/errors.js';
import { buildCriterion, parseSelectArgs } from './parse-selector.js';
import { INDIRECT_SELECTION_MODES, type IndirectSelection, type SelectionSpec } from './selector-spec.js';

/** Keys of the full dict form of a selectors.yml criterion. */
const CRITERION_KEYS = [
  'method', 'value', 'children', 'parents', 'children_depth', 'parents_depth',
  'childrens_parents', 'indirect_selection', 'exclude',
] as const;

type Dict = Readonly<Record<string, unknown>>;

/**
 * A selectors.yml definition → a selection spec (dbt's `selector_config.py`):
 * a CLI string; `{method: value}`; a dict with `method`, `value`, graph keys and
 * `exclude`; or `union:` / `intersection:` lists, whose `exclude:` item is applied
 * last within that list. Problems are ProjectErrors pointing at the file.
 */
export function parseSelectorDefinition(selector: SelectorDefinition): SelectionSpec {
  const where = `selector "${selector.name}"`;
  const fail = (message: string, hint?: string): never => {
    throw new ProjectError('selectors-yml-invalid', `Invalid ${where} in ${selector.file}: ${message}`, {
      file: selector.file,
      hint,
    });
  };
  try {
    return parseDefinition(selector.definition, where, fail);
  } catch (error) {
    // Grammar errors from the CLI parser are selectors.yml problems here.
    if (error instanceof UsageError) {
      throw new ProjectError(error.code, `Invalid ${where} in ${selector.file}: ${error.message}`, {
        file: selector.file,
        hint: error.hint,
        cause: error,
      });
    }
    throw error;
  }
}

type Fail = (message: string, hint?: string) => never;

function parseDefinition(def: unknown, raw: string, fail: Fail): SelectionSpec {
  if (typeof def === 'string') {
    if (def.trim() === '') fail('the definition is an empty string.');
    return parseSelectArgs([def], { expectExists: false });
  }
  if (!isDict(def)) return fail(`expected a string, a union/intersection, or a method dict; found ${describe(def)}.`);
  const keys = Object.keys(def);
  for (const op of ['union', 'intersection'] as const) {
    if (!(op in def)) continue;
    if (keys.length > 1) fail(`"${op}" cannot be combined with other keys (found ${keys.join(', ')}).`);
    return parseSetOperation(op, def[op], raw, fail);
  }
  if (keys.length === 1 && keys[0] !== 'method' && keys[0] !== 'value') {
    const method = keys[0]!;
    if (method === 'exclude') {
      fail('"exclude" must be an item of a union or intersection list, or sit next to method and value.');
    }
    const value = scalar(def[method], method, fail);
    return buildCriterion(`${method}:${value}`, { method, value });
  }
  if ('method' in def && 'value' in def) return parseCriterionDict(def, raw, fail);
  return fail(`expected one "method: value" key, or "method" and "value" keys; found ${keys.join(', ') || 'an empty dict'}.`);
}

function parseCriterionDict(def: Dict, raw: string, fail: Fail): SelectionSpec {
  for (const key of Object.keys(def)) {
    if (!(CRITERION_KEYS as readonly string[]).includes(key)) {
      const suggestion = didYouMean(key, CRITERION_KEYS);
      fail(`unknown key "${key}".`, `${suggestion ? `Did you mean "${suggestion}"? ` : ''}Valid keys: ${CRITERION_KEYS.join(', ')}.`);
    }
  }
  const method = def['method'];
  if (typeof method !== 'string' || method === '') return fail(`"method" must be a method name; found ${describe(method)}.`);
  const value = scalar(def['value'], 'value', fail);
  const base = buildCriterion(`${method}:${value}`, {
    method,
    value,
    parents: flag(def, 'parents', fail),
    parentsDepth: depth(def, 'parents_depth', fail),
    children: flag(def, 'children', fail),
    childrenDepth: depth(def, 'children_depth', fail),
    childrensParents: flag(def, 'childrens_parents', fail),
    indirectSelection: indirectSelection(def, fail),
  });
  if (!('exclude' in def)) return base;
  return { kind: 'difference', raw, expectExists: false, components: [base, parseExclusions(def['exclude'], raw, fail)] };
}

function parseSetOperation(op: 'union' | 'intersection', items: unknown, raw: string, fail: Fail): SelectionSpec {
  if (!Array.isArray(items)) return fail(`"${op}" must be a list; found ${describe(items)}.`);
  const include: SelectionSpec[] = [];
  let exclude: SelectionSpec | undefined;
  for (const item of items) {
    if (isDict(item) && Object.keys(item).length === 1 && 'exclude' in item) {
      if (exclude) fail(`a "${op}" list can hold only one "exclude" item.`, 'Put all exclusions in one exclude list.');
      exclude = parseExclusions(item['exclude'], raw, fail);
    } else if (typeof item === 'string' || isDict(item)) {
      include.push(parseDefinition(item, raw, fail));
    } else {
      fail(`items of "${op}" must be strings or dicts; found ${describe(item)}.`);
    }
  }
  const set: SelectionSpec = { kind: op, raw, expectExists: false, components: include };
  return exclude ? { kind: 'difference', raw, expectExists: false, components: [set, exclude] } : set;
}

function parseExclusions(value: unknown, raw: string, fail: Fail): SelectionSpec {
  const items = Array.isArray(value) ? value : [value];
  const parsed = items.map((item) => {
    if (typeof item !== 'string' && !isDict(item)) return fail(`"exclude" items must be strings or dicts; found ${describe(item)}.`);
    return parseDefinition(item, raw, fail);
  });
  return parsed.length === 1 ? parsed[0]! : { kind: 'union', raw, expectExists: false, components: parsed };
}

function scalar(value: unknown, key: string, fail: Fail): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(`"${key}" must be a string; found ${describe(value)}.`);
}

function flag(def: Dict, key: string, fail: Fail): boolean {
  const value = def[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') fail(`"${key}" must be true or false; found ${describe(value)}.`);
  return value === true;
}

function depth(def: Dict, key: string, fail: Fail): number | undefined {
  const value = def[key];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`"${key}" must be a whole number; found ${describe(value)}.`);
  return n as number;
}

function indirectSelection(def: Dict, fail: Fail): IndirectSelection | undefined {
  const value = def['indirect_selection'];
  if (value === undefined || value === null) return undefined;
  if (!(INDIRECT_SELECTION_MODES as readonly unknown[]).includes(value)) {
    fail(`"indirect_selection" must be one of ${INDIRECT_SELECTION_MODES.join(', ')}; found ${describe(value)}.`);
  }
  return value as IndirectSelection;
}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a dict' : `${typeof value} ${JSON.stringify(value)}`;
}
