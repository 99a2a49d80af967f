import { Option, type Command } from 'commander';

/**
 * Flags every command takes, as dbt spells them. dbt accepts its global flags before or after the
 * command (`dbt --no-use-colors ls`, `dbt ls --no-use-colors`): here they are defined on each
 * command, and `hoistLeadingFlags` moves the ones written before the command behind it.
 */
export function withGlobals(cmd: Command): Command {
  cmd
    .option('--project-dir <dir>', 'the project folder (holds project.yml or dbt_project.yml; env DBT_PROJECT_DIR)')
    .option('--profiles-dir <dir>', 'where profiles.yml is (default: the project, then ~/.tsdbt; env DBT_PROFILES_DIR)')
    .option('--profile <name>', "the profile to use, over dbt_project.yml's profile: (init: an existing profile, no profiles.yml written)")
    .option('-t, --target <name>', 'the profile target to use (env DBT_TARGET)')
    .option('--target-path <dir>', 'where artifacts and compiled SQL go (default: target-path in project.yml, else target; env DBT_TARGET_PATH)')
    .option('--vars <yaml>', "project vars as YAML, e.g. '{my_var: 1}'")
    .option('-d, --debug', 'show stack traces and debug logs (env DBT_DEBUG)')
    .addOption(new Option('--log-format <format>', 'console output: text lines or one JSON object per line (env DBT_LOG_FORMAT)').choices(['text', 'json', 'default', 'debug']))
    .addOption(new Option('--log-level <level>', 'the least severe lines shown (env DBT_LOG_LEVEL)').choices(['debug', 'info', 'warn', 'error', 'none']))
    .option('-q, --quiet', 'print errors only (and what the command outputs: ls, show, compile); env DBT_QUIET')
    .option('--no-quiet', 'print progress lines (the default)')
    .option('--printer-width <n>', 'width of the progress lines (default 80; env DBT_PRINTER_WIDTH)')
    .option('--no-color', 'no colours even on a terminal (also NO_COLOR=1)')
    .addOption(new Option('--use-colors', 'colours on a terminal (the default; env DBT_USE_COLORS)').hideHelp())
    .addOption(new Option('--no-use-colors', 'no colours (as --no-color)').hideHelp())
    .option('--no-version-check', "do not check packages' require-dbt-version against the dbt version tsdbt supports (env DBT_VERSION_CHECK)")
    .option('--no-partial-parse', 'parse every file again: neither read nor write the parse cache target/partial_parse.bin (also DBT_PARTIAL_PARSE=false)')
    .addOption(new Option('--partial-parse', 'use the parse cache (the default)').hideHelp())
    // dbt's --warn-error is a global flag (`dbt --warn-error parse` in many CI jobs): every command takes it.
    .option('--warn-error', "dbt's warnings are errors: the command fails on the first (tests that warn fail; env DBT_WARN_ERROR)")
    .option('--warn-error-options <yaml>', "which of dbt's warnings fail the command, by dbt event name: '{\"error\": [\"DeprecatedModel\"]}' (or all), with warn / silence lists (env DBT_WARN_ERROR_OPTIONS)");
  for (const flag of DBT_FLAGS_WITHOUT_EFFECT) cmd.addOption(new Option(flag, 'accepted as dbt does; nothing to do in tsdbt').hideHelp());
  return cmd;
}

/**
 * dbt's global flags that concern dbt's own machinery (its relation cache, anonymous usage stats,
 * parsers, log files): accepted so that scripts and CI jobs written for dbt run unchanged.
 */
const DBT_FLAGS_WITHOUT_EFFECT = [
  '--cache-selected-only',
  '--no-cache-selected-only',
  '--populate-cache',
  '--no-populate-cache',
  '--send-anonymous-usage-stats',
  '--no-send-anonymous-usage-stats',
  '--anonymous-usage-stats',
  '--no-anonymous-usage-stats',
  '--static-parser',
  '--no-static-parser',
  '--use-experimental-parser',
  '--no-use-experimental-parser',
  '--introspect',
  '--no-introspect',
  '--write-json',
  '--no-write-json',
  '--print',
  '--no-print',
  '--log-cache-events',
  '--no-log-cache-events',
  '--log-path <dir>',
  '--log-level-file <level>',
  '--log-format-file <format>',
  '--log-file-max-bytes <n>',
  '-r, --record-timing-info <file>',
] as const;

/** dbt's boolean environment variables (click's reading of true/false). */
function envBool(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (['1', 'true', 't', 'yes', 'y', 'on'].includes(v)) return true;
  if (['0', 'false', 'f', 'no', 'n', 'off'].includes(v)) return false;
  return undefined;
}

/** Option attribute → dbt's environment variable, used when the flag is not on the command line. */
const ENV_VALUES: Readonly<Record<string, string>> = {
  projectDir: 'DBT_PROJECT_DIR',
  profilesDir: 'DBT_PROFILES_DIR',
  target: 'DBT_TARGET',
  targetPath: 'DBT_TARGET_PATH',
  logFormat: 'DBT_LOG_FORMAT',
  logLevel: 'DBT_LOG_LEVEL',
  printerWidth: 'DBT_PRINTER_WIDTH',
  indirectSelection: 'DBT_INDIRECT_SELECTION',
  state: 'DBT_STATE',
  deferState: 'DBT_DEFER_STATE',
  eventTimeStart: 'DBT_EVENT_TIME_START',
  eventTimeEnd: 'DBT_EVENT_TIME_END',
  warnErrorOptions: 'DBT_WARN_ERROR_OPTIONS',
};

const ENV_BOOLEANS: Readonly<Record<string, string>> = {
  debug: 'DBT_DEBUG',
  quiet: 'DBT_QUIET',
  failFast: 'DBT_FAIL_FAST',
  warnError: 'DBT_WARN_ERROR',
  fullRefresh: 'DBT_FULL_REFRESH',
  storeFailures: 'DBT_STORE_FAILURES',
  empty: 'DBT_EMPTY',
  defer: 'DBT_DEFER',
  favorState: 'DBT_FAVOR_STATE',
  versionCheck: 'DBT_VERSION_CHECK',
};

/**
 * Fills a command's flags that the command line left unset from dbt's environment variables
 * (`DBT_TARGET`, `DBT_STATE`, `DBT_DEFER=1`…), and colours from `NO_COLOR` / `DBT_USE_COLORS`.
 * The command line wins, as in dbt.
 */
export function applyEnvironment(cmd: Command, env: NodeJS.ProcessEnv = process.env): void {
  const known = new Set(cmd.options.map((o) => o.attributeName()));
  const unset = (key: string) => known.has(key) && (cmd.getOptionValue(key) === undefined || cmd.getOptionValueSource(key) === 'default');
  for (const [key, name] of Object.entries(ENV_VALUES)) {
    const value = env[name];
    if (value !== undefined && value !== '' && unset(key)) cmd.setOptionValueWithSource(key, value, 'env');
  }
  for (const [key, name] of Object.entries(ENV_BOOLEANS)) {
    const value = envBool(env[name]);
    if (value !== undefined && unset(key)) cmd.setOptionValueWithSource(key, value, 'env');
  }
  if (!known.has('color')) return;
  // --use-colors / --no-use-colors are dbt's spelling of --color / --no-color.
  const useColors = cmd.getOptionValue('useColors') as boolean | undefined;
  if (cmd.getOptionValueSource('color') !== 'cli' && useColors !== undefined) cmd.setOptionValueWithSource('color', useColors, 'cli');
  if (cmd.getOptionValueSource('color') === 'cli') return;
  // https://no-color.org: any non-empty NO_COLOR turns colours off.
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') cmd.setOptionValueWithSource('color', false, 'env');
  else if (envBool(env.DBT_USE_COLORS) === false) cmd.setOptionValueWithSource('color', false, 'env');
}

interface FlagShape {
  readonly takesValue: boolean;
}

/** Every flag any command takes, by its spelling (`--target`, `-t`), and whether a value follows it. */
function flagShapes(program: Command): Map<string, FlagShape> {
  const shapes = new Map<string, FlagShape>();
  const visit = (cmd: Command) => {
    for (const o of cmd.options) {
      const shape = { takesValue: o.required || o.optional };
      if (o.long) shapes.set(o.long, shape);
      if (o.short) shapes.set(o.short, shape);
    }
    for (const sub of cmd.commands) visit(sub);
  };
  for (const sub of program.commands) visit(sub);
  return shapes;
}

/**
 * `tsdbt --no-color --target prod run -s a` → `tsdbt run -s a --no-color --target prod`: flags
 * written before the command (and between `source` and `freshness`) move behind it, where the
 * command's own parser reads them. The program's own flags (--help, --version) stay; an unknown
 * flag stays where it is and the parser reports it.
 */
export function hoistLeadingFlags(argv: readonly string[], program: Command): string[] {
  const head = argv.slice(0, 2);
  const args = argv.slice(2);
  const shapes = flagShapes(program);
  const own = new Set(program.options.flatMap((o) => [o.long, o.short].filter((s): s is string => Boolean(s))));
  const moved: string[] = [];
  const path: string[] = [];
  let cmd: Command | undefined = program;
  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-') && arg !== '-') {
      const name = arg.includes('=') ? arg.slice(0, arg.indexOf('=')) : arg;
      const shape = shapes.get(name);
      if (!shape || own.has(name)) break;
      moved.push(arg);
      if (shape.takesValue && !arg.includes('=') && i + 1 < args.length) moved.push(args[++i]!);
      i++;
      continue;
    }
    // A command name: go down while it has subcommands (`source freshness`, `docs generate`).
    const sub: Command | undefined = cmd?.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) break;
    path.push(arg);
    i++;
    cmd = sub;
    if (sub.commands.length === 0) break;
  }
  if (moved.length === 0 || path.length === 0) return [...argv];
  const rest = args.slice(i);
  // Behind the command's positional arguments is fine: commander reads options anywhere.
  return [...head, ...path, ...rest, ...moved];
}
