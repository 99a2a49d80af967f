import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest } from '../../helpers/inline-project.js';

/*
 * Constructs of fivetran/dbt_greenhouse (integration_tests, run unmodified: docs/public-projects.md)
 * that failed on ClickHouse, reproduced minimally.
 */
const setup = openedPerTest();

const SEEDS = {
  'seeds/candidate.csv': 'candidate_id,name\n1,Ann\n2,Bob\n3,Cy\n',
  'seeds/phone_number.csv': 'candidate_id,phone\n1,555\n2,556\n',
  'seeds/email_address.csv': 'candidate_id,email\n1,a@x\n3,c@x\n',
};

// As int_greenhouse__candidate_contacts: an ephemeral model whose CTE selects `candidate.*` over joins
// (ClickHouse names the star's candidate_id `candidate.candidate_id`: every other table has one).
const CONTACTS = `with candidate as (select * from {{ ref('candidate') }}),
phones as (select candidate_id, phone from {{ ref('phone_number') }}),
emails as (select candidate_id, email from {{ ref('email_address') }}),
join_candidate_info as (
    select
        candidate.*,
        phones.phone as phone,
        emails.email as email
    from candidate
    left join phones on candidate.candidate_id = phones.candidate_id
    left join emails on candidate.candidate_id = emails.candidate_id
)
select * from join_candidate_info`;

describe('fivetran/dbt_greenhouse constructs', () => {
  it("data tests of an ephemeral model whose CTE joins a t.*: the inlined CTE's columns keep dbt's names (Unknown expression identifier before)", async () => {
    const { project: p } = setup({
      ...SEEDS,
      'models/int_candidate_contacts.sql': `{{ config(materialized='ephemeral') }}\n${CONTACTS}`,
      'models/schema.yml': `version: 2
models:
  - name: int_candidate_contacts
    columns:
      - name: candidate_id
        data_tests: [unique, not_null]
`,
      // a singular test with such a CTE of its own
      'tests/contacts_have_a_name.sql': `with joined as (
    select candidate.*, phones.phone
    from {{ ref('candidate') }} as candidate
    left join {{ ref('phone_number') }} as phones on candidate.candidate_id = phones.candidate_id
    left join {{ ref('email_address') }} as emails on candidate.candidate_id = emails.candidate_id
)
select candidate_id from joined where name is null`,
    });
    const result = await p.build();
    expectStatuses(result, {
      candidate: 'success',
      phone_number: 'success',
      email_address: 'success',
      unique_int_candidate_contacts_candidate_id: 'pass',
      not_null_int_candidate_contacts_candidate_id: 'pass',
      contacts_have_a_name: 'pass',
    });
    expect(result.results.filter((r) => r.status !== 'success' && r.status !== 'pass')).toEqual([]);
  });
});
