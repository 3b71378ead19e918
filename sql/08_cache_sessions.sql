-- The validity cache across sessions: a load committed in one session is
-- seen by the next query of every other session; before the commit, other
-- sessions see the old data; a REPEATABLE READ transaction keeps its view.
-- Two sessions through dblink, on a database of their own.
SET datestyle = ISO;
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE DATABASE codeset_cache_test;
SELECT format('dbname=codeset_cache_test port=%s host=%s', current_setting('port'),
              split_part(current_setting('unix_socket_directories'), ',', 1)) AS conninfo \gset
SELECT dblink_connect('reader', :'conninfo'), dblink_connect('loader', :'conninfo');
-- (in a REPEATABLE READ transaction: its own loads of the shipped data do
-- not take the loaders' lock, which refuses that level)
SELECT dblink_exec('loader', 'BEGIN ISOLATION LEVEL REPEATABLE READ; CREATE EXTENSION codeset; COMMIT');

-- The reader builds its cache: CPT is not loaded
SELECT * FROM dblink('reader', $$SELECT valid('99213', '2027-02-01'), invalid_reason('99213', '2027-02-01')$$)
    AS t(valid boolean, reason text);

-- The loader loads a CPT list but has not committed: the reader sees the old data
SELECT dblink_exec('loader', 'BEGIN');
SELECT * FROM dblink('loader', $$SELECT status FROM codeset.load_code_list_data(
    convert_to(E'code\n99213\n', 'UTF8'), 'cpt.csv', 'CPT', '2027-01-01')$$) AS t(status text);
SELECT * FROM dblink('loader', $$SELECT valid('99213', '2027-02-01')$$) AS t(in_loading_session boolean);
SELECT * FROM dblink('reader', $$SELECT valid('99213', '2027-02-01')$$) AS t(reader_before_commit boolean);

-- A REPEATABLE READ transaction of the reader, begun before the commit
SELECT dblink_exec('reader', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT * FROM dblink('reader', $$SELECT valid('99213', '2027-02-01')$$) AS t(rr_before_commit boolean);

SELECT dblink_exec('loader', 'COMMIT');

-- ... keeps its snapshot's answer until it ends
SELECT * FROM dblink('reader', $$SELECT valid('99213', '2027-02-01')$$) AS t(rr_after_commit boolean);
SELECT dblink_exec('reader', 'COMMIT');

-- The reader's next query sees the new data
SELECT * FROM dblink('reader', $$SELECT valid('99213', '2027-02-01'), valid('99214', '2027-02-01')$$)
    AS t(reader_after_commit boolean, unlisted boolean);

-- A load that rolls back changes nothing anywhere
SELECT dblink_exec('loader', 'BEGIN');
SELECT * FROM dblink('loader', $$SELECT status FROM codeset.load_code_list_data(
    convert_to(E'code\n99214\n', 'UTF8'), 'cpt-q2.csv', 'CPT', '2027-04-01')$$) AS t(status text);
SELECT * FROM dblink('loader', $$SELECT valid('99214', '2027-05-01')$$) AS t(inside_rolled_back boolean);
SELECT dblink_exec('loader', 'ROLLBACK');
SELECT * FROM dblink('loader', $$SELECT valid('99214', '2027-05-01')$$) AS t(loader_after_rollback boolean);
SELECT * FROM dblink('reader', $$SELECT valid('99214', '2027-05-01')$$) AS t(reader_after_rollback boolean);

-- A load that commits while a reader's statement runs, and whose
-- invalidation that statement takes in when it first opens another table:
-- the cache rebuilt in the statement reads the statement's older snapshot,
-- so it may serve that transaction only; the reader's next one sees the load.
SELECT dblink_exec('reader', 'CREATE TABLE opened_late (x int)');
SELECT dblink_exec('reader', $sql$CREATE FUNCTION wait_then_check() RETURNS boolean STABLE LANGUAGE plpgsql AS $f$
BEGIN
    PERFORM 1 FROM codeset.release, codeset.code_history, codeset.modifier_history LIMIT 1;
    PERFORM valid('99215', '2027-05-01');   -- the cache, as of this statement
    PERFORM pg_advisory_lock(4242);         -- the loader commits meanwhile
    PERFORM 1 FROM opened_late;             -- a first lock: the invalidation arrives
    RETURN valid('99215', '2027-05-01');    -- rebuilt under this statement's snapshot
END $f$$sql$);
SELECT * FROM dblink('loader', 'SELECT pg_advisory_lock(4242)') AS t(locked text);
SELECT dblink_send_query('reader', 'SELECT wait_then_check()');
DO $$
BEGIN
    FOR i IN 1 .. 3000 LOOP   -- until the reader waits for the lock (30 s at most)
        EXIT WHEN EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted);
        PERFORM pg_sleep(0.01);
    END LOOP;
END $$;
SELECT * FROM dblink('loader', $$SELECT status FROM codeset.load_code_list_data(
    convert_to(E'code\n99213\n99215\n', 'UTF8'), 'cpt-q2b.csv', 'CPT', '2027-04-01')$$) AS t(status text);
SELECT * FROM dblink('loader', 'SELECT pg_advisory_unlock(4242)') AS t(unlocked boolean);
SELECT * FROM dblink_get_result('reader') AS t(within_the_statement boolean);
SELECT * FROM dblink_get_result('reader') AS t(within_the_statement boolean);
SELECT * FROM dblink('reader', $$SELECT valid('99215', '2027-05-01')$$) AS t(next_transaction boolean);

-- Two loads at once: the second waits for the first to commit, then
-- builds on it (found by review: both read the same state, and the later
-- list's ending of 99214 was lost)
SELECT dblink_exec('loader', 'BEGIN');
SELECT * FROM dblink('loader', $$SELECT status FROM codeset.load_code_list_data(
    convert_to(E'code\n99213\n99214\n', 'UTF8'), 'cpt-q3.csv', 'CPT', '2027-07-01')$$) AS t(status text);
SELECT dblink_send_query('reader', $$SELECT status FROM codeset.load_code_list_data(
    convert_to(E'code\n99213\n99215\n', 'UTF8'), 'cpt-q4.csv', 'CPT', '2027-10-01')$$);
DO $$
BEGIN
    FOR i IN 1 .. 3000 LOOP   -- until the second load waits for the first (30 s at most)
        EXIT WHEN EXISTS (SELECT FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                          WHERE d.datname = 'codeset_cache_test' AND l.locktype = 'relation' AND NOT l.granted);
        PERFORM pg_sleep(0.01);
    END LOOP;
END $$;
SELECT dblink_exec('loader', 'COMMIT');
SELECT * FROM dblink_get_result('reader') AS t(second_load text);
SELECT * FROM dblink_get_result('reader') AS t(second_load text);
SELECT * FROM dblink('reader', $$SELECT valid('99214', '2027-08-01'), valid('99214', '2027-11-01'),
                                        valid('99215', '2027-08-01'), valid('99215', '2027-11-01')$$)
    AS t(q3_99214 boolean, q4_99214 boolean, q3_99215 boolean, q4_99215 boolean);

-- A load refuses to run under REPEATABLE READ, whose snapshot could miss a
-- release committed while it waited for the lock
SELECT dblink_exec('loader', 'BEGIN ISOLATION LEVEL REPEATABLE READ');
SELECT * FROM dblink('loader', $$SELECT status FROM codeset.load_code_list_data(
    convert_to(E'code\n99213\n', 'UTF8'), 'cpt-2028q1.csv', 'CPT', '2028-01-01')$$) AS t(status text);
SELECT dblink_exec('loader', 'ROLLBACK');

-- valid() runs in parallel workers, each with its own cache
SELECT dblink_exec('reader', $$CREATE TABLE claims AS
    SELECT g AS id, (ARRAY['J1100','99213','B0000','E0110'])[g % 4 + 1]::medcode AS code
    FROM generate_series(1, 200000) g$$);
SELECT dblink_exec('reader', 'ANALYZE claims');
SELECT dblink_exec('reader', $$SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
    SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2$$);
SELECT * FROM dblink('reader', $$EXPLAIN (COSTS OFF) SELECT count(*) FROM claims WHERE NOT valid(code, '2024-01-01')$$)
    AS t(plan text);
SELECT * FROM dblink('reader', $$SELECT count(*) FROM claims WHERE NOT valid(code, '2024-01-01')$$) AS t(invalid bigint);
SELECT * FROM dblink('reader', $$SELECT count(*) FROM claims WHERE valid(code, '2024-01-01') IS NULL$$) AS t(null_answers bigint);

SELECT dblink_disconnect('reader'), dblink_disconnect('loader');
DROP DATABASE codeset_cache_test;
