import type { Relation } from '../manifest/nodes.js';
import { TEST_AUDIT_SCHEMA } from '../manifest/node-dict.js';
import type { Renderer } from '../render/renderer.js';
import { newRenderState } from '../render/render-state.js';

export interface NamingNode {
  readonly uniqueId: string;
  readonly name: string;
  readonly resourceType: string;
  readonly packageName: string;
  readonly originalFilePath: string;
  readonly fqn: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
  /** A model version's `v` (its relation defaults to `<name>_v<v>`). */
  readonly version?: string;
}

/**
 * dbt's relation naming: the database ("schema") is the target schema, or
 * `<target schema>_<custom schema>` when the node sets `schema`; the table is the alias or the name.
 * A project macro `generate_schema_name` / `generate_alias_name` replaces the default, as in dbt.
 */
export function relationFor(node: NamingNode, targetSchema: string, renderer: Renderer, defaults: { readonly schema?: string; readonly alias?: string } = {}): Relation {
  const custom = typeof node.config.schema === 'string' ? node.config.schema.trim() : defaults.schema;
  const alias = typeof node.config.alias === 'string' ? node.config.alias.trim() : defaults.alias;
  // The node as the macros see it: only built when a project macro names relations (most nodes take the built-in default).
  const nodeArg = () => ({
    unique_id: node.uniqueId,
    name: node.name,
    resource_type: node.resourceType,
    package_name: node.packageName,
    original_file_path: node.originalFilePath,
    fqn: [...node.fqn],
    config: defaults.schema !== undefined && typeof node.config.schema !== 'string' ? { ...node.config, schema: defaults.schema } : { ...node.config },
    version: node.version ?? null,
  });
  const state = () => newRenderState({ mode: 'parse' });
  const schemaMacro = namingMacro(renderer, 'generate_schema_name', node.packageName);
  const aliasMacro = namingMacro(renderer, 'generate_alias_name', node.packageName);
  const schema = schemaMacro ? renderer.callMacro(schemaMacro, state(), [custom ?? null, nodeArg()]).trim() : custom ? `${targetSchema}_${custom}` : targetSchema;
  // dbt's default__generate_alias_name: a version's relation is `<name>_v<v>` (dots as underscores).
  const identifier = aliasMacro ? renderer.callMacro(aliasMacro, state(), [alias ?? null, nodeArg()]).trim() : (alias ?? (node.version !== undefined ? `${node.name}_v${node.version.replace(/\./g, '_')}` : node.name));
  return { schema, identifier };
}

/**
 * A test's relation (dbt's TestConfig: schema `dbt_test__audit`, the alias the test's name): where
 * its failing rows are stored, what manifest.json's schema/alias of a test are and `this` is in it.
 * The schema goes through generate_schema_name as any node's (`<target>_dbt_test__audit` by default).
 */
export function testRelationFor(node: NamingNode, targetSchema: string, renderer: Renderer): Relation {
  // Defaults passed, not a config copy: a spread config per test cost ~30 µs (1 s per 30k tests).
  return relationFor(node, targetSchema, renderer, { schema: TEST_AUDIT_SCHEMA, alias: node.name.slice(0, 200) });
}

/**
 * The macro that names a node's relation (dbt's RelationUpdate): the node's own package's
 * `generate_x_name` when an installed package defines one (for its own nodes only), else the root
 * project's, else none (the built-in default, computed above without rendering).
 */
function namingMacro(renderer: Renderer, name: string, packageName: string): string | undefined {
  const root = renderer.registry.rootPackage;
  if (packageName !== root && renderer.registry.packageMacros(packageName)?.has(name)) return `${packageName}.${name}`;
  return renderer.isBuiltin(name) ? undefined : name;
}
