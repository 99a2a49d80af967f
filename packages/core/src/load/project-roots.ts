import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readPackagesFile } from '../deps/package-spec.js';
import { dbtVersionFor } from '../shared/dbt-version.js';
import { ProjectError, TsdbtError } from '../shared/errors.js';
import { versionsCompatible } from '../shared/semver.js';
import { checkProjectSchema } from './project-schema.js';
import { PROJECT_FILE_NAMES, readProjectFile, type ProjectFile } from './project-file.js';

/**
 * One project whose files load reads: the root project or an installed package. dbt loads each
 * installed package as a project of its own (its dbt_project.yml, paths, configs and vars),
 * with its own namespace.
 */
export interface ProjectRoot {
  readonly name: string;
  /** Absolute folder. */
  readonly dir: string;
  /** POSIX path of the folder relative to the root project ('' for the root project). */
  readonly relDir: string;
  readonly projectFile: ProjectFile;
  /** Set on installed packages: the root project, whose configs for the package's nodes win (dbt). */
  readonly root?: ProjectFile;
  /** The project files as written (config trees not rendered): dbt's `unrendered_config`. */
  readonly unrendered?: { readonly projectFile: ProjectFile; readonly root?: ProjectFile };
}

/** A package-relative path as the rest of tsdbt sees it: relative to the root project. */
export function rootRelative(root: ProjectRoot, path: string): string {
  return root.relDir ? posix.join(root.relDir, path) : path;
}

/**
 * The root project and the packages installed under its `packages-install-path`, as dbt's
 * RuntimeConfig.load_dependencies finds them: every folder there (but `__*`) is a project; package
 * names are unique and differ from the root's; fewer installed packages than packages.yml lists
 * means `tsdbt deps` has not run. `require-dbt-version` of each is checked against the dbt version
 * the root project runs as (dbtVersionFor).
 */
export function projectRoots(projectDir: string, rootFile: ProjectFile, options: { versionCheck?: boolean } = {}): ProjectRoot[] {
  const roots: ProjectRoot[] = [{ name: rootFile.name, dir: projectDir, relDir: '', projectFile: rootFile }];
  const installPath = rootFile.packagesInstallPath;
  const installDir = join(projectDir, installPath);
  const folders = existsSync(installDir)
    ? readdirSync(installDir)
        .filter((f) => !f.startsWith('__') && !f.startsWith('.') && isDirectory(join(installDir, f)))
        .sort()
    : [];
  const specified = readPackagesFile(projectDir);
  if (specified.packages.length > folders.length)
    throw new ProjectError('packages_not_installed', `tsdbt found ${specified.packages.length} package(s) specified in ${specified.file}, but only ${folders.length} package(s) installed in ${installPath}. Run "tsdbt deps" to install package dependencies.`, {
      file: specified.file,
      line: specified.packages[folders.length]?.line,
      hint: 'Run tsdbt deps (it installs what packages.yml lists, as package-lock.yml pins it).',
    });
  for (const folder of folders) {
    const relDir = posix.join(installPath.replace(/\\/g, '/').replace(/\/+$/, ''), folder);
    const dir = join(installDir, folder);
    if (!PROJECT_FILE_NAMES.some((f) => existsSync(join(dir, f))))
      throw new ProjectError('package_project_file', `No dbt_project.yml found at expected path ${relDir}/dbt_project.yml`, {
        file: relDir,
        hint: `Each folder in ${installPath} must be a dbt package: run tsdbt deps again, or remove ${relDir}.`,
      });
    const projectFile = inPackage(relDir, () => readProjectFile(dir));
    const clash = roots.find((r) => r.name === projectFile.name);
    if (clash)
      throw new ProjectError('duplicate_package', `tsdbt found more than one package with the name "${projectFile.name}" included in this project (${clash.relDir || 'the root project'} and ${relDir}). Package names must be unique in a project. Please rename one of these packages.`, {
        file: projectFile.file,
        line: projectFile.yaml.lineOf(['name']),
      });
    roots.push({ name: projectFile.name, dir, relDir, projectFile, root: rootFile });
  }
  if (options.versionCheck !== false) {
    const dbtVersion = dbtVersionFor(rootFile.requireDbtVersion);
    for (const r of roots) checkDbtVersion(r.projectFile, dbtVersion);
  }
  for (const r of roots) checkProjectSchema(r.projectFile);
  return roots;
}

/** A package's project file, its path relative to the root project (errors and config lines then name it). */
function inPackage(relDir: string, read: () => ProjectFile): ProjectFile {
  let pf: ProjectFile;
  try {
    pf = read();
  } catch (error) {
    if (!(error instanceof TsdbtError) || !error.file) throw error;
    throw new ProjectError(error.code, error.message, { file: posix.join(relDir, error.file), line: error.line, column: error.column, hint: error.hint, cause: error });
  }
  return { ...pf, file: posix.join(relDir, pf.file) };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a dangling symlink (a moved local package) is not a package
  }
}

/** dbt's validate_version: the project's require-dbt-version must admit the dbt version the project runs as. */
function checkDbtVersion(pf: ProjectFile, dbtVersion: string): void {
  const specs = pf.requireDbtVersion;
  if (specs.length === 0) return;
  const where = { file: pf.file, line: pf.yaml.lineOf(['require-dbt-version']) };
  const shown = `[${specs.map((s) => `'${s}'`).join(', ')}]`;
  if (!versionsCompatible(specs))
    throw new ProjectError('dbt_version', `The package version requirement can never be satisfied for the '${pf.name}' package. Required versions of dbt for '${pf.name}': ${shown}`, {
      ...where,
      hint: `Check for a different version of the '${pf.name}' package, or run tsdbt again with --no-version-check.`,
    });
  if (!versionsCompatible([`=${dbtVersion}`, ...specs]))
    throw new ProjectError('dbt_version', `This version of tsdbt (compatible with dbt ${dbtVersion}) is not supported with the '${pf.name}' package. Required version of dbt for '${pf.name}': ${shown}`, {
      ...where,
      hint: `Check for a different version of the '${pf.name}' package, or run tsdbt again with --no-version-check.`,
    });
}
