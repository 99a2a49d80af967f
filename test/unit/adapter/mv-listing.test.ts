import { describe, expect, it } from 'vitest';
import { MaterializedViewListing, type ListedView } from '../../../packages/core/src/adapter/mv/mv-listing.js';
import type { WarehouseClient } from '../../../packages/core/src/adapter/warehouse-client.js';

/** A client whose listing answers come from `views` (by database), counting the listings and letting tests "send" statements. */
function fakeClient(views: Record<string, ListedView[]>, observable = true) {
  let listener: ((sql: string) => void) | undefined;
  const listed: string[] = [];
  const client = {
    target: { type: 'chdb', path: '/x', schema: 's', name: 'dev', profileName: 'p', settings: {}, threads: 1, source: 'x' },
    embedded: true,
    command: async () => {},
    query: async <T,>(sql: string) => {
      const db = /database = '([^']+)'/.exec(sql)![1]!;
      listed.push(db);
      return (views[db] ?? []) as T[];
    },
    insertStream: async () => {},
    querySync: () => ({ columnNames: [], rows: [] }),
    close: async () => {},
    ...(observable ? { observe: (l: (sql: string) => void) => void (listener = l) } : {}),
  } as unknown as WarehouseClient;
  return { client, listed, send: (sql: string) => listener?.(sql) };
}

const mv = (name: string, to: string): ListedView => ({ name, q: `CREATE MATERIALIZED VIEW s.${name} TO s.${to} (\`a\` UInt8) AS SELECT 1 AS a` });

describe('materialized views listed once per run (retire-views)', () => {
  it('lists a database once for any number of models, each database once', async () => {
    const { client, listed } = fakeClient({ s: [mv('a_mv', 'a')] });
    const listing = new MaterializedViewListing(client);
    for (let i = 0; i < 5; i++) expect(await listing.list('s')).toEqual([mv('a_mv', 'a')]);
    await listing.list('t');
    expect(listed).toEqual(['s', 't']);
  });

  it('lists again after a statement that may create a materialized view (so a view made mid-run is seen)', async () => {
    const views: Record<string, ListedView[]> = { s: [] };
    const { client, listed, send } = fakeClient(views);
    const listing = new MaterializedViewListing(client);
    expect(await listing.list('s')).toEqual([]);
    views.s = [mv('b_mv', 'b')];
    send('CREATE TABLE `s`.`x` ENGINE = MergeTree ORDER BY tuple() AS SELECT 1'); // no view can come of it
    expect(await listing.list('s')).toEqual([]);
    send('CREATE MATERIALIZED VIEW `s`.`b_mv` TO `s`.`b` AS SELECT 1 AS a');
    expect(await listing.list('s')).toEqual([mv('b_mv', 'b')]);
    for (const sql of ['ATTACH TABLE s.c_mv', 'UNDROP TABLE s.c_mv', "RESTORE DATABASE s FROM Disk('b', 'x')", 'RENAME TABLE s.y TO s.c_mv', 'EXCHANGE TABLES x AND y']) {
      const before = listed.length;
      send(sql);
      await listing.list('s');
      expect(listed.length, sql).toBe(before + 1);
    }
  });

  it("keeps the listing over tsdbt's own swaps of tables no listed view involves, not over one that moves a view or its target", async () => {
    const { client, listed, send } = fakeClient({ s: [mv('a_mv', 'a')] });
    const listing = new MaterializedViewListing(client);
    await listing.list('s');
    send('RENAME TABLE `s`.`t` TO `s`.`t__tsdbt_backup_r`, `s`.`t__tsdbt_tmp_r` TO `s`.`t`');
    send('EXCHANGE TABLES `s`.`u__tsdbt_tmp_r` AND `s`.`u`');
    await listing.list('s');
    expect(listed).toEqual(['s']);
    send('EXCHANGE TABLES `s`.`a__tsdbt_tmp_r` AND `s`.`a`'); // the table a_mv writes into
    await listing.list('s');
    expect(listed).toEqual(['s', 's']);
    send('RENAME TABLE `s`.`a_mv` TO `s`.`z_mv`'); // the view itself
    await listing.list('s');
    expect(listed).toEqual(['s', 's', 's']);
    send('RENAME TABLE `other`.`v` TO `s`.`q_mv`'); // from a database never listed: may be a view
    await listing.list('s');
    expect(listed).toEqual(['s', 's', 's', 's']);
  });

  it('fresh() lists again; forget() makes the next run list again; a client that cannot be observed is asked every time', async () => {
    const { client, listed } = fakeClient({ s: [] });
    const listing = new MaterializedViewListing(client);
    await listing.list('s');
    await listing.fresh('s');
    listing.forget();
    await listing.list('s');
    expect(listed).toEqual(['s', 's', 's']);
    const plain = fakeClient({ s: [] }, false);
    const unobserved = new MaterializedViewListing(plain.client);
    await unobserved.list('s');
    await unobserved.list('s');
    expect(plain.listed).toEqual(['s', 's']);
  });

  it("keeps the views listed before the run's first node for the whole run, whatever a node sends; a new run lists again", async () => {
    const views: Record<string, ListedView[]> = { s: [mv('v', 't')] };
    const { client, listed, send } = fakeClient(views);
    const listing = new MaterializedViewListing(client);
    expect(await listing.atRunStart('s')).toBeUndefined();
    await listing.pinAtStart(['s', 's']);
    expect(listed).toEqual(['s']);
    // The view's own model replaces it mid-run: the run-start listing still shows it.
    views.s = [mv('v_mv', 'v')];
    send('DROP VIEW `s`.`v`');
    send('CREATE MATERIALIZED VIEW `s`.`v_mv` TO `s`.`v` AS SELECT 1 AS a');
    expect(await listing.atRunStart('s')).toEqual([mv('v', 't')]);
    expect(await listing.list('s')).toEqual([mv('v_mv', 'v')]);
    listing.forget();
    expect(await listing.atRunStart('s')).toBeUndefined();
  });

  it("a listing before the run that fails is not 'no views': atRunStart answers with the failure (the table is not rebuilt away from a view's rows)", async () => {
    const { client } = fakeClient({});
    (client as unknown as { query: () => Promise<never> }).query = async () => {
      throw new Error('fault injection: statement 1 failed');
    };
    const listing = new MaterializedViewListing(client);
    await listing.pinAtStart(['s']);
    await expect(listing.atRunStart('s')).rejects.toThrow('statement 1 failed');
  });
});
