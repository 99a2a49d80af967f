import type { ScratchWarehouse } from '../adapter/scratch-warehouse.js';
import type { TestNode } from '../manifest/nodes.js';
import type { ValidationIssue } from './analysis.js';
import type { CheckFailure } from './analyze-nodes.js';
import { testChecks } from './node-checks.js';

/** Tests planned in one statement (a UNION ALL of their queries): far cheaper than one each. */
const GROUP = 25;

interface Pending {
  readonly node: TestNode;
  readonly sql: string;
  readonly done: (issues: ValidationIssue[]) => void;
  readonly fail: (error: unknown) => void;
}

/**
 * Plans tests as they become ready, in groups: `EXPLAIN PIPELINE t1 UNION ALL t2 …` (each test as it
 * runs: dbt's wrapper around its SQL, which gives every test the same three columns). A group that
 * fails is planned again test by test, so each error is found and located on its own test.
 */
export class TestChecker {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly scratch: ScratchWarehouse,
    private readonly locate: (failure: CheckFailure) => ValidationIssue[],
  ) {}

  check(node: TestNode, sql: string): Promise<ValidationIssue[]> {
    return new Promise((done, fail) => {
      this.queue.push({ node, sql, done, fail });
      if (this.queue.length >= GROUP) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length) {
      const group = this.queue.splice(0, GROUP);
      this.plan(group).catch((error) => group.forEach((p) => p.fail(error)));
    }
  }

  private async plan(group: readonly Pending[]): Promise<void> {
    if (group.length > 1) {
      const union = group.map((p) => testChecks(p.node, p.sql)[0]!.sql.replace(/^EXPLAIN PIPELINE /, '')).join('\nUNION ALL\n');
      const [r] = await this.scratch.batch([`EXPLAIN PIPELINE ${union}`]);
      if (r?.ok) {
        group.forEach((p) => p.done([]));
        return;
      }
    }
    await Promise.all(
      group.map(async (p) => {
        const checks = testChecks(p.node, p.sql);
        const [r] = await this.scratch.batch(checks.map((c) => c.sql));
        p.done(r && !r.ok ? this.locate({ node: p.node, error: r.error, statement: checks[0]!, sql: p.sql }) : []);
      }),
    );
  }
}
