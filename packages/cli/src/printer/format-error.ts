import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import pc from 'picocolors';
import { TsdbtError } from '@tsdbt/core';

/** An error as the user should see it: `file:line:col`, the message, a code frame, and what to do. */
export function formatError(error: unknown, options: { color: boolean; debug: boolean; projectDir: string }): string {
  const c = pc.createColors(options.color);
  if (!(error instanceof TsdbtError)) {
    const e = error as Error;
    return `${c.red('Error:')} ${e?.message ?? String(error)}${options.debug && e?.stack ? `\n${e.stack}` : '\n(run with --debug for the stack trace)'}`;
  }
  const lines: string[] = [];
  const where = error.location;
  lines.push(`${c.red('Error')}${where ? ` in ${c.bold(where)}` : ''}: ${error.message} ${c.dim(`[${error.code}]`)}`);
  const frame = where && error.line ? codeFrame(options.projectDir, error.file!, error.line, error.column) : '';
  if (frame) lines.push(frame);
  for (const call of error.callChain ?? []) lines.push(c.dim(`  ${call}`));
  if (error.hint) lines.push(`${c.cyan('hint:')} ${error.hint}`);
  if (options.debug && error.stack) lines.push(error.stack);
  return lines.join('\n');
}

export function codeFrame(projectDir: string, file: string, line: number, column?: number): string {
  const path = isAbsolute(file) ? file : join(projectDir, file);
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8').split('\n');
  const from = Math.max(1, line - 2);
  const to = Math.min(text.length, line + 1);
  const out: string[] = [];
  for (let n = from; n <= to; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(4)} | ${text[n - 1]}`);
    if (n === line && column) out.push(`       | ${' '.repeat(Math.max(0, column - 1))}^`);
  }
  return out.join('\n');
}
