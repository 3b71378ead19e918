-- The synthetic claims table for bench/run.sh: :rows claim lines, the code as
-- text (as feeds deliver it) and as medcode, a date of service in
-- 2017-2026, with the dirt real feeds carry.  Codes come from the shipped
-- tables.  Each row keeps the kind it was made as, so bench/smoke.sql can
-- check every answer.
--   clean       a code in force on the date of service (93%)
--   messy       the same, in lower case or with spaces: still valid text (1%)
--   malformed   a modifier attached, a character lost, a letter O: not a code (2%)
--   unknown     well formed, in no table (2%)
--   terminated  a code whose last day fell before the date of service (2%)
SET client_min_messages = warning;
SELECT setseed(0.42);

-- Certain periods in force within 2017-2026, one row each
CREATE TABLE bench_period AS
SELECT row_number() OVER (ORDER BY code, period)::int AS i, code::text AS code, f, t
FROM (SELECT code, period, greatest(valid_from, date '2017-01-01') AS f,
             least(coalesce(valid_to, date '2026-06-30'), date '2026-06-30') AS t
      FROM codeset.code_history) s
WHERE f <= t;

-- Codes that ended for good (no later period, no open window) before 2026
CREATE TABLE bench_ended AS
SELECT row_number() OVER (ORDER BY code)::int AS i, code::text AS code, valid_to
FROM codeset.code_history h
WHERE valid_to BETWEEN date '2017-01-01' AND date '2025-06-30' AND possible_to IS NULL
  AND NOT EXISTS (SELECT FROM codeset.code_history l WHERE l.code = h.code AND l.period > h.period);

SELECT count(*) AS np FROM bench_period \gset
SELECT count(*) AS ne FROM bench_ended \gset

-- Fixed-width columns first, as a billing table would lay them out
CREATE UNLOGGED TABLE claims_raw AS
SELECT x.g AS id, k.kind,
       CASE k.kind
           WHEN 'clean' THEN p.code
           WHEN 'messy' THEN CASE WHEN x.r3 < 0.5 THEN lower(p.code) ELSE ' ' || p.code || ' ' END
           WHEN 'malformed' THEN CASE floor(x.r3 * 4)
                                    WHEN 0 THEN p.code || '-25'
                                    WHEN 1 THEN left(p.code, 4)
                                    WHEN 2 THEN 'O' || substr(p.code, 2)
                                    ELSE p.code || '0' END
           WHEN 'unknown' THEN 'N' || lpad(floor(x.r3 * 10000)::text, 4, '0')
           ELSE e.code
       END AS code_text,
       CASE WHEN k.kind = 'terminated' THEN e.valid_to + 1 + floor(x.r3 * 365)::int
            ELSE p.f + floor(x.r3 * (p.t - p.f + 1))::int END AS dos
FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3
      FROM generate_series(1, :rows) g) x
CROSS JOIN LATERAL (SELECT CASE WHEN x.r1 < 0.02 THEN 'malformed'
                                WHEN x.r1 < 0.04 THEN 'unknown'
                                WHEN x.r1 < 0.06 THEN 'terminated'
                                WHEN x.r1 < 0.07 THEN 'messy'
                                ELSE 'clean' END AS kind) k
LEFT JOIN bench_period p ON p.i = 1 + floor(x.r2 * :np)::int
LEFT JOIN bench_ended e ON e.i = 1 + floor(x.r2 * :ne)::int;

CREATE UNLOGGED TABLE claims AS
SELECT id, dos, to_medcode(code_text) AS code, code_text, kind FROM claims_raw ORDER BY id;
DROP TABLE claims_raw;
VACUUM FREEZE ANALYZE claims;

-- What users check against today: a text table of known codes, and one of
-- their periods (the certain ones)
CREATE TABLE ref_codes AS SELECT DISTINCT code::text AS code FROM codeset.code_history;
ALTER TABLE ref_codes ADD PRIMARY KEY (code);
CREATE TABLE ref_periods AS
SELECT code::text AS code, valid_from, valid_to FROM codeset.code_history;
CREATE INDEX ON ref_periods (code);
-- ... the periods as date ranges, with a GiST index on code and range
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE ref_ranges AS
SELECT code::text AS code, daterange(valid_from, valid_to, '[]') AS during FROM codeset.code_history;
CREATE INDEX ON ref_ranges USING gist (code, during);
ANALYZE ref_codes, ref_periods, ref_ranges;

SELECT kind, count(*) AS rows, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
FROM claims GROUP BY kind ORDER BY kind;
