import { relative } from 'node:path';
import { cleanProject } from '@tsdbt/core';
import { openProject, printerFor, type GlobalFlags, type Io } from './common.js';

/** `tsdbt parse`: target/manifest.json and target/perf_info.json (load timings); no warehouse. */
export async function parseCommand(flags: GlobalFlags, io: Io): Promise<number> {
  const project = openProject(flags, io);
  const { manifestPath, timings } = project.parse();
  const print = printerFor(flags, io);
  const n = project.manifest.nodes.size;
  const took = timings ? ` in ${timings.loadAllElapsed.toFixed(2)}s` : '';
  print({ type: 'log', level: 'info', message: `Parsed ${n} node${n === 1 ? '' : 's'} and ${project.manifest.macros.size} macros${took}: ${relative(process.cwd(), manifestPath) || manifestPath}, perf_info.json beside it` });
  return 0;
}

/** `tsdbt clean`: deletes the clean-targets of dbt_project.yml (dbt's rules: no source folder, nothing outside the project). */
export async function cleanCommand(flags: GlobalFlags & { cleanProjectFilesOnly?: boolean }, io: Io): Promise<number> {
  const print = printerFor(flags, io);
  const result = cleanProject({ projectDir: flags.projectDir, projectFilesOnly: flags.cleanProjectFilesOnly !== false });
  for (const path of result.cleaned) print({ type: 'log', level: 'info', message: `Checking ${relative(process.cwd(), path) || path}/*` });
  print({ type: 'log', level: 'info', message: 'Cleaned all paths.' });
  return 0;
}
