import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inlineProject, type InlineProject } from '../../helpers/inline-project.js';

/*
 * A run writes target/manifest.json once, when it is over (with the SQL it compiled), not also before
 * its first node: the earlier write was replaced by the later one in every run that finished.
 */
const projects: InlineProject[] = [];
afterEach(() => projects.splice(0).forEach((p) => p.cleanup()));

const invocationOf = (p: InlineProject) => (JSON.parse(readFileSync(join(p.dir, 'target', 'manifest.json'), 'utf8')) as { metadata: { invocation_id: string } }).metadata.invocation_id;

describe('manifest.json writes of a run', () => {
  it('written once, after the nodes ran: while they run it is still the previous command’s', async () => {
    const p = inlineProject({ 'models/a.sql': 'select 1 as id', 'models/b.sql': "select id from {{ ref('a') }}" });
    projects.push(p);
    const first = p.open({ invocationId: 'inv-first' });
    try {
      await first.run();
    } finally {
      await first.close();
    }
    expect(invocationOf(p)).toBe('inv-first');

    const seenWhileRunning: string[] = [];
    const second = p.open({ invocationId: 'inv-second', onEvent: (e) => void (e.type === 'node_started' && seenWhileRunning.push(invocationOf(p))) });
    try {
      const result = await second.run();
      expect(result.success).toBe(true);
    } finally {
      await second.close();
    }
    // Before: 'inv-second' at every node start (a first write before the run, then another after it).
    expect(seenWhileRunning).toEqual(['inv-first', 'inv-first']);
    expect(invocationOf(p)).toBe('inv-second');
  });
});
