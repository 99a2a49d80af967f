import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/graph_selection/test_graph_selection.py (TestGraphSelection), its
 * selection cases checked with `ls` (a `run` case lists models, a `test` case tests: the nodes those
 * commands would run). The seeds of the upstream fixture are left out (no case selects them).
 */
const SCHEMA = `
version: 2

groups:
  - name: emails_group
    owner:
      name: Jeremy
      email: data@jer.co
  - name: users_group
    owner:
      name: Jeremy
      email: data@jer.co
  - name: users_rollup_group
    owner:
      name: Jeremy
      email: data@jer.co

models:
  - name: emails
    group: emails_group
    columns:
    - name: email
      data_tests:
      - not_null:
          severity: warn
  - name: users
    group: users_group
    columns:
    - name: id
      data_tests:
      - unique
  - name: users_rollup
    group: users_rollup_group
    columns:
    - name: gender
      data_tests:
      - unique
  - name: versioned
    latest_version: 2
    versions:
      - v: 0
      - v: 1
      - v: 2
      - v: 3
      - v: 4.5
      - v: "5.0"
      - v: 21
      - v: "test"

sources:
  - name: raw
    schema: '{{ target.schema }}'
    tables:
      - name: seed

exposures:
  - name: user_exposure
    type: dashboard
    depends_on:
      - ref('users')
      - ref('users_rollup')
      - ref('versioned', v=3)
    owner:
      email: nope@example.com
  - name: seed_ml_exposure
    type: ml
    depends_on:
      - source('raw', 'seed')
    owner:
      email: nope@example.com
`;
const BASE_USERS = "\n\n{{\n    config(\n        materialized = 'ephemeral',\n        tags = ['base']\n    )\n}}\n\nselect * from {{ source('raw', 'seed') }}\n";
const MODELS = {
  'schema.yml': SCHEMA,
  'patch_path_selection_schema.yml': '\nversion: 2\n\nmodels:\n  - name: subdir\n    description: submarine sandwich directory\n\n',
  'base_users.sql': BASE_USERS,
  'users.sql': "\n\n{{\n    config(\n        materialized = 'table',\n        tags=['bi', 'users']\n    )\n}}\n\nselect * from {{ ref('base_users') }}\n",
  'versioned_v3.sql': BASE_USERS,
  'users_rollup.sql': "\n\n{{\n    config(\n        materialized = 'view',\n        tags = 'bi'\n    )\n}}\n\nwith users as (\n\n    select * from {{ ref('users') }}\n\n)\n\nselect\n    gender,\n    count(*) as ct\nfrom users\ngroup by 1\n",
  'users_rollup_dependency.sql': "\n{{\n  config(materialized='table')\n}}\n\nselect * from {{ ref('users_rollup') }}\n",
  'emails.sql': "\n\n{{\n    config(materialized='ephemeral', tags=['base'])\n}}\n\nselect distinct email from {{ ref('base_users') }}\n",
  'emails_alt.sql': "\nselect distinct email from {{ ref('users') }}\n",
  'alternative.users.sql': "\n{# Same as ´users´ model, but with dots in the model name #}\n{{\n    config(\n        materialized = 'table',\n        tags=['dots']\n    )\n}}\n\nselect * from {{ ref('base_users') }}\n",
  'never_selected.sql': "\n{{\n  config(schema='_and_then')\n}}\n\nselect * from {{ this.schema }}.seed\n",
  'test/subdir.sql': '\nselect 1 as id\n',
  'test/versioned_v2.sql': '\nselect 1 as id\n',
  'test/subdir/nested_users.sql': '\nselect 1 as id\n',
  'test/subdir/versioned_v1.sql': '\nselect 1 as id\n',
};
const SELECTORS = `
selectors:
- name: bi_selector
  description: This is a BI selector
  definition:
    method: tag
    value: bi
- name: same_intersection
  definition:
    intersection:
      - fqn: users
      - fqn: users
- name: tags_intersection
  definition:
    intersection:
      - tag: bi
      - tag: users
- name: triple_descending
  definition:
    intersection:
      - fqn: "*"
      - tag: bi
      - tag: users
- name: triple_ascending
  definition:
    intersection:
      - tag: users
      - tag: bi
      - fqn: "*"
- name: intersection_with_exclusion
  definition:
    intersection:
      - method: fqn
        value: users_rollup_dependency
        parents: true
      - method: fqn
        value: users
        children: true
      - exclude:
        - users_rollup_dependency
- name: intersection_exclude_intersection
  definition:
    intersection:
      - tag:bi
      - "@users"
      - exclude:
          - intersection:
            - tag:bi
            - method: fqn
              value: users_rollup
- name: intersection_exclude_intersection_lack
  definition:
    intersection:
      - tag:bi
      - "@users"
      - exclude:
          - intersection:
            - method: fqn
              value: emails
            - method: fqn
              value: emails_alt
`;

/** [upstream test, command, args, node names dbt runs] */
const CASES: [string, 'run' | 'test', string[], string[]][] = [
  ['test_specific_model', 'run', ['--select', 'users'], ['users']],
  ['test_tags', 'run', ['--selector', 'bi_selector'], ['users', 'users_rollup']],
  ['test_tags_and_children', 'run', ['--select', 'tag:base+'], ['emails_alt', 'users_rollup', 'users', 'alternative.users', 'users_rollup_dependency']],
  ['test_tags_and_children_limited', 'run', ['--select', 'tag:base+2'], ['emails_alt', 'users_rollup', 'users', 'alternative.users']],
  ['test_specific_model_and_children', 'run', ['--select', 'users+'], ['users', 'users_rollup', 'emails_alt', 'users_rollup_dependency']],
  ['test_specific_model_and_children_limited', 'run', ['--select', 'users+1'], ['users', 'users_rollup', 'emails_alt']],
  ['test_specific_model_and_parents', 'run', ['--select', '+users_rollup'], ['users_rollup', 'users']],
  ['test_specific_model_and_parents_limited', 'run', ['--select', '1+users_rollup'], ['users', 'users_rollup']],
  ['test_specific_model_with_exclusion', 'run', ['--select', '+users_rollup', '--exclude', 'models/users_rollup.sql'], ['users']],
  ['test_locally_qualified_name', 'run', ['--select', 'test.subdir'], ['nested_users', 'subdir', 'versioned']],
  ['test_locally_qualified_name (path glob)', 'run', ['--select', 'models/test/subdir*'], ['nested_users', 'subdir', 'versioned']],
  ['test_locally_qualified_name (patch path)', 'run', ['--select', 'models/patch_path_selection_schema.yml'], ['subdir']],
  ['test_locally_qualified_name_model_with_dots', 'run', ['--select', 'alternative.users'], ['alternative.users']],
  ['test_locally_qualified_name_model_with_dots (path)', 'run', ['--select', 'models/alternative.*'], ['alternative.users']],
  ['test_childrens_parents', 'run', ['--select', '@base_users'], ['alternative.users', 'users_rollup', 'users', 'emails_alt', 'users_rollup_dependency']],
  ['test_childrens_parents (test_name)', 'test', ['--select', 'test_name:not_null'], ['not_null_emails_email']],
  ['test_more_childrens_parents', 'run', ['--select', '@users'], ['users_rollup', 'users', 'emails_alt', 'users_rollup_dependency']],
  ['test_more_childrens_parents (test_name)', 'test', ['--select', 'test_name:unique'], ['unique_users_id', 'unique_users_rollup_gender']],
  ['test_concat', 'run', ['--select', '@emails_alt', 'users_rollup'], ['users_rollup', 'users', 'emails_alt']],
  ['test_concat_multiple', 'run', ['--select', '@emails_alt', '--select', 'users_rollup'], ['users_rollup', 'users', 'emails_alt']],
  ['test_concat_exclude', 'run', ['--select', '@emails_alt', 'users_rollup', '--exclude', 'emails_alt'], ['users_rollup', 'users']],
  ['test_concat_exclude_multiple', 'run', ['--select', '@emails_alt', 'users_rollup', '--exclude', 'users', '--exclude', 'emails_alt'], ['users_rollup']],
  ['test_concat_exclude_concat', 'run', ['--select', '@emails_alt', 'users_rollup', '--exclude', 'emails_alt', 'users_rollup'], ['users']],
  ['test_concat_exclude_concat (test)', 'test', ['--select', '@emails_alt', 'users_rollup', '--exclude', 'emails_alt', 'users_rollup'], ['unique_users_id']],
  // graph_selection/test_intersection_syntax.py (TestIntersectionSyncs), same fixture.
  ['test_same_model_intersection', 'run', ['--models', 'users,users'], ['users']],
  ['test_same_model_intersection_selectors', 'run', ['--selector', 'same_intersection'], ['users']],
  ['test_tags_intersection', 'run', ['--models', 'tag:bi,tag:users'], ['users']],
  ['test_tags_intersection_selectors', 'run', ['--selector', 'tags_intersection'], ['users']],
  ['test_intersection_triple_descending', 'run', ['--models', '*,tag:bi,tag:users'], ['users']],
  ['test_intersection_triple_descending_schema_selectors', 'run', ['--selector', 'triple_descending'], ['users']],
  ['test_intersection_triple_ascending', 'run', ['--models', 'tag:users,tag:bi,*'], ['users']],
  ['test_intersection_triple_ascending_schema_selectors', 'run', ['--selector', 'triple_ascending'], ['users']],
  ['test_intersection_with_exclusion', 'run', ['--models', '+users_rollup_dependency,users+', '--exclude', 'users_rollup_dependency'], ['users', 'users_rollup']],
  ['test_intersection_with_exclusion_selectors', 'run', ['--selector', 'intersection_with_exclusion'], ['users', 'users_rollup']],
  ['test_intersection_exclude_intersection', 'run', ['--models', 'tag:bi,@users', '--exclude', 'tag:bi,users_rollup+'], ['users']],
  ['test_intersection_exclude_intersection_selectors', 'run', ['--selector', 'intersection_exclude_intersection'], ['users']],
  ['test_intersection_exclude_intersection_lack', 'run', ['--models', 'tag:bi,@users', '--exclude', '@emails,@emails_alt'], ['users', 'users_rollup']],
  ['test_intersection_exclude_intersection_lack_selector', 'run', ['--selector', 'intersection_exclude_intersection_lack'], ['users', 'users_rollup']],
  ['test_intersection_exclude_triple_intersection', 'run', ['--models', 'tag:bi,@users', '--exclude', '*,tag:bi,users_rollup'], ['users']],
  ['test_intersection_concat', 'run', ['--models', 'tag:bi,@users', 'emails_alt'], ['users', 'users_rollup', 'emails_alt']],
  ['test_intersection_concat_intersection', 'run', ['--models', 'tag:bi,@users', '@emails_alt,emails_alt'], ['users', 'users_rollup', 'emails_alt']],
  ['test_intersection_concat_exclude', 'run', ['--models', 'tag:bi,@users', 'emails_alt', '--exclude', 'users_rollup'], ['users', 'emails_alt']],
  ['test_intersection_concat_exclude_concat', 'run', ['--models', 'tag:bi,@users', 'emails_alt,@users', '--exclude', 'users_rollup_dependency', 'users_rollup'], ['users', 'emails_alt']],
  ['test_intersection_concat_exclude_intersection_concat', 'run', ['--models', 'tag:bi,@users', 'emails_alt,@users', '--exclude', '@users,users_rollup_dependency', '@users,users_rollup'], ['users', 'emails_alt']],
  ['test_exposure_parents (run)', 'run', ['-m', '+exposure:user_exposure'], ['users_rollup', 'users']],
];

async function failuresOf(p: ReturnType<typeof dbtProject>, cases: typeof CASES): Promise<string[]> {
  const failures: string[] = [];
  for (const [name, command, args, expected] of cases) {
    const r = await p.dbt(['ls', '--resource-type', command === 'run' ? 'model' : 'test', '--output', 'json', '--output-keys', 'name', 'config', ...args.map((a) => (a === '-m' || a === '--models' ? '--select' : a))]);
    // Ephemeral models are not run (dbt's run results leave them out).
    const nodes = r.out.flatMap((l) => l.split('\n')).filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as { name: string; config: { materialized?: string } });
    const got = nodes.filter((n) => n.config.materialized !== 'ephemeral').map((n) => n.name).sort();
    if (JSON.stringify(got) !== JSON.stringify([...expected].sort())) failures.push(`${name}: ${JSON.stringify(got)}, dbt ${JSON.stringify([...expected].sort())}`);
  }
  return failures;
}

describe('graph selection (graph_selection/test_graph_selection.py)', () => {
  it('each case selects the nodes dbt runs', async () => {
    const p = dbtProject({ models: MODELS, files: { 'selectors.yml': SELECTORS } });
    expect(await failuresOf(p, CASES)).toEqual([]);
  });

  it('test_group / test_exposure_parents: group: and exposure: selectors in ls', async () => {
    const p = dbtProject({ models: MODELS, files: { 'selectors.yml': SELECTORS } });
    const ls = async (args: string[]) => (await p.dbt(['ls', ...args])).out.flatMap((l) => l.split('\n')).map((l) => l.trim()).filter((l) => l && !/^\d\d:\d\d:\d\d/.test(l)).sort();
    expect(await ls(['--select', 'group:users_group'])).toEqual(['test.unique_users_id', 'test.users']);
    expect(await ls(['--select', '+exposure:seed_ml_exposure'])).toEqual(['exposure:test.seed_ml_exposure', 'source:test.raw.seed']);
    expect(await ls(['--select', '1+exposure:user_exposure'])).toEqual(['exposure:test.user_exposure', 'test.unique_users_id', 'test.unique_users_rollup_gender', 'test.users', 'test.users_rollup', 'test.versioned.v3']);
  });
});

/* graph_selection/test_tag_selection.py (TestTagSelection): tags from dbt_project.yml (a string or a list) and selectors.yml in string and dict forms. */
const TAG_SELECTORS = `
selectors:
  - name: tag_specified_as_string_str
    definition: tag:specified_as_string
  - name: tag_specified_as_string_dict
    definition:
      method: tag
      value: specified_as_string
  - name: tag_specified_in_project_children_str
    definition: +tag:specified_in_project+
  - name: tag_specified_in_project_children_dict
    definition:
      method: tag
      value: specified_in_project
      parents: true
      children: true
  - name: tagged-bi
    definition:
      method: tag
      value: bi
  - name: user_tagged_childrens_parents
    definition:
      method: tag
      value: users
      childrens_parents: true
  - name: base_ephemerals
    definition:
      union:
        - tag: base
        - method: config.materialized
          value: ephemeral
  - name: warn-severity
    definition:
        config.severity: warn
  - name: roundabout-everything
    definition:
        union:
            - "@tag:users"
            - intersection:
                - tag: base
                - config.materialized: ephemeral
`;
const TAG_CASES: typeof CASES = [
  ['test_select_tag', 'run', ['--models', 'tag:specified_as_string'], ['users']],
  ['test_select_tag_selector_str', 'run', ['--selector', 'tag_specified_as_string_str'], ['users']],
  ['test_select_tag_selector_dict', 'run', ['--selector', 'tag_specified_as_string_dict'], ['users']],
  ['test_select_tag_and_children', 'run', ['--models', '+tag:specified_in_project+'], ['users', 'users_rollup', 'users_rollup_dependency']],
  ['test_select_tag_and_children_selector_str', 'run', ['--selector', 'tag_specified_in_project_children_str'], ['users', 'users_rollup', 'users_rollup_dependency']],
  ['test_select_tag_and_children_selector_dict', 'run', ['--selector', 'tag_specified_in_project_children_dict'], ['users', 'users_rollup', 'users_rollup_dependency']],
  ['test_select_tag_in_model_with_project_config', 'run', ['--models', 'tag:bi'], ['users', 'users_rollup']],
  ['test_select_tag_in_model_with_project_config_selector', 'run', ['--selector', 'tagged-bi'], ['users', 'users_rollup']],
  ['…_parents_children (run)', 'run', ['--models', '@tag:users'], ['users', 'users_rollup', 'emails_alt', 'users_rollup_dependency']],
  ['…_parents_children (test)', 'test', ['--models', '@tag:users'], ['unique_users_rollup_gender', 'unique_users_id']],
  ['…_parents_children (email test)', 'test', ['--models', 'tag:base,config.materialized:ephemeral'], ['not_null_emails_email']],
  ['…_parents_children (severity)', 'test', ['--models', 'config.severity:warn'], ['not_null_emails_email']],
  ['…_parents_children (all 3)', 'test', ['--models', '@tag:users tag:base,config.materialized:ephemeral'], ['not_null_emails_email', 'unique_users_id', 'unique_users_rollup_gender']],
  ['…_selectors (run)', 'run', ['--selector', 'user_tagged_childrens_parents'], ['users', 'users_rollup', 'emails_alt', 'users_rollup_dependency']],
  ['…_selectors (test)', 'test', ['--selector', 'user_tagged_childrens_parents'], ['unique_users_id', 'unique_users_rollup_gender']],
  ['…_selectors (base_ephemerals)', 'test', ['--selector', 'base_ephemerals'], ['not_null_emails_email']],
  ['…_selectors (warn-severity)', 'test', ['--selector', 'warn-severity'], ['not_null_emails_email']],
  ['…_selectors (roundabout-everything)', 'test', ['--selector', 'roundabout-everything'], ['unique_users_rollup_gender', 'unique_users_id', 'not_null_emails_email']],
];

describe('tag selection (graph_selection/test_tag_selection.py)', () => {
  it('TestTagSelection: each case selects the nodes dbt runs', async () => {
    const p = dbtProject({
      models: MODELS,
      files: { 'selectors.yml': TAG_SELECTORS },
      projectConfig: 'models:\n  test:\n    users:\n      tags: specified_as_string\n    users_rollup:\n      tags: [specified_in_project]\n',
    });
    expect(await failuresOf(p, TAG_CASES)).toEqual([]);
  });
});

/*
 * graph_selection/test_version_selection.py (TestVersionSelection: version:none/latest/old/
 * prerelease, as a CLI selector and in selectors.yml, with graph operators; TestVersionZero).
 */
const USERS = MODELS['users.sql'];
const VERSION_SELECTORS = `
            selectors:
              - name: version_specified_as_string_str
                definition: version:latest
              - name: version_specified_as_string_dict
                definition:
                  method: version
                  value: latest
              - name: version_childrens_parents
                definition:
                  method: version
                  value: latest
                  childrens_parents: true
`;
const lsLines = (out: string[]) => out.join('\n').split('\n').filter((l) => /^(test\.|source:)/.test(l)).sort();

describe('version selection (graph_selection/test_version_selection.py)', () => {
  it('TestVersionSelection: each case lists what dbt lists', async () => {
    const p = dbtProject({
      models: {
        'schema.yml': SCHEMA,
        ...Object.fromEntries(['v1', 'v2', 'v3', 'v4.5', 'v5.0', 'v21', 'vtest'].map((v) => [`versioned_${v}.sql`, USERS])),
        'base_users.sql': BASE_USERS,
        'users.sql': USERS,
        'users_rollup.sql': MODELS['users_rollup.sql'],
      },
      seeds: {
        'properties.yml': '\nversion: 2\nseeds:\n  - name: summary_expected\n    config:\n      column_types:\n        ct: BIGINT\n        gender: text\n',
        'seed.csv': 'id,first_name,email,gender\n1,Jack,jack@example.com,Male\n',
        'summary_expected.csv': 'gender,ct\nMale,1\n',
      },
      files: { 'selectors.yml': VERSION_SELECTORS },
    });
    const cases: [string[], string[]][] = [
      [['--select', 'version:none'], ['test.base_users', 'test.unique_users_id', 'test.unique_users_rollup_gender', 'test.users', 'test.users_rollup']],
      [['--select', 'version:latest'], ['test.versioned.v2']],
      [['--select', 'version:old'], ['test.versioned.v1']],
      [['--select', 'version:prerelease'], ['test.versioned.v21', 'test.versioned.v3', 'test.versioned.v4.5', 'test.versioned.v5.0', 'test.versioned.vtest']],
      [['--selector', 'version_specified_as_string_str'], ['test.versioned.v2']],
      [['--selector', 'version_specified_as_string_dict'], ['test.versioned.v2']],
      [['--models', '+version:latest+'], ['test.base_users', 'test.versioned.v2']],
      [['--select', '+version:latest+'], ['source:test.raw.seed', 'test.base_users', 'test.versioned.v2']],
      [['--selector', 'version_childrens_parents'], ['source:test.raw.seed', 'test.base_users', 'test.versioned.v2']],
      [['--models', 'version:latest version:old'], ['test.versioned.v1', 'test.versioned.v2']],
    ];
    const failures: string[] = [];
    for (const [args, expected] of cases) {
      const got = lsLines((await p.dbt(['ls', ...args])).out);
      if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`${args.join(' ')}: ${JSON.stringify(got)}`);
    }
    expect(failures).toEqual([]);
  });

  it('TestVersionZero: a model with version 0 runs, and what refs it', async () => {
    const p = dbtProject({ models: { 'my_model.sql': 'select 1 as id', 'another.sql': "select * from {{ ref('my_model') }}", 'schema.yml': '\nmodels:\n  - name: my_model\n    versions:\n      - v: 0\n' } });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
  });
});

/* graph_selection/test_group_selection.py (TestGroupSelection): group: on the CLI (with --models, graph operators, two groups) and in selectors.yml. */
const GROUP_SELECTORS = `
            selectors:
              - name: group_specified_as_string_str
                definition: group:users_group
              - name: group_specified_as_string_dict
                definition:
                  method: group
                  value: users_group
              - name: users_grouped_childrens_parents
                definition:
                  method: group
                  value: users_group
                  childrens_parents: true
`;

describe('group selection (graph_selection/test_group_selection.py)', () => {
  it('TestGroupSelection: every case lists what dbt lists', async () => {
    const p = dbtProject({ models: MODELS, files: { 'selectors.yml': GROUP_SELECTORS } });
    const ls = async (args: string[]) => (await p.dbt(['ls', ...args])).out.flatMap((l) => l.split('\n')).map((l) => l.trim()).filter((l) => l && !/^\d\d:\d\d:\d\d/.test(l)).sort();
    const aroundUsers = ['exposure:test.user_exposure', 'source:test.raw.seed', 'test.base_users', 'test.emails_alt', 'test.unique_users_id', 'test.unique_users_rollup_gender', 'test.users', 'test.users_rollup', 'test.users_rollup_dependency'];
    const cases: [string, string[], string[]][] = [
      ['test_select_models_by_group', ['--model', 'group:users_group'], ['test.users']],
      ['test_select_group_selector_str', ['--selector', 'group_specified_as_string_str'], ['test.unique_users_id', 'test.users']],
      ['test_select_group_selector_dict', ['--selector', 'group_specified_as_string_dict'], ['test.unique_users_id', 'test.users']],
      ['test_select_models_by_group_and_children', ['--models', '+group:users_group+'], ['test.base_users', 'test.emails_alt', 'test.users', 'test.users_rollup', 'test.users_rollup_dependency']],
      ['test_select_group_and_children', ['--select', '+group:users_group+'], aroundUsers],
      ['test_select_group_and_children_selector_str', ['--selector', 'users_grouped_childrens_parents'], [...aroundUsers, 'test.versioned.v3']],
      ['test_select_models_two_groups', ['--models', '@group:emails_group group:users_group'], ['test.base_users', 'test.emails', 'test.users']],
    ];
    const wrong: string[] = [];
    for (const [name, args, expected] of cases) {
      const got = await ls(args);
      if (JSON.stringify(got) !== JSON.stringify(expected)) wrong.push(`${name}: ${got.join(', ')}`);
    }
    expect(wrong).toEqual([]);
  });
});
