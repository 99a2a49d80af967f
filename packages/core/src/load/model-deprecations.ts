import type { ManifestNode } from '../manifest/nodes.js';

type Model = Extract<ManifestNode, { resourceType: 'model' }>;

const isModel = (n: ManifestNode | undefined): n is Model => n?.resourceType === 'model';

/** Python's datetime.isoformat() of a deprecation date (dbt's text in its messages): `2020-01-01T00:00:00+00:00`. */
function isoformat(date: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(date);
  if (!m) return date;
  const micros = (m[2] ?? '').padEnd(6, '0').slice(0, 6);
  return `${m[1]}${/^0*$/.test(micros) ? '' : `.${micros}`}+00:00`;
}

const versionText = (v: string | undefined) => (v === undefined ? '' : `.v${v}`);

/**
 * dbt's model deprecation warnings (ManifestLoader.check_for_model_deprecations): a model past its
 * `deprecation_date` is DeprecatedModel; each model reading a model with a deprecation date is
 * DeprecatedReference (past) or UpcomingReferenceDeprecation (to come). `nodes` are the nodes to
 * look at (every node on a full load, the ones parsed again on a warm update), `all` the project's:
 * a deprecated parent of one of `nodes` counts too, so a warm update warns whenever dbt would.
 */
export function warnModelDeprecations(nodes: Iterable<ManifestNode>, all: ReadonlyMap<string, ManifestNode> | undefined, onLog: (message: string, level: 'warn') => void, now = Date.now()): void {
  const deprecated = new Map<string, Model>();
  for (const node of nodes) {
    if (!isModel(node)) continue;
    if (node.deprecationDate !== undefined) deprecated.set(node.uniqueId, node);
    for (const parentId of node.dependsOn) {
      const parent = all?.get(parentId);
      if (isModel(parent) && parent.deprecationDate !== undefined) deprecated.set(parent.uniqueId, parent);
    }
  }
  if (deprecated.size === 0) return;
  const children = new Map<string, Model[]>();
  for (const node of (all ?? new Map()).values())
    if (isModel(node)) for (const parentId of node.dependsOn) if (deprecated.has(parentId)) (children.get(parentId) ?? children.set(parentId, []).get(parentId)!).push(node);
  for (const model of deprecated.values()) {
    const date = isoformat(model.deprecationDate!);
    const past = Date.parse(model.deprecationDate!) < now;
    if (past) onLog(`Model ${model.name}${versionText(model.version)} has passed its deprecation date of ${date}. This model should be disabled or removed.`, 'warn');
    for (const child of children.get(model.uniqueId) ?? []) {
      const newer =
        model.version !== undefined && model.version !== model.latestVersion
          ? ` A new version of '${model.name}' is available. ${past ? 'Migrate now' : 'Try it out'}: {{ ref('${model.packageName}', '${model.name}', v='${model.latestVersion}') }}.`
          : '';
      onLog(`While compiling '${child.name}': Found a reference to ${model.name}${versionText(model.version)}, which ${past ? 'was deprecated' : 'is slated for deprecation'} on '${date}'.${newer}`, 'warn');
    }
  }
}
