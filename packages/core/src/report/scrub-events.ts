import { scrubSecrets } from '../shared/secrets.js';
import type { HookResult, NodeResult, RunEvent } from './events.js';

/** A node result with DBT_ENV_SECRET_* values scrubbed from its texts (message, SQL, warnings). */
export function scrubResult(result: NodeResult, secrets: readonly string[]): NodeResult {
  if (secrets.length === 0) return result;
  const s = (t: string) => scrubSecrets(t, secrets);
  return {
    ...result,
    message: s(result.message),
    warnings: result.warnings.map(s),
    ...(result.compiledCode === undefined ? {} : { compiledCode: s(result.compiledCode) }),
  };
}

/** A project hook's result with DBT_ENV_SECRET_* values scrubbed from its message and SQL. */
export function scrubHook(result: HookResult, secrets: readonly string[]): HookResult {
  if (secrets.length === 0) return result;
  const s = (t: string) => scrubSecrets(t, secrets);
  return { ...result, message: s(result.message), ...(result.sql === undefined ? {} : { sql: s(result.sql) }) };
}

/** An event with DBT_ENV_SECRET_* values scrubbed from the texts a listener may print or store. */
export function scrubEvent(event: RunEvent, secrets: readonly string[]): RunEvent {
  switch (event.type) {
    case 'node_finished':
      return { ...event, result: scrubResult(event.result, secrets) };
    case 'run_finished':
      return { ...event, results: event.results.map((r) => scrubResult(r, secrets)) };
    case 'freshness_finished':
      return event.result.message === undefined ? event : { ...event, result: { ...event.result, message: scrubSecrets(event.result.message, secrets) } };
    case 'hook_finished':
      return { ...event, result: scrubHook(event.result, secrets) };
    case 'warning':
    case 'log':
      return { ...event, message: scrubSecrets(event.message, secrets) };
    default:
      return event;
  }
}
