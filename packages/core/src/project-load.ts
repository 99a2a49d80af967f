import { loadProject, type LoadedProject, type LoadOptions } from './load/load-project.js';
import type { EventHandler } from './report/events.js';
import { reportWarning, type WarnErrorPolicy } from './report/warn-error.js';

type LogLine = [message: string, level: 'info' | 'debug' | 'warn', event: string | undefined];

/**
 * Loads a project for TsdbtProject.open(), holding the load's log lines until the project's `flags:` are known:
 * --warn-error-options (or `flags: warn_error_options`) may silence a warning or make it the load's error (dbt fails
 * the parse on it). `release(policy)` reports the held lines under that policy (throwing the first promoted to an
 * error), and every later line as it comes.
 */
export function loadHoldingLines(options: LoadOptions, onEvent: EventHandler): { loaded: LoadedProject; release(policy: WarnErrorPolicy): void } {
  let held: LogLine[] | undefined = [];
  let policy: WarnErrorPolicy = { warnError: false };
  const report = ([message, level, event]: LogLine) =>
    level === 'warn' ? reportWarning(message, policy, onEvent, event) : onEvent({ type: 'log', level, message });
  const loaded = loadProject({
    ...options,
    onLog: (message, level, event) => {
      options.onLog?.(message, level, event);
      if (held) held.push([message, level, event]);
      else report([message, level, event]);
    },
  });
  return {
    loaded,
    release(given) {
      policy = given;
      const lines = held ?? [];
      held = undefined;
      for (const line of lines) report(line);
    },
  };
}
