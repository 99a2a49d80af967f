import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/test_selection/test_selection_expansion.py (TestSelectionExpansion,
 * TestExpansionWithSelectors): which tests `ls --resource-type test` lists and `test` runs for a
 * selection, with --exclude, --indirect-selection (eager/cautious/buildable/empty) and YAML
 * selectors. Each case checks ls and test as the upstream helpers do (`test` selects with the
 * legacy `--models` flag, as upstream).
 */
const FILES = {
  models: {
    'schema.yml': `
version: 2

sources:
  - name: my_src
    schema: "{{ target.schema }}"
    tables:
      - name: my_tbl
        identifier: model_b
        columns:
          - name: fun
            config:
              tags: [source_column_config_tag]
            data_tests:
              - unique
          - name: fun_2
            config:
              tags: [source_column_config_tag]
            data_tests:
              - unique

models:
  - name: model_a
    columns:
      - name: fun
        tags: [column_level_tag]
        config:
          tags: [column_config_level_tag]
        data_tests:
          - unique
          - relationships:
              to: ref('model_b')
              field: fun
              tags: [test_level_tag]
          - relationships:
              to: source('my_src', 'my_tbl')
              field: fun
      - name: fun_2
        tags: [column_level_tag]
        config:
          tags: column_config_level_tag
        data_tests:
          - unique
`,
    'model_b.sql': "\n{{ config(\n    tags = ['a_or_b']\n) }}\n\nselect 1 as fun, 2 as fun_2\n",
    'model_a.sql': "\n{{ config(\n    tags = ['a_or_b']\n) }}\n\nselect * FROM {{ref('model_b')}}\n",
  },
  tests: {
    'cf_a_b.sql': "\nselect * from {{ ref('model_a') }}\ncross join {{ ref('model_b') }}\nwhere false\n",
    'cf_a_src.sql': "\nselect * from {{ ref('model_a') }}\ncross join {{ source('my_src', 'my_tbl') }}\nwhere false\n",
    'just_a.sql': "\n{{ config(tags = ['data_test_tag']) }}\n\nselect * from {{ ref('model_a') }}\nwhere false\n",
  },
};
const SELECTORS = `
selectors:
- name: model_a_unset_indirect_selection
  definition:
    method: fqn
    value: model_a
- name: model_a_cautious_indirect_selection
  definition:
    method: fqn
    value: model_a
    indirect_selection: "cautious"
- name: model_a_eager_indirect_selection
  definition:
    method: fqn
    value: model_a
    indirect_selection: "eager"
- name: model_a_buildable_indirect_selection
  definition:
    method: fqn
    value: model_a
    indirect_selection: "buildable"
`;

const ALL_A = ['cf_a_b', 'cf_a_src', 'just_a', 'relationships_model_a_fun__fun__ref_model_b_', 'relationships_model_a_fun__fun__source_my_src_my_tbl_', 'unique_model_a_fun', 'unique_model_a_fun_2'];
const SRC = ['source_unique_my_src_my_tbl_fun', 'source_unique_my_src_my_tbl_fun_2'];
const REL = ['relationships_model_a_fun__fun__ref_model_b_', 'relationships_model_a_fun__fun__source_my_src_my_tbl_'];

interface Case { name: string; select?: string; exclude?: string; indirect?: string; selector?: string; expected: string[] }
const CASES: Case[] = [
  { name: 'test_all_tests_no_specifiers', expected: [...ALL_A, ...SRC] },
  { name: 'test_model_a_alone', select: 'model_a', expected: ALL_A },
  { name: 'test_model_a_model_b', select: 'model_a model_b', expected: ALL_A },
  { name: 'test_model_a_sources', select: 'model_a source:*', expected: [...ALL_A, ...SRC] },
  { name: 'test_exclude_model_b', exclude: 'model_b', expected: ['cf_a_src', 'just_a', REL[1]!, ...SRC, 'unique_model_a_fun', 'unique_model_a_fun_2'] },
  { name: 'test_model_a_exclude_specific_test', select: 'model_a', exclude: 'unique_model_a_fun', expected: ALL_A.filter((t) => t !== 'unique_model_a_fun') },
  { name: 'test_model_a_exclude_specific_test_cautious', select: 'model_a', exclude: 'unique_model_a_fun', indirect: 'cautious', expected: ['just_a', 'unique_model_a_fun_2'] },
  { name: 'test_model_a_exclude_specific_test_buildable', select: 'model_a', exclude: 'unique_model_a_fun', indirect: 'buildable', expected: ALL_A.filter((t) => t !== 'unique_model_a_fun') },
  { name: 'test_only_generic', select: 'test_type:generic', expected: [...REL, ...SRC, 'unique_model_a_fun', 'unique_model_a_fun_2'] },
  { name: 'test_model_a_only_singular_unset', select: 'model_a,test_type:singular', expected: ['cf_a_b', 'cf_a_src', 'just_a'] },
  { name: 'test_model_a_only_singular_cautious', select: 'model_a,test_type:singular', indirect: 'cautious', expected: ['just_a'] },
  { name: 'test_only_singular', select: 'test_type:singular', expected: ['cf_a_b', 'cf_a_src', 'just_a'] },
  { name: 'test_test_name_intersection', select: 'model_a,test_name:unique', expected: ['unique_model_a_fun', 'unique_model_a_fun_2'] },
  { name: 'test_model_tag_test_name_intersection', select: 'tag:a_or_b,test_name:relationships', expected: REL },
  { name: 'test_select_column_level_tag', select: 'tag:column_level_tag', expected: [...REL, 'unique_model_a_fun', 'unique_model_a_fun_2'] },
  { name: 'test_exclude_column_level_tag', exclude: 'tag:column_level_tag', expected: ['cf_a_b', 'cf_a_src', 'just_a', ...SRC] },
  { name: 'test_select_column_config_level_tag', select: 'tag:column_config_level_tag', expected: [...REL, 'unique_model_a_fun', 'unique_model_a_fun_2'] },
  { name: 'test_select_source_column_config_level_tag', select: 'tag:source_column_config_tag', expected: SRC },
  { name: 'test_exclude_column_config_level_tag', exclude: 'tag:column_config_level_tag', expected: ['cf_a_b', 'cf_a_src', 'just_a', ...SRC] },
  { name: 'test_test_level_tag', select: 'tag:test_level_tag', expected: [REL[0]!] },
  { name: 'test_exclude_data_test_tag', select: 'model_a', exclude: 'tag:data_test_tag', expected: ALL_A.filter((t) => t !== 'just_a') },
  { name: 'test_model_a_indirect_selection_cautious', select: 'model_a', indirect: 'cautious', expected: ['just_a', 'unique_model_a_fun', 'unique_model_a_fun_2'] },
  { name: 'test_model_a_indirect_selection_buildable', select: 'model_a', indirect: 'buildable', expected: ALL_A },
  { name: 'test_model_a_indirect_selection_exclude_unique_tests', select: 'model_a', exclude: 'test_name:unique', indirect: 'eager', expected: ['cf_a_b', 'cf_a_src', 'just_a', ...REL] },
  { name: 'test_selector_model_a_unset_indirect_selection', selector: 'model_a_unset_indirect_selection', expected: ALL_A },
  { name: 'test_selector_model_a_cautious_indirect_selection', selector: 'model_a_cautious_indirect_selection', expected: ['just_a', 'unique_model_a_fun', 'unique_model_a_fun_2'] },
  { name: 'test_selector_model_a_eager_indirect_selection', selector: 'model_a_eager_indirect_selection', expected: ALL_A },
  { name: 'test_selector_model_a_buildable_indirect_selection', selector: 'model_a_buildable_indirect_selection', expected: ALL_A },
];

function args(c: Case, selectFlag: string): string[] {
  return [
    ...(c.select ? [selectFlag, c.select] : []),
    ...(c.exclude ? ['--exclude', c.exclude] : []),
    ...(c.indirect ? ['--indirect-selection', c.indirect] : []),
    ...(c.selector ? ['--selector', c.selector] : []),
  ];
}

const listed = (out: string[]) => out.flatMap((l) => l.split("\n")).filter((l) => /^test\./.test(l.trim())).map((l) => l.trim().split('.').at(-1)!);

describe('selection expansion (test_selection/test_selection_expansion.py)', () => {
  it('ls --resource-type test lists what each selection expands to', async () => {
    const p = dbtProject({ ...FILES, files: { 'selectors.yml': SELECTORS } });
    const failures: string[] = [];
    for (const c of CASES) {
      const r = await p.dbt(['ls', '--resource-type', 'test', ...args(c, '--select')]);
      const got = listed(r.out).sort();
      if (JSON.stringify(got) !== JSON.stringify([...c.expected].sort())) failures.push(`${c.name}: ls gave ${JSON.stringify(got)}, dbt ${JSON.stringify([...c.expected].sort())}`);
    }
    const empty = await p.dbt(['ls', '--indirect-selection', 'empty', '--select', 'model_a']);
    if (empty.out.filter((l) => l.trim()).length !== 1) failures.push(`test_model_a_indirect_selection_empty: ${JSON.stringify(empty.out)}`);
    expect(failures).toEqual([]);
  });

  it('test runs what each selection expands to (run first, as upstream)', async () => {
    const p = dbtProject({ ...FILES, files: { 'selectors.yml': SELECTORS } });
    const run = await p.dbt(['run']);
    expect(run.results).toHaveLength(2);
    const failures: string[] = [];
    for (const c of CASES) {
      const r = await p.dbt(['test', ...args(c, '--models')]);
      const got = r.results.map((x) => x.unique_id.split('.')[2]!).sort();
      if (JSON.stringify(got) !== JSON.stringify([...c.expected].sort())) failures.push(`${c.name}: test ran ${JSON.stringify(got)}, dbt ${JSON.stringify([...c.expected].sort())}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
