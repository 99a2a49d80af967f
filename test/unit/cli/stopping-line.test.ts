import { describe, expect, it } from 'vitest';
import { createPrinter } from '../../../packages/cli/src/printer/console-printer.js';

describe("a stopped run's notice while it waits for its KILLed statements", () => {
  const printer = (level?: 'info' | 'error' | 'none') => {
    const out: string[] = [];
    const err: string[] = [];
    const print = createPrinter({ color: false, json: false, level, write: (l) => out.push(l), writeErr: (l) => err.push(l) });
    return { print, out, err };
  };

  it('goes to stderr, says how many and how to exit now; then progress', () => {
    const { print, out, err } = printer();
    print({ type: 'stopping', running: 2, waited: 1 });
    print({ type: 'stopping', running: 1, waited: 11 });
    expect(out).toEqual([]);
    expect(err.map((l) => l.replace(/^\S+\s+/, ''))).toEqual([
      'Waiting for 2 running statements to end… (Ctrl-C again to exit now)',
      'Still waiting (11s) for 1 running statement to end… (Ctrl-C again to exit now)',
    ]);
  });

  it('is shown under --quiet too, not under --log-level none', () => {
    const quiet = printer('error');
    quiet.print({ type: 'stopping', running: 1, waited: 1 });
    expect(quiet.err).toHaveLength(1);
    const none = printer('none');
    none.print({ type: 'stopping', running: 1, waited: 1 });
    expect([...none.err, ...none.out]).toEqual([]);
  });
});
