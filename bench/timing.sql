-- bench/timing.sql: how bench/run.sh times a query, included by
-- bench/queries.sql and bench/per_row.sql.  Times are the executor's own
-- (EXPLAIN ANALYZE with TIMING OFF), so client round trips do not count; the
-- first run of each query warms the buffers and codeset's cache and is not
-- counted; the median of the others is.
\set ON_ERROR_STOP on
\pset pager off
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;

CREATE FUNCTION pg_temp.median_ms(q text, runs int DEFAULT 5) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    plan json;
    times numeric[] := '{}';
BEGIN
    FOR i IN 0 .. runs LOOP
        EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || q INTO plan;
        IF i > 0 THEN   -- run 0 warms the buffers and the cache
            times := times || (plan -> 0 ->> 'Execution Time')::numeric;
        END IF;
    END LOOP;
    RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t)::numeric(12, 3);
END $$;

-- A statement that cannot be EXPLAINed (COPY), timed by the clock
CREATE FUNCTION pg_temp.median_stmt_ms(setup text, q text, runs int DEFAULT 5) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    times numeric[] := '{}';
BEGIN
    FOR i IN 0 .. runs LOOP
        EXECUTE setup;
        t0 := clock_timestamp();
        EXECUTE q;
        IF i > 0 THEN
            times := times || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
        END IF;
    END LOOP;
    RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) t)::numeric(12, 3);
END $$;

CREATE TEMP TABLE result (name text PRIMARY KEY, ms numeric);

-- The scans whose ratios the targets compare run interleaved: a warm-up
-- round, then 5 rounds of each query once, so that a slower minute on a
-- shared machine slows them all alike instead of the one it falls on.
-- workers[q] is max_parallel_workers_per_gather for query q (0: serial).
CREATE FUNCTION pg_temp.time_interleaved(names text[], queries text[], workers int[] DEFAULT NULL,
                                         runs int DEFAULT 5)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    plan json;
    times numeric[] := array_fill(NULL::numeric, ARRAY[array_length(queries, 1), runs]);
BEGIN
    FOR r IN 0 .. runs LOOP
        FOR q IN 1 .. array_length(queries, 1) LOOP
            PERFORM set_config('max_parallel_workers_per_gather', coalesce(workers[q], 0)::text, false);
            EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || queries[q] INTO plan;
            IF r > 0 THEN   -- round 0 warms the buffers and the cache
                times[q][r] := (plan -> 0 ->> 'Execution Time')::numeric;
            END IF;
        END LOOP;
    END LOOP;
    PERFORM set_config('max_parallel_workers_per_gather', '0', false);
    FOR q IN 1 .. array_length(queries, 1) LOOP
        INSERT INTO result
        SELECT names[q], (percentile_cont(0.5) WITHIN GROUP (ORDER BY t))::numeric(12, 3)
        FROM unnest(times[q:q][1:runs]) t;
    END LOOP;
END $$;
