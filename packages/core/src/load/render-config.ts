import { ProjectError } from '../shared/errors.js';
import { isMapping } from './node-config.js';

/** Hooks (and a source's loaded_at_query) are rendered when they run, with that context, never at load time (dbt's SchemaYamlRenderer). */
const RAW_CONFIG_KEYS = new Set(['loaded_at_query', 'pre_hook', 'post_hook', 'pre-hook', 'post-hook', '+pre_hook', '+post_hook', '+pre-hook', '+post-hook']);

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
  // An unquoted YAML date or timestamp (`begin: 2020-01-01`): its ISO text, as dbt's manifest writes
  // PyYAML's date/datetime (was an empty mapping: a Date has no own keys).
  if (value instanceof Date) return yamlDateText(value);
  if (Array.isArray(value)) return value.map((v) => renderConfigValues(v, render));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderConfigValues(v, render, k)]));
  return value;
}

/** A YAML timestamp's ISO text: `2020-01-01` for a date, else `2020-01-01T11:00:00` (UTC, as YAML reads one without a zone). */
function yamlDateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return String(d);
  const iso = d.toISOString();
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10);
  return iso.replace(/\.000Z$/, '').replace(/Z$/, '');
}

/**
 * `make` (a generic test's config rendering), a Jinja error in it reported in dbt's words (its parser's
 * "Invalid generic test configuration given in <file>": a ref() or a macro it cannot call there).
 */
export function renderingTestConfig<T>(file: string, line: number | undefined, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof ProjectError) || error.code !== 'jinja') throw error;
    throw new ProjectError('test_config', `Invalid generic test configuration given in ${file}: \n${error.message}`, {
      file,
      line,
      hint: "A test's configs render while the project parses: ref(), source() and the project's own macros are not available there.",
      cause: error,
    });
  }
}
