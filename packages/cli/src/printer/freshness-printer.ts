import pc from 'picocolors';
import type { FreshnessResult, RunEvent } from '@tsdbt/core';

const WIDTH = 80;
const time = () => new Date().toTimeString().slice(0, 8);

/** dbt's progress line, padded with dots. */
function line(index: number, total: number, msg: string, status: string): string {
  const left = `${index} of ${total} ${msg} `;
  const visible = left.replace(/\u001b\[[0-9;]*m/g, '').length;
  return `${left}${'.'.repeat(Math.max(3, WIDTH - visible - 1))} [${status}]`;
}

/**
 * `source freshness` lines as dbt prints them (`START freshness of raw.orders`, `PASS`, `WARN`,
 * `ERROR STALE`, `ERROR` for a failed query) and its summary; other events go to `fallback`.
 */
export function createFreshnessPrinter(options: { color: boolean; json: boolean; write: (line: string) => void }, fallback: (e: RunEvent) => void) {
  const c = pc.createColors(options.color);
  const out = (text: string) => options.write(`${time()}  ${text}`);
  return {
    onEvent(event: RunEvent): void {
      if (event.type !== 'freshness_started' && event.type !== 'freshness_finished') return fallback(event);
      if (options.json) {
        const r = event.type === 'freshness_finished' ? event.result : undefined;
        options.write(JSON.stringify({ ts: new Date().toISOString(), event: event.type, unique_id: r ? r.uniqueId : event.type === 'freshness_started' ? event.node.uniqueId : null, status: r?.status ?? null, max_loaded_at: r?.maxLoadedAt ?? null, age_seconds: r?.ageSeconds ?? null, error: r?.message ?? null, index: event.index, total: event.total }));
        return;
      }
      if (event.type === 'freshness_started') {
        out(line(event.index, event.total, `START freshness of ${event.node.sourceName}.${event.node.name}`, 'RUN'));
        return;
      }
      const r = event.result;
      const what = `freshness of ${r.node.sourceName}.${r.node.name}`;
      const secs = `${r.executionTime.toFixed(2)}s`;
      const [label, paint] =
        r.status === 'pass' ? ['PASS', c.green] : r.status === 'warn' ? ['WARN', c.yellow] : r.status === 'error' ? ['ERROR STALE', c.red] : ['ERROR', c.red];
      out(line(event.index, event.total, `${paint(label)} ${what}`, `${paint(label)} in ${secs}`));
    },
    summary(results: readonly FreshnessResult[], elapsed: number, path: string): void {
      if (options.json) return;
      const n = (s: string) => results.filter((r) => r.status === s).length;
      out('');
      out(`Finished running ${results.length} source${results.length === 1 ? '' : 's'} in ${elapsed.toFixed(2)}s.`);
      for (const r of results) {
        if (r.status === 'pass') continue;
        const age = r.ageSeconds === undefined ? '' : ` (newest row ${r.maxLoadedAt}, ${formatAge(r.ageSeconds)} old)`;
        out(`${r.status === 'warn' ? c.yellow('Warning') : c.red('Failure')} in source ${r.node.sourceName}.${r.node.name} (${r.node.originalFilePath})${age}`);
        if (r.message) out(`  ${r.message.split('\n')[0]}`);
      }
      out(`Wrote ${path}`);
      out(`Done. PASS=${n('pass')} WARN=${n('warn')} ERROR=${n('error') + n('runtime error')} SKIP=0 TOTAL=${results.length}`);
    },
  };
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
