import { rmSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { readProjectFile } from '../load/project-file.js';
import { ProjectError } from '../shared/errors.js';

export interface CleanOptions {
  readonly projectDir?: string;
  /** dbt's --clean-project-files-only (default true): refuse clean-targets outside the project folder. */
  readonly projectFilesOnly?: boolean;
}

export interface CleanResult {
  readonly projectDir: string;
  /** The folders deleted (or already absent), as clean-targets names them, resolved. */
  readonly cleaned: readonly string[];
}

/**
 * `tsdbt clean`: deletes the `clean-targets` of dbt_project.yml (default: the target path), as dbt
 * clean does — never a source folder (model, seed, macro, test, snapshot or analysis paths) nor the
 * project folder itself, and nothing outside the project unless `projectFilesOnly` is false.
 */
export function cleanProject(options: CleanOptions = {}): CleanResult {
  const projectDir = resolve(options.projectDir ?? '.');
  const file = readProjectFile(projectDir);
  const targets = [...new Set(file.cleanTargets.map((t) => resolve(projectDir, t)))];
  const sources = new Set(
    [file.modelPaths, file.seedPaths, file.macroPaths, file.testPaths, file.snapshotPaths, file.analysisPaths].flat().map((p) => resolve(projectDir, p)),
  );
  const line = file.yaml.lineOf(['clean-targets']);
  // A source folder, the project folder or a folder holding it.
  const protectedOnes = targets.filter((t) => sources.has(t) || !relative(t, projectDir).startsWith('..'));
  if (protectedOnes.length)
    throw new ProjectError('clean_targets', `tsdbt will not clean these source paths: ${protectedOnes.map((t) => relative(projectDir, t) || '.').join(', ')}`, {
      file: file.file,
      line,
      hint: 'clean-targets lists folders of artifacts only (target, dbt_packages, logs…), never the project or a folder of models, seeds or macros.',
    });
  const outside = targets.filter((t) => {
    const rel = relative(projectDir, t);
    return rel.startsWith('..') || isAbsolute(rel);
  });
  if (outside.length && options.projectFilesOnly !== false)
    throw new ProjectError('clean_targets', `tsdbt will not clean these folders outside the project: ${outside.join(', ')}`, {
      file: file.file,
      line,
      hint: 'Pass --no-clean-project-files-only to delete them too.',
    });
  for (const t of targets) rmSync(t, { recursive: true, force: true });
  return { projectDir, cleaned: targets };
}
