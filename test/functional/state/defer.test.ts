import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../packages/core/src/index.js';
import { inlineProject, queryRows, statuses, WAREHOUSE_DIR, type InlineProject } from '../../helpers/inline-project.js';

const projects: InlineProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

/**
 * A project with two targets on one warehouse: `prod` (built first, its target/ kept as the state)
 * and `ci` (another schema, where a pull request's models are built).
 */
async function prodAndCi(): Promise<{ p: InlineProject; prod: string; ci: string }> {
  const p = inlineProject({
    'models/a.sql': "{{ config(materialized='table') }}\nselect {{ var('n', 1) }} as id",
    'models/b.sql': "{{ config(materialized='table') }}\nselect id * 10 as id from {{ ref('a') }}",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        tests: [not_null]\n',
  });
  projects.push(p);
  const prod = `${p.schema}_prod`;
  const ci = `${p.schema}_ci`;
  p.write({ 'profiles.yml': `proj:\n  target: prod\n  outputs:\n    prod:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${prod}\n    ci:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: ${ci}\n` });
  const project = p.open({ target: 'prod' });
  try {
    expect((await project.build()).success).toBe(true);
  } finally {
    await project.close();
  }
  cpSync(join(p.dir, 'target'), join(p.dir, 'prod-state'), { recursive: true });
  return { p, prod, ci };
}

describe('--defer / --favor-state', () => {
  it('an unselected parent not built in the target is read from the state manifest\'s relation', async () => {
    const { p, prod, ci } = await prodAndCi();
    const project = p.open({ target: 'ci' });
    try {
      const result = await project.build({ select: ['b'], defer: true, state: 'prod-state' });
      expect(statuses(result)).toEqual({ b: 'success', not_null_b_id: 'pass' });
      const b = result.results.find((r) => r.node.name === 'b')!;
      expect(b.compiledCode).toContain(`\`${prod}\`.\`a\``);
      expect(await queryRows(project, `SELECT id FROM \`${ci}\`.b`)).toEqual([{ id: 10 }]);
      // without --defer the same build fails: a does not exist in ci
      const plain = await project.build({ select: ['b'] });
      expect(statuses(plain).b).toBe('error');
    } finally {
      await project.close();
    }
  });

  it('a parent built in the target is read there, unless --favor-state', async () => {
    const { p, prod, ci } = await prodAndCi();
    const project = p.open({ target: 'ci', vars: { n: 2 } });
    try {
      expect((await project.run({ select: ['a'] })).success).toBe(true);
      const own = await project.run({ select: ['b'], defer: true, state: 'prod-state' });
      expect(own.results[0]!.compiledCode).toContain(`\`${ci}\`.\`a\``);
      expect(await queryRows(project, `SELECT id FROM \`${ci}\`.b`)).toEqual([{ id: 20 }]);
      const favored = await project.run({ select: ['b'], defer: true, favorState: true, state: 'prod-state' });
      expect(favored.results[0]!.compiledCode).toContain(`\`${prod}\`.\`a\``);
      expect(await queryRows(project, `SELECT id FROM \`${ci}\`.b`)).toEqual([{ id: 10 }]);
      // a selected node is never deferred
      const both = await project.run({ select: ['a', 'b'], defer: true, favorState: true, state: 'prod-state' });
      expect(both.results.find((r) => r.node.name === 'b')!.compiledCode).toContain(`\`${ci}\`.\`a\``);
    } finally {
      await project.close();
    }
  });

  it('compile --defer --favor-state writes the state relation; --defer without --state is a usage error', async () => {
    const { p, prod } = await prodAndCi();
    const project = p.open({ target: 'ci' });
    try {
      const [b] = await project.compile({ select: ['b'], defer: true, favorState: true, state: 'prod-state', resourceTypes: ['model'] });
      expect(b!.sql).toContain(`\`${prod}\`.\`a\``);
      await expect(project.compile({ select: ['b'], defer: true })).rejects.toThrow(UsageError);
      await expect(project.run({ select: ['b'], defer: true })).rejects.toThrow(/--defer argument, but no value was provided to --state/);
      // --defer-state names the manifest when --state is not given
      const [again] = await project.compile({ select: ['b'], defer: true, favorState: true, deferState: 'prod-state', resourceTypes: ['model'] });
      expect(again!.sql).toContain(`\`${prod}\`.\`a\``);
    } finally {
      await project.close();
    }
  });
});
