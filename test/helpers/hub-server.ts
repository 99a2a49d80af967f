import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { c as createTar } from 'tar';

/** One version of a package the test hub serves: the folder to pack, and what the hub says about it. */
export interface HubVersionSpec {
  readonly dir: string;
  /** The project name the hub reports (default: the folder's name). */
  readonly name?: string;
  readonly requireDbtVersion?: string | string[];
  /** The version's own dependencies, as the hub JSON lists them. */
  readonly packages?: readonly Record<string, unknown>[];
}

export interface TestHub {
  readonly url: string;
  /** Requests the hub answered, as paths. */
  readonly requests: string[];
  /** Adds or replaces versions while the server runs (a new release on the hub). */
  publish(pkg: string, versions: Record<string, HubVersionSpec>): void;
  close(): Promise<void>;
}

/**
 * A package hub on 127.0.0.1 (a free port) speaking the JSON API dbt reads: api/v1/index.json and
 * api/v1/<namespace>/<name>.json, with tarballs it packs from folders (top folder named like a
 * GitHub archive, `<repo>-<version>/`). Tests never reach the internet.
 */
export async function startTestHub(initial: Record<string, Record<string, HubVersionSpec>> = {}): Promise<TestHub> {
  const packages = new Map<string, Record<string, HubVersionSpec>>(Object.entries(initial));
  const work = mkdtempSync(join(tmpdir(), 'tsdbt-test-hub-'));
  const tarballs = new Map<string, string>();
  const requests: string[] = [];
  let url = '';

  const tarballOf = async (pkg: string, version: string, spec: HubVersionSpec): Promise<string> => {
    const key = `${pkg}@${version}`;
    let file = tarballs.get(key);
    if (!file) {
      file = join(work, `${pkg.replace('/', '_')}-${version}.tar.gz`);
      const top = `${pkg.split('/')[1]!.replace(/_/g, '-')}-${version}`;
      // The archive's top folder is named like a GitHub archive's; integration_tests/ is left out (big, unused).
      const staging = join(work, `stage-${tarballs.size}`);
      cpSync(spec.dir, join(staging, top), { recursive: true, dereference: true, filter: (src) => basename(src) !== 'integration_tests' });
      await createTar({ gzip: true, file, cwd: staging, portable: true }, [top]);
      tarballs.set(key, file);
    }
    return file;
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/api/v1/index.json') return send(200, [...packages.keys()]);
    const api = /^\/api\/v1\/(.+)\.json$/.exec(path);
    if (api) {
      const versions = packages.get(api[1]!);
      if (!versions) return send(404, { error: 'not found' });
      const [namespace, name] = api[1]!.split('/');
      return send(200, {
        name,
        namespace,
        latest: Object.keys(versions).at(-1),
        versions: Object.fromEntries(
          Object.entries(versions).map(([v, spec]) => [
            v,
            {
              id: `${api[1]}/${v}`,
              name: spec.name ?? basename(spec.dir),
              version: v,
              packages: spec.packages ?? [],
              require_dbt_version: spec.requireDbtVersion ?? [],
              downloads: { tarball: `${url}/tarballs/${api[1]}/${v}.tar.gz` },
            },
          ]),
        ),
      });
    }
    const tar = /^\/tarballs\/(.+)\/([^/]+)\.tar\.gz$/.exec(path);
    const spec = tar ? packages.get(tar[1]!)?.[tar[2]!] : undefined;
    if (!tar || !spec) return send(404, { error: 'not found' });
    tarballOf(tar[1]!, tar[2]!, spec)
      .then((file) => readFile(file))
      .then((data) => {
        res.writeHead(200, { 'content-type': 'application/gzip' });
        res.end(data);
      })
      .catch((e: Error) => send(500, { error: e.message }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url,
    requests,
    publish: (pkg, versions) => packages.set(pkg, { ...packages.get(pkg), ...versions }),
    close: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      rmSync(work, { recursive: true, force: true });
    },
  };
}
