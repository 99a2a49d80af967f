import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbtProject } from '../adapter-suite/dbt-project.js';
import { SHARED_PACKAGES } from '../../helpers/shared-packages.js';

/*
 * dbt-core tests/functional/unit_testing/ (branch 1.10.latest), ported as written:
 * test_ut_diffing.py (the diff ignores row order, NULLs included), test_ut_overrides.py (macro
 * overrides of a global, a `dbt.` built-in, a project and a package macro). dbt_utils comes from
 * the shared copy as a `local:` package (dbt's test installs 1.1.1 from the Hub).
 */

const ROWS = (rows: string[]) => rows.map((r) => `          - ${r}`).join('\n');
const diffCase = (name: string, given: string[], expected: string[]) =>
  `  - name: ${name}\n    model: my_model\n    given:\n      - input: ref("my_input_model")\n        rows:\n${ROWS(given)}\n    expect:\n        rows:\n${ROWS(expected)}\n`;
const ORDER_INSENSITIVE =
  'unit_tests:\n' +
  diffCase('unordered_no_nulls', ['{"id": 1, "status": \'B\'}', '{"id": 2, "status": \'B\'}', '{"id": 3, "status": \'A\'}'], ['{"id": 3, "status": \'A\'}', '{"id": 2, "status": \'B\'}', '{"id": 1, "status": \'B\'}']) +
  diffCase('unordered_with_nulls', ['{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}', '{"id": 3, "status": \'A\'}'], ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}']) +
  diffCase('unordered_with_nulls_2', ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}'], ['{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}', '{"id": 3, "status": \'A\'}']) +
  diffCase('unordered_with_nulls_mixed_columns', ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id": 1, "status": }'], ['{"id": 1, "status": }', '{"id":  , "status": \'B\'}', '{"id": 3, "status": \'A\'}']) +
  diffCase('unordered_with_null', ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}'], ['{"id":  , "status": \'B\'}', '{"id": 3, "status": \'A\'}']) +
  diffCase('ordered_with_nulls', ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}'], ['{"id": 3, "status": \'A\'}', '{"id":  , "status": \'B\'}', '{"id":  , "status": \'B\'}']);

const MY_MODEL_WITH_MACROS = `
SELECT
{{ current_timestamp() }} as global_current_timestamp,
{{ dbt.current_timestamp() }} as dbt_current_timestamp,
{{ dbt.type_int() }} as dbt_type_int,
{{ my_macro() }} as user_defined_my_macro,
{{ dbt_utils.generate_surrogate_key() }} as package_defined_macro
`;
const TEST_MY_MODEL_WITH_MACROS = `
unit_tests:
  - name: test_macro_overrides
    model: my_model_with_macros
    overrides:
      macros:
        current_timestamp: "'current_timestamp_override'"
        dbt.type_int: "'dbt_macro_override'"
        my_macro: "'global_user_defined_macro_override'"
        dbt_utils.generate_surrogate_key: "'package_macro_override'"
    given: []
    expect:
      rows:
        - global_current_timestamp: "current_timestamp_override"
          dbt_current_timestamp: "current_timestamp_override"
          dbt_type_int: "dbt_macro_override"
          user_defined_my_macro: "global_user_defined_macro_override"
          package_defined_macro: "package_macro_override"
`;

const INCREMENTAL = `
{{ config(materialized='incremental') }}
select * from {{ ref('events') }}
{% if is_incremental() %}
where event_time > (select max(event_time) from {{ this }})
{% endif %}
`;
const EVENTS = `
select DATE '2020-01-01' as event_time, 1 as event
union all
select DATE '2020-01-02' as event_time, 2 as event
union all
select DATE '2020-01-03' as event_time, 3 as event
`;
const INCREMENTAL_BASIC = `
unit_tests:
  - name: incremental_false
    model: my_incremental_model
    overrides:
      macros:
        is_incremental: false
    given:
      - input: ref('events')
        rows:
          - {event_time: "2020-01-01", event: 1}
    expect:
      rows:
        - {event_time: "2020-01-01", event: 1}
  - name: incremental_true
    model: my_incremental_model
    overrides:
      macros:
        is_incremental: true
    given:
      - input: ref('events')
        rows:
          - {event_time: "2020-01-01", event: 1}
          - {event_time: "2020-01-02", event: 2}
          - {event_time: "2020-01-03", event: 3}
      - input: this
        rows:
          - {event_time: "2020-01-01", event: 1}
    expect:
      rows:
        - {event_time: "2020-01-02", event: 2}
        - {event_time: "2020-01-03", event: 3}
`;
const incrementalCase = (name: string, override: string, thisInput: boolean) => `
unit_tests:
  - name: ${name}
    model: my_incremental_model
${override ? `    overrides:\n      macros:\n        is_incremental: ${override}\n` : ''}    given:
      - input: ref('events')
        rows:
          - {event_time: "2020-01-01", event: 1}
${thisInput ? '      - input: this\n        rows:\n          - {event_time: "2020-01-01", event: 1}\n' : ''}    expect:
      rows:
        - {event_time: "2020-01-01", event: 1}
`;
const RAW_CUSTOMERS = 'id,first_name,last_name,email\n1,Michael,Perez,mperez0@chronoengine.com\n2,Shawn,Mccoy,smccoy1@reddit.com\n3,Kathleen,Payne,kpayne2@cargocollective.com\n';
const SOURCES_YML = `
sources:
  - name: seed_sources
    schema: "{{ target.schema }}"
    tables:
      - name: raw_customers
        columns:
          - name: id
            data_tests:
              - not_null:
                  severity: "{{ 'error' if target.name == 'prod' else 'warn' }}"
              - unique
          - name: first_name
          - name: last_name
          - name: email
unit_tests:
  - name: test_customers
    model: customers
    given:
      - input: source('seed_sources', 'raw_customers')
        rows:
          - {id: 1, first_name: Emily}
    expect:
      rows:
        - {id: 1, first_name: Emily}
`;
const FAILING_UNIT_TEST = `
  - name: fail_test_customers
    model: customers
    given:
      - input: source('seed_sources', 'raw_customers')
        rows:
          - {id: 1, first_name: Emily}
    expect:
      rows:
        - {id: 1, first_name: Joan}
`;

/* test_sql_format.py's project; dim_wizards' Postgres regex `email ~ '…'` is ClickHouse's match(email, '…'). */
const WIZARDS = {
  seeds: { 'wizards.csv': "id,w_name,email,email_tld,phone,world\n1,Albus Dumbledore,a.dumbledore@gmail.com,gmail.com,813-456-9087,1\n2,Gandalf,gandy811@yahoo.com,yahoo.com,551-329-8367,2\n3,Winifred Sanderson,winnie@hocuspocus.com,hocuspocus.com,,6\n4,Marnie Piper,cromwellwitch@gmail.com,gmail.com,,5\n5,Grace Goheen,grace.goheen@dbtlabs.com,dbtlabs.com,,3\n6,Glinda,glinda_good@hotmail.com,hotmail.com,912-458-3289,4\n", 'top_level_email_domains.csv': "tld\ngmail.com\nyahoo.com\nhocuspocus.com\ndbtlabs.com\nhotmail.com\n", 'worlds.csv': "id,name\n1,The Wizarding World\n2,Middle-earth\n3,dbt Labs\n4,Oz\n5,Halloweentown\n6,Salem\n" },
  models: { 'stg_wizards.sql': "\nselect\n    id as wizard_id,\n    w_name as wizard_name,\n    email,\n    email_tld as email_top_level_domain,\n    phone as phone_number,\n    world as world_id\nfrom {{ ref('wizards') }}\n", 'stg_worlds.sql': "\nselect\n    id as world_id,\n    name as world_name\nfrom {{ ref('worlds') }}\n", 'dim_wizards.sql': "\nwith wizards as (\n\n    select * from {{ ref('stg_wizards') }}\n\n),\n\nworlds as (\n\n    select * from {{ ref('stg_worlds') }}\n\n),\n\naccepted_email_domains as (\n\n    select * from {{ ref('top_level_email_domains') }}\n\n),\n\ncheck_valid_emails as (\n\n    select\n        wizards.wizard_id,\n        wizards.wizard_name,\n        wizards.email,\n        wizards.phone_number,\n        wizards.world_id,\n\n        coalesce (\n            match(wizards.email, '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\\\.[A-Za-z]{2,}$')\n        = true\n        and accepted_email_domains.tld is not null,\n        false) as is_valid_email_address\n\n    from wizards\n    left join accepted_email_domains\n        on wizards.email_top_level_domain = lower(accepted_email_domains.tld)\n\n)\n\nselect\n    check_valid_emails.wizard_id,\n    check_valid_emails.wizard_name,\n    check_valid_emails.email,\n    check_valid_emails.is_valid_email_address,\n    check_valid_emails.phone_number,\n    worlds.world_name\nfrom check_valid_emails\nleft join worlds\n    on check_valid_emails.world_id = worlds.world_id\n" },
};
const SQL_FORMAT_YML = "\nunit_tests:\n  - name: test_valid_email_address\n    model: dim_wizards\n    given:\n      - input: ref('stg_wizards')\n        format: sql\n        rows: |\n          select 1 as wizard_id, 'joe' as wizard_name, 'cool@example.com' as email, 'example.com' as email_top_level_domain, '123' as phone_number, 1 as world_id  union all\n          select 2 as wizard_id, 'don' as wizard_name, 'cool@unknown.com' as email, 'unknown.com' as email_top_level_domain, '456' as phone_number, 2 as world_id  union all\n          select 3 as wizard_id, 'mary' as wizard_name, 'badgmail.com' as email, 'gmail.com' as email_top_level_domain, '789' as phone_number, 3 as world_id union all\n          select 4 as wizard_id, 'jane' as wizard_name, 'missingdot@gmailcom' as email, 'gmail.com' as email_top_level_domain, '102' as phone_number, 4 as world_id\n      - input: ref('top_level_email_domains')\n        format: sql\n        rows: |\n          select 'example.com' as tld union all\n          select 'gmail.com' as tld\n      - input: ref('stg_worlds')\n        rows: []\n    expect:\n      format: sql\n      rows: |\n        select 1 as wizard_id, 'joe' as wizard_name, 'cool@example.com' as email, true as is_valid_email_address, '123' as phone_number, null as world_name union all\n        select 2 as wizard_id, 'don' as wizard_name, 'cool@unknown.com' as email, false as is_valid_email_address, '456' as phone_number, null as world_name  union all\n        select 3 as wizard_id, 'mary' as wizard_name, 'badgmail.com' as email, false as is_valid_email_address, '789' as phone_number, null as world_name union all\n        select 4 as wizard_id, 'jane' as wizard_name, 'missingdot@gmailcom' as email, false as is_valid_email_address, '102' as phone_number, null as world_name\n";
const ORIG_FORMAT_YML = "\nunit_tests:\n  - name: test_valid_email_address\n    model: dim_wizards\n    given:\n      - input: ref('stg_wizards')\n        rows:\n          - {email: cool@example.com,     email_top_level_domain: example.com}\n          - {email: cool@unknown.com,     email_top_level_domain: unknown.com}\n          - {email: badgmail.com,         email_top_level_domain: gmail.com}\n          - {email: missingdot@gmailcom,  email_top_level_domain: gmail.com}\n      - input: ref('top_level_email_domains')\n        rows:\n          - {tld: example.com}\n          - {tld: gmail.com}\n      - input: ref('stg_worlds')\n        rows: []\n    expect:\n      rows:\n        - {email: cool@example.com,    is_valid_email_address: true}\n        - {email: cool@unknown.com,    is_valid_email_address: false}\n        - {email: badgmail.com,        is_valid_email_address: false}\n        - {email: missingdot@gmailcom, is_valid_email_address: false}\n";

/* test_csv_fixtures.py fixtures (unit_testing/fixtures.py). */
const CSV = {
  my_model_a_sql: "\nSELECT\n1 as a,\n1 as id,\n2 as not_testing,\n'a' as string_a,\nDATE '2020-01-02' as date_a\n",
  my_model_check_null_sql: "\nSELECT\nCASE\n  WHEN a IS null THEN True\n  ELSE False\nEND a_is_null\nFROM {{ ref('my_model_a') }}\n",
  test_my_model_csv_null_yml: "\nunit_tests:\n  - name: test_my_model_check_null\n    model: my_model_check_null\n    given:\n      - input: ref('my_model_a')\n        format: csv\n        rows: |\n          id,a\n          1,\n          2,3\n    expect:\n      format: csv\n      rows: |\n        a_is_null\n        True\n        False\n",
  test_my_model_file_csv_null_yml: "\nunit_tests:\n  - name: test_my_model_check_null\n    model: my_model_check_null\n    given:\n      - input: ref('my_model_a')\n        format: csv\n        fixture: test_my_model_a_with_null_fixture\n    expect:\n      format: csv\n      rows: |\n        a_is_null\n        True\n        False\n",
  test_my_model_a_with_null_fixture_csv: "id,a\n1,\n2,3\n",
  my_model_sql: "\nSELECT\na+b as c,\nconcat(string_a, string_b) as string_c,\nnot_testing, date_a\nFROM {{ ref('my_model_a')}} my_model_a\nJOIN {{ ref('my_model_b' )}} my_model_b\nON my_model_a.id = my_model_b.id\n",
  my_model_b_sql: "\nSELECT\n2 as b,\n1 as id,\n2 as c,\n'b' as string_b\n",
  test_my_model_missing_csv_yml: "\nunit_tests:\n  - name: test_missing_csv_file\n    model: my_model\n    given:\n      - input: ref('my_model_a')\n        format: csv\n        rows: |\n          id,a\n          1,1\n      - input: ref('my_model_b')\n        format: csv\n        rows: |\n          id,b\n          1,2\n          2,2\n    expect:\n      format: csv\n      fixture: fake_fixture\n",
  test_my_model_duplicate_csv_yml: "\nunit_tests:\n  - name: test_missing_csv_file\n    model: my_model\n    given:\n      - input: ref('my_model_a')\n        format: csv\n        rows: |\n          id,a\n          1,1\n      - input: ref('my_model_b')\n        format: csv\n        rows: |\n          id,b\n          1,2\n          2,2\n    expect:\n      format: csv\n      fixture: test_my_model_basic_fixture\n",
  test_my_model_basic_fixture_csv: "c\n2\n",
};

/* test_ut_snapshot_dependency.py; Postgres's split_part(email, '@', 2) is splitByChar('@', email)[2]. */
const SNAPSHOT_DEPENDENCY = {
  seeds: { 'raw_customers.csv': "id,first_name,last_name,email,gender,ip_address,updated_at\n1,'Judith','Kennedy','(not provided)','Female','54.60.24.128','2015-12-24 12:19:28'\n2,'Arthur','Kelly','(not provided)','Male','62.56.24.215','2015-10-28 16:22:15'\n3,'Rachel','Moreno','rmoreno2@msu.edu','Female','31.222.249.23','2016-04-05 02:05:30'\n4,'Ralph','Turner','rturner3@hp.com','Male','157.83.76.114','2016-08-08 00:06:51'\n5,'Laura','Gonzales','lgonzales4@howstuffworks.com','Female','30.54.105.168','2016-09-01 08:25:38'\n6,'Katherine','Lopez','klopez5@yahoo.co.jp','Female','169.138.46.89','2016-08-30 18:52:11'\n7,'Jeremy','Hamilton','jhamilton6@mozilla.org','Male','231.189.13.133','2016-07-17 02:09:46'\n", 'top_level_domains.csv': "id,domain\n3,'msu.edu'\n4,'hp.com'\n5,'howstuffworks.com'\n6,'yahoo.co.jp'\n7,'mozilla.org'\n" },
  models: { 'customers.sql': "\nwith snapshot_users as (\nselect * from {{ ref('snapshot_users') }}\n),\n\ntop_level_domains as (\nselect * from {{ source('seed_sources', 'top_level_domains') }}\n),\nmatched_values as (\n    select\n        snapshot_users.*,\n        case when exists (\n            select 1 from top_level_domains\n            where top_level_domains.domain = snapshot_users.domain\n        ) then true else false end as is_valid_email_address\n    from\n        snapshot_users\n)\n\nselect * from matched_values\n", 'unit_tests.yml': "\nsources:\n  - name: seed_sources\n    schema: \"{{ target.schema }}\"\n    tables:\n      - name: top_level_domains\n        columns:\n          - name: id\n          - name: domain\n\nunit_tests:\n  - name: test_is_valid_email_address\n    model: customers\n    given:\n      - input: ref('snapshot_users')\n        rows:\n         - {id: 1, email: cool@example.com,     domain: example.com}\n         - {id: 2, email: cool@unknown.com,     domain: unknown.com}\n         - {id: 3, email: badgmail.com,         domain: gmailcom}\n         - {id: 4, email: missingdot@gmailcom,  domain: gmailcom}\n      - input: source('seed_sources', 'top_level_domains')\n        rows:\n         - {domain: example.com}\n         - {domain: gmail.com}\n    expect:\n      rows:\n        - {id: 1, is_valid_email_address: true}\n        - {id: 2, is_valid_email_address: false}\n        - {id: 3, is_valid_email_address: false}\n        - {id: 4, is_valid_email_address: false}\n\n  - name: fail_is_valid_email_address\n    model: customers\n    given:\n      - input: ref('snapshot_users')\n        rows:\n        - {id: 1, email: cool@example.com,     domain: example.com}\n      - input: source('seed_sources', 'top_level_domains')\n        rows:\n        - {domain: example.com}\n        - {domain: gmail.com}\n    expect:\n      rows:\n        - {id: 1, is_valid_email_address: false}\n" },
  snapshots: { 'snapshot_users.sql': "\n{% snapshot snapshot_users %}\n\n    {{\n        config(\n            target_database=var('target_database', database),\n            target_schema=schema,\n            unique_key='id || ' ~ \"'-'\" ~ ' || first_name',\n            strategy='check',\n            check_cols=['email'],\n        )\n    }}\n    select *, splitByChar('@', email)[2] as domain from {{ schema }}.raw_customers\n\n{% endsnapshot %}\n" },
};

describe('unit_testing (dbt-core tests/functional/unit_testing)', () => {
  it('test_ut_diffing TestUnitTestingDiffIsOrderAgnostic: six unit tests pass whatever the row order, NULLs included', async () => {
    const p = dbtProject({
      models: { 'my_input_model.sql': "SELECT 1 as id, 'some string' as status\n", 'my_model.sql': 'SELECT * FROM {{ ref("my_input_model") }}\n', 'test_my_model.yml': ORDER_INSENSITIVE },
    });
    await p.dbt(['run']);
    const results = (await p.dbt(['test', '--select', 'my_model'])).results;
    expect(results.map((r) => [r.unique_id.split('.').at(-1), r.status]).sort()).toEqual(
      ['ordered_with_nulls', 'unordered_no_nulls', 'unordered_with_null', 'unordered_with_nulls', 'unordered_with_nulls_2', 'unordered_with_nulls_mixed_columns'].map((n) => [n, 'pass']),
    );
  });

  it.skipIf(!SHARED_PACKAGES)('test_ut_overrides TestUnitTestingMacroOverrides: global, dbt., project and package macros overridden', async () => {
    const p = dbtProject({
      models: { 'my_model_with_macros.sql': MY_MODEL_WITH_MACROS, 'test_my_model_with_macros.yml': TEST_MY_MODEL_WITH_MACROS },
      macros: { 'my_macro.sql': '{% macro my_macro() -%}\n  {{ test }}\n{%- endmacro %}\n' },
      files: { 'packages.yml': `packages:\n  - local: ${join(SHARED_PACKAGES, 'dbt_utils')}\n` },
    });
    await p.dbt(['deps']);
    const results = (await p.dbt(['test', '--select', 'my_model_with_macros'])).results;
    expect(results.map((r) => r.status)).toEqual(['pass']);
  });
  it("an override of dbt.current_timestamp is the global current_timestamp too (dbt's propagation), a global override wins", async () => {
    const p = dbtProject({
      models: {
        'm.sql': 'SELECT {{ current_timestamp() }} as g, {{ dbt.current_timestamp() }} as d, {{ dbt.type_int() }} as t\n',
        'unit.yml':
          'unit_tests:\n  - name: dbt_to_global\n    model: m\n    overrides:\n      macros:\n        dbt.current_timestamp: "\'x\'"\n        type_int: "\'g\'"\n        dbt.type_int: "\'d\'"\n    given: []\n    expect:\n      rows:\n        - {g: x, d: x, t: g}\n',
      },
    });
    const results = (await p.dbt(['test', '--select', 'm'])).results;
    expect(results.map((r) => r.status)).toEqual(['pass']);
  });
  it('test_unit_testing TestUnitTestIncrementalModelBasic: is_incremental overrides, `this` as an input', async () => {
    const p = dbtProject({ models: { 'my_incremental_model.sql': INCREMENTAL, 'events.sql': EVENTS, 'schema.yml': INCREMENTAL_BASIC } });
    expect((await p.dbt(['run'])).results).toHaveLength(2);
    const results = (await p.dbt(['test', '--select', 'my_incremental_model'])).results;
    expect(results.map((r) => r.status)).toEqual(['pass', 'pass']);
  });

  for (const [cls, yml, message] of [
    ['TestUnitTestIncrementalModelNoOverride', incrementalCase('incremental_false', '', false), "Boolean override for 'is_incremental' must be provided for unit test 'incremental_false' in model 'my_incremental_model'"],
    ['TestUnitTestIncrementalModelWrongOverride', incrementalCase('incremental_false', 'foobar', false), "Boolean override for 'is_incremental' must be provided for unit test 'incremental_false' in model 'my_incremental_model'"],
    ['TestUnitTestIncrementalModelNoThisInput', incrementalCase('incremental_true', 'true', false), "Unit test 'incremental_true' for incremental model 'my_incremental_model' must have a 'this' input"],
  ] as const) {
    it(`test_unit_testing ${cls}: parse fails with dbt's message`, async () => {
      const p = dbtProject({ models: { 'my_incremental_model.sql': INCREMENTAL, 'events.sql': EVENTS, 'schema.yml': yml } });
      const r = await p.dbt(['parse'], { expectPass: false });
      expect(r.out.join('\n')).toContain(message);
    });
  }

  it('test_unit_testing TestUnitTestImplicitSeed: a seed input without rows reads the seed file', async () => {
    const p = dbtProject({
      seeds: { 'my_favorite_seed.csv': 'id,a\n1,5\n2,4\n3,3\n4,2\n5,1\n' },
      models: {
        'my_new_model.sql': "select\nmy_favorite_seed.id,\na + b as c\nfrom {{ ref('my_favorite_seed') }} as my_favorite_seed\ninner join {{ ref('my_favorite_model') }} as my_favorite_model\non my_favorite_seed.id = my_favorite_model.id\n",
        'my_favorite_model.sql': 'select\n2 as id,\n3 as b\n',
        'schema.yml': "unit_tests:\n  - name: t\n    model: my_new_model\n    given:\n      - input: ref('my_favorite_seed')\n      - input: ref('my_favorite_model')\n        rows:\n          - {id: 1, b: 2}\n    expect:\n      rows:\n        - {id: 1, c: 7}\n",
      },
    });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect((await p.dbt(['test', '--select', 'my_new_model'])).results.map((r) => r.status)).toEqual(['pass']);
  });

  it('test_ut_sources TestUnitTestSourceInput: a source input; build runs 5 nodes, a failing unit test skips its model', async () => {
    const p = dbtProject({ seeds: { 'raw_customers.csv': RAW_CUSTOMERS }, models: { 'customers.sql': "select * from {{ source('seed_sources', 'raw_customers') }}\n", 'sources.yml': SOURCES_YML } });
    await p.dbt(['seed']);
    await p.dbt(['run']);
    expect((await p.dbt(['test', '--select', 'test_type:unit'])).results).toHaveLength(1);
    const build = (await p.dbt(['build'])).results;
    expect(build).toHaveLength(5);
    expect(build.map((r) => r.unique_id)).toContain('unit_test.test.customers.test_customers');
    p.write({ 'models/sources.yml': SOURCES_YML + FAILING_UNIT_TEST });
    const failed = (await p.dbt(['build'], { expectPass: false })).results;
    expect(failed).toHaveLength(6);
    const status = Object.fromEntries(failed.map((r) => [r.unique_id, r.status]));
    expect(status['model.test.customers']).toBe('skipped');
    expect(status['unit_test.test.customers.fail_test_customers']).toBe('fail');
  });
  it("test_unit_testing TestUnitTestNonexistentSeed: dbt's \"Unable to find seed 'test.my_second_favorite_seed' for unit tests\"", async () => {
    const p = dbtProject({
      seeds: { 'my_favorite_seed.csv': 'id,a\n1,5\n' },
      models: {
        'my_new_model.sql': "select\nmy_favorite_seed.id,\na + b as c\nfrom {{ ref('my_favorite_seed') }} as my_favorite_seed\ninner join {{ ref('my_favorite_model') }} as my_favorite_model\non my_favorite_seed.id = my_favorite_model.id\n",
        'my_favorite_model.sql': 'select\n2 as id,\n3 as b\n',
        'schema.yml': "unit_tests:\n  - name: t\n    model: my_new_model\n    given:\n      - input: ref('my_second_favorite_seed')\n      - input: ref('my_favorite_model')\n        rows:\n          - {id: 1, b: 2}\n    expect:\n      rows:\n        - {id: 1, c: 7}\n",
      },
    });
    const r = await p.dbt(['test', '--select', 'my_new_model'], { expectPass: false });
    expect(r.out.join('\n')).toContain("Unable to find seed 'test.my_second_favorite_seed' for unit tests");
  });
  for (const [name, yml] of [['format: sql', SQL_FORMAT_YML], ['dict rows', ORIG_FORMAT_YML]] as const) {
    it(`test_sql_format TestSQLFormat (${name}): build runs 7 nodes, the unit test passes`, async () => {
      const p = dbtProject({ seeds: WIZARDS.seeds, models: { ...WIZARDS.models, 'schema.yml': yml } });
      const results = (await p.dbt(['build'])).results;
      expect(results).toHaveLength(7);
      expect(results.find((r) => r.unique_id.startsWith('unit_test.'))?.status).toBe('pass');
    });
  }
  for (const [cls, files] of [
    ['TestUnitTestsInlineCSVEmptyValueIsNull', { 'models/test_my_model_csv_null.yml': CSV.test_my_model_csv_null_yml }],
    ['TestUnitTestsFileCSVEmptyValueIsNull', { 'models/test_my_model_file_csv_null.yml': CSV.test_my_model_file_csv_null_yml, 'tests/fixtures/test_my_model_a_with_null_fixture.csv': CSV.test_my_model_a_with_null_fixture_csv }],
  ] as const) {
    it(`test_csv_fixtures ${cls}: an empty csv value is NULL`, async () => {
      const p = dbtProject({ models: { 'my_model_a.sql': CSV.my_model_a_sql, 'my_model_check_null.sql': CSV.my_model_check_null_sql }, files });
      expect((await p.dbt(['run'])).results).toHaveLength(2);
      expect((await p.dbt(['test', '--select', 'my_model_check_null'])).results.map((r) => r.status)).toEqual(['pass']);
    });
  }

  it('test_csv_fixtures TestUnitTestsMissingCSVFile / TestUnitTestsDuplicateCSVFile: run fails at parse', async () => {
    const models = { 'my_model.sql': CSV.my_model_sql, 'my_model_a.sql': CSV.my_model_a_sql, 'my_model_b.sql': CSV.my_model_b_sql };
    const missing = dbtProject({ models: { ...models, 'test_my_model.yml': CSV.test_my_model_missing_csv_yml } });
    const m = await missing.dbt(['run'], { expectPass: false });
    expect(m.code).toBe(2);
    expect(m.out.join('\n')).toContain("fake_fixture");
    const duplicate = dbtProject({
      models: { ...models, 'test_my_model.yml': CSV.test_my_model_duplicate_csv_yml },
      tests: { 'fixtures/one-folder/test_my_model_basic_fixture.csv': CSV.test_my_model_basic_fixture_csv, 'fixtures/another-folder/test_my_model_basic_fixture.csv': CSV.test_my_model_basic_fixture_csv },
    });
    const d = await duplicate.dbt(['run'], { expectPass: false });
    expect(d.code).toBe(2);
    expect(d.out.join("\n")).toContain("dbt found two fixtures with the name \"test_my_model_basic_fixture\"");
  });
  it('test_ut_ephemeral TestUnitTestEphemeralInput: a nested ephemeral model as a sql-format input', async () => {
    const yml = "unit_tests:\n  - name: test_customers\n    model: customers\n    given:\n      - input: ref('nested_ephemeral_model')\n        format: sql\n        rows: |\n          select 1 as id, 'Emily' as first_name\n    expect:\n      rows:\n        - {id: 1, first_name: Emily}\n";
    const failing = "  - name: fail_test_customers\n    model: customers\n    given:\n      - input: ref('nested_ephemeral_model')\n        format: sql\n        rows: |\n          select 1 as id, 'Emily' as first_name\n    expect:\n      rows:\n        - {id: 1, first_name: Joan}\n";
    const p = dbtProject({
      models: {
        'customers.sql': "select * from {{ ref('nested_ephemeral_model') }}\n",
        'ephemeral_model.sql': '{{ config(materialized="ephemeral") }}\nselect 1 as id, \'Emily\' as first_name\n',
        'nested_ephemeral_model.sql': '{{ config(materialized="ephemeral") }}\nselect * from {{ ref(\'ephemeral_model\') }}\n',
        'tests.yml': yml,
      },
    });
    await p.dbt(['run']);
    expect((await p.dbt(['test', '--select', 'test_type:unit'])).results).toHaveLength(1);
    const build = (await p.dbt(['build'])).results;
    expect(build.map((r) => r.unique_id).sort()).toEqual(['model.test.customers', 'unit_test.test.customers.test_customers']);
    p.write({ 'models/tests.yml': yml + failing });
    const failed = (await p.dbt(['build'], { expectPass: false })).results;
    expect(failed).toHaveLength(3);
    const status = Object.fromEntries(failed.map((r) => [r.unique_id, r.status]));
    expect(status['model.test.customers']).toBe('skipped');
    expect(status['unit_test.test.customers.fail_test_customers']).toBe('fail');
  });
  it('test_ut_snapshot_dependency TestUnitTestSnapshotDependency: a snapshot as an input; build skips the model after a failing unit test', async () => {
    const p = dbtProject(SNAPSHOT_DEPENDENCY);
    await p.dbt(['seed']);
    await p.dbt(['snapshot']);
    await p.dbt(['run']);
    expect((await p.dbt(['test', '--select', 'test_name:test_is_valid_email_address'])).results.map((r) => r.status)).toEqual(['pass']);
    expect((await p.dbt(['test', '--select', 'test_name:fail_is_valid_email_address'], { expectPass: false })).results.map((r) => r.status)).toEqual(['fail']);
    const build = (await p.dbt(['build'], { expectPass: false })).results;
    expect(build).toHaveLength(6);
    const status = Object.fromEntries(build.map((r) => [r.unique_id, r.status]));
    expect(status['unit_test.test.customers.fail_is_valid_email_address']).toBe('fail');
    expect(['pass', 'skipped']).toContain(status['unit_test.test.customers.test_is_valid_email_address']);
    expect(status['model.test.customers']).toBe('skipped');
  });
});
