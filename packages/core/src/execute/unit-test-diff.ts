import { createRequire } from 'node:module';
import type daffModule from 'daff';

/** daff (~270 KB) is loaded when a unit test fails, not at every command's start. */
let loaded: typeof daffModule | undefined;
const daffLib = () => (loaded ??= createRequire(import.meta.url)('daff') as typeof daffModule);

/** Rows of one side of a unit test, in the order of `columns`. */
export type UnitTestTable = readonly (readonly unknown[])[];

/** A failed unit test's diff: both sides as JSON rows (run_results) and dbt's rendered table. */
export interface UnitTestDiff {
  readonly actual: readonly Record<string, unknown>[];
  readonly expected: readonly Record<string, unknown>[];
  readonly rendered: string;
}

/**
 * dbt's unit test comparison (task/test.py `_get_daff_diff`): both sides sorted (NULLs last, as
 * dbt_common's list_rows_from_table), compared unordered by daff, the same library dbt uses, so
 * the `+++` (actual only), `---` (expected only) and `→` (changed) table reads as dbt's.
 */
export function unitTestDiff(columns: readonly string[], expected: UnitTestTable, actual: UnitTestTable, colors = false): UnitTestDiff | undefined {
  const daff = daffLib();
  const header = columns.map((c) => c.toLowerCase());
  const e = new daff.TableView([header, ...sortRows(expected)]);
  const a = new daff.TableView([header, ...sortRows(actual)]);
  const flags = new daff.CompareFlags();
  flags.ordered = false;
  const diff = new daff.TableDiff(daff.compareTables(e, a, flags).align(), flags);
  const out = new daff.TableView([]);
  diff.hilite(out);
  if (!diff.hasDifference()) return undefined;
  const text = new daff.TerminalDiffRender().render(out);
  const rendered = (colors ? text : text.replace(ANSI, '')).replace(/\r\n?/g, '\n');
  const json = (rows: UnitTestTable) => rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null])));
  return { actual: json(actual), expected: json(expected), rendered: `actual differs from expected:\n\n${rendered.replace(/\n+$/, '')}` };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1B(?:[@-Z\\-_]|\[[0-?]*[ -/]*[@-~])/g;

/** Hierarchical sort with NULLs after values (dbt_common agate_helper.list_rows_from_table(sort=True)). */
function sortRows(rows: UnitTestTable): unknown[][] {
  const key = (v: unknown): [number, number | string] => (v === null || v === undefined ? [1, ''] : typeof v === 'number' ? [0, v] : [0, typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) && /^-?\d/.test(v) ? Number(v) : String(v)]);
  const compare = (x: readonly unknown[], y: readonly unknown[]) => {
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      const [nx, vx] = key(x[i]);
      const [ny, vy] = key(y[i]);
      if (nx !== ny) return nx - ny;
      if (vx === vy) continue;
      if (typeof vx === 'number' && typeof vy === 'number') return vx - vy;
      return String(vx) < String(vy) ? -1 : 1;
    }
    return 0;
  };
  return rows.map((r) => [...r]).sort(compare);
}
