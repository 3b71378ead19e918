-- Bulk loads that keep the good rows: COPY ... ON_ERROR ignore (PostgreSQL
-- 17 and later) skips each line whose code or set is malformed and says how
-- many; LOG_VERBOSITY verbose names each; REJECT_LIMIT (18) stops a feed
-- that is mostly garbage.  15 has none of these options
-- (expected/19_copy_on_error_2.out: the staging recipe of doc/codeset.md,
-- "Bulk loads", does the same there); 17 has no REJECT_LIMIT, and its
-- alternative output (_1.out) waits for a 17 build (README, "Versions").
CREATE TEMP TABLE feed (id int, code medcode, allowed medcodeset);
\copy feed FROM 'test/data/claims_with_bad_codes.csv' WITH (FORMAT csv, HEADER, ON_ERROR ignore)
SELECT id, code, allowed FROM feed ORDER BY id;
TRUNCATE feed;
\copy feed FROM 'test/data/claims_with_bad_codes.csv' WITH (FORMAT csv, HEADER, ON_ERROR ignore, LOG_VERBOSITY verbose)
SELECT count(*) AS loaded FROM feed;
TRUNCATE feed;
-- three bad lines of ten: a limit of two stops the load, and nothing is kept
\copy feed FROM 'test/data/claims_with_bad_codes.csv' WITH (FORMAT csv, HEADER, ON_ERROR ignore, REJECT_LIMIT 2)
\copy feed FROM 'test/data/claims_with_bad_codes.csv' WITH (FORMAT csv, HEADER, ON_ERROR ignore, REJECT_LIMIT 3)
SELECT count(*) AS loaded FROM feed;
-- a family domain's CHECK is a soft error too: J codes are no CPT codes
CREATE TEMP TABLE cpt_feed (id int, code cpt_code, allowed text);
\copy cpt_feed FROM 'test/data/claims_with_bad_codes.csv' WITH (FORMAT csv, HEADER, ON_ERROR ignore)
SELECT id, code FROM cpt_feed ORDER BY id;
-- without ON_ERROR the first bad line stops the load, naming line and column
\copy feed FROM 'test/data/claims_with_bad_codes.csv' WITH (FORMAT csv, HEADER)

-- A feed of 100,000 claim lines, 2% with malformed codes (every 50th line)
SELECT setseed(0.5);
CREATE TEMP TABLE feed_source AS
SELECT g AS id,
       CASE WHEN g % 50 = 0 THEN (ARRAY['J110', '99213-25', 'J1100 JW', '9921', 'ABCDE'])[1 + g / 50 % 5]
            ELSE (ARRAY['99213', '99214', 'J1100', 'G0438', '0001U', 'A0428', 'E0110'])[1 + floor(random() * 7)::int]
       END AS code,
       date '2024-01-01' + (g % 366) AS dos
FROM generate_series(1, 100000) g;
\copy feed_source TO 'results/feed_100k.csv' WITH (FORMAT csv)
CREATE TEMP TABLE claims_in (id int, code medcode, dos date);
-- 17 and later: COPY keeps the 98% and counts the 2%
\copy claims_in FROM 'results/feed_100k.csv' WITH (FORMAT csv, ON_ERROR ignore)
SELECT count(*) AS loaded FROM claims_in;
-- every version: the staging recipe (text first; to_medcode() routes each line)
CREATE TEMP TABLE staging (id int, code text, dos date);
\copy staging FROM 'results/feed_100k.csv' WITH (FORMAT csv)
CREATE TEMP TABLE claims_staged (id int, code medcode, dos date);
CREATE TEMP TABLE claim_rejects (id int, code text, dos date, reason text, detail text);
WITH routed AS (
    SELECT id, to_medcode(code) AS medcode, code, dos FROM staging
), kept AS (
    INSERT INTO claims_staged SELECT id, medcode, dos FROM routed WHERE medcode IS NOT NULL
)
INSERT INTO claim_rejects
SELECT id, code, dos, invalid_reason(code, dos), (code_status(code, dos)).detail
FROM routed WHERE medcode IS NULL;
SELECT (SELECT count(*) FROM claims_staged) AS loaded, (SELECT count(*) FROM claim_rejects) AS rejected;
SELECT code, reason, detail, count(*) FROM claim_rejects GROUP BY 1, 2, 3 ORDER BY 1;
-- both ways keep the same rows (on 15 claims_in is empty: the COPY failed)
SELECT (SELECT count(*) FROM (SELECT * FROM claims_staged EXCEPT SELECT * FROM claims_in) a) AS only_staged,
       (SELECT count(*) FROM (SELECT * FROM claims_in EXCEPT SELECT * FROM claims_staged) b) AS only_copied;
