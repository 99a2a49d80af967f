import { describe, expect, it } from 'vitest';
import { selectNodes } from '../../../packages/core/src/select/select-nodes.js';
import { ProjectError, UsageError } from '../../../packages/core/src/shared/errors.js';
import { thrown } from './errors-helper.js';
import { pick, shop } from './fake-manifest.js';

const SELECTORS: Record<string, unknown> = {
  nightly: 'tag:nightly',
  cli_string: 'tag:nightly,tag:pii revenue',
  short_dict: { tag: 'finance' },
  config_dict: { 'config.materialized': 'incremental' },
  full_dict: { method: 'fqn', value: 'stg_orders', children: true, children_depth: 1 },
  parents_dict: { method: 'fqn', value: 'orders', parents: true, parents_depth: 1 },
  at_dict: { method: 'fqn', value: 'stg_customers', childrens_parents: true },
  union_exclude: { union: ['mart', { exclude: ['revenue', 'customer_stats'] }] },
  intersection: { intersection: ['tag:nightly', { method: 'tag', value: 'pii' }] },
  nested: {
    union: [{ intersection: ['mart', 'config.materialized:table', { exclude: ['mart.finance'] }] }, { method: 'package', value: 'utils_pkg' }],
  },
  dict_exclude: { method: 'path', value: 'models/mart', exclude: ['tag:finance'] },
  composed: { union: [{ method: 'selector', value: 'nightly' }, 'selector:config_dict'] },
  composed_twice: { intersection: ['selector:composed', 'tag:pii'] },
  cautious: { method: 'fqn', value: 'orders', indirect_selection: 'cautious' },
  no_match: 'tag:does_not_exist',
};

const viaSelector = (selector: string, resourceTypes = ['model'] as const) =>
  pick({ selector, resourceTypes: [...resourceTypes] }, SELECTORS);

describe('selectors.yml definitions', () => {
  it('a CLI string, with union and intersection', () => {
    expect(viaSelector('nightly')).toEqual(['stg_customers', 'stg_orders']);
    expect(viaSelector('cli_string')).toEqual(['revenue', 'stg_customers']);
  });

  it('a {method: value} dict, method arguments included', () => {
    expect(viaSelector('short_dict')).toEqual(['orders', 'revenue']);
    expect(viaSelector('config_dict')).toEqual(['customer_stats']);
  });

  it('a full dict with graph keys', () => {
    expect(viaSelector('full_dict')).toEqual(['orders', 'stg_orders']);
    expect(viaSelector('parents_dict')).toEqual(['orders', 'stg_customers', 'stg_orders']);
    expect(viaSelector('at_dict')).toContain('calendar');
  });

  it('union with exclude applied last', () => {
    expect(viaSelector('union_exclude')).toEqual(['orders']);
  });

  it('intersection', () => {
    expect(viaSelector('intersection')).toEqual(['stg_customers']);
  });

  it('nested sets with exclude inside the inner scope only', () => {
    expect(viaSelector('nested')).toEqual(['calendar', 'orders']);
  });

  it('exclude next to method and value', () => {
    expect(viaSelector('dict_exclude')).toEqual(['customer_stats']);
  });

  it('composes with the selector method, in YAML and on the command line', () => {
    expect(viaSelector('composed')).toEqual(['customer_stats', 'stg_customers', 'stg_orders']);
    expect(viaSelector('composed_twice')).toEqual(['stg_customers']);
    expect(pick({ select: ['selector:nightly+1'], resourceTypes: ['model'] }, SELECTORS)).toEqual([
      'orders',
      'stg_customers',
      'stg_orders',
    ]);
    expect(pick({ select: ['selector:short_dict,config.materialized:table'], exclude: ['selector:short_dict,mart.finance'], resourceTypes: ['model'] }, SELECTORS)).toEqual(['orders']);
  });

  it('indirect_selection on a criterion overrides the command mode', () => {
    expect(pick({ selector: 'cautious' }, SELECTORS)).toEqual(['orders', 'unique_orders_id']);
  });

  it('adds tests indirectly with the command mode', () => {
    expect(pick({ selector: 'nightly', resourceTypes: ['test'] }, SELECTORS)).toEqual([
      'not_null_stg_orders_id',
      'relationships_orders_customer_id',
    ]);
    expect(pick({ selector: 'nightly', resourceTypes: ['test'], indirectSelection: 'cautious' }, SELECTORS)).toEqual([
      'not_null_stg_orders_id',
    ]);
  });

  it('a selector that matches nothing is not an error', () => {
    expect(viaSelector('no_match')).toEqual([]);
  });

  it('--selector overrides --select and --exclude, with a warning', () => {
    const warnings: string[] = [];
    const result = pick({ selector: 'nightly', select: ['orders'], exclude: ['stg_orders'], resourceTypes: ['model'], onWarning: (m) => warnings.push(m) }, SELECTORS);
    expect(result).toEqual(['stg_customers', 'stg_orders']);
    expect(warnings).toEqual(['--selector nightly overrides --select and --exclude.']);
  });
});

describe('default selector', () => {
  it('is used when neither --select nor --exclude is given', () => {
    expect(pick({ resourceTypes: ['model'] }, SELECTORS, ['nightly'])).toEqual(['stg_customers', 'stg_orders']);
  });

  it('is ignored when --select or --exclude is given', () => {
    expect(pick({ select: ['calendar'], resourceTypes: ['model'] }, SELECTORS, ['nightly'])).toEqual(['calendar']);
    expect(pick({ exclude: ['calendar'], resourceTypes: ['model'] }, SELECTORS, ['nightly'])).toHaveLength(5);
  });

  it('--selector wins over the default', () => {
    expect(pick({ selector: 'short_dict', resourceTypes: ['model'] }, SELECTORS, ['nightly'])).toEqual(['orders', 'revenue']);
  });

  it('only one selector may be the default', () => {
    const error = thrown(() => pick({}, SELECTORS, ['nightly', 'short_dict']));
    expect(error).toBeInstanceOf(ProjectError);
    expect(error.code).toBe('selectors-yml-multiple-default');
    expect(error.file).toBe('selectors.yml');
  });
});

describe('selector errors', () => {
  it('an unknown --selector is a usage error with a suggestion', () => {
    const error = thrown(() => pick({ selector: 'nighty' }, SELECTORS));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.code).toBe('selector-unknown');
    expect(error.hint).toContain('Did you mean "nightly"?');
  });

  it('an unknown selector: in --select is a usage error, and so without any selectors.yml', () => {
    expect(thrown(() => pick({ select: ['selector:nightlyy'] }, SELECTORS)).hint).toContain('Did you mean "nightly"?');
    const error = thrown(() => pick({ select: ['selector:x'] }));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.hint).toContain('No selectors are defined');
  });

  it('an empty --selector is a usage error', () => {
    expect(thrown(() => pick({ selector: ' ' })).code).toBe('selector-empty-value');
  });

  it('an unknown selector referenced in selectors.yml is a project error on that file', () => {
    const error = thrown(() => pick({ selector: 'a' }, { a: { union: ['selector:nightly', 'selector:nigthly'] }, nightly: 'tag:nightly' }));
    expect(error).toBeInstanceOf(ProjectError);
    expect(error.code).toBe('selector-unknown');
    expect(error.file).toBe('selectors.yml');
    expect(error.hint).toContain('Did you mean "nightly"?');
  });

  it('selectors referencing each other in a cycle', () => {
    const error = thrown(() => pick({ selector: 'a' }, { a: 'selector:b', b: { union: ['orders', 'selector:a'] } }));
    expect(error).toBeInstanceOf(ProjectError);
    expect(error.code).toBe('selector-cycle');
    expect(error.message).toContain('a -> b -> a');
  });

  it.each<[string, unknown, string]>([
    ['a number', 42, 'expected a string'],
    ['an empty string', '  ', 'empty string'],
    ['a list', ['orders'], 'expected a string'],
    ['union with other keys', { union: ['orders'], intersection: ['mart'] }, 'cannot be combined'],
    ['a union that is not a list', { union: 'orders' }, 'must be a list'],
    ['two exclude items', { union: ['mart', { exclude: ['a'] }, { exclude: ['b'] }] }, 'only one "exclude"'],
    ['a bad union item', { union: ['mart', 3] }, 'strings or dicts'],
    ['exclude at the root', { exclude: ['orders'] }, '"exclude" must be an item'],
    ['a dict without method and value', { method: 'tag' }, 'expected one "method: value" key'],
    ['an empty dict', {}, 'an empty dict'],
    ['a non-scalar value', { tag: ['a'] }, '"tag" must be a string'],
    ['a non-boolean flag', { method: 'fqn', value: 'orders', parents: 'yes' }, '"parents" must be true or false'],
    ['a bad depth', { method: 'fqn', value: 'orders', parents: true, parents_depth: -1 }, 'whole number'],
    ['a bad indirect_selection', { method: 'fqn', value: 'orders', indirect_selection: 'greedy' }, '"indirect_selection" must be one of'],
    ['a bad exclude item', { method: 'fqn', value: 'orders', exclude: [1] }, '"exclude" items'],
  ])('rejects %s as a project error on the file', (_name, definition, message) => {
    const error = thrown(() => pick({ selector: 'bad' }, { bad: definition }));
    expect(error).toBeInstanceOf(ProjectError);
    expect(error.code).toBe('selectors-yml-invalid');
    expect(error.file).toBe('selectors.yml');
    expect(error.message).toContain(message);
  });

  it('suggests the right key for a typo', () => {
    const error = thrown(() => pick({ selector: 'bad' }, { bad: { method: 'fqn', value: 'orders', parent: true } }));
    expect(error.code).toBe('selectors-yml-invalid');
    expect(error.hint).toContain('Did you mean "parents"?');
  });

  it('grammar and method errors inside a definition are project errors on the file', () => {
    const unknownMethod = thrown(() => pick({ selector: 'bad' }, { bad: 'tags:nightly' }));
    expect(unknownMethod).toBeInstanceOf(ProjectError);
    expect(unknownMethod.code).toBe('selector-unknown-method');
    expect(unknownMethod.file).toBe('selectors.yml');
    expect(unknownMethod.hint).toContain('Valid methods');

    const atPlus = thrown(() => pick({ selector: 'bad' }, { bad: { method: 'fqn', value: 'orders', children: true, childrens_parents: true } }));
    expect(atPlus).toBeInstanceOf(ProjectError);
    expect(atPlus.code).toBe('selector-invalid');

    const badValue = thrown(() => pick({ select: ['selector:bad'] }, { bad: 'test_type:bogus' }));
    expect(badValue).toBeInstanceOf(ProjectError);
    expect(badValue.code).toBe('selector-invalid-value');
    expect(badValue.file).toBe('selectors.yml');
  });

  it('evaluates a selector once per selection even when used several times', () => {
    const { manifest, graph } = shop({ n: 'tag:nightly', both: { union: ['selector:n', 'selector:n'] } });
    expect(selectNodes(manifest, graph, { select: ['selector:both selector:n'], resourceTypes: ['model'] }).size).toBe(2);
  });
});
