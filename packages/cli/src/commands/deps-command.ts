import { Option, type Command } from 'commander';
import { TsdbtProject } from '@tsdbt/core';
import { parseVars, printerFor, type GlobalFlags, type Io } from './common.js';

interface DepsFlags extends GlobalFlags {
  upgrade?: boolean;
  lock?: boolean;
  addPackage?: string;
  source?: 'hub' | 'git' | 'local';
  hubUrl?: string;
}

/** `tsdbt deps`: install packages.yml's packages into dbt_packages/, through package-lock.yml. */
export async function depsCommand(flags: DepsFlags, io: Io): Promise<number> {
  const print = printerFor(flags, io);
  const result = await TsdbtProject.deps({
    projectDir: flags.projectDir,
    upgrade: flags.upgrade,
    lockOnly: flags.lock,
    addPackage: flags.addPackage,
    source: flags.source,
    hubUrl: flags.hubUrl,
    versionCheck: flags.versionCheck !== false,
    vars: parseVars(flags.vars),
    onLog: (message, level) => print(level === 'warn' ? { type: 'warning', message } : { type: 'log', level, message }),
  });
  if (!flags.lock && result.installed.length > 0)
    print({ type: 'log', level: 'info', message: `Installed ${result.installed.length} package${result.installed.length === 1 ? '' : 's'} into ${result.installPath}: ${result.installed.map((p) => p.name).join(', ')}` });
  return 0;
}

export function registerDepsCommand(program: Command, withGlobals: (cmd: Command) => Command, action: <A extends unknown[]>(fn: (...args: A) => Promise<number>) => (...args: A) => Promise<void>, io: Io): void {
  withGlobals(program.command('deps').description('install the packages of packages.yml / dependencies.yml (writes package-lock.yml)'))
    .option('--upgrade', 'resolve every package again, even when package-lock.yml matches packages.yml')
    .option('--lock', 'only resolve and write package-lock.yml; install nothing')
    .option('--add-package <name@version>', 'add a package to packages.yml first (hub: namespace/name@version)')
    .addOption(new Option('--source <kind>', 'where --add-package comes from').choices(['hub', 'git', 'local']).default('hub'))
    .option('--hub-url <url>', 'the package hub (default: DBT_PACKAGE_HUB_URL, else https://hub.getdbt.com/)')
    .action(action((flags: DepsFlags) => depsCommand(flags, io)));
}
