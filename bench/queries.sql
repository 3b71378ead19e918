-- bench/run.sh: every timed query, run 5 times after a warm-up in this one
-- session (bench/timing.sql says how; the scans the per-row targets compare,
-- bench/per_row.sql, interleaved round by round); the median of each and the
-- ratios against the baselines measured in the same run.  The per-row
-- scans also ran at the other sizes of the scale table (:scale_cat reads
-- their medians).
\ir timing.sql
\ir per_row.sql

INSERT INTO result VALUES
  ('regex check on text',
   pg_temp.median_ms($q$SELECT count(*) FROM claims WHERE code_text !~ '^([0-9]{5}|[0-9]{4}[AFMTU]|[A-HJ-NP-V][0-9]{4})$'$q$));

-- code <@ set: a 0.1%-selective set (one range of consecutive codes),
-- sequential and through a btree index
CREATE INDEX claims_code ON claims (code);
ANALYZE claims;
WITH per_code AS (SELECT code, count(*) AS n FROM claims WHERE code >= 'J0000' AND code <= 'J9999' GROUP BY code),
     running AS (SELECT code, sum(n) OVER (ORDER BY code) AS total FROM per_code)
SELECT format('{%s-%s}', min(code), max(code)) AS set_sel FROM running
WHERE total <= 0.001 * (SELECT count(*) FROM claims) \gset
SELECT round(100.0 * count(*) / (SELECT count(*) FROM claims), 3) AS selectivity_pct
FROM claims WHERE code <@ :'set_sel'::medcodeset \gset
SET enable_indexscan = off;
SET enable_bitmapscan = off;
INSERT INTO result VALUES
  ('code <@ set, 0.1% selective, sequential',
   pg_temp.median_ms(format('SELECT count(*) FROM claims WHERE code <@ %L::medcodeset', :'set_sel')));
RESET enable_indexscan;
RESET enable_bitmapscan;
SET enable_seqscan = off;
INSERT INTO result VALUES
  ('code <@ set, 0.1% selective, btree index',
   pg_temp.median_ms(format('SELECT count(*) FROM claims WHERE code <@ %L::medcodeset', :'set_sel')));
RESET enable_seqscan;

-- COPY of every code into a medcode column and into a text column
SELECT '/tmp/codeset_bench_codes_' || pg_backend_pid() AS codes_file \gset
COPY (SELECT coalesce(code::text, 'J1100') FROM claims) TO :'codes_file';
CREATE UNLOGGED TABLE copy_medcode (code medcode);
CREATE UNLOGGED TABLE copy_text (code text);
INSERT INTO result VALUES
  ('COPY into a text column',
   pg_temp.median_stmt_ms('TRUNCATE copy_text', format('COPY copy_text FROM %L', :'codes_file'))),
  ('COPY into a medcode column',
   pg_temp.median_stmt_ms('TRUNCATE copy_medcode', format('COPY copy_medcode FROM %L', :'codes_file')));

-- btree index sizes over the same codes
CREATE INDEX copy_medcode_idx ON copy_medcode (code);
CREATE INDEX copy_text_idx ON copy_text (code);
-- ... and without deduplication, where each row has an index tuple of its own
CREATE INDEX copy_medcode_nodedup ON copy_medcode (code) WITH (deduplicate_items = off);
CREATE INDEX copy_text_nodedup ON copy_text (code) WITH (deduplicate_items = off);
CREATE TEMP TABLE sizes AS
SELECT pg_relation_size('copy_medcode_idx') AS medcode_bytes, pg_relation_size('copy_text_idx') AS text_bytes,
       pg_relation_size('copy_medcode_nodedup') AS medcode_nodedup_bytes,
       pg_relation_size('copy_text_nodedup') AS text_nodedup_bytes,
       pg_relation_size('copy_medcode') AS medcode_table_bytes, pg_relation_size('copy_text') AS text_table_bytes;

-- Unloading and loading one release behind newer ones (the 2020 Q2 CMS file,
-- with the shipped data: the history is derived again), rolled back
CREATE FUNCTION pg_temp.reload_ms(OUT unload_ms numeric, OUT load_ms numeric) LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    id integer;
BEGIN
    BEGIN
        SELECT release_id INTO id FROM codeset.release
        WHERE file_kind = 'hcpcs file' AND effective = '2020-04-01' AND superseded_by IS NULL;
        t0 := clock_timestamp();
        PERFORM codeset.unload_release(id);
        unload_ms := (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric(12, 3);
        t0 := clock_timestamp();
        PERFORM codeset.load_hcpcs_file(codeset.shipped_data_dir() || '/hcpcs_anweb/HCPC2020_APR_ANWEB.txt',
                                        '2020-04-01');
        load_ms := (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric(12, 3);
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = unload_ms::text || ' ' || load_ms::text;
    EXCEPTION WHEN raise_exception THEN
        unload_ms := split_part(SQLERRM, ' ', 1)::numeric;
        load_ms := split_part(SQLERRM, ' ', 2)::numeric;
    END;
END $$;
INSERT INTO result SELECT 'unload one release behind newer ones (CMS 2020 Q2)', unload_ms FROM pg_temp.reload_ms();
INSERT INTO result SELECT 'load one release behind newer ones (CMS 2020 Q2)', load_ms FROM pg_temp.reload_ms();
INSERT INTO result VALUES ('CREATE EXTENSION codeset, with the shipped data', :create_ext_ms);
INSERT INTO result VALUES
  ('first valid() of a new session, cache from its image (median of 20)', :first_image_ms),
  ('first valid() of a new session, cache built from the tables (median of 20)', :first_tables_ms),
  ('first code_kind() of a new session, no cache (median of 20)', :first_plain_ms),
  ('pgbench -C, SELECT 1: transactions per second', :tps_select1),
  ('pgbench -C, SELECT valid($1, $2): transactions per second', :tps_valid),
  ('first valid() of a new session, shared cache (preloaded; median of 20)', :first_shared_ms),
  ('pgbench -C, SELECT 1, codeset preloaded: transactions per second', :tps_select1_shared),
  ('pgbench -C, SELECT valid($1, $2), shared cache: transactions per second', :tps_valid_shared),
  ('pgbench -C, SELECT code_kind($1), $2 (no cache), codeset preloaded: transactions per second', :tps_kind_shared),
  ('bytes of a session''s own cache beside the shared one', :cache_bytes_shared);

-- A file that repeats one code n times, given to the loader by mistake (a
-- claims extract, say): refused in n log n (issue #14: it was quadratic)
CREATE FUNCTION pg_temp.reject_ms(n integer) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    PERFORM codeset.load_code_list_data(convert_to('code' || E'\n' || repeat(E'99213\n', n), 'UTF8'),
                                        'repeats.csv', 'CPT', '2040-01-01');
    RAISE EXCEPTION 'a file that repeats a code was loaded';
EXCEPTION WHEN bad_copy_file_format THEN
    RETURN (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric(12, 3);
END $$;
INSERT INTO result SELECT 'refuse a list repeating one code 100,000 times', pg_temp.reject_ms(100000);
INSERT INTO result SELECT 'refuse a list repeating one code 1,000,000 times', pg_temp.reject_ms(1000000);

\echo
\echo '## Medians (ms),' :rows 'rows'
SELECT name AS query, ms AS median_ms FROM result ORDER BY ms;

-- The per-row medians at every size: this run's and the other sizes'
CREATE TEMP TABLE scale (rows bigint, name text, ms numeric, PRIMARY KEY (rows, name));
INSERT INTO scale SELECT :rows, name, ms FROM result;
COPY scale FROM PROGRAM :'scale_cat';

-- The per-row targets, checked at every size: the fastest of the
-- numerators over the fastest of the denominators, against the bound
CREATE TEMP TABLE per_row_target (ord int, target text, num text[], den text[], op text, bound numeric);
INSERT INTO per_row_target VALUES
  (1, 'NOT valid(code) on medcode <= 1.2x bare scan',
   '{"NOT valid(code), medcode"}', '{"bare scan, medcode: count(*) WHERE code IS NULL"}', '<=', 1.2),
  (2, 'NOT valid(code_text) on text <= 1.5x bare scan',
   '{"NOT valid(code_text), text"}', '{"bare scan, text: count(*) WHERE code_text IS NULL"}', '<=', 1.5),
  (3, 'anti-join / NOT valid(code_text) >= 2x',
   '{"anti-join against a text code table"}', '{"NOT valid(code_text), text"}', '>=', 2),
  (4, 'NOT valid(code, dos) on medcode <= 1.4x bare scan',
   '{"NOT valid(code, dos), medcode"}', '{"bare scan, medcode: count(*) WHERE code IS NULL"}', '<=', 1.4),
  (5, 'fastest plain SQL for today / NOT valid(code_text) >= 1.25x',
   '{"code_text <> ALL (constant array of the codes in force)","code_text NOT IN (SELECT code FROM ref_codes), hashed subplan","anti-join against a text code table"}',
   '{"NOT valid(code_text), text"}', '>=', 1.25),
  (6, 'fastest plain SQL on the date of service / NOT valid(code_text, dos) >= 1.25x',
   '{"anti-join against text periods, on the date of service","anti-join against daterange periods (GiST on code, during), on the date of service"}',
   '{"NOT valid(code_text, dos), text"}', '>=', 1.25),
  (7, 'describe(code, dos) / bare scan <= 6x (a scan, not a query per row)',
   '{"describe(code, dos), medcode"}', '{"bare scan, medcode: count(*) WHERE code IS NULL"}', '<=', 6),
  (8, 'date-range anti-join / NOT valid(code, dos) >= 3x',
   '{"anti-join against text periods, on the date of service"}', '{"NOT valid(code, dos), medcode"}', '>=', 3),
  (9, 'code <@ 100-range set / bare scan <= 1.5x',
   '{"code <@ set, 100 ranges, sequential"}', '{"bare scan, medcode: count(*) WHERE code IS NULL"}', '<=', 1.5),
  (10, 'parallel run, 1 worker / serial run of NOT valid(code, dos) < 1x',
   '{"NOT valid(code, dos), medcode, 1 parallel worker"}', '{"NOT valid(code, dos), medcode"}', '<', 1),
  (11, 'parallel run, 2 workers / serial run of NOT valid(code, dos) < 1x',
   '{"NOT valid(code, dos), medcode, 2 parallel workers"}', '{"NOT valid(code, dos), medcode"}', '<', 1);
CREATE TEMP VIEW per_row_verdict AS
SELECT t.ord, t.target, s.rows, r.ratio,
       CASE t.op WHEN '<=' THEN r.ratio <= t.bound WHEN '>=' THEN r.ratio >= t.bound
                 ELSE r.ratio < t.bound END AS met
FROM per_row_target t CROSS JOIN (SELECT DISTINCT rows FROM scale) s
CROSS JOIN LATERAL (SELECT round((SELECT min(ms) FROM scale WHERE rows = s.rows AND name = ANY (t.num))
                                 / nullif((SELECT min(ms) FROM scale WHERE rows = s.rows AND name = ANY (t.den)), 0),
                                 2) AS ratio) r;

CREATE FUNCTION pg_temp.r(a text, b text) RETURNS numeric LANGUAGE sql AS $$
    SELECT round((SELECT ms FROM result WHERE name = a) / nullif((SELECT ms FROM result WHERE name = b), 0), 2)
$$;
\echo
\echo '## Targets'
SELECT target, ratio, CASE WHEN met THEN 'met' ELSE 'MISSED' END AS verdict FROM (
SELECT ord, target, ratio, met FROM per_row_verdict WHERE rows = :rows
UNION ALL
SELECT 100 + ord, target, ratio, met FROM (VALUES
  (1, 'COPY into medcode / COPY into text <= 1.15x',
   pg_temp.r('COPY into a medcode column', 'COPY into a text column'), '<=', 1.15),
  (2, 'load one release behind newer ones < 3000 ms',
   (SELECT ms FROM result WHERE name = 'load one release behind newer ones (CMS 2020 Q2)'), '<', 3000),
  (3, 'unload one release behind newer ones < 3000 ms',
   (SELECT ms FROM result WHERE name = 'unload one release behind newer ones (CMS 2020 Q2)'), '<', 3000),
  (4, 'refusing 1M repeated lines / 100k <= 15x (n log n, not quadratic)',
   pg_temp.r('refuse a list repeating one code 1,000,000 times', 'refuse a list repeating one code 100,000 times'), '<=', 15),
  (5, 'first valid() of a new session, shared cache (median of 20) <= 2 ms',
   (SELECT ms FROM result WHERE name = 'first valid() of a new session, shared cache (preloaded; median of 20)'), '<=', 2),
  (6, 'pgbench -C, shared cache: valid() / SELECT 1 transactions per second >= 0.8x',
   pg_temp.r('pgbench -C, SELECT valid($1, $2), shared cache: transactions per second',
             'pgbench -C, SELECT 1, codeset preloaded: transactions per second'), '>=', 0.8),
  (7, 'a session''s own cache beside the shared one < 256 kB (262144)',
   (SELECT ms FROM result WHERE name = 'bytes of a session''s own cache beside the shared one'), '<', 262144),
  (8, 'CREATE EXTENSION with the shipped data < 5000 ms',
   (SELECT ms FROM result WHERE name = 'CREATE EXTENSION codeset, with the shipped data'), '<', 5000),
  (9, '0.1% set: sequential / btree index >= 20x',
   pg_temp.r('code <@ set, 0.1% selective, sequential', 'code <@ set, 0.1% selective, btree index'), '>=', 20),
  (10, 'validity cache bytes < 4 MB (4194304)',
   codeset.cache_size()::numeric, '<', 4194304)
) t(ord, target, ratio, op, bound)
CROSS JOIN LATERAL (SELECT CASE op WHEN '<=' THEN ratio <= bound WHEN '>=' THEN ratio >= bound
                                   ELSE ratio < bound END AS met) m
) v ORDER BY ord;

\echo
\echo '## Scale: the per-row targets at each size of the claims table'
SELECT target, string_agg(to_char(rows, 'FM999,999,999') || ': ' || ratio, '   ' ORDER BY rows) AS "ratio at each size",
       CASE WHEN bool_and(met) THEN 'met at every size' ELSE 'MISSED at ' ||
            string_agg(to_char(rows, 'FM999,999,999'), ', ' ORDER BY rows) FILTER (WHERE NOT met) END AS verdict
FROM per_row_verdict GROUP BY ord, target ORDER BY ord;
SELECT to_char(rows, 'FM999,999,999') AS rows,
       max(ms) FILTER (WHERE name = 'bare scan, medcode: count(*) WHERE code IS NULL') AS bare_scan_ms,
       max(ms) FILTER (WHERE name = 'NOT valid(code, dos), medcode') AS serial_ms,
       max(ms) FILTER (WHERE name = 'NOT valid(code, dos), medcode, 1 parallel worker') AS one_worker_ms,
       max(ms) FILTER (WHERE name = 'NOT valid(code, dos), medcode, 2 parallel workers') AS two_workers_ms,
       round(max(ms) FILTER (WHERE name = 'NOT valid(code, dos), medcode')
             / max(ms) FILTER (WHERE name = 'NOT valid(code, dos), medcode, 1 parallel worker'), 2) AS speedup_1,
       round(max(ms) FILTER (WHERE name = 'NOT valid(code, dos), medcode')
             / max(ms) FILTER (WHERE name = 'NOT valid(code, dos), medcode, 2 parallel workers'), 2) AS speedup_2
FROM scale GROUP BY scale.rows ORDER BY scale.rows;

\echo
\echo '## Information'
SELECT 'pgbench -C, shared cache: valid() / code_kind() transactions per second (the cache''s own cost)' AS what,
       pg_temp.r('pgbench -C, SELECT valid($1, $2), shared cache: transactions per second',
                 'pgbench -C, SELECT code_kind($1), $2 (no cache), codeset preloaded: transactions per second') AS ratio;

\echo
\echo '## Index sizes and the parallel plans'
SELECT what, pg_size_pretty(m) AS medcode, pg_size_pretty(t) AS text, round(m::numeric / t, 2) AS ratio
FROM sizes, LATERAL (VALUES ('btree index', medcode_bytes, text_bytes),
                            ('btree index, deduplicate_items = off', medcode_nodedup_bytes, text_nodedup_bytes),
                            ('one-column table', medcode_table_bytes, text_table_bytes)) v(what, m, t);
SELECT workers, plan FROM parallel_plan ORDER BY workers;
\echo 'The 0.1% set:' :'set_sel' 'matches' :selectivity_pct '% of the rows.'
