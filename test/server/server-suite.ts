import { afterAll, beforeAll } from 'vitest';
import { openedPerTest, type PerTestProjects } from '../helpers/inline-project.js';
import { serverProfile, startClickHouseServer, type ClickHouseServer, type ServerOptions } from './clickhouse-server.js';

export interface ServerSuite {
  /** The server of the calling describe block (started in its beforeAll). */
  readonly server: ClickHouseServer;
  /** A new inline project per test whose profiles.yml targets that server, in the test's own schema. */
  readonly setup: PerTestProjects;
}

/** One 18.16 server for the calling describe block, stopped after it, and projects that target it. */
export function serverSuite(options: ServerOptions = {}): ServerSuite {
  let server: ClickHouseServer | undefined;
  beforeAll(async () => {
    server = await startClickHouseServer(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  const running = (): ClickHouseServer => {
    if (!server) throw new Error('the server of this suite is not started (use it inside tests or hooks)');
    return server;
  };
  const setup = openedPerTest((p) => p.write({ 'profiles.yml': serverProfile({ port: running().port, schema: p.schema }) }));
  return {
    get server() {
      return running();
    },
    setup,
  };
}
