import { describe, expect, it } from 'vitest';
import { integerOption, NUMERIC_RULES, serveDocs, startServer, UsageError, watch } from '../../../packages/core/src/index.js';
import { inlineProject } from '../../helpers/inline-project.js';

describe('integerOption', () => {
  it('accepts whole numbers from flags (strings) and options (numbers)', () => {
    expect(integerOption('--threads', '8', NUMERIC_RULES.threads)).toBe(8);
    expect(integerOption('--threads', ' 3 ', NUMERIC_RULES.threads)).toBe(3);
    expect(integerOption('threads', 2, NUMERIC_RULES.threads)).toBe(2);
    expect(integerOption('--limit', '-1', NUMERIC_RULES.limit)).toBe(-1);
    expect(integerOption('--port', '0', NUMERIC_RULES.port)).toBe(0);
  });

  it.each([
    ['--threads', 'abc'], ['--threads', '0'], ['--threads', '-1'], ['--threads', '1.5'], ['--threads', ''], ['--threads', '0x10'], ['--threads', '1e2'],
    ['threads', Number.NaN], ['threads', 0], ['threads', 2.5], ['threads', Number.POSITIVE_INFINITY],
    ['--port', '65536'], ['--limit', '-2'],
  ] as const)('%s %j is a UsageError', (name, value) => {
    const rule = name.includes('port') ? NUMERIC_RULES.port : name.includes('limit') ? NUMERIC_RULES.limit : NUMERIC_RULES.threads;
    const run = () => integerOption(name, value, rule);
    expect(run).toThrow(UsageError);
    try {
      run();
    } catch (e) {
      expect((e as UsageError).code).toBe('invalid_option');
      expect((e as UsageError).message).toMatch(new RegExp(`^${name} must be `));
      expect((e as UsageError).hint).toMatch(name.startsWith('-') ? /^Write e\.g\. --\w+ \d+\.$/ : /^Pass e\.g\. \{ \w+: \d+ \}\.$/);
    }
  });
});

describe('library options are checked like flags', () => {
  it('run/build/show/watch/startServer/serveDocs reject bad numbers with a UsageError before doing anything', async () => {
    const p = inlineProject({ 'models/a.sql': 'select 1 as id' });
    const project = p.open();
    try {
      await expect(project.run({ threads: 0 })).rejects.toThrow(/^threads must be a positive whole number, got 0$/);
      await expect(project.build({ threads: Number.NaN })).rejects.toThrow(UsageError);
      await expect(project.test({ threads: 1.5 })).rejects.toThrow(UsageError);
      await expect(project.seed({ threads: -1 })).rejects.toThrow(UsageError);
      await expect(project.sourceLoad({ threads: 0 })).rejects.toThrow(UsageError);
      await expect(project.show({ select: 'a', limit: 2.5 })).rejects.toThrow(/^limit must be /);
      await expect(watch({ projectDir: p.dir, debounceMs: -5 })).rejects.toThrow(/^debounceMs must be /);
      await expect(watch({ projectDir: p.dir, threads: 0 })).rejects.toThrow(/^threads must be /);
      await expect(startServer(project, { port: 70000 })).rejects.toThrow(/^port must be a whole number from 0 to 65535, got 70000$/);
      await expect(serveDocs({ targetDir: p.dir, port: -1 })).rejects.toThrow(UsageError);
      // nothing was built or connected: no target/ folder
      expect(project.manifest.nodes.size).toBe(1);
    } finally {
      await project.close();
      p.cleanup();
    }
  });
});
