import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TsdbtProject, type NodeResult } from '../../../packages/core/src/index.js';
import type { TestHub } from '../../helpers/hub-server.js';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';
import { mirrorSharedPackage, SHARED_PACKAGES, startSharedPackagesHub } from '../../helpers/shared-packages.js';

/**
 * Issue 12's conformance bar: `tsdbt deps` + `tsdbt build` of each shared package's own
 * integration_tests project, unmodified, on the embedded engine. The table of what passes is
 * printed; each package has a floor (what passes today, so a regression fails here) and the goal
 * of the issue. What still fails, and why, is in docs/packages-conformance.md.
 */
interface Conformance {
  readonly name: string;
  /** Share of models + tests that must pass (issue 12: dbt_utils 95%, the others 90%). */
  readonly goal: number;
  /** Models + tests that pass today: fewer is a regression. */
  readonly floor: number;
  /**
   * The package's own CI sequence instead of one build (codegen's run_test.sh: run-operation
   * create_source_table, seed, run, test): its generate_source tests list the tables of a schema
   * and depend on nothing, so in one build they may run before the seeds exist — in dbt as here.
   */
  readonly ciSequence?: { readonly operations: readonly string[] };
  /**
   * Tests whose outcome depends on the package's own random data, on every warehouse: a failure of
   * one is not counted against the floor (it is still printed).
   */
  readonly randomOutcome?: readonly RegExp[];
}

const PACKAGES: readonly Conformance[] = [
  { name: 'dbt_utils', goal: 0.95, floor: 162 },
  {
    name: 'dbt_expectations',
    goal: 0.9,
    floor: 169,
    // timeseries_data_grouped's row_value is 100 * abs(rand()); this test expects at least one of its
    // 4 group sums more than 1 sigma from their mean (fail_calc flipped), which random sums miss now and
    // then (all four within 1 sigma) — in dbt on Postgres as here.
    randomOutcome: [/^dbt_expectations_expect_column_values_to_be_within_n_stdevs_timeseries_data_grouped_row_value__group_id__1$/],
  },
  { name: 'dbt_date', goal: 0.9, floor: 73 },
  { name: 'codegen', goal: 0.9, floor: 33, ciSequence: { operations: ['create_source_table'] } },
  { name: 'audit_helper', goal: 0.9, floor: 38 },
];

const PASSING = new Set(['success', 'pass', 'warn']);
const available = SHARED_PACKAGES !== '';
let work: string;
let hub: TestHub;

beforeAll(async () => {
  if (!available) return;
  work = mkdtempSync(join(tmpdir(), 'tsdbt-package-builds-'));
  hub = await startSharedPackagesHub();
});

afterAll(async () => {
  await hub?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Tally {
  readonly passed: number;
  readonly total: number;
  readonly line: string;
  readonly failures: string[];
}

function tally(name: string, results: readonly NodeResult[]): Tally {
  const count = (type: string, ok: boolean) => results.filter((r) => r.node.resourceType === type && PASSING.has(r.status) === ok).length;
  const cell = (type: string) => `${count(type, true)}/${count(type, true) + count(type, false)}`.padEnd(9);
  const passed = count('model', true) + count('test', true);
  const total = passed + count('model', false) + count('test', false);
  const failures = results
    .filter((r) => (r.node.resourceType === 'model' || r.node.resourceType === 'test') && !PASSING.has(r.status))
    .map((r) => `  ${r.status.padEnd(7)} ${r.node.resourceType} ${r.node.name}: ${r.message.split('\n')[0]!.slice(0, 160)}`);
  const line = `${name.padEnd(36)} ${cell('seed')} ${cell('model')} ${cell('test')} ${passed}/${total} = ${((100 * passed) / total).toFixed(1)}%`;
  return { passed, total, line, failures };
}

describe.skipIf(!available)('the shared packages’ integration_tests: tsdbt deps + build on the embedded engine', () => {
  const lines: string[] = [];
  afterAll(() => {
    // The conformance table, in the test log (issue 12).
    console.log([`${'package (deps + build)'.padEnd(36)} ${'seeds'.padEnd(9)} ${'models'.padEnd(9)} ${'tests'.padEnd(9)} models+tests passing`, ...lines].join('\n'));
  });

  for (const pkg of PACKAGES) {
    it(`${pkg.name}: at least ${pkg.floor} models and tests pass (goal ${pkg.goal * 100}%)`, async () => {
      const dir = mirrorSharedPackage(work, pkg.name);
      writeFileSync(join(dir, 'profiles.yml'), `integration_tests:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: ${WAREHOUSE_DIR}\n      schema: it_${pkg.name}\n      threads: 4\n`);
      await TsdbtProject.deps({ projectDir: dir, hubUrl: hub.url, env: {} });
      const project = TsdbtProject.open({ projectDir: dir, profilesDir: dir, env: {} });
      try {
        let results: readonly NodeResult[];
        if (pkg.ciSequence) {
          for (const op of pkg.ciSequence.operations) await project.runOperation(op);
          results = [...(await project.seed()).results, ...(await project.run()).results, ...(await project.test()).results];
        } else results = (await project.build()).results;
        const t = tally(pkg.ciSequence ? `${pkg.name} (its CI: seed, run, test)` : pkg.name, results);
        lines.push(t.line, ...t.failures);
        const random = results.filter((r) => r.node.resourceType === 'test' && !PASSING.has(r.status) && pkg.randomOutcome?.some((re) => re.test(r.node.name))).length;
        expect(t.passed + random, `${t.line}\n${t.failures.join('\n')}`).toBeGreaterThanOrEqual(pkg.floor);
      } finally {
        await project.close();
      }
    }, 300_000);
  }
});
