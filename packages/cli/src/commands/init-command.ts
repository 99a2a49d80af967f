import { relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { existingProject, initProject, NUMERIC_RULES, PROJECT_NAME, UsageError, type IntegerRule, type StarterTarget } from '@tsdbt/core';
import { numericFlag, type GlobalFlags, type Io } from './common.js';

interface InitFlags extends GlobalFlags {
  skipProfileSetup?: boolean;
  profile?: string;
  type?: 'chdb' | 'clickhouse';
  host?: string;
  port?: string;
  user?: string;
  schema?: string;
  secure?: boolean;
  threads?: string;
}

/** Asks one question on the terminal; the default is taken on an empty answer. */
type Ask = (question: string, fallback?: string) => Promise<string>;

/** What the flags leave open, asked on a terminal as dbt init asks (project name, then the warehouse). */
async function askMissing(name: string | undefined, flags: InitFlags, inProject: boolean, ask: Ask, warn: (line: string) => void): Promise<{ name?: string; target?: StarterTarget }> {
  if (!inProject) {
    while (!name || !PROJECT_NAME.test(name)) {
      if (name) warn(`'${name}' is not a valid name: letters, digits and underscores, not starting with a digit.`);
      name = (await ask('Enter a name for your project (letters, digits, underscore)')).trim();
    }
  }
  if (flags.skipProfileSetup || flags.profile) return { name };
  let type = flags.type;
  while (type !== 'chdb' && type !== 'clickhouse') {
    const answer = (await ask('Which warehouse would you like to use?\n[1] chdb (ClickHouse embedded in tsdbt: no server)\n[2] clickhouse (a ClickHouse server over HTTP)\nEnter a number', '1')).trim();
    type = answer === '1' || answer === 'chdb' ? 'chdb' : answer === '2' || answer === 'clickhouse' ? 'clickhouse' : undefined;
  }
  // A whole number, asked again until it is one (as dbt init's prompts).
  const askNumber = async (flag: string | undefined, question: string, fallback: string, rule: IntegerRule): Promise<number> => {
    if (flag !== undefined) return numericFlag(`--${question.split(' ')[0]}`, flag, rule)!;
    for (;;) {
      try {
        return numericFlag(question.split(' ')[0]!, await ask(question, fallback), rule)!;
      } catch (error) {
        warn((error as Error).message);
      }
    }
  };
  const schema = flags.schema ?? (await ask('schema (a ClickHouse database)', 'default'));
  const threads = await askNumber(flags.threads, 'threads (1 or more)', '4', NUMERIC_RULES.threads);
  if (type === 'chdb') return { name, target: { type, schema, threads } };
  const host = flags.host ?? (await ask('host', 'localhost'));
  const secure = flags.secure ?? /^y/i.test(await ask('secure (HTTPS)? y/n', 'n'));
  const port = await askNumber(flags.port, 'port', secure ? '8443' : '8123', NUMERIC_RULES.port);
  const user = flags.user ?? (await ask('user', 'default'));
  return { name, target: { type, host, port, user, schema, secure, threads } };
}

/** The warehouse from the flags alone (no terminal): the embedded engine unless --type clickhouse. */
function targetOfFlags(flags: InitFlags): StarterTarget {
  const threads = numericFlag('--threads', flags.threads, NUMERIC_RULES.threads);
  if (flags.type !== 'clickhouse') return { type: 'chdb', schema: flags.schema, threads };
  return { type: 'clickhouse', host: flags.host, port: numericFlag('--port', flags.port, NUMERIC_RULES.port), user: flags.user, schema: flags.schema, secure: flags.secure, threads };
}

/**
 * `tsdbt init [name]`: a new project from the starter project with a profile for the embedded
 * engine (or a server), asked on a terminal and taken from flags otherwise; in an existing
 * project, its profile only (as dbt init).
 */
export async function initCommand(name: string | undefined, flags: InitFlags, io: Io, interactive: boolean): Promise<number> {
  const dir = flags.projectDir ?? process.cwd();
  const inProject = existingProject(dir) !== undefined;
  let chosen: { name?: string; target?: StarterTarget } = { name, target: targetOfFlags(flags) };
  if (interactive) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const ask: Ask = async (question, fallback) => (await rl.question(`${question}${fallback === undefined ? '' : ` [${fallback}]`}: `)) || fallback || '';
    try {
      chosen = await askMissing(name, flags, inProject, ask, io.err);
    } catch (error) {
      // Ctrl+D (end of input) or Ctrl+C at a question: nothing was written.
      if ((error as Error).name === 'AbortError' || /Ctrl\+[CD]/.test((error as Error).message)) throw new UsageError('init_cancelled', 'tsdbt init was cancelled: nothing was written', { hint: 'Run it again, or give the answers as flags (tsdbt init --help).' });
      throw error;
    } finally {
      rl.close();
    }
  }
  const result = initProject({ dir, name: chosen.name, profile: flags.profile, skipProfileSetup: flags.skipProfileSetup, target: chosen.target, profilesDir: flags.profilesDir });
  const shown = (p: string) => relative(process.cwd(), p) || '.';
  if (result.createdProject) {
    io.out(`Your new tsdbt project '${chosen.name}' was created in ${shown(result.projectDir)} (${result.files.length} files).`);
  } else io.out(`${shown(result.projectDir)} is already a project: setting up its profile.`);
  if (result.profilesFile) io.out(`Profile written to ${shown(result.profilesFile)} (${chosen.target?.type === 'clickhouse' ? `ClickHouse server at ${chosen.target.host ?? 'localhost'}; password from env CLICKHOUSE_PASSWORD` : 'the embedded engine: data in .tsdbt/chdb'}).`);
  else if (result.profileNote) io.out(`No profile written: ${result.profileNote}.`);
  if (result.createdProject) {
    io.out('Next:');
    io.out(`  cd ${shown(result.projectDir)}`);
    io.out('  tsdbt build');
  }
  return 0;
}

export function registerInitCommand(program: Command, withGlobals: (cmd: Command) => Command, action: <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>, io: Io): void {
  withGlobals(program.command('init').description('start a new project (asks on a terminal; flags otherwise), or set up the profile of the project here').argument('[project_name]', 'the new project (and its folder)'))
    .option('--skip-profile-setup', 'write no profiles.yml')
    .addOption(new Option('--type <type>', 'the warehouse: chdb (embedded, the default) or clickhouse (a server)').choices(['chdb', 'clickhouse']))
    .option('--host <host>', 'clickhouse: the server host (default localhost)')
    .option('--port <n>', 'clickhouse: the HTTP port (default 8123, 8443 with --secure)')
    .option('--user <user>', 'clickhouse: the user (default default; the password is read from env CLICKHOUSE_PASSWORD)')
    .option('--secure', 'clickhouse: HTTPS')
    .option('--schema <name>', 'the database models are built in (default default)')
    .option('--threads <n>', 'threads of the profile (default 4)')
    .action(action((name: string | undefined, flags: InitFlags) => initCommand(name, flags, io, Boolean(process.stdin.isTTY) && io.isTty)));
}
