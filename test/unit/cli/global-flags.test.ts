import { describe, expect, it } from 'vitest';
import { applyEnvironment, hoistLeadingFlags } from '../../../packages/cli/src/global-flags.js';
import { buildProgram } from '../../../packages/cli/src/program.js';

const io = { out: () => {}, err: () => {}, isTty: false };
const argv = (...args: string[]) => ['node', 'tsdbt', ...args];

describe('hoistLeadingFlags', async () => {
  const { program } = await buildProgram(io);

  it('moves flags written before the command behind it, with their values', () => {
    expect(hoistLeadingFlags(argv('--no-color', '--target', 'prod', 'run', '-s', 'a'), program)).toEqual(argv('run', '-s', 'a', '--no-color', '--target', 'prod'));
    expect(hoistLeadingFlags(argv('-q', '--log-level=warn', 'ls'), program)).toEqual(argv('ls', '-q', '--log-level=warn'));
    expect(hoistLeadingFlags(argv('--threads', '4', '--fail-fast', 'run'), program)).toEqual(argv('run', '--threads', '4', '--fail-fast'));
  });

  it('goes down to the subcommand (tsdbt --quiet source load)', () => {
    expect(hoistLeadingFlags(argv('--quiet', 'source', 'load', '-s', 'x'), program)).toEqual(argv('source', 'load', '-s', 'x', '--quiet'));
  });

  it('leaves the program flags, unknown flags and plain command lines alone', () => {
    expect(hoistLeadingFlags(argv('--version'), program)).toEqual(argv('--version'));
    expect(hoistLeadingFlags(argv('--nope', 'run'), program)).toEqual(argv('--nope', 'run'));
    expect(hoistLeadingFlags(argv('run', '--no-color'), program)).toEqual(argv('run', '--no-color'));
  });
});

describe('applyEnvironment', () => {
  /** The options `tsdbt <args>` would hand its command, after the environment is applied. */
  const parsed = async (args: string[], env: NodeJS.ProcessEnv) => {
    const { program } = await buildProgram(io);
    const name = args[0]!;
    const cmd = program.commands.find((c) => c.name() === name)!;
    cmd.parseOptions(args.slice(1));
    applyEnvironment(cmd, env);
    return cmd.opts();
  };

  it('turns colours off for NO_COLOR (any value) and DBT_USE_COLORS=false, unless a flag says otherwise', async () => {
    expect((await parsed(['ls'], {})).color).toBe(true);
    expect((await parsed(['ls'], { NO_COLOR: '1' })).color).toBe(false);
    expect((await parsed(['ls'], { NO_COLOR: '' })).color).toBe(true);
    expect((await parsed(['ls'], { DBT_USE_COLORS: 'false' })).color).toBe(false);
    expect((await parsed(['ls', '--use-colors'], { NO_COLOR: '1' })).color).toBe(true);
    expect((await parsed(['ls', '--no-use-colors'], {})).color).toBe(false);
  });

  it("fills unset flags from dbt's variables; the command line wins", async () => {
    expect(await parsed(['run'], { DBT_TARGET: 'ci', DBT_FAIL_FAST: 'true', DBT_QUIET: '1' })).toMatchObject({ target: 'ci', failFast: true, quiet: true });
    expect(await parsed(['run', '--target', 'dev'], { DBT_TARGET: 'ci', DBT_FAIL_FAST: 'no' })).toMatchObject({ target: 'dev', failFast: false });
    expect((await parsed(['ls'], { DBT_FAIL_FAST: '1' })).failFast).toBeUndefined();
  });
});

describe('buildProgram for one command', () => {
  const longs = (cmd: { options: readonly { long?: string }[] } | undefined) => (cmd?.options ?? []).map((o) => o.long);

  it('gives the command about to run (or its alias, or the command a subcommand is under) all its flags, the others their names only', async () => {
    const full = (await buildProgram(io)).program;
    const find = (p: typeof full, ...path: string[]) => path.reduce<typeof full | undefined>((c, n) => c?.commands.find((s) => s.name() === n), p);
    for (const [only, path] of [['ls', ['ls']], ['list', ['ls']], ['run', ['run']], ['source', ['source', 'freshness']], ['docs', ['docs', 'generate']], ['watch', ['watch']]] as const) {
      const { program } = await buildProgram(io, { only });
      expect(longs(find(program, ...path)), only).toEqual(longs(find(full, ...path)));
      expect(program.commands.map((c) => c.name())).toEqual(full.commands.map((c) => c.name()));
    }
    const { program } = await buildProgram(io, { only: 'ls' });
    expect(longs(find(program, 'run'))).not.toContain('--project-dir');
    expect(longs(find(program, 'ls'))).toContain('--project-dir');
  });
});
