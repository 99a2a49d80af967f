import { describe, expect, it } from 'vitest';
import { queryCommenter } from '../../../packages/core/src/execute/query-comments.js';
import { openedPerTest } from '../../helpers/inline-project.js';

const setup = openedPerTest();

describe("dbt's default query comment built without rendering it per node", () => {
  it('is exactly what its Jinja renders, for every node and outside nodes (ünïcode names, quotes)', async () => {
    const { project } = setup({ 'models/a.sql': 'select 1 as x', 'models/ünï_"q".sql': "select 'é' as y", 'models/b.sql': "select * from {{ ref('a') }}" });
    const loaded = project.loaded;
    const facts = { profileName: loaded.target.profileName, targetName: loaded.target.name, macroOverrides: () => false };
    let renders = 0;
    const renderer = () => (renders++, loaded.renderer);
    const built = queryCommenter(renderer, loaded.projectFile, facts);
    const rendered = queryCommenter(() => loaded.renderer, loaded.projectFile);
    const nodes = [undefined, ...[...project.manifest.nodes.values()].filter((n) => n.resourceType === 'model')];
    expect(nodes).toHaveLength(4);
    for (const node of nodes) expect(built.forNode(node)).toEqual(rendered.forNode(node));
    expect(built.forNode(nodes[1])!.text).toMatch(/^\{"app": "dbt", "dbt_version": "[\d.]+", "profile_name": "proj", "target_name": "dev", "node_id": "model\.proj\./);
    expect(renders).toBe(0);
  });

  it('is rendered when a macro could change it (tojson of the project), or when the project sets its own', async () => {
    const { project } = setup({ 'models/a.sql': 'select 1 as x', 'macros/tojson.sql': "{% macro tojson(v) %}mine{% endmacro %}" });
    const loaded = project.loaded;
    let renders = 0;
    const facts = { profileName: loaded.target.profileName, targetName: loaded.target.name, macroOverrides: () => [...project.manifest.macros.keys()].some((id) => id.endsWith('.tojson')) };
    queryCommenter(() => (renders++, loaded.renderer), loaded.projectFile, facts).forNode(undefined);
    expect(renders).toBe(1);
    const own = setup({ 'models/a.sql': 'select 1 as x', 'project.yml': "name: proj\nprofile: proj\nquery-comment: 'run by {{ target.name }}'\n" });
    let ownRenders = 0;
    const ownLoaded = own.project.loaded;
    const comment = queryCommenter(() => (ownRenders++, ownLoaded.renderer), ownLoaded.projectFile, { profileName: 'proj', targetName: 'dev', macroOverrides: () => false }).forNode(undefined);
    expect(comment?.text).toBe('run by dev');
    expect(ownRenders).toBe(1);
  });
});
