import type { QueryComment } from '../adapter/query-comment.js';
import type { ProjectFile } from '../load/project-file.js';
import { nodeDict } from '../manifest/node-dict.js';
import type { ManifestNode } from '../manifest/nodes.js';
import type { Renderer } from '../render/renderer.js';
import { newRenderState } from '../render/render-state.js';
import { dbtVersionFor } from '../shared/dbt-version.js';
import { jinjaJson } from '../render/jinja-compat/filters.js';
import { ProjectError } from '../shared/errors.js';

/** dbt's DEFAULT_QUERY_COMMENT (dbt-adapters base/query_headers.py). */
export const DEFAULT_QUERY_COMMENT = `
{%- set comment_dict = {} -%}
{%- do comment_dict.update(
    app='dbt',
    dbt_version=dbt_version,
    profile_name=target.get('profile_name'),
    target_name=target.get('target_name'),
) -%}
{%- if node is not none -%}
  {%- do comment_dict.update(
    node_id=node.unique_id,
  ) -%}
{% else %}
  {# in the node context, the connection name is the node_id #}
  {%- do comment_dict.update(connection_name=connection_name) -%}
{%- endif -%}
{{ return(tojson(comment_dict)) }}
`;

/** The comment of each statement: per node while it runs, `master` outside nodes. */
export interface QueryCommenter {
  forNode(node: ManifestNode | undefined): QueryComment | undefined;
}

/**
 * What dbt's default comment reads (`target.profile_name`, `target.target_name`), and whether a macro
 * of the project could change how it renders (one named `tojson` or `return`): when none can, the
 * default comment is built here as its Jinja would render it, not rendered once per node.
 */
export interface DefaultCommentFacts {
  readonly profileName: string | undefined;
  readonly targetName: string;
  readonly macroOverrides: () => boolean;
}

/**
 * dbt's `query-comment` of dbt_project.yml (dbt's MacroQueryStringSetter): absent, the default JSON
 * comment; null or '', none; a string, that Jinja; a mapping, `comment` (default: dbt's) with
 * `append` (after the statement) and `job-label` (BigQuery's: accepted, nothing on ClickHouse).
 * The comment is rendered as a macro with `connection_name` and `node` (none outside nodes), once
 * per node; a comment holding `*\/` is an error, as in dbt. The renderer is asked for only when a
 * comment must be rendered (dbt's default is built from `facts` when given).
 */
export function queryCommenter(renderer: () => Renderer, projectFile: ProjectFile, facts?: DefaultCommentFacts): QueryCommenter {
  const setting = commentSetting(projectFile);
  const cache = new Map<string, QueryComment | undefined>();
  let built: boolean | undefined;
  const render = (node: ManifestNode | undefined): QueryComment | undefined => {
    if (!setting) return undefined;
    const connection = node?.uniqueId ?? 'master';
    built ??= setting.template === DEFAULT_QUERY_COMMENT && facts !== undefined && !facts.macroOverrides();
    const source = `{% macro __tsdbt_query_comment(connection_name, node) -%}${setting.template}{%- endmacro %}{{ __tsdbt_query_comment(connection_name, node) }}`;
    const text = built
      ? defaultComment(facts!, dbtVersionFor(projectFile.requireDbtVersion), node)
      : renderer().renderString(source, projectFile.file, newRenderState({ mode: 'execute' }), { connection_name: connection, node: node ? nodeDict(node) : null }).trim();
    if (text.includes('*/'))
      throw new ProjectError('query_comment', `query comment contains illegal value '*/': ${text}`, {
        file: projectFile.file,
        hint: "A query comment goes between /* and */: change `query-comment` in dbt_project.yml (or the macro it calls) so it never yields '*/'.",
      });
    return text ? { text, append: setting.append, connection } : undefined;
  };
  return {
    forNode(node) {
      const key = node?.uniqueId ?? '';
      if (!cache.has(key)) cache.set(key, render(node));
      return cache.get(key);
    },
  };
}

/** DEFAULT_QUERY_COMMENT's text: its dict in its order, through tojson (Python's json.dumps). */
function defaultComment(facts: DefaultCommentFacts, dbtVersion: string, node: ManifestNode | undefined): string {
  const dict: Record<string, unknown> = { app: 'dbt', dbt_version: dbtVersion, profile_name: facts.profileName ?? null, target_name: facts.targetName };
  if (node) dict.node_id = node.uniqueId;
  else dict.connection_name = 'master';
  return jinjaJson(dict, null, 0, { sortKeys: false, htmlSafe: false });
}

function commentSetting(pf: ProjectFile): { template: string; append: boolean } | undefined {
  const raw = pf.queryComment;
  if (raw === undefined) return { template: DEFAULT_QUERY_COMMENT, append: false };
  if (raw === null || raw === '' || raw === false) return undefined;
  if (typeof raw === 'string') return { template: raw, append: false };
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const m = raw as Record<string, unknown>;
    const comment = m.comment === undefined ? DEFAULT_QUERY_COMMENT : m.comment;
    if (comment === null || comment === '') return undefined;
    if (typeof comment !== 'string') throw settingError(pf);
    return { template: comment, append: m.append === true };
  }
  throw settingError(pf);
}

function settingError(pf: ProjectFile): ProjectError {
  return new ProjectError('query_comment', "'query-comment' must be a string (Jinja) or a mapping with `comment`, `append` and `job-label`", {
    file: pf.file,
    line: pf.yaml?.lineOf(['query-comment']),
    hint: "Write e.g. query-comment: \"run by {{ target.name }}\", or query-comment: {comment: \"…\", append: true}, or query-comment: null for none.",
  });
}
