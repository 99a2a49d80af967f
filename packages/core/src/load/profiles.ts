import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ProjectError } from '../shared/errors.js';
import { integerOption, NUMERIC_RULES, type IntegerRule } from '../shared/numeric-option.js';
import { isMapping } from './node-config.js';
import { readYamlFile } from '../shared/yaml-file.js';

/** The warehouse a command talks to: one `outputs:` entry of profiles.yml, resolved. */
export interface TargetConfig {
  readonly name: string;
  readonly profileName: string;
  readonly type: 'chdb' | 'clickhouse';
  /** The target's default database ("schema" in dbt terms). */
  readonly schema: string;
  /** chdb: absolute data directory. */
  readonly path?: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly secure: boolean;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly threads: number;
  readonly cluster?: string;
  /**
   * Seconds after which a temporary of a run this process cannot prove alive or dead (another
   * machine's) counts as dead and is dropped (profile `temporaries_max_age`; default 3600).
   */
  readonly temporariesMaxAge?: number;
  /** Seconds a statement may go without a byte from a server before it fails (profile `send_receive_timeout`, dbt-clickhouse's name; default 3600). */
  readonly sendReceiveTimeout?: number;
  /** Seconds a server may leave /ping unanswered while statements run before they fail (profile `liveness_timeout`; default 60). */
  readonly livenessTimeout?: number;
  /** Where the profile came from (a profiles.yml path, or 'default'). */
  readonly source: string;
}

export interface ProfileOptions {
  readonly projectRoot: string;
  readonly profileName: string;
  readonly profilesDir?: string;
  readonly target?: string;
  /** Renders `{{ env_var(...) }}` in profile values. */
  readonly renderString: (text: string, file: string) => string;
}

export function findProfilesFile(projectRoot: string, profilesDir?: string): string | undefined {
  const dirs = profilesDir ? [resolve(profilesDir)] : [projectRoot, join(homedir(), '.tsdbt')];
  for (const dir of dirs) {
    const file = join(dir, 'profiles.yml');
    if (existsSync(file)) return file;
  }
  if (profilesDir)
    // dbt's words (dbt debug: "dbt looked for a profiles.yml file in <dir>/profiles.yml, but did not find one").
    throw new ProjectError('profiles', `dbt looked for a profiles.yml file in ${join(profilesDir, 'profiles.yml')}, but did not find one (no profiles.yml in --profiles-dir ${profilesDir})`, {
      hint: 'Create profiles.yml there, or drop --profiles-dir to use the embedded default.',
    });
  return undefined;
}

/** dbt's threads for a profile that sets none. */
export const DBT_DEFAULT_THREADS = 1;

/** The embedded warehouse used when no profiles.yml exists (tsdbt's own default: dbt has no profile-less run; 4 threads). */
export function defaultTarget(projectRoot: string, profileName: string, name = 'dev'): TargetConfig {
  return {
    name,
    profileName,
    type: 'chdb',
    schema: 'default',
    path: join(projectRoot, '.tsdbt', 'chdb'),
    host: 'localhost',
    port: 8123,
    user: 'default',
    password: '',
    secure: false,
    settings: {},
    threads: 4,
    source: 'default',
  };
}

export function resolveTarget(options: ProfileOptions): TargetConfig {
  const file = findProfilesFile(options.projectRoot, options.profilesDir);
  if (!file) {
    if (options.target && options.target !== 'dev')
      throw new ProjectError('profiles', `Target '${options.target}' requested but there is no profiles.yml`, {
        hint: 'Create profiles.yml in the project or ~/.tsdbt/, or drop --target.',
      });
    return defaultTarget(options.projectRoot, options.profileName);
  }
  const yaml = readYamlFile(file);
  const profiles = yaml.data;
  const profile = isMapping(profiles) ? profiles[options.profileName] : undefined;
  if (!isMapping(profile))
    // dbt's wording (dbt debug's "Could not find profile named 'x'").
    throw new ProjectError('profiles', `Could not find profile named '${options.profileName}' in ${file}`, {
      file,
      hint: `Add a '${options.profileName}:' entry with 'target:' and 'outputs:'.`,
    });
  const render = (v: unknown): unknown =>
    typeof v === 'string' && v.includes('{{') ? options.renderString(v, file) : v;
  const targetName = options.target ?? String(render(profile.target) ?? 'dev');
  const outputs = profile.outputs;
  const out = isMapping(outputs) ? outputs[targetName] : undefined;
  if (!isMapping(out))
    // dbt's wording: "The profile 'p' does not have a target named 't'. The valid target names for this profile are: …".
    throw new ProjectError('profiles', `The profile '${options.profileName}' does not have a target named '${targetName}'. The valid target names for this profile are:${isMapping(outputs) ? Object.keys(outputs).map((k) => `\n - ${k}`).join('') : ' none'}`, {
      file,
      // the line that names it (`target:`), unless it came from --target
      line: yaml.lineOf([options.profileName, options.target ? 'outputs' : 'target']),
      hint: `Known targets: ${isMapping(outputs) ? Object.keys(outputs).join(', ') : 'none'}.`,
    });
  const v = (k: string) => render(out[k]);
  const type = String(v('type') ?? 'chdb');
  if (type !== 'chdb' && type !== 'clickhouse')
    throw new ProjectError('profiles', `Target '${targetName}' has type '${type}'; tsdbt supports 'chdb' and 'clickhouse'`, {
      file,
      line: yaml.lineOf([options.profileName, 'outputs', targetName, 'type']),
      hint: "Use 'type: chdb' (the embedded engine) or 'type: clickhouse' (a server over HTTP).",
    });
  // `threads: abc` or `port: 8123.5` in profiles.yml: the file's mistake, reported with its line.
  const whole = <F extends number | undefined>(key: string, fallback: F, rule: IntegerRule): number | F => {
    const raw = v(key);
    if (raw === undefined || raw === null) return fallback;
    try {
      return integerOption(key, typeof raw === 'number' ? raw : String(raw), rule);
    } catch (error) {
      throw new ProjectError('profiles', `Target '${targetName}': ${(error as Error).message}`, {
        file,
        line: yaml.lineOf([options.profileName, 'outputs', targetName, key]),
        hint: `Write e.g. ${key}: ${rule.example}.`,
      });
    }
  };
  // dbt-clickhouse's `driver: native` (TCP, ports 9000/9440): tsdbt speaks HTTP only. Without a port the
  // HTTP default is used on the same host; a native port would get ClickHouse's "Port 9000 is for clickhouse-client".
  if (type === 'clickhouse' && String(v('driver') ?? 'http').toLowerCase() === 'native' && v('port') !== undefined && v('port') !== null)
    throw new ProjectError('profiles', `Target '${targetName}' uses dbt-clickhouse's driver 'native' (ClickHouse's TCP protocol, port ${String(v('port'))}); tsdbt connects over HTTP`, {
      file,
      line: yaml.lineOf([options.profileName, 'outputs', targetName, 'driver']),
      hint: "Set port to the server's HTTP port (8123, or 8443 with secure: true) and remove driver: native (or set driver: http).",
    });
  const path = v('path');
  const secure = v('secure') === true || v('secure') === 'true';
  const settings = isMapping(out.settings) ? out.settings : isMapping(out.custom_settings) ? out.custom_settings : {};
  return {
    name: targetName,
    profileName: options.profileName,
    type,
    schema: String(v('schema') ?? v('database') ?? 'default'),
    path:
      type === 'chdb'
        ? typeof path === 'string'
          ? isAbsolute(path) ? path : join(options.projectRoot, path)
          : join(options.projectRoot, '.tsdbt', 'chdb')
        : undefined,
    host: String(v('host') ?? 'localhost'),
    port: whole('port', secure ? 8443 : 8123, NUMERIC_RULES.port),
    user: String(v('user') ?? 'default'),
    password: String(v('password') ?? ''),
    secure,
    settings,
    // dbt's DEFAULT_THREADS (dbt/config/profile.py): a profile without `threads` runs one node at a time.
    threads: whole('threads', DBT_DEFAULT_THREADS, NUMERIC_RULES.threads),
    cluster: typeof v('cluster') === 'string' ? String(v('cluster')) : undefined,
    temporariesMaxAge: whole('temporaries_max_age', undefined, NUMERIC_RULES.seconds),
    sendReceiveTimeout: whole('send_receive_timeout', undefined, NUMERIC_RULES.positiveSeconds),
    livenessTimeout: whole('liveness_timeout', undefined, NUMERIC_RULES.positiveSeconds),
    source: file,
  };
}

/** The target as it may be shown or written anywhere: the password masked. */
export function describeTarget(target: TargetConfig): Record<string, unknown> {
  return { ...target, password: target.password ? '********' : '' };
}
