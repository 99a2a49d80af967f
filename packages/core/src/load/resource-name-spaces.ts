import type { ManifestNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';

/** What dbt's manifest.nodes holds (sources, unit tests, functions, exposures and the semantic layer's are apart). */
const IN_DBT_NODES: ReadonlySet<string> = new Set(['model', 'seed', 'snapshot', 'analysis', 'test']);

const LEGACY_BEHAVIORS = 'https://docs.getdbt.com/reference/global-configs/legacy-behaviors';

/**
 * dbt 1.10's check_for_spaces_in_resource_names: a node (model, seed, snapshot, analysis, test…) whose
 * name has a space fails the load unless `flags: require_resource_names_without_spaces: false` (dbt 1.10
 * made true the default), which makes it dbt's SpacesInResourceNameDeprecation warning for the first
 * such name (the others at debug level, shown by --debug) and one ResourceNamesWithSpacesDeprecation
 * summary. Such a name is `select * from {{ ref('my model') }}`, an unquoted relation `my model`…
 */
export function checkResourceNameSpaces(
  nodes: Iterable<ManifestNode>,
  flags: Readonly<Record<string, unknown>> | undefined,
  onLog: (message: string, level: 'warn' | 'debug', event?: string) => void,
): void {
  const spaced = [...nodes].filter((n) => IN_DBT_NODES.has(n.resourceType) && n.name.includes(' '));
  if (spaced.length === 0) return;
  if (flags?.require_resource_names_without_spaces !== false) {
    const list = spaced.map((n) => `  * '${n.uniqueId}' (${n.originalFilePath})`).join('\n');
    throw new ProjectError('resource_name_spaces', `Resource names cannot contain spaces:\n${list}\nPlease rename the invalid model(s) so that their name(s) do not contain any spaces.`, {
      file: spaced[0]!.originalFilePath,
      hint: 'Rename the file (or set flags: require_resource_names_without_spaces: false in dbt_project.yml, deprecated).',
    });
  }
  spaced.forEach((n, i) => onLog(`Found spaces in the name of \`${n.uniqueId}\``, i === 0 ? 'warn' : 'debug', 'SpacesInResourceNameDeprecation'));
  // dbt adds the --debug hint unless it runs with --debug; the load does not know, so the hint goes
  // where there is something --debug would add (a second name).
  const hint = spaced.length > 1 ? ' Run again with `--debug` to see them all.' : '';
  onLog(`Spaces found in ${spaced.length} resource name(s). This is deprecated, and may lead to errors when using dbt.${hint} For more information: ${LEGACY_BEHAVIORS}`, 'warn', 'ResourceNamesWithSpacesDeprecation');
}
