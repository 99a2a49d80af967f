import { describe, expect, it } from 'vitest';
import { replayingWarehouse, type WarehouseCall } from '../../../packages/core/src/execute/replay-warehouse.js';
import type { RenderWarehouse } from '../../../packages/core/src/render/render-state.js';

/** A warehouse that counts the statements it runs and answers each with its number. */
function countingWarehouse(): RenderWarehouse & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    runQuery: (sql: string) => {
      ran.push(sql);
      return { columns: ['n'], rows: [[ran.length]] } as never;
    },
    relationExists: () => ran.length > 0,
    columns: () => [],
    relation: () => undefined,
    relationsIn: () => [],
    schemaExists: () => true,
    onCluster: () => '',
  };
}

describe('a render run twice as once (a materialization wrapping a built-in one)', () => {
  it('replays the first pass answers without running them again, then runs and records the rest', () => {
    const base = countingWarehouse();
    const calls: WarehouseCall[] = [];
    const fail = (expected: string, got: string): never => {
      throw new Error(`${expected} != ${got}`);
    };
    const first = replayingWarehouse(base, calls, 0, fail);
    expect(first.relationExists('s', 't')).toBe(false);
    expect(first.runQuery('insert 1')).toEqual({ columns: ['n'], rows: [[1]] });
    const second = replayingWarehouse(base, calls, calls.length, fail);
    expect(second.relationExists('s', 't')).toBe(false);
    expect(second.runQuery('insert 1')).toEqual({ columns: ['n'], rows: [[1]] });
    expect(second.runQuery('select after')).toEqual({ columns: ['n'], rows: [[2]] });
    expect(base.ran).toEqual(['insert 1', 'select after']);
  });

  it('a second pass that makes another call where the first made one is refused', () => {
    const calls: WarehouseCall[] = [];
    const fail = (expected: string, got: string): never => {
      throw new Error(`expected ${expected}, got ${got}`);
    };
    replayingWarehouse(countingWarehouse(), calls, 0, fail).runQuery('select a');
    const second = replayingWarehouse(countingWarehouse(), calls, calls.length, fail);
    expect(() => second.runQuery('select b')).toThrow('expected runQuery(["select a"]), got runQuery(["select b"])');
    expect(() => replayingWarehouse(countingWarehouse(), calls, calls.length, fail).relationExists('s', 't')).toThrow('expected runQuery(["select a"]), got relationExists(["s","t"])');
  });

  it('a call differing only in its numbers (a clock read while rendering) is the same call, answered as recorded', () => {
    const base = countingWarehouse();
    const calls: WarehouseCall[] = [];
    const fail = (expected: string, got: string): never => {
      throw new Error(`expected ${expected}, got ${got}`);
    };
    replayingWarehouse(base, calls, 0, fail).runQuery("insert into audit values ('2026-12-06T07:28:30.627000', 'before')");
    const second = replayingWarehouse(base, calls, calls.length, fail);
    expect(second.runQuery("insert into audit values ('2026-12-06T07:28:33.116000', 'before')")).toEqual({ columns: ['n'], rows: [[1]] });
    expect(base.ran).toEqual(["insert into audit values ('2026-12-06T07:28:30.627000', 'before')"]);
  });

  it('replays an error as an error', () => {
    const base = { ...countingWarehouse(), schemaExists: () => { throw new Error('down'); } };
    const calls: WarehouseCall[] = [];
    const fail = (): never => { throw new Error('mismatch'); };
    expect(() => replayingWarehouse(base, calls, 0, fail).schemaExists('s')).toThrow('down');
    expect(() => replayingWarehouse(base, calls, 1, fail).schemaExists('s')).toThrow('down');
  });
});
