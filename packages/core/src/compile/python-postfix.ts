import type { ManifestNode, ModelNode, RefCall } from '../manifest/nodes.js';
import { pyRepr } from '../render/jinja-compat/python-values.js';
import { jinjaJson } from '../render/jinja-compat/filters.js';
import { refTarget, relationSql } from '../render/placeholders.js';
import { EPHEMERAL_PREFIX, type RelationIndex } from './compile-sql.js';

/**
 * A Python model's compiled code, as dbt-core's compiler makes it (compilation.py _compile_code):
 * the model's own code, not rendered, then dbt's `py_script_postfix(model)` (dbt-adapters'
 * global_project/macros/python_model/python.sql) — the `dbt` object the code is called with: its
 * ref() and source() tables by relation name, the answers of dbt.config.get() / meta_get(), `this`
 * and is_incremental. tsdbt never runs Python (ClickHouse has none); this is what `compile` writes
 * and what a project materialization supporting Python receives as `compiled_code`.
 */
export function pythonCompiledCode(index: RelationIndex, node: ModelNode, isIncremental = false): string {
  return `${node.rawCode}\n\n${pyScriptPostfix(index, node, isIncremental)}`;
}

/** dbt's resolve_model_name: the relation's text with `"` escaped. */
const modelName = (relation: string) => relation.replace(/"/g, '\\"');

function relationText(found: ManifestNode | undefined): string {
  if (!found) return '';
  const ephemeral = found.resourceType === 'model' && found.config.materialized === 'ephemeral';
  return modelName(ephemeral ? `${EPHEMERAL_PREFIX}${found.name}` : relationSql(found.relation.schema, found.relation.identifier));
}

/** build_ref_function's key: `package.name` or `name`, then `.v<version>` when pinned. */
function refKey(ref: RefCall): string {
  return [...(ref.package ? [ref.package] : []), ref.name, ...(ref.version !== undefined ? [`v${ref.version}`] : [])].join('.');
}

/** dbt's build_config_dict: `config_keys_used` (dbt.config.get) and `meta_keys_used` (dbt.config.meta_get) with their answers. */
function configDicts(node: ModelNode): { config: Record<string, unknown>; meta: Record<string, unknown> } {
  const c = node.config as Record<string, unknown>;
  const list = (key: string) => (Array.isArray(c[key]) ? (c[key] as unknown[]) : []);
  const config: Record<string, unknown> = {};
  const defaults = list('config_keys_defaults');
  list('config_keys_used').forEach((key, i) => {
    config[String(key)] = String(key) in c ? c[String(key)] : (defaults[i] ?? null);
  });
  const meta: Record<string, unknown> = {};
  const metaOf = (c.meta ?? {}) as Record<string, unknown>;
  const metaDefaults = list('meta_keys_defaults');
  list('meta_keys_used').forEach((key, i) => {
    meta[String(key)] = String(key) in metaOf ? metaOf[String(key)] : (metaDefaults[i] ?? null);
  });
  return { config, meta };
}

function pyScriptPostfix(index: RelationIndex, node: ModelNode, isIncremental: boolean): string {
  const refs: Record<string, string> = {};
  for (const ref of node.refs) if (!ref.function) refs[refKey(ref)] = relationText(index.resolve(refTarget(ref), node));
  const sources: Record<string, string> = {};
  for (const [source, table] of node.sources) sources[`${source}.${table}`] = relationText(index.resolve({ kind: 'source', source, table }, node));
  const { config, meta } = configDicts(node);
  const self = modelName(relationSql(node.relation.schema, node.relation.identifier));
  return `# This part is user provided model code
# you will need to copy the next section to run the code
# COMMAND ----------
# this part is dbt logic for get ref work, do not modify

def ref(*args, **kwargs):
    refs = ${jinjaJson(refs, null)}
    key = '.'.join(args)
    version = kwargs.get("v") or kwargs.get("version")
    if version:
        key += f".v{version}"
    dbt_load_df_function = kwargs.get("dbt_load_df_function")
    return dbt_load_df_function(refs[key])


def source(*args, dbt_load_df_function):
    sources = ${jinjaJson(sources, null)}
    key = '.'.join(args)
    return dbt_load_df_function(sources[key])


config_dict = ${pyRepr(config)}
meta_dict = ${pyRepr(meta)}


class config:
    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def get(key, default=None):
        return config_dict.get(key, default)

    @staticmethod
    def meta_get(key, default=None):
        return meta_dict.get(key, default)

class this:
    """dbt.this() or dbt.this.identifier"""
    database = ""
    schema = "${node.relation.schema}"
    identifier = "${node.relation.identifier}"
    def __repr__(self):
        return '${self}'


class dbtObj:
    def __init__(self, load_df_function) -> None:
        self.source = lambda *args: source(*args, dbt_load_df_function=load_df_function)
        self.ref = lambda *args, **kwargs: ref(*args, **kwargs, dbt_load_df_function=load_df_function)
        self.config = config
        self.this = this()
        self.is_incremental = ${isIncremental ? 'True' : 'False'}

# COMMAND ----------
`;
}
