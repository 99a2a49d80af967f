import { UsageError } from '@tsdbt/core';
import { Option, type Command } from 'commander';

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

/** `--resource-type(s)` / `--exclude-resource-type(s)` as given (dbt accepts both spellings of each). */
export interface ResourceTypeFlags {
  resourceType?: string[];
  resourceTypes?: string[];
  excludeResourceType?: string[];
  excludeResourceTypes?: string[];
}

/** Both spellings of the two flags, each list split on spaces and commas; dbt reads them from the environment too (DBT_RESOURCE_TYPES="test model"). */
export function addResourceTypeOptions(cmd: Command, help: string): Command {
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(/[\s,]+/).filter(Boolean)];
  return cmd
    .addOption(new Option('--resource-type <types...>', help).argParser(collect).env('DBT_RESOURCE_TYPES'))
    .addOption(new Option('--resource-types <types...>', 'the same as --resource-type').argParser(collect).hideHelp())
    .addOption(new Option('--exclude-resource-type <types...>', 'leave these resource types out').argParser(collect).env('DBT_EXCLUDE_RESOURCE_TYPES'))
    .addOption(new Option('--exclude-resource-types <types...>', 'the same as --exclude-resource-type').argParser(collect).hideHelp());
}

/** resourceTypesOf() over the flags, both spellings merged. */
export function resourceTypesOfFlags(command: keyof typeof COMMAND_TYPES, flags: ResourceTypeFlags): string[] | undefined {
  const merged = (a?: string[], b?: string[]) => (a || b ? [...(a ?? []), ...(b ?? [])] : undefined);
  return resourceTypesOf(command, merged(flags.resourceType, flags.resourceTypes), merged(flags.excludeResourceType, flags.excludeResourceTypes));
}
