import type { LoadTimings } from '../load/load-project.js';
import type { PartialParseReport } from '../load/parse-cache.js';
import type { Manifest } from '../manifest/manifest.js';
import { writeJson } from './artifacts.js';

/**
 * target/perf_info.json, as `dbt parse` writes it: how long each load phase took, per project and
 * per resource type (tsdbt's parsers are its resource types).
 */
export function writePerfInfo(targetDir: string, manifest: Manifest, timings: LoadTimings, pathCount: number, partialParse?: PartialParseReport): string {
  const nodes = [...manifest.nodes.values()];
  return writeJson(
    targetDir,
    'perf_info.json',
    {
      path_count: pathCount,
      parsed_path_count: new Set(nodes.map((n) => n.originalFilePath)).size,
      node_count: nodes.length,
      is_partial_parse_enabled: partialParse !== undefined && partialParse.mode !== 'off',
      // the parse cache (target/partial_parse.bin): cold/warm/off, the nodes rendered again, the renders reused
      partial_parse: partialParse ? { mode: partialParse.mode, reason: partialParse.reason ?? null, rendered_count: partialParse.rendered.length, reused_count: partialParse.reused } : null,
      macro_count: manifest.macros.size,
      read_files_elapsed: timings.readProjectElapsed,
      load_macros_elapsed: timings.loadMacrosElapsed,
      parse_project_elapsed: timings.parseProjectElapsed,
      process_manifest_elapsed: timings.processManifestElapsed,
      load_all_elapsed: timings.loadAllElapsed,
      projects: timings.projects.map((p) => ({
        project_name: p.name,
        elapsed: p.elapsed,
        parsed_path_count: Object.values(p.parsers).reduce((a, b) => a + b, 0),
        parsers: Object.entries(p.parsers).map(([parser, count]) => ({ parser, parsed_path_count: count })),
      })),
      _timestamp: new Date().toISOString(),
    },
    [],
    2,
  );
}
