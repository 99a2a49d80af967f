import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * dbt's same_config compares unrendered_config (the configs as written): a config whose Jinja
 * renders differently per target or --vars is not a change; a change of what is written is.
 */
const projects: InlineProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

const FILES = {
  'project.yml': `name: proj
profile: proj
models:
  proj:
    marts:
      +materialized: "{{ 'table' if var('env') == 'prod' else 'view' }}"
      +meta: {owner: "{{ var('env') }}-team"}
`,
  'models/marts/a.sql': 'select 1 as id',
  'models/marts/b.sql': "{{ config(tags=['x']) }}\nselect id from {{ ref('a') }}",
  'models/marts/b.yml': "models:\n  - name: b\n    config:\n      alias: \"{{ 'b_' ~ var('env') }}\"\n      docs: {show: \"{{ var('env') == 'prod' }}\"}\n",
};

async function stateFrom(env: string): Promise<InlineProject> {
  const p = inlineProject(FILES);
  projects.push(p);
  await p.open({ vars: { env } }).compile();
  cpSync(join(p.dir, 'target'), join(p.dir, 'state'), { recursive: true });
  return p;
}

const modified = (p: InlineProject, env: string, select = 'state:modified.configs') => {
  const project = p.open({ vars: { env } });
  return project.select({ select: [select], state: 'state' }).map((id) => project.node(id).name).sort();
};

describe('state:modified.configs on unrendered configs', () => {
  it('writes unrendered_config to manifest.json: the keys set, as written', async () => {
    const p = await stateFrom('prod');
    const m = JSON.parse(readFileSync(join(p.dir, 'state/manifest.json'), 'utf8'));
    expect(m.nodes['model.proj.b'].unrendered_config).toEqual({
      materialized: "{{ 'table' if var('env') == 'prod' else 'view' }}",
      meta: { owner: "{{ var('env') }}-team" },
      alias: "{{ 'b_' ~ var('env') }}",
      docs: { show: "{{ var('env') == 'prod' }}" },
      tags: ['x'],
    });
    expect(m.nodes['model.proj.b'].config.materialized).toBe('table');
  });

  it('a config rendering differently under other --vars is not modified; a changed text is', async () => {
    const p = await stateFrom('prod');
    expect(modified(p, 'ci')).toEqual([]);
    p.write({ 'project.yml': FILES['project.yml'].replace("-team", "-squad") });
    expect(modified(p, 'ci')).toEqual(['a', 'b']);
  });
});
