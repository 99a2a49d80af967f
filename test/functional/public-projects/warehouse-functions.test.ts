import { describe, expect, it } from 'vitest';
import { expectStatuses, openedPerTest, queryRows } from '../../helpers/inline-project.js';

/*
 * Functions Postgres, Snowflake, Redshift and DuckDB projects call that ClickHouse lacks by name
 * (execute/dbt-semantics/function-names.ts): built unmodified, with those warehouses' answers.
 */
const setup = openedPerTest();

describe("functions of dbt's warehouses ClickHouse lacks by name", () => {
  it("try_cast(x as date): the date written, NULL for a day or month that does not exist or other text (tuva's default__try_to_cast_date)", async () => {
    const { p: ip, project: p } = setup({
      'models/dates.sql': `select s, try_cast(s as date) as d, try_cast(null as date) as n, try_cast(toDateTime('2020-05-06 10:00:00') as date) as from_ts
from (select arrayJoin(['2024-02-28', '2024-02-30', '2023-02-29', '2024-02-29', '2024-13-01', ' 2024-1-5 ', 'x', '']) as s)`,
    });
    expectStatuses(await p.build(), { dates: 'success' });
    expect(await queryRows(p, `select s, toString(d) as d, n, toString(from_ts) as from_ts from ${ip.schema}.dates order by s`)).toEqual([
      { s: '', d: null, n: null, from_ts: '2020-05-06' },
      { s: ' 2024-1-5 ', d: '2024-01-05', n: null, from_ts: '2020-05-06' },
      { s: '2023-02-29', d: null, n: null, from_ts: '2020-05-06' },
      { s: '2024-02-28', d: '2024-02-28', n: null, from_ts: '2020-05-06' },
      { s: '2024-02-29', d: '2024-02-29', n: null, from_ts: '2020-05-06' },
      { s: '2024-02-30', d: null, n: null, from_ts: '2020-05-06' },
      { s: '2024-13-01', d: null, n: null, from_ts: '2020-05-06' },
      { s: 'x', d: null, n: null, from_ts: '2020-05-06' },
    ]);
  });
  it('builds md5, split_part, strpos, count_if, bool_or, bool_and, nvl, iff, len, sha2, dateadd with a quoted part, to_char with a date template and try_cast with their answers elsewhere', async () => {
    const { p: ip, project: p } = setup({
      'seeds/users.csv': 'id,email,active,name\n1,ann@a.com,true,Zoë\n2,bob@b.org,false,Bob\n3,cy@b.org,,Élodie\n',
      'models/user_keys.sql': `select
    id,
    md5(cast(id as varchar)) as user_key,
    split_part(email, '@', 2) as domain,
    split_part(email, '@', 3) as past_the_end,
    strpos(email, '@') as at_sign,
    nvl(active, false) as known_active,
    iff(active, 'yes', 'no') as active_text,
    len(name) as name_length,
    sha2(email) as email_sha256,
    sha2(email, 224) as email_sha224,
    toString(dateadd('month', id, toDate('2024-01-31'))) as month_later,
    toString(dateadd('dd', -id, toDate('2024-03-01'))) as days_before
from {{ ref('users') }}`,
      'models/parsed.sql': `select s,
    try_cast(s as integer) as as_int,
    try_cast(s as float) as as_float,
    try_cast(s as numeric(5, 1)) as as_decimal,
    try_cast(s as varchar) as as_text
from (select arrayJoin([' 12 ', '1.25', 'abc', '123456', '-7']) as s)`,
      // try_cast of a number (DuckDB, Databricks): the number cast, not its text read as an integer (NULL for 12.7).
      'models/numbers_cast.sql': `select f, try_cast(f as integer) as f_int, try_cast(d as bigint) as d_int, try_cast(f as smallint) as f_small
from (select arrayJoin([12.7, -2.4, 3.0, 1e10]) as f, toDecimal64(f, 2) as d)`,
      'models/date_texts.sql': `select
    to_char(ts, 'YYYY-MM-DD HH24:MI:SS') as iso,
    to_char(ts, 'Mon YYYY') as month_year,
    to_char(ts, 'FMMonth DD, YYYY') as long_date,
    to_char(ts, 'Day') || '|' as padded_day,
    to_varchar(ts, 'yyyy-mm') as year_month,
    to_char(ts, 'YYYY"Q"Q') as quarter,
    to_char(ts, 'HH12:MI AM DY') as clock
from (select toDateTime('2024-01-05 13:04:09') as ts)`,
      'models/domains.sql': `select
    split_part(email, '@', 2) as domain,
    count_if(active) as n_active,
    bool_or(active) as any_active,
    bool_and(active) as all_active
from {{ ref('users') }}
group by 1`,
    });
    expectStatuses(await p.build(), { users: 'success', user_keys: 'success', domains: 'success', parsed: 'success', date_texts: 'success', numbers_cast: 'success' });
    expect(await queryRows(p, `select f, f_int, toString(d_int) as d_int, f_small from ${ip.schema}.numbers_cast order by f`)).toEqual([
      { f: -2.4, f_int: -2, d_int: '-2', f_small: -2 },
      { f: 3, f_int: 3, d_int: '3', f_small: 3 },
      { f: 12.7, f_int: 13, d_int: '13', f_small: 13 },
      { f: 1e10, f_int: null, d_int: '10000000000', f_small: null },
    ]);
    expect(await queryRows(p, `select id, user_key, domain, past_the_end, toInt32(at_sign) as at_sign, known_active, active_text, toInt32(name_length) as name_length, email_sha256, email_sha224, month_later, days_before from ${ip.schema}.user_keys order by id`)).toEqual([
      { id: 1, user_key: 'c4ca4238a0b923820dcc509a6f75849b', domain: 'a.com', past_the_end: '', at_sign: 4, known_active: true, active_text: 'yes', name_length: 3, email_sha256: '23010d54e7e0990afd235d34eb4d3ed27cfa1a66acc9950b867965e680db7991', email_sha224: 'b442d187de3162261c912d4dc64c3063ec0c8c9fc74ab83197e57b31', month_later: '2024-02-29', days_before: '2024-02-29' },
      { id: 2, user_key: 'c81e728d9d4c2f636f067f89cc14862c', domain: 'b.org', past_the_end: '', at_sign: 4, known_active: false, active_text: 'no', name_length: 3, email_sha256: '9da2e0663c7070ec05354f02680c234bd94fe0adda071e3442a8e237fc94420a', email_sha224: 'f80fc2f78d54f7c0a6b26140e12ba2b7d91d4c2a88730e28adcf0f0c', month_later: '2024-03-31', days_before: '2024-02-28' },
      { id: 3, user_key: 'eccbc87e4b5ce2fe28308fd9f2a7baf3', domain: 'b.org', past_the_end: '', at_sign: 3, known_active: false, active_text: 'no', name_length: 6, email_sha256: '32a909f0237c62f5cba3440ebb4db52d4155bb20217ad7127080655f5bb0a7a9', email_sha224: 'd91af846e42c87fc368c5ca4a9ef33dec60b075d219f61390b7205ca', month_later: '2024-04-30', days_before: '2024-02-27' },
    ]);
    // Snowflake's try_cast: NULL where the text is no such number, rounded at the scale, NULL past numeric(5, 1)'s 4 integer digits.
    expect(await queryRows(p, `select s, as_int, as_float, toString(as_decimal) as as_decimal, as_text from ${ip.schema}.parsed order by s`)).toEqual([
      { s: ' 12 ', as_int: 12, as_float: 12, as_decimal: '12', as_text: ' 12 ' },
      { s: '-7', as_int: -7, as_float: -7, as_decimal: '-7', as_text: '-7' },
      { s: '1.25', as_int: null, as_float: 1.25, as_decimal: '1.3', as_text: '1.25' },
      { s: '123456', as_int: 123456, as_float: 123456, as_decimal: null, as_text: '123456' },
      { s: 'abc', as_int: null, as_float: null, as_decimal: null, as_text: 'abc' },
    ]);
    // Postgres' answers for timestamp '2024-01-05 13:04:09' (a Friday).
    expect(await queryRows(p, `select * from ${ip.schema}.date_texts`)).toEqual([
      { iso: '2024-01-05 13:04:09', month_year: 'Jan 2024', long_date: 'January 05, 2024', padded_day: 'Friday   |', year_month: '2024-01', quarter: '2024Q1', clock: '01:04 PM FRI' },
    ]);
    expect(await queryRows(p, `select domain, toInt32(n_active) as n_active, any_active, all_active from ${ip.schema}.domains order by domain`)).toEqual([
      { domain: 'a.com', n_active: 1, any_active: true, all_active: true },
      { domain: 'b.org', n_active: 0, any_active: false, all_active: false },
    ]);
  });
  it('stddev / variance of one value are NULL (not NaN), median is the exact middle, also over a window', async () => {
    const { p: ip, project: p } = setup({
      'models/stats.sql': `select g,
    stddev(x) as sd,
    stddev(distinct x) as sd_distinct,
    variance(x) filter (where x > 1) as var_over_1,
    coalesce(variance(x), 0) as var_or_0,
    median(x) as med,
    approx_count_distinct(x) as distinct_x
from (select arrayJoin([(1, 10), (1, 10), (2, 1), (2, 2), (2, 3), (2, 10)]) as r, r.1 as g, r.2 as x)
group by g`,
      'models/date_median.sql': `select median(d) as med, toTypeName(median(d)) as t, median(n) as med_n from (select arrayJoin([toDate('2024-01-01'), toDate('2024-01-03')]) as d, toNullable(toDateTime('2024-01-01 00:00:00') + toDayOfMonth(d)) as n)`,
      'models/decimal_median.sql': `select median(amount) as med from (select arrayJoin([1.01, 1.02]) :: numeric(18, 2) as amount)`,
      // Past a Float64's 15–17 digits the middle values are still exact (Snowflake's median of a NUMBER is exact).
      'models/big_decimal_median.sql': `select median(amount) as med from (select arrayJoin(['12345678901234567.89', '12345678901234567.91', '1000000000000000000000.50', '5']) :: numeric(38, 2) as amount)`,
      'models/stats_window.sql': `select g, x, stddev(x) over (partition by g) as sd, median(x) over (partition by g) as med
from (select arrayJoin([(1, 10), (2, 1), (2, 4)]) as r, r.1 as g, r.2 as x)`,
    });
    expectStatuses(await p.build(), { stats: 'success', stats_window: 'success', date_median: 'success', decimal_median: 'success', big_decimal_median: 'success' });
    // A median of numeric(18, 2) is a decimal with 3 more digits of scale, as Snowflake's: 1.015 exactly (not a Float64, nor 1.01499).
    expect(await queryRows(p, `select toString(med) as m, toTypeName(med) as t from ${ip.schema}.decimal_median`)).toEqual([{ m: '1.015', t: 'Nullable(Decimal(21, 5))' }]);
    expect(await queryRows(p, `select toString(med) as m, toTypeName(med) as t from ${ip.schema}.big_decimal_median`)).toEqual([{ m: '12345678901234567.9', t: 'Nullable(Decimal(41, 5))' }]);
    // A median of dates is a date (the middle one), as ClickHouse's own median kept it — not a Float64 of days.
    expect(await queryRows(p, `select toString(med) as med, t, toString(med_n) as med_n from ${ip.schema}.date_median`)).toEqual([
      { med: '2024-01-02', t: 'Nullable(Date)', med_n: '2024-01-01 00:00:02' },
    ]);
    // g 1 holds 10 twice: its stddev is 0, of its one distinct value NULL (Postgres), as is the variance of one value over 1.
    expect(await queryRows(p, `select g, sd, sd_distinct, var_over_1, var_or_0, med, distinct_x from ${ip.schema}.stats order by g`)).toEqual([
      { g: 1, sd: 0, sd_distinct: null, var_over_1: 0, var_or_0: 0, med: 10, distinct_x: '1' },
      { g: 2, sd: Math.sqrt(50 / 3), sd_distinct: Math.sqrt(50 / 3), var_over_1: 19, var_or_0: 50 / 3, med: 2.5, distinct_x: '4' },
    ]);
    expect(await queryRows(p, `select g, x, sd, med from ${ip.schema}.stats_window order by g, x`)).toEqual([
      { g: 1, x: 10, sd: null, med: 10 },
      { g: 2, x: 1, sd: Math.sqrt(4.5), med: 2.5 },
      { g: 2, x: 4, sd: Math.sqrt(4.5), med: 2.5 },
    ]);
  });

  it("Postgres' ~, ~*, !~ and SIMILAR TO (syntax errors on ClickHouse) build with Postgres' answers", async () => {
    const { p: ip, project: p } = setup({
      'models/mail_checks.sql': `select s,
    s ~ '^[a-z]+@' as lower_user,
    s ~* '^[a-z]+@' as any_user,
    s !~ '\\.org$' as not_org,
    s similar to '%@%.(com|org)' as similar_mail,
    s not similar to '_%@%' as no_at
from (select arrayJoin([toNullable('ann@a.com'), 'Bob@B.org', 'cy.b.org', 'a@bxcom', NULL]) as s)
where s is null or s ~* '[a-z]'`,
    });
    expectStatuses(await p.build(), { mail_checks: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.mail_checks order by s`)).toEqual([
      { s: 'Bob@B.org', lower_user: 0, any_user: 1, not_org: 0, similar_mail: 1, no_at: 0 },
      { s: 'a@bxcom', lower_user: 1, any_user: 1, not_org: 1, similar_mail: 0, no_at: 0 },
      { s: 'ann@a.com', lower_user: 1, any_user: 1, not_org: 1, similar_mail: 1, no_at: 0 },
      { s: 'cy.b.org', lower_user: 0, any_user: 0, not_org: 0, similar_mail: 0, no_at: 1 },
      { s: null, lower_user: null, any_user: null, not_org: null, similar_mail: null, no_at: null },
    ]);
  });

  it('to_date / to_timestamp (a template, an epoch, a text) and log(b, x) build with the answers of Postgres and Snowflake', async () => {
    const { p: ip, project: p } = setup({
      'models/parsed_dates.sql': `select s,
    to_date(s, 'MM/DD/YYYY') as d,
    to_timestamp(s || ' 3:04:05 PM', 'MM/DD/YYYY HH12:MI:SS AM') as ts,
    to_date(to_timestamp(epoch)) as epoch_day,
    to_timestamp(epoch) as epoch_ts,
    to_timestamp(epoch * 1000, 3) as epoch_ms_ts,
    log(2, epoch) > 30 as big,
    log(10, 1000) as three
from (select arrayJoin([('1/5/2024', 1700000000.5), ('12/31/1960', 0)]) as r, r.1 as s, r.2 as epoch)`,
    });
    expectStatuses(await p.build(), { parsed_dates: 'success' });
    expect(await queryRows(p, `select s, toString(d) as d, toString(ts) as ts, toString(epoch_day) as epoch_day, toString(epoch_ts) as epoch_ts, toString(epoch_ms_ts) as epoch_ms_ts, big, three from ${ip.schema}.parsed_dates order by d`)).toEqual([
      { s: '12/31/1960', d: '1960-12-31', ts: '1960-12-31 15:04:05.000000', epoch_day: '1970-01-01', epoch_ts: '1970-01-01 00:00:00.000000', epoch_ms_ts: '1970-01-01 00:00:00.000000', big: 0, three: 3 },
      { s: '1/5/2024', d: '2024-01-05', ts: '2024-01-05 15:04:05.000000', epoch_day: '2023-11-14', epoch_ts: '2023-11-14 22:13:20.500000', epoch_ms_ts: '2023-11-14 22:13:20.500000', big: 1, three: 3 },
    ]);
    // A date is a Date32 (1960 kept), a timestamp Postgres' microseconds.
    expect(await queryRows(p, `select toTypeName(d) as dt, toTypeName(ts) like 'DateTime64(6%' as tt from ${ip.schema}.parsed_dates limit 1`)).toEqual([{ dt: 'Date32', tt: 1 }]);
  });

  it("date parts as Snowflake and Redshift spell them (date_trunc(month, d), 'mm', date_part(year, d), dayofweek, dayofyear) give their answers", async () => {
    const { p: ip, project: p } = setup({
      // 2024-01-07 is a Sunday: Snowflake's, Redshift's and Postgres' day of the week 0, its ISO one 7.
      'models/parts.sql': `select
    toString(date_trunc(month, d)) as month_start,
    toString(DATE_TRUNC('mm', ts)) as month_start_ts,
    toString(date_trunc('yyyy', d)) as year_start,
    date_part(year, d) as y,
    date_part('dayofweek', d) as dow,
    extract(dayofweekiso from d) as isodow,
    EXTRACT(DAYOFYEAR FROM ts) as doy,
    date_part(weekday, ts) as weekday,
    extract(y from d) as y2,
    extract(hour from ts) as h
from (select toDate('2024-01-07') as d, toDateTime('2024-01-07 10:11:12') as ts)`,
    });
    expectStatuses(await p.build(), { parts: 'success' });
    expect(await queryRows(p, `select month_start, month_start_ts, year_start, toInt32(y) as y, toInt32(dow) as dow, toInt32(isodow) as isodow, toInt32(doy) as doy, toInt32(weekday) as weekday, toInt32(y2) as y2, toInt32(h) as h from ${ip.schema}.parts`)).toEqual([
      // (a timestamp truncated to a month stays a timestamp, as on Postgres and Snowflake)
      { month_start: '2024-01-01', month_start_ts: '2024-01-01 00:00:00', year_start: '2024-01-01', y: 2024, dow: 0, isodow: 7, doy: 7, weekday: 0, y2: 2024, h: 10 },
    ]);
  });

  it('date_trunc of a timestamp to a week, month, quarter or year stays a timestamp (ClickHouse makes a Date), its time zone and scale kept; a date stays a date', async () => {
    const { p: ip, project: p } = setup({
      // dbt.date_trunc renders date_trunc('month', …) as on Postgres; 2024-02-15 is a Thursday (its ISO week starts Monday 12th).
      'models/events.sql': `select toDateTime('2024-02-15 13:04:09', 'America/New_York') as at, toDateTime64('2024-05-15 13:04:09.250', 6) as at64, toDate('2024-02-15') as day, cast(NULL as Nullable(DateTime)) as never
union all select toDateTime('2024-02-03 00:00:01', 'America/New_York'), toDateTime64('2024-05-01 00:00:00', 6), toDate('2024-02-01'), toDateTime('2024-02-03 00:00:01')`,
      'models/truncated.sql': `select
    {{ dbt.date_trunc('month', 'at') }} as month_start,
    date_trunc('week', at) as week_start,
    date_trunc(quarter, at64) as quarter_start,
    DATE_TRUNC('yyyy', at64) as year_start,
    date_trunc('month', day) as day_month,
    date_trunc('month', never) as never_month,
    date_trunc('day', at) as day_start,
    cast(date_trunc('month', at) as varchar) as month_text
from {{ ref('events') }}`,
      'models/monthly.sql': `select date_trunc('month', at) as month, count(*) as n from {{ ref('events') }} group by date_trunc('month', at)`,
      // Of an aggregate (a cohort's first month): toTypeName(min(at)) is no constant there, a CAST to it was refused. (min/max are NULL over no rows, as dbt's warehouses.)
      'models/cohorts.sql': `select date_trunc('month', min(at)) as first_month, date_trunc('year', max(at64)) as last_year, date_trunc('month', max(day)) as last_day_month,
    extract(epoch from max(at) - min(at)) as span from {{ ref('events') }}`,
    });
    expectStatuses(await p.build(), { events: 'success', truncated: 'success', monthly: 'success', cohorts: 'success' });
    expect(await queryRows(p, `select toString(first_month) as f, toTypeName(first_month) as ft, toString(last_year) as l, toTypeName(last_year) as lt, toString(last_day_month) as d, toTypeName(last_day_month) as dt, span from ${ip.schema}.cohorts`)).toEqual([
      { f: '2024-02-01 00:00:00', ft: "Nullable(DateTime('America/New_York'))", l: '2024-01-01 00:00:00.000000', lt: 'Nullable(DateTime64(6))', d: '2024-02-01', dt: 'Nullable(Date)', span: 1083848 },
    ]);
    expect(await queryRows(p, `select name, type from system.columns where database = '${ip.schema}' and table = 'truncated' order by position`)).toEqual([
      { name: 'month_start', type: "DateTime('America/New_York')" },
      { name: 'week_start', type: "DateTime('America/New_York')" },
      { name: 'quarter_start', type: 'DateTime64(6)' },
      { name: 'year_start', type: 'DateTime64(6)' },
      { name: 'day_month', type: 'Date' },
      { name: 'never_month', type: 'Nullable(DateTime)' },
      { name: 'day_start', type: "DateTime('America/New_York')" },
      { name: 'month_text', type: 'String' },
    ]);
    expect(await queryRows(p, `select toString(month_start) as m, toString(week_start) as w, toString(quarter_start) as q, toString(year_start) as y, toString(day_month) as dm, toString(never_month) as nm, month_text from ${ip.schema}.truncated order by m, nm`)).toEqual([
      { m: '2024-02-01 00:00:00', w: '2024-01-29 00:00:00', q: '2024-04-01 00:00:00.000000', y: '2024-01-01 00:00:00.000000', dm: '2024-02-01', nm: '2024-02-01 00:00:00', month_text: '2024-02-01 00:00:00' },
      { m: '2024-02-01 00:00:00', w: '2024-02-12 00:00:00', q: '2024-04-01 00:00:00.000000', y: '2024-01-01 00:00:00.000000', dm: '2024-02-01', nm: null, month_text: '2024-02-01 00:00:00' },
    ]);
    expect(await queryRows(p, `select toString(month) as m, toInt32(n) as n, toTypeName(monthly.month) as t from ${ip.schema}.monthly`)).toEqual([
      { m: '2024-02-01 00:00:00', n: 2, t: "DateTime('America/New_York')" },
    ]);
  });

  it("Snowflake's decode, try_to_number, try_to_double, add_months, to_timestamp_ntz, getdate, sysdate, uuid_string and Postgres' btrim, string_to_array, div, gen_random_uuid build with their answers", async () => {
    const { p: ip, project: p } = setup({
      'models/more.sql': `select
    k,
    decode(k, 1, 'one', 2, 'two', NULL, 'none', 'many') as k_name,
    decode(k, 1, 'one') as one_or_null,
    toString(try_to_number(s)) as n,
    toString(try_to_decimal(s, 10, 2)) as n2,
    try_to_double(s) as f,
    toString(add_months(d, 1)) as next_month,
    toString(to_timestamp_ntz('2024-01-07 10:11:12')) as ts,
    dateDiff('minute', getdate(), sysdate()) < 1 as clocks,
    btrim('  a  ') as trimmed,
    btrim('xxaxx', 'x') as trimmed_x,
    string_to_array('a,b,c', ',') as parts,
    div(-7, 2) as quotient,
    length(toString(gen_random_uuid())) + length(uuid_string()) as uuid_lengths
from (select arrayJoin([1, 2, 3, NULL]) as k, arrayJoin(['12.345']) as s, arrayJoin([toDate('2024-02-29')]) as d
      union all select 4, 'abc', toDate('2024-01-15'))`,
    });
    expectStatuses(await p.build(), { more: 'success' });
    const rows = await queryRows<Record<string, unknown>>(p, `select k, k_name, one_or_null, n, n2, f, next_month, ts, toBool(clocks) as clocks, trimmed, trimmed_x, parts, toInt32(quotient) as quotient, toInt32(uuid_lengths) as uuid_lengths from ${ip.schema}.more order by k nulls last`);
    const same = { ts: '2024-01-07 10:11:12.000000', clocks: true, trimmed: 'a', trimmed_x: 'a', parts: ['a', 'b', 'c'], quotient: -3, uuid_lengths: 72 };
    expect(rows).toEqual([
      { k: 1, k_name: 'one', one_or_null: 'one', n: '12', n2: '12.35', f: 12.345, next_month: '2024-03-31', ...same },
      { k: 2, k_name: 'two', one_or_null: null, n: '12', n2: '12.35', f: 12.345, next_month: '2024-03-31', ...same },
      { k: 3, k_name: 'many', one_or_null: null, n: '12', n2: '12.35', f: 12.345, next_month: '2024-03-31', ...same },
      { k: 4, k_name: 'many', one_or_null: null, n: null, n2: null, f: null, next_month: '2024-02-15', ...same },
      { k: null, k_name: 'none', one_or_null: null, n: '12', n2: '12.35', f: 12.345, next_month: '2024-03-31', ...same },
    ]);
  });

  it('extract(day|hour|minute|second from ts1 - ts2) is the interval\'s part, as on Postgres (ClickHouse refused the seconds); a date minus days keeps its day', async () => {
    const { p: ip, project: p } = setup({
      'models/spans.sql': `select
    extract(day from b - a) as days, extract(hour from (b - a)) as hours, date_part('minute', b - a) as minutes, extract(second from b - a) as seconds,
    extract(day from a - b) as neg_days, date_part('hour', a - b) as neg_hours,
    extract(day from b64 - a64) as days64, extract(second from b64 - a64) as seconds64,
    extract(day from d - n) as day_of_month, extract(epoch from b - a) as epoch,
    extract(day from d - da) as date_days, date_part('hour', d - da) as date_hours
from (select toDateTime('2024-01-10 05:07:09') as b, toDateTime('2024-01-07 00:00:00') as a,
      toDateTime64('2024-01-10 05:07:09.5', 3) as b64, toDateTime64('2024-01-07 00:00:00', 3) as a64, toDate('2024-01-10') as d, 3 as n, toDate('2024-01-07') as da)`,
    });
    expectStatuses(await p.build(), { spans: 'success' });
    expect(await queryRows(p, `select toInt32(days) as days, toInt32(hours) as hours, toInt32(minutes) as minutes, toInt32(seconds) as seconds, toInt32(neg_days) as neg_days, toInt32(neg_hours) as neg_hours, toInt32(days64) as days64, toInt32(seconds64) as seconds64, toInt32(day_of_month) as day_of_month, toInt32(epoch) as epoch, toInt32(date_days) as date_days, toInt32(date_hours) as date_hours from ${ip.schema}.spans`)).toEqual([
      { days: 3, hours: 5, minutes: 7, seconds: 9, neg_days: -3, neg_hours: -5, days64: 3, seconds64: 9, day_of_month: 7, epoch: 277629, date_days: 3, date_hours: 0 },
    ]);
  });

  it("extract(epoch from …) / date_part('epoch', …) keep a timestamp's fraction, a difference's sign and times before 1970, as on Postgres (ClickHouse's UInt32 wrapped a negative span)", async () => {
    const { p: ip, project: p } = setup({
      'models/epochs.sql': `select
    extract(epoch from started - ended) as back_span,
    extract(epoch from (ended - started)) / 3600 as hours,
    extract(epoch from ended64 - started64) as span64,
    extract(epoch from ended64) as at64,
    date_part('epoch', old) as before_1970,
    date_part(epoch_second, old) as before_1970_seconds,
    extract(epoch from day) as day_epoch,
    extract(epoch from ended) as whole,
    extract(epoch from never) as never
from (select toDateTime('2024-01-05 13:04:09', 'UTC') as ended, toDateTime('2024-01-03 10:00:00', 'UTC') as started,
      toDateTime64('2024-01-05 13:04:09.25', 3, 'UTC') as ended64, toDateTime64('2024-01-03 10:00:00.5', 3, 'UTC') as started64,
      toDateTime64('1960-01-01 00:00:00.25', 6, 'UTC') as old, toDate('2024-01-05') as day, cast(NULL as Nullable(DateTime('UTC'))) as never)`,
    });
    expectStatuses(await p.build(), { epochs: 'success' });
    // Postgres: extract(epoch from timestamptz '2024-01-05 13:04:09.25+00') = 1704459849.25, from '1960-01-01 00:00:00.25+00' = -315619199.75.
    expect(await queryRows(p, `select * from ${ip.schema}.epochs`)).toEqual([
      { back_span: -183849, hours: 51.06916666666667, span64: 183848.75, at64: 1704459849.25, before_1970: -315619199.75, before_1970_seconds: '-315619200', day_epoch: 1704412800, whole: 1704459849, never: null },
    ]);
  });

  it('text functions count characters, as on Postgres and Snowflake: lower/upper/initcap of accented letters, substring/left/right/lpad/rpad/position/strpos in characters', async () => {
    const { p: ip, project: p } = setup({
      'seeds/people.csv': 'id,name,city\n1,ÉLODIE,zürich\n2,Zoë,São Paulo\n3,bob,\n',
      'models/texts.sql': `select
    id,
    lower(name) as lower_name,
    upper(city) as upper_city,
    initcap(lower(name)) as initcap_name,
    left(name, 3) as left3,
    right(name, 2) as right2,
    substr(name, 2, 2) as mid,
    substring(city from 2 for 3) as city_mid,
    lpad(name, 7, '*') as padded,
    rpad(name, 7) || '|' as right_padded,
    position('ë' in name) as e_at,
    strpos(coalesce(city, ''), 'P') as p_at
from {{ ref('people') }}`,
    });
    expectStatuses(await p.build(), { people: 'success', texts: 'success' });
    // Postgres' answers (UTF-8 database).
    expect(await queryRows(p, `select id, lower_name, upper_city, initcap_name, left3, right2, mid, city_mid, padded, right_padded, toInt32(e_at) as e_at, toInt32(p_at) as p_at from ${ip.schema}.texts order by id`)).toEqual([
      { id: 1, lower_name: 'élodie', upper_city: 'ZÜRICH', initcap_name: 'Élodie', left3: 'ÉLO', right2: 'IE', mid: 'LO', city_mid: 'üri', padded: '*ÉLODIE', right_padded: 'ÉLODIE |', e_at: 0, p_at: 0 },
      { id: 2, lower_name: 'zoë', upper_city: 'SÃO PAULO', initcap_name: 'Zoë', left3: 'Zoë', right2: 'oë', mid: 'oë', city_mid: 'ão ', padded: '****Zoë', right_padded: 'Zoë    |', e_at: 3, p_at: 5 },
      { id: 3, lower_name: 'bob', upper_city: null, initcap_name: 'Bob', left3: 'bob', right2: 'ob', mid: 'ob', city_mid: null, padded: '****bob', right_padded: 'bob    |', e_at: 0, p_at: 0 },
    ]);
  });

  it("round() of a float tie is away from zero, on the number's decimal text (Postgres' numeric, Snowflake, BigQuery)", async () => {
    const { p: ip, project: p } = setup({
      'models/rounded.sql': `select x, round(x) as r0, round(x, 2) as r2, round(d, 1) as d1
from (select arrayJoin([2.5, -2.5, 0.125, 0.285, 1.005, 3.14159]) as x, toDecimal64(2.45, 2) as d)`,
      'models/rounded_avg.sql': `select round(avg(n)) as avg_0, round(100.0 * sum(n) / 4, 0) as pct, round(7) as seven from (select arrayJoin([2, 3]) as n)`,
      // Integers rounded to tens or hundreds past their type's range: ClickHouse wrapped (120, 4, 0, -2147483640).
      'models/rounded_ints.sql': `select toString(round(i8, -1)) as i8_tens, toString(round(u8, -1)) as u8_tens, toString(round(i8, -2)) as i8_hundreds,
    toString(round(i32, -1)) as i32_tens, toString(round(i64, -1)) as i64_tens, toString(round(max(i8), -1)) as max_tens, toString(round(n, -1)) as null_tens
from (select toInt8(-125) as i8, toUInt8(255) as u8, toInt32(2147483647) as i32, toInt64(9223372036854775807) as i64, cast(null as Nullable(Int16)) as n)
group by i8, u8, i32, i64, n`,
    });
    expectStatuses(await p.build(), { rounded: 'success', rounded_avg: 'success', rounded_ints: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.rounded_ints`)).toEqual([
      { i8_tens: '-130', u8_tens: '260', i8_hundreds: '-100', i32_tens: '2147483650', i64_tens: '9223372036854775810', max_tens: '-130', null_tens: null },
    ]);
    expect(await queryRows(p, `select x, r0, r2, toString(d1) as d1 from ${ip.schema}.rounded order by x`)).toEqual([
      { x: -2.5, r0: -3, r2: -2.5, d1: '2.5' },
      { x: 0.125, r0: 0, r2: 0.13, d1: '2.5' },
      { x: 0.285, r0: 0, r2: 0.29, d1: '2.5' },
      { x: 1.005, r0: 1, r2: 1.01, d1: '2.5' },
      { x: 2.5, r0: 3, r2: 2.5, d1: '2.5' },
      { x: 3.14159, r0: 3, r2: 3.14, d1: '2.5' },
    ]);
    expect(await queryRows(p, `select avg_0, pct, seven, toTypeName(avg_0) as t from ${ip.schema}.rounded_avg`)).toEqual([{ avg_0: 3, pct: 125, seven: 7, t: 'Nullable(Float64)' }]);
  });

  it("Snowflake's zeroifnull, nullifzero, div0, nvl2, contains, startswith, date_from_parts, charindex, array_size, square and Postgres' regexp_replace(…, 'g') build with their answers", async () => {
    const { p: ip, project: p } = setup({
      'models/snowflake_helpers.sql': String.raw`select
    zeroifnull(n) as zero_for_null,
    nullifzero(z) as null_for_zero,
    div0(1, z) as div_by_zero,
    div0(7, 2) as seven_halves,
    nvl2(n, 'set', 'unset') as nvl2_text,
    contains(s, 'b') as has_b,
    startswith(s, 'ab') as starts_ab,
    toString(date_from_parts(2024, 13, 0)) as eve_of_2025,
    toString(make_date(1960, 2, 29)) as leap_1960,
    charindex('b', s, 3) as second_b,
    array_size([1, 2, 3]) as three,
    square(z + 3) as nine,
    regexp_replace(s, '(\d)', '<\1>', 'g') as digits_marked,
    regexp_replace(s, 'B', '-', 'i') as first_b_dashed,
    toString(to_number('12.5')) as rounded_number,
    toString(to_decimal('2.345', 10, 2)) as rounded_decimal,
    toString(to_number('12,454.8-', '99G999D9S')) as pg_signed,
    toString(to_number('$1,234.56', 'L9G999D99')) as pg_currency,
    toString(to_number('<1,234>', '9,999PR')) as pg_brackets,
    toString(to_decimal('-$12,345.678', 'S$99,999.999', 10, 2)) as sf_rounded,
    toString(to_number(nullIf(s, s), '999.99')) as null_text
from (select cast(NULL as Nullable(Int32)) as n, 0 as z, 'ab1cb2' as s)`,
    });
    expectStatuses(await p.build(), { snowflake_helpers: 'success' });
    expect(await queryRows(p, `select * from ${ip.schema}.snowflake_helpers`)).toEqual([
      { zero_for_null: 0, null_for_zero: null, div_by_zero: 0, seven_halves: 3.5, nvl2_text: 'unset', has_b: 1, starts_ab: 1, eve_of_2025: '2024-12-31', leap_1960: '1960-02-29', second_b: '5', three: '3', nine: 9, digits_marked: 'ab<1>cb<2>', first_b_dashed: 'a-1cb2', rounded_number: '13', rounded_decimal: '2.35',
        pg_signed: '-12454.8', pg_currency: '1234.56', pg_brackets: '-1234', sf_rounded: '-12345.68', null_text: null },
    ]);
  });

  it("casts to Postgres', Snowflake's and BigQuery's type names ClickHouse lacks (::timestamptz, ::int8, as string, ::number(38, 2)) build", async () => {
    const { p: ip, project: p } = setup({
      'models/cast_names.sql': `select
    '2024-01-05 10:00:00.5'::timestamptz as ts,
    '9000000000'::int8 as big,
    cast('1.5' as float8) as f,
    cast(12 as string) as s,
    '2.345'::number(38, 2) as n
from (select 1)`,
    });
    expectStatuses(await p.build(), { cast_names: 'success' });
    expect(await queryRows(p, `select toString(ts) as ts, toString(big) as big, f, s, toString(n) as n from ${ip.schema}.cast_names`)).toEqual([
      { ts: '2024-01-05 10:00:00.500000', big: '9000000000', f: 1.5, s: '12', n: '2.35' },
    ]);
  });
});
