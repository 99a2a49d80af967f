import type { Manifest } from '../manifest/manifest.js';
import type { ManifestNode } from '../manifest/nodes.js';
import { ProjectError } from '../shared/errors.js';

const ACCESS = ['private', 'protected', 'public'];

/**
 * dbt's groups and access (1.5+), checked once refs are resolved: a model's access is one of
 * private/protected/public; a model's group is a declared group; a private model is in a group and
 * is ref'd only by nodes of that group (tests may read it, as in dbt). `only`: the nodes to check (an
 * incremental update whose previous map passed: the nodes parsed again and their children), in map order.
 */
export function checkGroupsAndAccess(nodes: ReadonlyMap<string, ManifestNode>, groups: NonNullable<Manifest['groups']>, only?: ReadonlySet<string>, restricted: ReadonlySet<string> = new Set()): void {
  const groupNames = new Set([...groups.values()].map((g) => g.name));
  const fail = (node: ManifestNode, message: string, hint: string): never => {
    throw new ProjectError('access', message, { file: node.originalFilePath, line: node.line, hint });
  };
  // The nodes to check, in the map's order (one array: a generator over the entries made two iterator
  // results and an entry per node of a 25,000-node load, twice).
  const checked: ManifestNode[] = [];
  nodes.forEach((node, id) => {
    if (!only || only.has(id)) checked.push(node);
  });
  let anyPrivate = false;
  for (const node of checked) {
    if (node.resourceType !== 'model') continue;
    const access = node.config.access;
    if (access === 'private') anyPrivate = true;
    if (access !== undefined && !ACCESS.includes(String(access)))
      fail(node, `Invalid access type '${String(access)}' on model '${node.name}': expected one of ${ACCESS.map((a) => `'${a}'`).join(', ')}`, "Set access: public, protected (the default) or private.");
    const group = node.config.group;
    if (group !== undefined && group !== null && !groupNames.has(String(group)))
      fail(node, `Invalid group '${String(group)}' on model '${node.name}', expected one of [${[...groupNames].map((g) => `'${g}'`).join(', ')}]`, "Declare it under groups: in a properties YAML file (name and owner), or fix the name.");
    if (access === 'private' && (group === undefined || group === null))
      fail(node, `Model '${node.name}' is private but in no group: private access means "only its group may ref it"`, 'Give it a group (config group: …) or make it protected.');
  }
  // A whole map checked above without a private model, and no restricted package: no ref can fail (no parent looked up).
  if (!only && !anyPrivate && restricted.size === 0) return;
  for (const node of checked) {
    if (node.resourceType === 'test' || node.resourceType === 'unit_test' || node.resourceType === 'source') continue;
    for (const parentId of node.dependsOn) {
      const parent = nodes.get(parentId);
      if (parent?.resourceType !== 'model') continue;
      // dbt's is_invalid_protected_ref: a protected model of a package with restrict-access: true is
      // ref'd only from that package.
      if ((parent.config.access ?? 'protected') === 'protected' && node.packageName !== parent.packageName && restricted.has(parent.packageName))
        fail(
          node,
          `Node ${node.uniqueId} attempted to reference node ${parent.uniqueId}, which is not allowed because the referenced node is protected to the '${parent.packageName}' project.`,
          `Package '${parent.packageName}' sets restrict-access: true: only its public models may be ref'd from other projects.`,
        );
      if (parent.config.access !== 'private') continue;
      if (node.config.group === parent.config.group) continue;
      fail(
        node,
        `Node ${node.uniqueId} attempted to reference node ${parent.uniqueId}, which is not allowed because the referenced node is private to the '${String(parent.config.group)}' group.`,
        `Ref it from a node of group '${String(parent.config.group)}', or make ${parent.name} protected or public.`,
      );
    }
  }
}
