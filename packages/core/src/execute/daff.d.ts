/** The part of daff (paulfitz/daff, the table diff library dbt's unit tests use) tsdbt calls. */
declare module 'daff' {
  class TableView {
    constructor(data: unknown[][]);
  }
  class CompareFlags {
    ordered: boolean;
  }
  interface Alignment {}
  class TableDiff {
    constructor(alignment: Alignment, flags: CompareFlags);
    hilite(output: TableView): boolean;
    hasDifference(): boolean;
  }
  class TerminalDiffRender {
    render(table: TableView): string;
  }
  function compareTables(a: TableView, b: TableView, flags?: CompareFlags): { align(): Alignment };
  const daff: { TableView: typeof TableView; CompareFlags: typeof CompareFlags; TableDiff: typeof TableDiff; TerminalDiffRender: typeof TerminalDiffRender; compareTables: typeof compareTables };
  export default daff;
}
