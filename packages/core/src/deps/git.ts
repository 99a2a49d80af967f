import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ProjectError } from '../shared/errors.js';

const run = promisify(execFile);

/** A full 40-hex commit SHA (dbt's _is_commit). */
export function isCommit(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** Runs the system git in `cwd`; a failure says what git said. */
export async function git(cwd: string, args: readonly string[], what: string): Promise<string> {
  try {
    const { stdout } = await run('git', [...args], { cwd, env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT')
      throw new ProjectError('deps_git', `${what}: git is not installed`, { hint: 'Install git (it must be on the PATH) to use git packages.' });
    throw new ProjectError('deps_git', `${what} failed: ${(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ')}`, {
      hint: 'Check the repository URL and the revision (a branch, a tag or a full commit SHA).',
    });
  }
}

/**
 * Checks `repo` out at `revision` into `dir` (which must not exist) and returns the commit SHA:
 * a branch or tag is cloned directly (`--branch`), a commit SHA is fetched on its own, HEAD is the
 * default branch. Works with URLs, `file://` URLs and local paths.
 */
export async function checkout(repo: string, revision: string | undefined, dir: string, cwd: string): Promise<string> {
  const what = `Cloning ${repo}${revision ? ` at ${revision}` : ''}`;
  if (revision && isCommit(revision)) {
    await git(cwd, ['init', '--quiet', dir], what);
    await git(dir, ['remote', 'add', 'origin', repo], what);
    try {
      await git(dir, ['fetch', '--quiet', '--depth', '1', 'origin', revision], what);
    } catch {
      await git(dir, ['fetch', '--quiet', 'origin'], what); // servers that refuse fetching a SHA: take everything
    }
    await git(dir, ['checkout', '--quiet', revision], what);
  } else {
    const branch = revision && revision !== 'HEAD' ? ['--branch', revision] : [];
    await git(cwd, ['clone', '--quiet', '--depth', '1', ...branch, repo, dir], what);
  }
  return git(dir, ['rev-parse', 'HEAD'], what);
}
