import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openScratchWarehouse } from '../../../packages/core/src/adapter/scratch-warehouse.js';
import { openWarehouse } from '../../../packages/core/src/adapter/warehouse-client.js';
import { ROOT } from '../../helpers/cli.js';
import { WAREHOUSE_DIR } from '../../helpers/inline-project.js';

describe('scratch warehouse', () => {
  it('answers queries, batches and blocking queries, and removes its data directory on close', async () => {
    const scratch = await openScratchWarehouse({ settings: { use_variant_as_common_type: 0 } });
    const dir = dirname(scratch.target.path!);
    try {
      await scratch.command('CREATE DATABASE db');
      await scratch.command('CREATE TABLE db.t (a UInt32, b String) ENGINE = MergeTree ORDER BY a');
      expect(await scratch.query('SELECT name, type FROM system.columns WHERE database = \'db\' ORDER BY position')).toEqual([
        { name: 'a', type: 'UInt32' },
        { name: 'b', type: 'String' },
      ]);
      const results = await scratch.batch(['SELECT 1 AS x', 'SELECT nope FROM db.t', 'SELECT 2']);
      expect(results).toHaveLength(2);
      expect(results[0]).toMatchObject({ ok: true });
      expect(results[1]!.ok).toBe(false);
      const err = (results[1] as { error: Error & { clickhouseCode?: number } }).error;
      expect(err.message).toMatch(/^Code: 47\. DB::Exception: Unknown expression identifier `nope`/);
      expect(err.clickhouseCode).toBe(47);
      expect(scratch.querySync('SELECT count() AS n FROM db.t')).toEqual({ columnNames: ['n'], rows: [['0']] });
      // the session's settings apply: no Variant as a common type
      await expect(scratch.query("SELECT if(a > 1, 1, 'x') FROM db.t")).rejects.toThrow(/no supertype/);
    } finally {
      await scratch.close();
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('runs beside a chdb target opened in the same process', async () => {
    const target = await openWarehouse({
      name: 'dev', profileName: 'p', type: 'chdb', schema: 'default', path: WAREHOUSE_DIR, host: '', port: 0, user: 'default', password: '', secure: false, settings: {}, threads: 1, source: 'test',
    });
    const scratch = await openScratchWarehouse();
    try {
      await target.command('CREATE DATABASE IF NOT EXISTS same_name');
      await scratch.command('CREATE DATABASE IF NOT EXISTS same_name');
      await scratch.command('CREATE TABLE same_name.only_in_scratch (x UInt8) ENGINE = Memory');
      expect(await target.query("SELECT name FROM system.tables WHERE database = 'same_name'")).toEqual([]);
      expect(await scratch.query("SELECT name FROM system.tables WHERE database = 'same_name'")).toEqual([{ name: 'only_in_scratch' }]);
    } finally {
      await scratch.close();
      await target.close();
    }
  });

  it('removes its folder when the process that started it is killed', async () => {
    const base = mkdtempSync(join(tmpdir(), 'tsdbt-scratch-kill-'));
    const core = join(ROOT, 'packages/core/dist/index.js');
    const owner = spawn(process.execPath, ['-e', `import(${JSON.stringify(core)}).then((m) => { m.prepareValidation(); setInterval(() => {}, 1000); })`], {
      env: { ...process.env, TSDBT_SCRATCH_DIR: base },
      stdio: 'ignore',
    });
    const scratchDirs = () => readdirSync(base).filter((n) => n.startsWith('tsdbt-scratch-'));
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 1200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50)); // up to a minute: a loaded machine
      return ok();
    };
    try {
      expect(await until(() => scratchDirs().some((d) => existsSync(join(base, d, 'socket'))))).toBe(true);
      owner.kill('SIGKILL');
      expect(await until(() => scratchDirs().length === 0)).toBe(true);
    } finally {
      owner.kill('SIGKILL');
      rmSync(base, { recursive: true, force: true });
    }
  });
});
