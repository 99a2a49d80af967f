import { symlinkSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProjectLevelError, TsdbtError, type RunResult, type TsdbtProject } from '../../../packages/core/src/index.js';
import { inlineProject } from '../../helpers/inline-project.js';
import { PROBES, type Probe } from './probes.js';

/*
 * Issue #18: bad input was accepted silently or reported unclearly (15 of 65 probes). Every probe
 * in probes.ts must give a TsdbtError that is a project error (exit 2 in the CLI) naming the file —
 * and the line where there is one — with a hint; or, for a node that fails when run, an error
 * result saying the same. Never a raw errno (ENOENT…), never "undefined" or "NaN".
 */
async function attempt(probe: Probe): Promise<{ error?: TsdbtError; result?: RunResult }> {
  const p = inlineProject({});
  let project: TsdbtProject | undefined;
  try {
    if (probe.withoutProjectYml) rmSync(join(p.dir, 'project.yml'));
    for (const [path, content] of Object.entries(probe.files)) {
      mkdirSync(dirname(join(p.dir, path)), { recursive: true });
      writeFileSync(join(p.dir, path), content);
    }
    for (const [link, target] of Object.entries(probe.symlinks ?? {})) symlinkSync(target, join(p.dir, link));
    project = p.open();
    if (!probe.action || probe.action === 'load') return {};
    if (probe.action === 'compile') {
      await project.compile();
      return {};
    }
    return { result: await project[probe.action]() };
  } catch (error) {
    if (!(error instanceof TsdbtError)) throw error;
    return { error };
  } finally {
    await project?.close();
    p.cleanup();
  }
}

describe('bad input gets a clear error', () => {
  it('has the probes issue #18 asks for', () => {
    expect(PROBES.length).toBeGreaterThanOrEqual(65);
    expect(new Set(PROBES.map((p) => p.name)).size).toBe(PROBES.length);
  });

  it.each(PROBES.map((p) => [p.name, p] as const))('%s', async (_name, probe) => {
    const { error, result } = await attempt(probe);
    const e = probe.expect;
    if (result) {
      // a node that fails when run: the run reports it (exit 1), with the file and what to do
      const failed = result.results.find((r) => r.status === 'error');
      expect(failed, JSON.stringify(result.results.map((r) => [r.node.name, r.status, r.message]))).toBeDefined();
      expect(failed!.message).toMatch(e.message);
      if (e.file) expect(failed!.file).toBe(e.file);
      if (e.hint) expect(failed!.hint ?? '').toMatch(e.hint);
      expect(failed!.message).not.toMatch(/\b(E[A-Z]{3,}):|undefined|NaN|\[object Object\]|Syntax error/);
      return;
    }
    expect(error, 'expected an error').toBeInstanceOf(TsdbtError);
    expect({ code: error!.code, message: error!.message }).toMatchObject({ code: e.code, message: expect.stringMatching(e.message) });
    expect(isProjectLevelError(error), 'a project/usage error: exit 2').toBe(true);
    if (e.file) expect(error!.file?.replace(/^.*\/tsdbt-project-[^/]+\//, '')).toBe(e.file);
    if (e.line !== undefined) expect(error!.line).toBe(e.line);
    if (e.column !== undefined) expect(error!.column).toBe(e.column);
    if (!e.noHint) expect(error!.hint ?? '', 'a hint saying what to do').not.toBe('');
    if (e.hint) expect(error!.hint ?? '').toMatch(e.hint);
    expect(`${error!.message} ${error!.hint ?? ''}`).not.toMatch(/\b(E[A-Z]{3,}):|undefined|NaN|\[object Object\]/);
  });
});
