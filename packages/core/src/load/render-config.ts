import { isMapping } from './node-config.js';

/** Hooks are rendered when they run (with the model's context), never at load time. */
const RAW_CONFIG_KEYS = new Set(['pre_hook', 'post_hook', 'pre-hook', 'post-hook', '+pre_hook', '+post_hook', '+pre-hook', '+post-hook']);

/**
 * A Jinja config value rendered as dbt's native YAML rendering does: `{{ target.name == 'prod' }}`
 * becomes a boolean, `None` null; anything else stays the rendered text.
 */
export function renderConfigValues(value: unknown, render: (text: string) => string, key = ''): unknown {
  if (RAW_CONFIG_KEYS.has(key)) return value;
  if (typeof value === 'string') {
    if (!value.includes('{{') && !value.includes('{%')) return value;
    const out = render(value).trim();
    return out === 'True' ? true : out === 'False' ? false : out === 'None' ? null : out;
  }
  if (Array.isArray(value)) return value.map((v) => renderConfigValues(v, render));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderConfigValues(v, render, k)]));
  return value;
}
