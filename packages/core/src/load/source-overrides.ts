import { ProjectError } from '../shared/errors.js';
import type { YamlFile } from '../shared/yaml-file.js';

/*
 * dbt's source overrides (`overrides: <package>` on a root project's source entry, deprecated in
 * dbt 1.10 but still applied): the entry patches the package's source of the same name instead of
 * declaring one. As dbt's patch_source: the entry's keys (but name, overrides, tables) replace the
 * source's, and each of its tables' keys replace those of the package's table of that name (so
 * `columns:` with their tests, or `freshness: null`, replace the package's).
 */
export interface SourceOverride {
  readonly entry: Readonly<Record<string, unknown>>;
  readonly file: string;
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The `overrides:` entries of the root project's schema files, by package then source name (dbt's DuplicateSourcePatchNameError for two). */
export function collectSourceOverrides(files: readonly { readonly file: string; readonly overrides: readonly SourceOverride[] }[]): Map<string, Map<string, SourceOverride>> {
  const out = new Map<string, Map<string, SourceOverride>>();
  for (const f of files)
    for (const o of f.overrides) {
      const pkg = String(o.entry.overrides);
      const name = String(o.entry.name);
      const byName = out.get(pkg) ?? out.set(pkg, new Map()).get(pkg)!;
      const previous = byName.get(name);
      if (previous)
        throw new ProjectError('duplicate_source_patch', `dbt found two schema.yml entries for the same source named ${name} in package ${pkg}. Sources may only be overridden a single time. To fix this, remove one of these files:\n  - ${previous.file}\n  - ${o.file}`, {
          file: o.file,
          hint: `Keep one 'overrides: ${pkg}' entry for source '${name}'.`,
        });
      byName.set(name, o);
    }
  return out;
}

/** `yaml` with its `sources:` entries patched by `overrides` (the same file when none applies). */
export function withSourceOverrides(yaml: YamlFile, overrides: ReadonlyMap<string, SourceOverride> | undefined): YamlFile {
  const data = yaml.data;
  if (!overrides?.size || !isMapping(data) || !Array.isArray(data.sources)) return yaml;
  if (!data.sources.some((s) => isMapping(s) && overrides.has(String(s.name)))) return yaml;
  const sources = data.sources.map((src) => {
    const o = isMapping(src) ? overrides.get(String(src.name)) : undefined;
    if (!o || !isMapping(src)) return src;
    const { name: _n, overrides: _o, tables: patchTables, ...sourceKeys } = o.entry;
    const byName = new Map((Array.isArray(patchTables) ? patchTables : []).filter(isMapping).map((t) => [String(t.name), t]));
    const tables = Array.isArray(src.tables) ? src.tables.map((t) => (isMapping(t) && byName.has(String(t.name)) ? { ...t, ...byName.get(String(t.name))! } : t)) : src.tables;
    return { ...src, ...sourceKeys, tables };
  });
  return { file: yaml.file, data: { ...data, sources }, lineOf: (p) => yaml.lineOf(p), nameLine: (v, a) => yaml.nameLine(v, a), warnings: yaml.warnings };
}
