// What other programs print through, to look like the CLI (the Instacart pipeline: examples/instacart).
export { createPrinter, displayPath } from './console-printer.js';
export type { LogLevel, PrinterOptions } from './console-printer.js';
export { formatTable } from './result-table.js';
export type { TableOptions } from './result-table.js';
