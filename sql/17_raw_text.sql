-- What analysts call on raw text columns and service timestamps, and what a
-- claim without a date of service gets (issue #15)
SET client_min_messages = warning;
CREATE TEMP TABLE raw_claims (id int, code text, dos date, service_at timestamptz);
INSERT INTO raw_claims VALUES
    (1, 'J1100', '2024-03-01', '2024-03-01 10:15+00'),
    (2, 'e0110 ', '2024-03-01', '2024-03-01 23:59+00'),
    (3, '99213', '2024-03-01', '2024-03-01 08:00+00'),
    (4, 'J110', '2024-03-01', '2024-03-01 08:00+00'),
    (5, '99213-25', '2024-03-01', NULL),
    (6, 'G0438', NULL, NULL),
    (7, NULL, '2024-03-01', '2024-03-01 08:00+00');

-- describe(), code_system() and in_set() on text: NULL (or false, for
-- in_set) for text that is not a code, never an error
SELECT id, code, describe(code, dos) AS description, code_system(code) AS system,
       in_set(code, 'hcpcs:J') AS j_code, in_set(code, 'cpt:evaluation-management') AS em
FROM raw_claims ORDER BY id;
-- The same answers as on medcode
SELECT bool_and(describe(code, dos) IS NOT DISTINCT FROM describe(to_medcode(code), dos)
                AND code_system(code) IS NOT DISTINCT FROM code_system(to_medcode(code))) AS same
FROM raw_claims WHERE to_medcode(code) IS NOT NULL;
-- A misspelt set name is an error on text that is no code too
SELECT in_set('J110', 'hcpcs:jj');
SELECT in_set(NULL::text, 'hcpcs:J') IS NULL AS null_is_null;

-- valid() on a service timestamp: the date part; timestamptz in the
-- session's time zone (C9034's last day is 2018-12-31; 23:59 UTC that day is
-- already 2019 in Tokyo)
SELECT id, valid(code, service_at) AS on_timestamptz, valid(code, service_at::timestamp) AS on_timestamp,
       valid(to_medcode(code), service_at) AS medcode_on_timestamptz
FROM raw_claims WHERE id IN (1, 2, 4) ORDER BY id;
SET TIME ZONE 'Asia/Tokyo';
SELECT valid('C9034'::medcode, timestamptz '2018-12-31 23:59+00') AS tokyo_2019,
       valid('C9034', timestamptz '2018-12-31 23:59+00') AS text_tokyo_2019,
       valid('C9034'::medcode, timestamp '2018-12-31 23:59') AS local_2018;
RESET TIME ZONE;
-- valid(code, '2024-03-01'): a date literal reads the same as a date
SELECT valid('J1100', '2024-03-01') = valid('J1100', date '2024-03-01') AS literal_same;

-- invalid_reason() with no date of service: "no date", so WHERE
-- invalid_reason(code, dos) IS NULL counts only the valid claims
SELECT id, invalid_reason(code, dos) AS reason, invalid_reason(to_medcode(code), dos) AS medcode_reason
FROM raw_claims ORDER BY id;
SELECT count(*) FILTER (WHERE invalid_reason(code, dos) IS NULL) AS counted_valid,
       count(*) FILTER (WHERE valid(code, dos)) AS valid
FROM raw_claims WHERE code IS NOT NULL;

-- code_status() says why text is no code in the input error's words
SELECT input, reason, detail
FROM unnest(ARRAY['99213-25', E'J1100\u00a0', 'J110', '', '9921X']) input,
     LATERAL code_status(input, '2024-03-01') s
ORDER BY input;
SELECT '99213-25'::medcode;
-- A D code is not loaded until a CDT list is: the detail names CDT, the
-- system its loader takes (it said HCPCS)
SELECT reason, detail FROM code_status('D0120', '2024-03-01');
SELECT reason, detail LIKE 'no release covering CDT codes (family D) was loaded by release %' AS names_cdt
FROM code_status('D0120', '2024-03-01', (SELECT max(release_id) FROM codeset.release WHERE source = 'codeset'));

-- DROP EXTENSION refuses while a user column is a medcode (with CASCADE it
-- would drop the column and its data, as doc/codeset.md says)
CREATE TEMP TABLE dba_claims (code medcode, allowed medcodeset);
DROP EXTENSION codeset;
DROP TABLE dba_claims;

-- medcode_repair(): what claim feeds do to codes, undone where one reading
-- only is possible, and said; otherwise NULL and why (never a guess)
SELECT input, (r).code, (r).modifiers, (r).repairs, (r).reason
FROM (SELECT input, medcode_repair(input) AS r
      FROM unnest(ARRAY['J1100', E'J1100\u00a0', ' j1100jw ', '9921325', '99213-25-59', E'e0110\u202fRT',
                        '110', '100', '12345678', '', 'J110', '99213.0']) WITH ORDINALITY u(input, n)
      ORDER BY n) s;
-- An integer column of codes: the repair path (100 would be 00100, an
-- anesthesia code, known once a CPT list is loaded)
BEGIN;
SELECT status FROM codeset.load_code_list_data(convert_to(E'code\n00100\n99213\n', 'UTF8'), 'cpt.csv', 'CPT', '2032-01-01');
SELECT code_int, (medcode_repair(code_int::text)).code, (medcode_repair(code_int::text)).repairs
FROM unnest(ARRAY[100, 99213, 101]) code_int;
ROLLBACK;

-- How far the loaded releases reach: H, S and T codes were last covered by
-- the October 2025 CMS file, the other Level II letters by Addendum B
-- 2026 Q2; past_data() says whether a date of service lies past that
SELECT family, code_system, first_release, last_release, releases, sources, exact_from, current_through
FROM codeset.coverage WHERE family IN ('A', 'J', 'H', 'S', 'T', 'D', 'modifier') ORDER BY family;
SELECT past_data('J1100', '2026-06-30') AS j_june, past_data('J1100', '2026-07-01') AS j_july,
       past_data('S0012', '2025-12-31') AS s_december, past_data('S0012', '2026-01-15') AS s_january,
       past_data('99213', '2026-01-15') AS cpt_not_loaded;

-- Families more than two quarters behind a date: on 2026-06-15 (2026 Q2)
-- the H, S, T and modifier tables (2025 Q4) are two quarters behind, not
-- more; on 2026-07-01 they are three; on 2026-12-02 the rest (2026 Q2) are
-- still two quarters behind, on 2027-01-01 three
SELECT d, array_agg(family ORDER BY family) FILTER (WHERE family IS NOT NULL) AS stale,
       min(quarters_behind) AS least_behind
FROM (VALUES (date '2026-06-15'), ('2026-07-01'), ('2026-12-02'), ('2027-01-01')) v(d)
LEFT JOIN LATERAL codeset.stale_families(d) ON true
GROUP BY d ORDER BY d;
-- CREATE EXTENSION, ALTER EXTENSION UPDATE and the loaders warn with
-- today's date (test/stale_warning.sh); the tests set
-- codeset.stale_warning = off so that their output does not depend on it
SHOW codeset.stale_warning;
SET codeset.stale_warning = on;
SELECT codeset.warn_if_stale('2026-06-15');
SELECT codeset.warn_if_stale('2026-12-02');
SET codeset.stale_warning = off;
SELECT codeset.warn_if_stale('2026-12-02');
RESET codeset.stale_warning;
