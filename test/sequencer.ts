import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Longest files first. vitest orders a clean checkout (no results cache) by file size, so the fault
 * suites — small files that run for minutes — started last and ran alone at the end while the other
 * worker idled. Known wall times come from test/durations.json (scripts/test-durations.mjs writes it
 * from a CI run's report) or, when this checkout has run a file before, vitest's own cache; a file
 * known to neither is ordered by size after those, as vitest does.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const recorded = JSON.parse(readFileSync(resolve(root, 'test/durations.json'), 'utf8')) as Record<string, number>;
    const known = (spec: TestSpecification): number => {
      const path = relative(root, spec.moduleId);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      return cached ? cached.duration / 1000 : recorded[path] ?? 0;
    };
    const keyed = files.map((spec) => ({ spec, seconds: known(spec), size: statSync(spec.moduleId).size }));
    keyed.sort((a, b) => b.seconds - a.seconds || b.size - a.size);
    return keyed.map((k) => k.spec);
  }
}
