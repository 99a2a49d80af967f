import { ProjectError } from '../shared/errors.js';

/** One version of a hub package, as the hub's JSON API describes it. */
export interface HubVersion {
  readonly name: string;
  readonly packages: readonly Record<string, unknown>[];
  readonly downloads: { readonly tarball: string };
  readonly require_dbt_version?: string | readonly string[];
}

/** The default hub; DBT_PACKAGE_HUB_URL (as in dbt) or the hubUrl option point elsewhere. */
export const DEFAULT_HUB_URL = 'https://hub.getdbt.com/';

/**
 * dbt's registry client (clients/registry.py): `api/v1/index.json` lists the packages,
 * `api/v1/<namespace>/<name>.json` their versions. Answers are cached for one deps run.
 */
export class HubClient {
  private readonly base: string;
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(baseUrl: string = DEFAULT_HUB_URL) {
    this.base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  }

  /** Every package name on the hub (`namespace/name`). */
  async index(): Promise<string[]> {
    const body = await this.get('index');
    if (!Array.isArray(body)) throw this.bad('index', 'the response is not a list');
    return body.map(String);
  }

  /** The versions of one package, by version string. */
  async versions(pkg: string): Promise<Readonly<Record<string, HubVersion>>> {
    const body = (await this.get(pkg)) as { name?: unknown; versions?: unknown } | null;
    if (!body || typeof body !== 'object' || typeof body.versions !== 'object' || body.versions === null) throw this.bad(pkg, "the response has no 'versions'");
    for (const [v, info] of Object.entries(body.versions as Record<string, unknown>)) {
      const i = info as Partial<HubVersion> | null;
      if (!i || typeof i.name !== 'string' || !i.downloads || typeof i.downloads.tarball !== 'string') throw this.bad(pkg, `version ${v} lacks name, packages or downloads`);
    }
    return body.versions as Record<string, HubVersion>;
  }

  private bad(what: string, reason: string): ProjectError {
    return new ProjectError('deps_hub', `Unexpected answer from the package hub for ${what}: ${reason}`, { hint: `Check the hub URL (${this.base}).` });
  }

  private get(name: string): Promise<unknown> {
    let pending = this.cache.get(name);
    if (!pending) {
      pending = this.fetchJson(`${this.base}api/v1/${name}.json`);
      this.cache.set(name, pending);
    }
    return pending;
  }

  /** GET with dbt's retries (5 attempts) on network errors; a 404 is final. */
  private async fetchJson(url: string): Promise<unknown> {
    let last: unknown;
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
        if (response.status === 404) throw new ProjectError('deps_hub', `The package hub has no ${url}`, { hint: 'Check the package name (namespace/name) in packages.yml.' });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return await response.json();
      } catch (error) {
        if (error instanceof ProjectError) throw error;
        last = error;
      }
    }
    throw new ProjectError('deps_hub', `Could not reach the package hub at ${url}: ${(last as Error)?.message ?? last}`, {
      hint: 'Check the network connection, or point DBT_PACKAGE_HUB_URL at a reachable hub.',
    });
  }
}
