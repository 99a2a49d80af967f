import { describe, expect, it } from 'vitest';
import { readMacroBlocks } from '../../../packages/core/src/render/macro-blocks.js';
import { MacroRegistry, type MacroEntry } from '../../../packages/core/src/render/macro-registry.js';
import { customMaterializationNames, findMaterializationMacro, projectMaterializationOverride } from '../../../packages/core/src/render/materialization-macros.js';
import type { MacroNode } from '../../../packages/core/src/manifest/nodes.js';

describe('materialization blocks', () => {
  it("a {% materialization %} block is the macro materialization_<name>_<adapter> (dbt's MaterializationExtension)", () => {
    const text = "{% macro helper() %}1{% endmacro %}\n{%- materialization my_table, default -%}\n  {{ return({'relations': []}) }}\n{%- endmaterialization -%}\n{% materialization my_table, adapter = 'clickhouse', supported_languages=['sql'] %}\n{% endmaterialization %}\n";
    expect(readMacroBlocks(text).map((b) => [b.name, b.kind, b.line])).toEqual([
      ['helper', 'macro', 1],
      ['materialization_my_table_default', 'macro', 2],
      ['materialization_my_table_clickhouse', 'macro', 5],
    ]);
  });

  it('finds the clickhouse one before the default one, the root project before packages; a built-in is overridden only by a root clickhouse block', () => {
    const registry = new MacroRegistry('root', [], new Set(['pkg']));
    const add = (packageName: string, name: string) => registry.add({ node: { name, packageName, originalFilePath: `${packageName}/m.sql` } as MacroNode, fn: () => () => '' } as MacroEntry);
    add('root', 'materialization_a_default');
    add('pkg', 'materialization_a_default');
    add('pkg', 'materialization_b_default');
    add('root', 'materialization_c_default');
    add('pkg', 'materialization_c_clickhouse');
    add('root', 'materialization_view_default');
    add('pkg', 'materialization_table_clickhouse');
    add('root', 'materialization_incremental_clickhouse');
    const owner = (name: string) => findMaterializationMacro(registry, name)?.node.packageName;
    expect([owner('a'), owner('b'), owner('c'), owner('nope')]).toEqual(['root', 'pkg', 'pkg', undefined]);
    expect([projectMaterializationOverride(registry, 'view'), projectMaterializationOverride(registry, 'table')]).toEqual([undefined, undefined]);
    expect(projectMaterializationOverride(registry, 'incremental')?.node.name).toBe('materialization_incremental_clickhouse');
    expect(customMaterializationNames(registry)).toEqual(['a', 'b', 'c', 'incremental', 'table', 'view']);
  });
});
