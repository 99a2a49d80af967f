import { describe, expect, it } from 'vitest';
import { callsUserFunctionName, warehouseFunctionNames } from '../../../packages/core/src/execute/dbt-semantics/function-names.js';

describe("functions dbt's warehouses share and ClickHouse lacks by name (execute/dbt-semantics/function-names.ts)", () => {
  it('writes md5, split_part, strpos, count_if, bool_or and bool_and as the ClickHouse functions with the same answers', () => {
    expect(warehouseFunctionNames("select md5(concat(a, '-', b)) as id, SPLIT_PART(email, '@', 2) as domain, strpos(s, 'x') as p from t")).toBe(
      "select lower(hex(MD5(concat(a, '-', b)))) as id, splitByString('@', email)[2] as domain, positionUTF8(s, 'x') as p from t",
    );
    expect(warehouseFunctionNames('select count_if(x > 1), bool_or(flag), bool_and(flag) over (partition by k) from t group by k')).toBe(
      'select countIf(x > 1), maxOrNull(toBool(flag)), minOrNull(toBool(flag)) over (partition by k) from t group by k',
    );
    expect(warehouseFunctionNames("select NVL(a, 0), iff(b > 1, 'x', 'y'), boolor_agg(f), booland_agg(f) from t")).toBe(
      "select coalesce(a, 0), if(b > 1, 'x', 'y'), maxOrNull(toBool(f)), minOrNull(toBool(f)) from t",
    );
    expect(warehouseFunctionNames("select len(name), LEN(trim(x)), sha2(email), SHA2(email, 512), sha2(x, 0), sha2(x, n) from t")).toBe(
      'select lengthUTF8(name), lengthUTF8(trim(x)), lower(hex(SHA256(email))), lower(hex(SHA512(email))), lower(hex(SHA256(x))), sha2(x, n) from t',
    );
    expect(warehouseFunctionNames("select dateadd('day', 1, d), DATEADD('MM', -1, d), timestampadd('hours', 2, ts), dateadd(day, 1, d), date_add(d, interval 1 day), dateadd('fortnight', 1, d) from t")).toBe(
      "select dateadd(day, 1, d), DATEADD(month, -1, d), timestampadd(hour, 2, ts), dateadd(day, 1, d), date_add(d, interval 1 day), dateadd('fortnight', 1, d) from t",
    );
    expect(warehouseFunctionNames("select to_char(d, 'YYYY-MM'), to_varchar(ts, 'Mon YYYY'), to_char(d, 'FMMonth'), to_char(n, '999D99'), to_char(n), to_char(d, 'WW') from t")).toBe(
      "select formatDateTime(d, '%Y-%m'), concat(formatDateTime(ts, '%b'), formatDateTime(ts, ' %Y')), formatDateTime(d, '%M'), to_char(n, '999D99'), to_char(n), to_char(d, 'WW') from t",
    );
    expect(warehouseFunctionNames("select try_cast(amount as integer), TRY_CAST(cast(x as String) AS float), try_cast(s as varchar), try_cast(d as date), try_cast(f(a, b) as numeric(10, 2)) from t")).toBe(
      "select if(match(toTypeName(amount), 'String'), accurateCastOrNull(trimBoth(toString(amount)), 'integer'), accurateCastOrNull(toInt256(round(accurateCastOrNull(trimBoth(toString(amount)), 'Decimal(76, 38)'), 0)), 'integer')), accurateCastOrNull(trimBoth(toString(cast(x as String))), 'Float64'), toString(s), if(match(toTypeName(d), 'String'), if(match(trimBoth(toString(d)), '^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$') AND toYear(accurateCastOrNull(trimBoth(toString(d)), 'Date32')) = toInt64OrZero(splitByChar('-', trimBoth(toString(d)))[1]) AND toMonth(accurateCastOrNull(trimBoth(toString(d)), 'Date32')) = toInt64OrZero(splitByChar('-', trimBoth(toString(d)))[2]) AND toDayOfMonth(accurateCastOrNull(trimBoth(toString(d)), 'Date32')) = toInt64OrZero(splitByChar('-', trimBoth(toString(d)))[3]), accurateCastOrNull(trimBoth(toString(d)), 'Date32'), NULL), accurateCastOrNull(d, 'Date32')), " +
        "accurateCastOrNull(if(abs(round(accurateCastOrNull(trimBoth(toString(f(a, b))), 'Decimal(76, 38)'), 2)) < toDecimal256('100000000', 0), round(accurateCastOrNull(trimBoth(toString(f(a, b))), 'Decimal(76, 38)'), 2), NULL), 'Decimal(10, 2)') from t",
    );
    // nested: the inner call written first
    expect(warehouseFunctionNames("select md5(split_part(md5(x), 'a', 1)) from t")).toBe("select lower(hex(MD5(splitByString('a', lower(hex(MD5(x))))[1]))) from t");
  });

  it('sample statistics are NULL for one value, median is exact, approx_count_distinct and every have ClickHouse names', () => {
    expect(warehouseFunctionNames('select g, stddev(x) as s, VARIANCE(x) as v, var_samp(x) over (partition by g) as w, stddev_samp(x) over w2 from t group by g')).toBe(
      'select g, if(count(x) > 1, stddevSamp(x), NULL) as s, if(count(x) > 1, varSamp(x), NULL) as v, if(count(x) OVER (partition by g) > 1, varSamp(x) OVER (partition by g), NULL) as w, if(count(x) OVER w2 > 1, stddevSamp(x) OVER w2, NULL) from t group by g',
    );
    // empty-aggregates.ts' OrNull comes first: the count makes a statistic over no rows NULL too.
    expect(warehouseFunctionNames('select stddevOrNull(x), medianOrNull(y), MEDIAN(z) over (partition by g), approx_count_distinct(u), every(b) from t')).toBe(
      "select if(count(x) > 1, stddevSamp(x), NULL), CAST(if(toTypeName(assumeNotNull(y)) LIKE 'Decimal(%', toString((toDecimal256OrNull(toString(quantileExactLow(0.5)(if(toTypeName(assumeNotNull(y)) LIKE 'Decimal(%', toNullable(y), NULL))), toUInt8(least(76, toUInt32OrZero(extract(toTypeName(assumeNotNull(y)), ', (\\\\d+)\\\\)$')) + 3))) + toDecimal256OrNull(toString(quantileExactHigh(0.5)(if(toTypeName(assumeNotNull(y)) LIKE 'Decimal(%', toNullable(y), NULL))), toUInt8(least(76, toUInt32OrZero(extract(toTypeName(assumeNotNull(y)), ', (\\\\d+)\\\\)$')) + 3)))) / 2), toString(CAST(quantileExactInclusive(0.5)(if(toTypeName(assumeNotNull(y)) LIKE 'Decimal(%', NULL, toNullable(toFloat64(y)))), if(toTypeName(assumeNotNull(y)) LIKE '%Date%', concat('Nullable(', toTypeName(assumeNotNull(y)), ')'), 'Nullable(Float64)')))), if(toTypeName(assumeNotNull(y)) LIKE 'Decimal(%', concat('Nullable(Decimal(', toString(least(76, toUInt32OrZero(extract(toTypeName(assumeNotNull(y)), '^Decimal\\\\((\\\\d+)')) + 3)), ', ', toString(least(76, toUInt32OrZero(extract(toTypeName(assumeNotNull(y)), ', (\\\\d+)\\\\)$')) + 3)), '))'), if(toTypeName(assumeNotNull(y)) LIKE '%Date%', concat('Nullable(', toTypeName(assumeNotNull(y)), ')'), 'Nullable(Float64)'))), quantileExactInclusive(0.5)(toNullable(toFloat64(z))) over (partition by g), uniq(u), minOrNull(toBool(b)) from t",
    );
    for (const sql of ['select stddevSamp(x), varSamp(x), t.median(x) from t']) expect(warehouseFunctionNames(sql)).toBe(sql);
    // DISTINCT, FILTER and OVER go to the count too.
    expect(warehouseFunctionNames('select stddev(x) filter (where x > 0), stddev(distinct x), variance(DISTINCT x) FILTER (WHERE k = 1) over (partition by g) from t')).toBe(
      'select if(count(x) FILTER (where x > 0) > 1, stddevSamp(x) FILTER (where x > 0), NULL), if(count(distinct x) > 1, stddevSamp(distinct x), NULL), if(count(DISTINCT x) FILTER (WHERE k = 1) OVER (partition by g) > 1, varSamp(DISTINCT x) FILTER (WHERE k = 1) OVER (partition by g), NULL) from t',
    );
  });

  it("leaves ClickHouse's MD5, qualified names, columns, strings and comments alone", () => {
    for (const sql of ["select MD5(x), t.md5(x), md5, 'md5(x)' from t -- split_part(a, b, 1)", 'select split_part(a, b) from t']) expect(warehouseFunctionNames(sql)).toBe(sql);
  });

  it("writes to_date / to_timestamp with a template in ClickHouse's Joda syntax, epochs and texts as DateTime64(6), log(b, x) by its base", () => {
    expect(warehouseFunctionNames("select to_date(s, 'YYYY-MM-DD'), TO_DATE(s, 'dd-Mon-yyyy'), to_date(ts), to_date('2024-01-05'), to_timestamp(s, 'MM/DD/YYYY HH12:MI:SS AM'), to_timestamp(s, 'YYYY-MM-DD\"T\"HH24:MI'), to_timestamp(s, 'yyyy-MM-dd HH:mm:ss') from t")).toBe(
      "select toDate32(parseDateTime64InJodaSyntax(s, 'yyyy-M-d')), toDate32(parseDateTime64InJodaSyntax(s, 'd-MMM-yyyy')), toDate32(toDateTime64(ts, 6)), toDate32(toDateTime64('2024-01-05', 6)), toDateTime64(parseDateTime64InJodaSyntax(s, 'M/d/yyyy h:m:s a'), 6), toDateTime64(parseDateTime64InJodaSyntax(s, 'yyyy-M-d\\'T\\'H:m'), 6), toDateTime64(parseDateTime64InJodaSyntax(s, 'yyyy-MM-dd HH:mm:ss'), 6) from t",
    );
    expect(warehouseFunctionNames('select to_timestamp(epoch), to_timestamp(ms, 3), to_timestamp(x, 0), log(2, x), LOG(10, x), log(b, x + 1), log(x) from t')).toBe(
      'select toDateTime64(epoch, 6), toDateTime64((ms) / 1e3, 6), toDateTime64(x, 6), log2(x), log10(x), (log(x + 1) / log(b)), log(x) from t',
    );
    // Fractions of seconds, time zones and day names are left as written (ClickHouse reads '.5' for 'SSS' as 5 ms).
    for (const sql of ["select to_timestamp(s, 'YYYY-MM-DD HH24:MI:SS.MS'), to_date(s, 'Dy YYYY-MM-DD'), to_timestamp(s, 'YYYY-MM-DD TZH'), to_timestamp(s, fmt) from t"])
      expect(warehouseFunctionNames(sql)).toBe(sql);
  });

  it("writes Snowflake's zeroifnull, nullifzero, div0, nvl2, contains, startswith, date_from_parts, charindex, array_size, square and Postgres' regexp_replace flags", () => {
    expect(warehouseFunctionNames("select zeroifnull(a), NULLIFZERO(b), div0(a, b), div0null(a, b), nvl2(a, 'x', 'y'), contains(s, 'b'), startswith(s, 'a'), startsWith(s, 'a'), ENDSWITH(s, 'z') from t")).toBe(
      "select coalesce(a, 0), nullIf(b, 0), if((b) = 0, 0, (a) / (b)), if(coalesce((b) = 0, true), 0, (a) / (b)), if((a) IS NOT NULL, 'x', 'y'), (position(s, 'b') > 0), startsWith(s, 'a'), startsWith(s, 'a'), endsWith(s, 'z') from t",
    );
    expect(warehouseFunctionNames("select to_number(s), TO_DECIMAL(s, 10, 2), to_numeric(s, 5), to_number(s, '999.99') from t")).toBe(
      "select CAST(s AS Decimal(38, 0)), CAST(s AS Decimal(10, 2)), CAST(s AS Decimal(5, 0)), CAST(concat(if(match(toString(s), '^[[:space:]]*<|-'), '-', ''), replaceRegexpAll(toString(s), '[^0-9.]', '')) AS Decimal(38, 2)) from t",
    );
    // A format: its scale (Postgres) unless p, s are given (Snowflake); elements other than digits, point, groups, sign, currency, FM left as written.
    expect(warehouseFunctionNames("select to_decimal(s, 'L9G999D99', 10, 1), TO_NUMBER(s, 'FM999PR'), to_number(s, '99V9'), to_number(s, 'TM9') from t")).toBe(
      "select CAST(concat(if(match(toString(s), '^[[:space:]]*<|-'), '-', ''), replaceRegexpAll(toString(s), '[^0-9.]', '')) AS Decimal(10, 1)), CAST(concat(if(match(toString(s), '^[[:space:]]*<|-'), '-', ''), replaceRegexpAll(toString(s), '[^0-9.]', '')) AS Decimal(38, 0)), to_number(s, '99V9'), to_number(s, 'TM9') from t",
    );
    expect(warehouseFunctionNames('select date_from_parts(y, m, d), make_date(2024, 1, 5), charindex(sub, s), charindex(sub, s, 3), array_size([1, 2]), square(x) from t')).toBe(
      'select addDays(addMonths(makeDate32(y, 1, 1), (m) - 1), (d) - 1), addDays(addMonths(makeDate32(2024, 1, 1), (1) - 1), (5) - 1), positionUTF8(s, sub), positionUTF8(s, sub, 3), length([1, 2]), pow(x, 2) from t',
    );
    // Postgres' literals keep their backslashes ('\d' is backslash-d there); without 'g' only the first match is replaced.
    expect(warehouseFunctionNames(String.raw`select regexp_replace(s, '(\d)', '<\1>', 'g'), regexp_replace(s, 'x', '-', 'i'), regexp_replace(s, p, r, 'gi'), regexp_replace(s, 'x', '-', 1), regexp_replace(s, 'x', '-'), regexp_replace(s, 'x', '-', 'n') from t`)).toBe(
      String.raw`select replaceRegexpAll(s, '(\\d)', '<\\1>'), replaceRegexpOne(s, '(?i)x', '-'), replaceRegexpAll(s, concat('(?i)', p), r), replaceRegexpAll(s, 'x', '-'), regexp_replace(s, 'x', '-'), regexp_replace(s, 'x', '-', 'n') from t`,
    );
  });

  it("leaves a call of the warehouse's own function of that very name as written (a project's UDF); another case, and ClickHouse's own names, are still rewritten", () => {
    const own = new Set(['contains', 'nvl', 'median', 'md5']);
    expect(warehouseFunctionNames("select contains(tags, 'b'), CONTAINS(s, 'b'), nvl(a, 0), NVL(a, 0), md5(x), square(x), median(x) from t", own)).toBe(
      "select contains(tags, 'b'), (position(s, 'b') > 0), nvl(a, 0), coalesce(a, 0), md5(x), pow(x, 2), " + warehouseFunctionNames('median(x)') + ' from t',
    );
    // Whether a listing of the server's functions is needed: a call of a name a user function may have (not log, median, stddev…).
    expect([callsUserFunctionName('select nvl(a, 1)'), callsUserFunctionName('select SPLIT_PART(a, 1)'), callsUserFunctionName('select log(10, x), median(x), stddev(x), round(x)'), callsUserFunctionName('select nvl2x(a), mynvl(a), t.nvl(a)'), callsUserFunctionName("select 'nvl(a)' -- every (a, b)\n")]).toEqual([true, true, false, false, false]);
  });

  it("spells Snowflake's and Redshift's date parts as ClickHouse takes them, and leaves the ones it takes as written", () => {
    expect(warehouseFunctionNames("select date_trunc(month, d), DATE_TRUNC('mm', d), date_trunc('week', d), date_part(year, d), date_part('dayofweek', d), DATEPART('y', d), date_part('year', d), extract(dayofweek from d), EXTRACT(DAYOFYEAR FROM ts), extract(year from d), extract(s, '[0-9]+'), date_part(dow_iso, d) from t")).toBe(
      "select if(0, d, dateTrunc('month', d)), if(0, d, dateTrunc('month', d)), if(0, d, dateTrunc('week', d)), date_part('year', d), date_part('dow', d), date_part('year', d), date_part('year', d), extract(dow from d), EXTRACT(doy FROM ts), extract(year from d), extract(s, '[0-9]+'), date_part('isodow', d) from t",
    );
  });

  it("writes Snowflake's decode with a NULL-matching search, and leaves Postgres' two-argument decode alone", () => {
    expect(warehouseFunctionNames("select decode(k, 1, 'one', NULL, 'none', 'many'), decode(k, 1, 'one'), decode(b, 'base64') from t")).toBe(
      "select multiIf(((k) = (1) OR ((k) IS NULL AND (1) IS NULL)), 'one', ((k) = (NULL) OR ((k) IS NULL AND (NULL) IS NULL)), 'none', 'many'), multiIf(((k) = (1) OR ((k) IS NULL AND (1) IS NULL)), 'one', NULL), decode(b, 'base64') from t",
    );
  });

  it('writes extract(day|hour|minute|second from a - b) as the interval part when the difference is a number, and leaves a date minus days or an interval alone', () => {
    const out = warehouseFunctionNames("select extract(day from now() - created_at), date_part('hour', (b - a)), extract(day from d - 7), extract(day from ts - interval 1 day), extract(day from a - b - c), extract(epoch from b - a) from t");
    expect(out).toContain("multiIf(toTypeName(now() - created_at) LIKE '%Int%' OR toTypeName(now() - created_at) LIKE 'Decimal%', toInt64(trunc(toFloat64(now() - created_at) * if((toTypeName(now()) LIKE '%Date%' AND toTypeName(now()) NOT LIKE '%DateTime%') AND (toTypeName(created_at) LIKE '%Date%' AND toTypeName(created_at) NOT LIKE '%DateTime%'), 86400, 1) / 86400)), toDayOfMonth(toDateTime64(now() - created_at, 6)))");
    expect(out).toContain("toInt64(trunc(toFloat64(b - a) * if((toTypeName(b) LIKE '%Date%' AND toTypeName(b) NOT LIKE '%DateTime%') AND (toTypeName(a) LIKE '%Date%' AND toTypeName(a) NOT LIKE '%DateTime%'), 86400, 1) / 3600)) % 24, toHour(toDateTime64(b - a, 6)))");
    expect(out).toContain("extract(day from d - 7), extract(day from ts - interval 1 day), extract(day from a - b - c), multiIf(match(toTypeName(b - a), '^(Nullable[(])?(U?Int|Decimal|Float)'), toFloat64(b - a) * if(");
  });

  it("writes extract(epoch …) / date_part('epoch', …) as the signed seconds with their fraction, Snowflake's epoch_second whole", () => {
    expect(warehouseFunctionNames("select extract(epoch from ts), date_part('epoch', ts), DATE_PART(epoch_second, ts), extract(year from ts) from t")).toBe(
      "select multiIf(match(toTypeName(ts), '^(Nullable[(])?(U?Int|Decimal|Float)'), toFloat64(ts), toUnixTimestamp64Micro(toDateTime64(ts, 6, 'UTC')) / 1000000), " +
        "multiIf(match(toTypeName(ts), '^(Nullable[(])?(U?Int|Decimal|Float)'), toFloat64(ts), toUnixTimestamp64Micro(toDateTime64(ts, 6, 'UTC')) / 1000000), " +
        "toInt64(floor(multiIf(match(toTypeName(ts), '^(Nullable[(])?(U?Int|Decimal|Float)'), toFloat64(ts), toUnixTimestamp64Micro(toDateTime64(ts, 6, 'UTC')) / 1000000))), extract(year from ts) from t",
    );
  });

  it("writes date(x) as to_date(x), a Date32 that keeps days before 1970, and BigQuery's date(y, m, d) as date_from_parts", () => {
    expect(warehouseFunctionNames("select date(created_at), DATE('1960-05-01'), date(2024, 2, 29), date(ts, 'UTC'), date_day, x.date(y) from t")).toBe(
      "select toDate32(toDateTime64(created_at, 6)), toDate32(toDateTime64('1960-05-01', 6)), addDays(addMonths(makeDate32(2024, 1, 1), (2) - 1), (29) - 1), date(ts, 'UTC'), date_day, x.date(y) from t",
    );
  });

  it('leaves date(x) as ClickHouse\'s Date for a table that stores it so (clickhouseDates: stored-dates.ts)', () => {
    expect(warehouseFunctionNames('select date(created_at), date(2024, 2, 29), nvl(a, b) from t', undefined, true)).toBe(
      'select date(created_at), addDays(addMonths(makeDate32(2024, 1, 1), (2) - 1), (29) - 1), coalesce(a, b) from t',
    );
  });
});
