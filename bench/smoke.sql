-- bench/run.sh --smoke: the benchmark's queries on 100k rows, with every
-- answer checked against an independent SQL reading of the code tables.
-- Times nothing; fails (ON_ERROR_STOP) on the first wrong answer.
\set ON_ERROR_STOP on
SET datestyle = ISO;

CREATE FUNCTION pg_temp.check(what text, ok boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'bench smoke: % is wrong', what;
    END IF;
    RAISE NOTICE 'bench smoke ok: %', what;
END $$;
SET client_min_messages = notice;
\o /dev/null

-- What valid(text, date) must say, from code_history by plain SQL
CREATE TEMP TABLE expected AS
SELECT c.id, c.kind,
       CASE WHEN NOT is_medcode(c.code_text) THEN false
            WHEN EXISTS (SELECT FROM codeset.code_history h WHERE h.code = to_medcode(c.code_text)
                         AND c.dos BETWEEN h.valid_from AND coalesce(h.valid_to, 'infinity')) THEN true
            WHEN EXISTS (SELECT FROM codeset.code_history h WHERE h.code = to_medcode(c.code_text)
                         AND (c.dos BETWEEN h.possible_from AND h.valid_from
                              OR c.dos BETWEEN h.valid_to AND h.possible_to)) THEN NULL
            ELSE false END AS valid_on_dos
FROM claims c;

SELECT pg_temp.check('valid(text, date) against the tables, row by row',
    (SELECT count(*) FROM claims c JOIN expected e USING (id)
     WHERE valid(c.code_text, c.dos) IS DISTINCT FROM e.valid_on_dos) = 0);
SELECT pg_temp.check('valid(medcode, date) agrees with valid(text, date) where the text is a code',
    (SELECT count(*) FROM claims WHERE code IS NOT NULL
     AND valid(code, dos) IS DISTINCT FROM valid(code_text, dos)) = 0);
SELECT pg_temp.check('clean and messy rows are valid on their date of service',
    (SELECT count(*) FROM claims WHERE kind IN ('clean', 'messy') AND valid(code_text, dos) IS NOT TRUE) = 0);
SELECT pg_temp.check('malformed rows are not codes',
    (SELECT count(*) FROM claims WHERE kind = 'malformed' AND (is_medcode(code_text) OR valid(code_text))) = 0);
SELECT pg_temp.check('unknown rows are unknown',
    (SELECT count(*) FROM claims WHERE kind = 'unknown'
     AND invalid_reason(code_text, dos) IS DISTINCT FROM 'unknown') = 0);
SELECT pg_temp.check('terminated rows are terminated on their date of service',
    (SELECT count(*) FROM claims WHERE kind = 'terminated'
     AND invalid_reason(code_text, dos) IS DISTINCT FROM 'terminated') = 0);
SELECT pg_temp.check('the dirt is about 2% of each kind',
    (SELECT bool_and(n BETWEEN 0.015 * 100000 AND 0.025 * 100000) FROM
        (SELECT count(*) AS n FROM claims WHERE kind IN ('malformed', 'unknown', 'terminated') GROUP BY kind) s));
SELECT pg_temp.check('the baseline anti-join with dates agrees on the clean rows',
    (SELECT count(*) FROM claims c WHERE c.kind = 'clean' AND NOT EXISTS (
         SELECT 1 FROM ref_periods r WHERE r.code = c.code_text
         AND c.dos >= r.valid_from AND (r.valid_to IS NULL OR c.dos <= r.valid_to))) = 0);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
DO $$
DECLARE line text; found boolean := false;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN SELECT count(*) FROM claims WHERE NOT valid(code, dos)' LOOP
        found := found OR line LIKE '%Parallel Seq Scan%';
    END LOOP;
    PERFORM pg_temp.check('EXPLAIN shows a Parallel Seq Scan for valid()', found);
END $$;
SELECT pg_temp.check('parallel and serial runs give the same count',
    (SELECT count(*) FROM claims WHERE NOT valid(code, dos))
    = (SELECT count(*) FROM expected e JOIN claims c USING (id)
       WHERE e.valid_on_dos = false AND c.code IS NOT NULL));
SELECT pg_temp.check('the cache stays under 4 MB', codeset.cache_size() < 4 * 1024 * 1024);
