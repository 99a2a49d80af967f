import { UsageError } from '@tsdbt/core';

/** dbt's resource type names (`--resource-type` choices), `all` and `default` aside. */
const DBT_TYPES = ['model', 'seed', 'snapshot', 'source', 'test', 'unit_test', 'analysis', 'exposure', 'metric', 'semantic_model', 'saved_query', 'function'] as const;

/** What each command considers: `all`, and `default` (what it takes when neither flag is given). */
const COMMAND_TYPES: Record<'ls' | 'build' | 'test' | 'clone', { all: readonly string[]; default: readonly string[] }> = {
  // dbt's ListTask: every type; `default` leaves analyses out.
  ls: { all: DBT_TYPES, default: DBT_TYPES.filter((t) => t !== 'analysis') },
  // dbt 1.10's BuildTask: exposures and saved queries run as no-op nodes.
  build: { all: ['model', 'seed', 'snapshot', 'test', 'unit_test', 'exposure', 'saved_query', 'function'], default: ['model', 'seed', 'snapshot', 'test', 'unit_test', 'exposure', 'saved_query', 'function'] },
  test: { all: ['test', 'unit_test'], default: ['test', 'unit_test'] },
  clone: { all: ['model', 'seed', 'snapshot'], default: ['model', 'seed', 'snapshot'] },
};

/**
 * The resource types a command selects, from `--resource-type` (dbt's `all` / `default` allowed)
 * minus `--exclude-resource-type`, as dbt's resource_types_from_args; undefined when neither flag
 * is given (the command's own default; ls: its default types, analyses aside, as dbt's ListTask). An unknown name is a usage error (exit 2), as dbt's choice.
 */
export function resourceTypesOf(command: keyof typeof COMMAND_TYPES, include: readonly string[] | undefined, exclude: readonly string[] | undefined): string[] | undefined {
  // Neither flag: build and test keep their own defaults; ls lists its default types (no analyses).
  if (!include?.length && !exclude?.length) return command === 'ls' ? [...COMMAND_TYPES.ls.default] : undefined;
  const known = new Set<string>([...DBT_TYPES, 'all', 'default']);
  for (const [flag, list] of [['--resource-type', include], ['--exclude-resource-type', exclude]] as const)
    for (const t of list ?? [])
      if (!known.has(t))
        throw new UsageError('resource_type', `Invalid value for '${flag}': '${t}' is not one of ${[...known].map((k) => `'${k}'`).join(', ')}.`, {
          hint: `Write e.g. ${flag} model (repeat the flag or list several for more types).`,
        });
  const types = COMMAND_TYPES[command];
  const chosen = new Set<string>(include?.length ? include.flatMap((t) => (t === 'all' ? types.all : t === 'default' ? types.default : [t])) : types.default);
  for (const t of exclude ?? []) chosen.delete(t);
  // Only what the command can run (`build --resource-type source` selects nothing to run).
  return [...chosen].filter((t) => types.all.includes(t));
}
