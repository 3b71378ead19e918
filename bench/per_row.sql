-- bench/per_row.sql: the scans the per-row targets compare, run by
-- bench/run.sh at every size of the claims table (the scale table), after
-- bench/timing.sql.  Each writes its median into result; with :scale_out
-- set, the medians are also written to that file for the main run to read.

-- The codes in force today, as a constant array: what a careful user
-- writes for a hashed <> ALL
SELECT array_agg(DISTINCT code::text)::text AS in_force FROM codeset.code_history
WHERE valid_from <= CURRENT_DATE AND (valid_to IS NULL OR valid_to >= CURRENT_DATE) \gset

-- A 100-range set, for code <@ set over a sequential scan
SELECT medcodeset_union_agg(format('{%s%s-%s%s}', l, lpad((i * 89 % 9000)::text, 4, '0'),
                                   l, lpad((i * 89 % 9000 + 40)::text, 4, '0'))::medcodeset) AS set100
FROM generate_series(0, 99) i, LATERAL (SELECT substr('ABCEGJKLQ', i % 9 + 1, 1) AS l) x \gset

SELECT pg_temp.time_interleaved(
  ARRAY['bare scan, medcode: count(*) WHERE code IS NULL',
        'bare scan, text: count(*) WHERE code_text IS NULL',
        'anti-join against a text code table',
        'anti-join against text periods, on the date of service',
        'code_text <> ALL (constant array of the codes in force)',
        'code_text NOT IN (SELECT code FROM ref_codes), hashed subplan',
        'anti-join against daterange periods (GiST on code, during), on the date of service',
        'NOT valid(code), medcode',
        'NOT valid(code_text), text',
        'NOT valid(code, dos), medcode',
        'NOT valid(code_text, dos), text',
        'describe(code, dos), medcode',
        'code <@ set, 100 ranges, sequential',
        'NOT valid(code, dos), medcode, 1 parallel worker',
        'NOT valid(code, dos), medcode, 2 parallel workers'],
  ARRAY['SELECT count(*) FROM claims WHERE code IS NULL',
        'SELECT count(*) FROM claims WHERE code_text IS NULL',
        'SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM ref_codes r WHERE r.code = c.code_text)',
        'SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM ref_periods r WHERE r.code = c.code_text AND c.dos >= r.valid_from AND (r.valid_to IS NULL OR c.dos <= r.valid_to))',
        format('SELECT count(*) FROM claims WHERE code_text <> ALL (%L::text[])', :'in_force'),
        'SELECT count(*) FROM claims WHERE code_text NOT IN (SELECT code FROM ref_codes)',
        'SELECT count(*) FROM claims c WHERE NOT EXISTS (SELECT 1 FROM ref_ranges r WHERE r.code = c.code_text AND r.during @> c.dos)',
        'SELECT count(*) FROM claims WHERE NOT valid(code)',
        'SELECT count(*) FROM claims WHERE NOT valid(code_text)',
        'SELECT count(*) FROM claims WHERE NOT valid(code, dos)',
        'SELECT count(*) FROM claims WHERE NOT valid(code_text, dos)',
        'SELECT count(describe(code, dos)) FROM claims',
        format('SELECT count(*) FROM claims WHERE code <@ %L::medcodeset', :'set100'),
        'SELECT count(*) FROM claims WHERE NOT valid(code, dos)',
        'SELECT count(*) FROM claims WHERE NOT valid(code, dos)'],
  ARRAY[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]) \gset

-- The parallel plans, to show the workers were planned
CREATE TEMP TABLE parallel_plan (workers int, plan text);
DO $$
DECLARE line text; v_plan text;
BEGIN
    FOR w IN 1 .. 2 LOOP
        PERFORM set_config('max_parallel_workers_per_gather', w::text, false);
        v_plan := '';
        FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) SELECT count(*) FROM claims WHERE NOT valid(code, dos)' LOOP
            v_plan := v_plan || line || E'\n';
        END LOOP;
        INSERT INTO parallel_plan VALUES (w, v_plan);
    END LOOP;
    PERFORM set_config('max_parallel_workers_per_gather', '0', false);
END $$;

\if :{?scale_out}
COPY (SELECT :rows::bigint, name, ms FROM result) TO :'scale_out';
\endif
