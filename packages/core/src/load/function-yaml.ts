import type { FunctionArgument } from '../manifest/nodes.js';
import { isMapping } from './node-config.js';
import type { ResourcePatch } from './schema-yaml.js';

/** A `functions:` entry (dbt 1.11): a function's description and config, plus its arguments and return type. */
export interface FunctionPatch extends ResourcePatch {
  readonly arguments: readonly FunctionArgument[];
  readonly returns?: { readonly dataType: string; readonly description: string };
}

type Fail = (path: (string | number)[], message: string, hint?: string) => never;

/**
 * The function-only properties of a `functions:` entry (`patch` is its common part): `arguments`
 * (name, data_type, description, default_value) and `returns` (data_type, description). A defaulted
 * argument before one without a default is dbt's parsing error.
 */
export function parseFunctionEntry(patch: ResourcePatch, entry: unknown, path: (string | number)[], fail: Fail): FunctionPatch {
  const e = entry as Record<string, unknown>;
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const args = e.arguments === undefined || e.arguments === null ? [] : e.arguments;
  if (!Array.isArray(args)) return fail([...path, 'arguments'], `Function '${patch.name}': 'arguments' must be a list of {name, data_type, description}`);
  const argumentsOut = args.map((a, i): FunctionArgument => {
    if (!isMapping(a) || typeof a.name !== 'string') return fail([...path, 'arguments', i], `Function '${patch.name}': each argument needs a 'name'`);
    return { name: a.name, dataType: text(a.data_type), description: text(a.description), ...('default_value' in a ? { defaultValue: a.default_value } : {}) };
  });
  // dbt's FunctionNode validation (its words).
  let defaulted: string | undefined;
  for (const [i, a] of argumentsOut.entries()) {
    if (a.defaultValue !== undefined) defaulted ??= a.name;
    else if (defaulted !== undefined)
      fail([...path, 'arguments', i], `Non-defaulted argument '${a.name}' of function '${patch.name}' comes after a defaulted argument. Non-defaulted arguments cannot come after defaulted arguments. `, `Move '${a.name}' before '${defaulted}', or give it a default_value too.`);
  }
  const r = e.returns;
  if (r !== undefined && r !== null && !isMapping(r)) return fail([...path, 'returns'], `Function '${patch.name}': 'returns' must be a mapping with a data_type`);
  const returns = isMapping(r) ? { dataType: text(r.data_type), description: text(r.description) } : undefined;
  return { ...patch, arguments: argumentsOut, ...(returns ? { returns } : {}) };
}
