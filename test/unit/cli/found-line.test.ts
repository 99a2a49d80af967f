import { describe, expect, it } from 'vitest';
import { createPrinter } from '../../../packages/cli/src/printer/console-printer.js';

/* dbt's print_compile_stats: pluralize(count, NodeType) with '_' read as a space — NodeType.pluralize() says 'data_tests', 'analyses', 'saved_queries'. */
describe("the run's Found line", () => {
  const found = (counts: Record<string, number>): string => {
    const out: string[] = [];
    const print = createPrinter({ color: false, json: false, write: (l) => out.push(l) });
    print({ type: 'run_started', command: 'build', total: 1, threads: 4, targetName: 'dev', counts });
    return out[0]!.replace(/^\S+\s+/, '');
  };

  it("spells node types as dbt does: data tests, analyses, saved queries, unit tests; one of a kind singular", () => {
    expect(found({ seed: 3, model: 10, snapshot: 1, test: 16, exposure: 1, saved_query: 1 })).toBe('Found 3 seeds, 10 models, 1 snapshot, 16 data tests, 1 exposure, 1 saved query');
    expect(found({ test: 1, analysis: 2, saved_query: 2, unit_test: 3, semantic_model: 2 })).toBe('Found 1 test, 2 analyses, 2 saved queries, 3 unit tests, 2 semantic models');
  });
});
