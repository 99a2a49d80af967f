import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { readProjectFile } from '../load/project-file.js';
import { UsageError } from '../shared/errors.js';
import { readYamlFile } from '../shared/yaml-file.js';
import { makeWritableDir } from '../shared/writable-dir.js';
import { dbtProjectYml, profilesYml, starterFiles, type StarterTarget } from './starter-project.js';

export interface InitOptions {
  /** The folder the project folder is created in (default: the working directory). */
  readonly dir?: string;
  /** The project's name (and its folder's); not needed inside an existing project. */
  readonly name?: string;
  /** An existing profile for the project: dbt_project.yml names it and no profiles.yml is written (dbt's --profile). */
  readonly profile?: string;
  /** Write no profiles.yml (dbt's --skip-profile-setup). */
  readonly skipProfileSetup?: boolean;
  /** The warehouse of the profile written (default: the embedded engine). */
  readonly target?: StarterTarget;
  /** Where profiles.yml is written (default: the project folder, where tsdbt looks first). */
  readonly profilesDir?: string;
}

export interface InitResult {
  readonly projectDir: string;
  /** False when `dir` already held a project: only its profile was set up. */
  readonly createdProject: boolean;
  /** The files written, relative to projectDir. */
  readonly files: readonly string[];
  /** Why no profile was written, when none was. */
  readonly profileNote?: string;
  /** The profiles.yml written or extended (absolute), if any. */
  readonly profilesFile?: string;
}

/** dbt's rule for project names (they become Jinja namespaces). */
export const PROJECT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The project already in `dir`, if any (dbt init there only sets up the profile). */
export function existingProject(dir: string): { name: string; profile: string } | undefined {
  if (!existsSync(join(dir, 'dbt_project.yml')) && !existsSync(join(dir, 'project.yml'))) return undefined;
  const file = readProjectFile(dir);
  return { name: file.name, profile: file.profile };
}

/**
 * `tsdbt init`: a new project folder `<dir>/<name>` from the starter project with a profiles.yml
 * beside it (the embedded engine unless `target` says otherwise), so `tsdbt build` works in it at
 * once; inside an existing project, only its profile is set up (as dbt init). Never overwrites.
 */
export function initProject(options: InitOptions): InitResult {
  const dir = resolve(options.dir ?? '.');
  const existing = existingProject(dir);
  if (existing) {
    if (options.name && options.name !== existing.name)
      throw new UsageError('init', `${dir} is already the project '${existing.name}': tsdbt init would not create '${options.name}' inside it`, {
        hint: 'Run tsdbt init in another folder to start a new project, or without a name to set up this project\'s profile.',
      });
    const written = options.skipProfileSetup ? undefined : writeProfile(options.profilesDir ?? dir, existing.profile, options.target);
    return { projectDir: dir, createdProject: false, files: [], profilesFile: written?.file, profileNote: options.skipProfileSetup ? 'profile setup skipped' : written?.note };
  }
  const name = options.name;
  if (!name) throw new UsageError('init', 'tsdbt init needs a project name here (no project in this folder)', { hint: 'Write e.g. tsdbt init my_project (or run it on a terminal to be asked).' });
  if (!PROJECT_NAME.test(name))
    throw new UsageError('init', `'${name}' is not a valid project name: use letters, digits and underscores, not starting with a digit`, { hint: `Try e.g. '${name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1')}'.` });
  const projectDir = join(dir, name);
  if (existsSync(projectDir)) throw new UsageError('init', `A project called ${name} already exists here (${projectDir})`, { hint: 'Pick another name, or remove that folder first.' });
  makeWritableDir(dir, { what: 'the folder tsdbt init writes into' });
  const profile = options.profile ?? name;
  const files: Record<string, string> = { 'dbt_project.yml': dbtProjectYml(name, profile), ...starterFiles(name) };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(projectDir, path)), { recursive: true });
    writeFileSync(join(projectDir, path), text, { flag: 'wx' });
  }
  let profileSetup: { file?: string; note?: string };
  if (options.skipProfileSetup) profileSetup = { note: 'profile setup skipped' };
  else if (options.profile) profileSetup = { note: `uses the existing profile '${options.profile}'` };
  else profileSetup = writeProfile(options.profilesDir ? resolve(options.profilesDir) : projectDir, profile, options.target);
  return { projectDir, createdProject: true, files: Object.keys(files), profilesFile: profileSetup.file, profileNote: profileSetup.note };
}

/** Writes `profile` into `<dir>/profiles.yml` (created, or appended to when it lacks the profile). */
function writeProfile(dir: string, profile: string, target: StarterTarget = { type: 'chdb' }): { file?: string; note?: string } {
  const file = join(dir, 'profiles.yml');
  const text = profilesYml(profile, target);
  if (!existsSync(file)) {
    makeWritableDir(dir, { what: 'the profiles folder' });
    writeFileSync(file, text, { flag: 'wx' });
    return { file };
  }
  const data = readYamlFile(file).data;
  if (data && typeof data === 'object' && profile in data) return { note: `profile '${profile}' already exists in profiles.yml` };
  const before = readFileSync(file, 'utf8');
  writeFileSync(file, `${before}${before.endsWith('\n') || before === '' ? '' : '\n'}\n${text}`);
  return { file };
}
