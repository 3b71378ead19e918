-- The shipped code tables and the questions asked of them
-- CPT codes in this file are examples only. CPT (c) American Medical Association.

SET datestyle = ISO;

-- The issue's own example, right after CREATE EXTENSION
SELECT valid('J1100'), valid('J0610', '2023-05-01'), invalid_reason('B0000'), describe('E0110');

-- The release log: eight CMS files (the 2017-2020 annual files, 2020 Q2-Q4,
-- 2025 Q4), then 24 OPPS Addendum B quarters
SELECT release_id, code_system, file_kind, regexp_replace(file_name, '^.*/', '') AS file,
       effective, source, codes_added, codes_changed, codes_terminated, codes_unchanged,
       rows_skipped
FROM codeset.release ORDER BY release_id;

-- What is shipped: HCPCS Level II only, no CPT and no CDT rows
SELECT code_system(code) AS system, code_kind(code) AS kind, count(DISTINCT code) AS codes
FROM codeset.code_version GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(DISTINCT modifier) AS modifiers FROM codeset.modifier_version;

-- Three kinds of validity
SELECT t, is_medcode(t) AS well_formed,
       EXISTS (SELECT FROM codeset.code_history h WHERE h.code = to_medcode(t)) AS known,
       valid(t, '2024-06-01') AS active_2024_06_01, invalid_reason(t, '2024-06-01') AS reason
FROM (VALUES ('J1100'), ('j1100 '), ('J110'), ('B0000'), ('C9034'), ('99213'), ('D0120'),
             ('0001U'), (''), ('99213-25')) v(t);

-- valid() on medcode and text agree; NULL in, NULL out
SELECT valid('J1100'::medcode, '2020-06-01') AS m, valid('J1100'::text, '2020-06-01') AS t,
       valid(NULL::medcode), valid(NULL::text), valid('J1100'::medcode, NULL);

-- A code's history, and the date cases around its actions
SELECT code, period, valid_from, valid_to, possible_from, possible_to, short_description,
       action_code, termination_date, xrefs
FROM lookup('C9034');
SELECT d, valid('C9034', d), invalid_reason('C9034', d)
FROM unnest('{2017-12-31,2018-01-01,2018-12-31,2019-01-01}'::date[]) d;
SELECT * FROM code_status('C9034', '2019-06-01');
SELECT * FROM code_status('J0610', '2023-05-01');
SELECT * FROM code_status('99213');
SELECT * FROM code_status('J110');
SELECT * FROM code_status('B0000');

-- Descriptions in force on a date
SELECT describe('J0610', '2022-06-01') AS before, describe('J0610', '2023-02-01') AS in_2023_q1,
       describe('J0610', '2024-01-01') AS after_its_end, describe('B0000') AS unknown;

-- Since 1.1 the shipped files date every Level II code on every day (the
-- 2025 Q4 CMS file dates the 2021-2022 years); days the sources leave open
-- (NULL, not a guess) are tested on user lists in 07_validity_tap.
SELECT code, valid_from, valid_to, possible_from, possible_to
FROM codeset.code_history WHERE code IN ('A2001', 'A4397', 'J0612') ORDER BY code, period;
SELECT count(*) AS undetermined_periods FROM codeset.code_history
WHERE possible_from IS NOT NULL OR possible_to IS NOT NULL;
SELECT d, valid('A2001', d) AS "A2001 (new in 2022 Q1)", invalid_reason('A2001', d),
       valid('A4397', d) AS "A4397 (gone in 2022 Q1)", invalid_reason('A4397', d),
       valid('J0612', d) AS "J0612 (new in 2023 Q2)", invalid_reason('J0612', d)
FROM unnest('{2019-12-31,2020-01-01,2020-01-02,2021-12-31,2022-01-01,2022-12-31,2023-01-01,2023-03-31,2023-04-01}'::date[]) d;

-- Codes Addendum B leaves out (S, T, H) are dated by the CMS files
SELECT valid('S0012', '2025-06-01') AS s, valid('T1015', '2025-06-01') AS t,
       valid('H0001', '2025-06-01') AS h;

-- Modifiers: Level II from the CMS files; CPT's numeric ones are not shipped
SELECT m, valid_modifier(m), valid_modifier(m, '2017-06-01')
FROM (VALUES ('LT'), ('rt'), ('GT'), ('XS'), ('25'), ('59'), ('ZZ'), ('L'), ('LTX'), ('')) v(m);

-- The per-backend cache stays small
SELECT codeset.cache_size() < 4 * 1024 * 1024 AS under_4mb;

-- Every period is well formed: no overlaps within a code's history
SELECT count(*) AS overlapping FROM codeset.code_history a JOIN codeset.code_history b
  ON a.code = b.code AND a.period < b.period
 AND coalesce(a.possible_to, a.valid_to, 'infinity') >= coalesce(b.possible_from, b.valid_from);

-- A code back after it ended does not carry the ended period's action code
-- and termination date into its new period (J1440, reused in 2023, did)
SELECT count(*) AS open_but_terminated FROM codeset.code_history
WHERE valid_to IS NULL AND termination_date IS NOT NULL;
SELECT period, valid_from, valid_to, action_code, termination_date, short_description
FROM codeset.code_history WHERE code = 'J1440' ORDER BY period;

-- describe() answers from a per-backend copy of the descriptions: the same
-- as the query it replaced, for every code with a history, on the 15th of
-- February and August from 2016 to 2027 and around the ends of each period
CREATE FUNCTION pg_temp.describe_by_query(c medcode, d date) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT h.short_description FROM codeset.code_history h
    WHERE h.code = c AND h.valid_from <= d
    ORDER BY (h.valid_to IS NULL OR h.valid_to >= d) DESC, h.valid_from DESC
    LIMIT 1 $$;
WITH days AS (
    SELECT DISTINCT c.code, d::date AS d
    FROM (SELECT DISTINCT code FROM codeset.code_history) c,
         generate_series(date '2016-02-15', date '2027-08-15', interval '6 months') d
    UNION
    SELECT code, x FROM codeset.code_history, LATERAL (VALUES (valid_from - 1), (valid_from), (valid_to), (valid_to + 1)) v(x)
    WHERE x IS NOT NULL
)
SELECT count(*) AS compared,
       count(*) FILTER (WHERE describe(code, d) IS DISTINCT FROM pg_temp.describe_by_query(code, d)) AS differ,
       count(*) FILTER (WHERE describe(code, d) IS NOT NULL) AS described
FROM days;
