import { describe, expect, it } from 'vitest';
import { dbtProject, statusByName } from '../adapter-suite/dbt-project.js';

/*
 * dbt-core tests/functional/relation_names/test_relation_name.py (TestGeneratedDDLNameRules): long
 * model names build — a table of 63 characters and one of 52 whose backup/temp names would pass
 * 63, an incremental model of 51 characters built twice (its temporary relation's name is longer).
 * The 64-character case is Postgres's identifier limit ("is longer than 63 characters"); ClickHouse
 * names may be longer (dbt-clickhouse sets no limit), so there it builds too.
 */
const INCREMENTAL = 'my_name_is_51_characters_incremental_abcdefghijklmn';
const MAX_LENGTH = 'my_name_is_max_length_chars_abcdefghijklmnopqrstuvwxyz123456789';
const OVER_MAX = 'my_name_is_one_over_max_length_chats_abcdefghijklmnopqrstuvwxyz1';
const BACKUP = 'my_name_is_52_characters_abcdefghijklmnopqrstuvwxyz0';
const INCREMENTAL_SQL = '\nselect * from {{ this.schema }}.seed\n\n{{\n  config({\n    "unique_key": "col_A",\n    "materialized": "incremental"\n    })\n}}\n';
const TABLE_SQL = '\nselect * from {{ this.schema }}.seed\n\n{{\n  config({\n    "materialized": "table"\n    })\n}}\n';

describe('relation names (relation_names/test_relation_name.py)', () => {
  it('TestGeneratedDDLNameRules: 52- and 63-character tables, a 51-character incremental model twice, a 64-character table', async () => {
    expect([INCREMENTAL.length, MAX_LENGTH.length, OVER_MAX.length, BACKUP.length]).toEqual([51, 63, 64, 52]);
    const p = dbtProject({
      seeds: { 'seed.csv': 'col_A,col_B\n1,2\n3,4\n5,6\n' },
      models: { [`${INCREMENTAL}.sql`]: INCREMENTAL_SQL, [`${BACKUP}.sql`]: TABLE_SQL, [`${MAX_LENGTH}.sql`]: TABLE_SQL, [`${OVER_MAX}.sql`]: TABLE_SQL },
      projectConfig: 'seeds:\n  quote_columns: false\n',
    });
    await p.dbt(['seed']);
    // test_name_shorter_or_equal_to_63_passes (run twice: the second replaces through a backup name)
    for (let i = 0; i < 2; i++) expect(statusByName((await p.dbt(['run', '-s', MAX_LENGTH, BACKUP])).results)).toEqual({ [MAX_LENGTH]: 'success', [BACKUP]: 'success' });
    // test_long_name_passes_when_temp_tables_are_generated
    await p.dbt(['run', '-s', INCREMENTAL]);
    await p.query(`INSERT INTO {schema}.seed VALUES (7, 8)`);
    await p.dbt(['run', '-s', INCREMENTAL]);
    expect(await p.rows(INCREMENTAL)).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
    // test_name_longer_than_63_does_not_build: Postgres only
    expect(statusByName((await p.dbt(['run', '-s', OVER_MAX])).results)).toEqual({ [OVER_MAX]: 'success' });
    expect(await p.rows(OVER_MAX)).toHaveLength(4);
  });
});
