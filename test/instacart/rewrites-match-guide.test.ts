// The performance rewrites in models/mart/ return the same rows as the guide's (minimally fixed) SQL kept in
// test/reference/guide_sql/: each reference file is rendered with the project's context (same refs, through
// compileInline) and compared with the built model on generated data (scale 0.01, seed 42).
// How rows are compared, and how floating point is handled: see compare-guide.ts. (hand-computed.test.ts runs the
// same comparison on the tiny hand-written data set.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSameRowsAsGuide, guideModels, KEYS } from './compare-guide.js';
import { openInstacart, problems, type InstacartProject } from './instacart-project.js';

let ic: InstacartProject;
let buildProblems: string[];

beforeAll(async () => {
  ic = openInstacart('rewrites');
  await ic.project.runOperation('generate_instacart', { scale: 0.01, seed: 42 });
  buildProblems = problems(await ic.project.build());
});
afterAll(async () => {
  await ic?.close();
});

describe("performance rewrites return the guide's rows (scale 0.01, seed 42)", () => {
  it('has a reference for every rewritten model, and the build is clean', () => {
    expect(guideModels()).toEqual(Object.keys(KEYS).sort());
    expect(buildProblems).toEqual([]);
  });

  for (const model of guideModels()) {
    it(model, async () => {
      const { rows, bitDifferences } = await expectSameRowsAsGuide(ic, model);
      // non-trivial data: the fact has every line, the basket its 1000 top pairs, performance every sold product
      expect(rows).toBeGreaterThanOrEqual(model === 'g2_v2_analytics_product_performance' ? 400 : 1000);
      if (bitDifferences > 0) console.info(`${model}: ${bitDifferences} of ${rows} rows differ only in the last bits of Float64 columns (within 1e-9)`);
    });
  }
});
