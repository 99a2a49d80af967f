import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';
import { freshTempPath } from '../../helpers/inline-project.js';

/*
 * tsdbt outside this repository (issue #16): the packages as `npm pack` makes them, installed
 * globally into a temp prefix (dependencies from the npm cache, else the registry), then `tsdbt init`
 * + `tsdbt build` in a folder that has nothing of the repo.
 */
const base = freshTempPath('tsdbt-packed');
afterAll(() => rmSync(base, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 600_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

describe('a packed install', () => {
  it('npm pack → npm install -g → tsdbt init + build in an empty folder', () => {
    const tarballs = join(base, 'tarballs');
    const prefix = join(base, 'global');
    const work = join(base, 'work');
    for (const d of [tarballs, prefix, work]) mkdirSync(d, { recursive: true });

    const pack = run('npm', ['pack', '-w', 'packages/core', '-w', 'packages/cli', '--pack-destination', tarballs], ROOT);
    expect(pack.code, pack.out).toBe(0);
    const files = readdirSync(tarballs).sort();
    expect(files).toEqual(['tsdbt-cli-0.1.0.tgz', 'tsdbt-core-0.1.0.tgz']);

    // The CLI's dependency @tsdbt/core resolves to its tarball, installed alongside.
    const install = run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', ...files.map((f) => join(tarballs, f))], work);
    expect(install.code, install.out).toBe(0);
    const bin = join(prefix, 'bin');
    expect(existsSync(join(bin, 'tsdbt'))).toBe(true);

    // Only the installed tsdbt on PATH; the working folder knows nothing of this repository.
    const env = { PATH: `${bin}${delimiter}${process.env.PATH}` };
    expect(run('tsdbt', ['--version'], work, env)).toMatchObject({ code: 0, out: expect.stringMatching(/^0\.1\.0/) });
    const init = run('tsdbt', ['init', 'shop'], work, env);
    expect(init.code, init.out).toBe(0);
    const build = run('tsdbt', ['build'], join(work, 'shop'), env);
    expect(build.code, build.out).toBe(0);
    expect(build.out).toMatch(/Done\. PASS=6 WARN=0 ERROR=0 SKIP=0 NO-OP=0 TOTAL=6/);
    // the built-in dbt macros shipped in the package (generic tests use them) and the docs site work too
    const docs = run('tsdbt', ['docs', 'generate'], join(work, 'shop'), env);
    expect(docs.code, docs.out).toBe(0);
    expect(existsSync(join(work, 'shop/target/index.html'))).toBe(true);
  }, 900_000);
});
