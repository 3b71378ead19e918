-- What one call may cost, and what it may trust (issue #14, second round):
-- an unknown set name of any length, a huge set literal under
-- statement_timeout, a stored set whose header lies, a server file that is
-- no regular file.  Timings and memory are asserted as booleans.
-- CPT codes in this file are examples only. CPT (c) American Medical Association.
\set VERBOSITY default
\set SHOW_CONTEXT never

-- The backend's peak resident memory so far, in kB (Linux)
CREATE FUNCTION pg_temp.peak_rss_kb() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s+(\d+) kB')::bigint
$$;
-- A statement's result, or the SQLSTATE and message it raises
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    EXECUTE q INTO result;
    RETURN 'no error: ' || coalesce(result, 'NULL');
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- 1. in_set() with an unknown name of 3,000,000 characters: the error names
-- it cut short, at once and in little memory (before: 1.5 s and 1.2 GB,
-- deaf to cancels, for the nearest-name hint)
DO $$
DECLARE
    t0 timestamptz := clock_timestamp();
    rss0 bigint := pg_temp.peak_rss_kb();
    detail text;
    hint text;
BEGIN
    PERFORM in_set('99213', repeat('x', 3000000));
EXCEPTION WHEN undefined_object THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RAISE NOTICE 'error: %', SQLERRM;
    RAISE NOTICE 'detail: %', detail;
    RAISE NOTICE 'hint: %', hint;
    RAISE NOTICE 'in under 0.5 s: %, under 100 MB more: %', clock_timestamp() - t0 < interval '0.5 s',
        pg_temp.peak_rss_kb() - rss0 < 100 * 1024;
END $$;
SELECT in_set('99213', repeat('cpt:', 17));
-- A name of set-name length still gets the nearest names
SELECT in_set('99213', 'cpt:radiolgy');
SELECT in_set('99213', repeat('y', 64));
-- A long name of the user's is found, and never compared
INSERT INTO codeset.code_set (name, description, codes) VALUES (repeat('long-name:', 10), 'test', '{99213}');
SELECT in_set('99213', repeat('long-name:', 10));
SELECT in_set('99213', repeat('long-name:', 10) || 's');
SELECT in_set('99213', 'long-name:');
DELETE FROM codeset.code_set WHERE name = repeat('long-name:', 10);

-- 2. A set literal of 40,000,000 elements (240 MB, made beforehand) stops
-- at statement_timeout (before: read on for 5 s under a 1 s timeout)
SET default_toast_compression = lz4;
CREATE TEMP TABLE big_literal AS
SELECT '{' || repeat(repeat('99213,J1100,0042T,', 1000), 13333) || '99214}' AS s;
RESET default_toast_compression;
SET statement_timeout = '1s';
DO $$
DECLARE
    t0 timestamptz := clock_timestamp();
BEGIN
    PERFORM s::medcodeset FROM big_literal;
    RAISE NOTICE 'the literal was read';
EXCEPTION WHEN query_canceled THEN
    RAISE NOTICE '%, in under 2.5 s: %', SQLERRM, clock_timestamp() - t0 < interval '2.5 s';
END $$;
RESET statement_timeout;
DROP TABLE big_literal;
-- and a big literal still reads
SELECT code_count(('{' || repeat('99213, J1100, 0042T, ', 200000) || '99214}')::medcodeset);

-- 3. A stored set whose header counts more ranges than its bytes hold is
-- corrupt (XX001), in every function that reads it, and the backend stays
-- up (before: code_count(), + and the output crashed it).  A set is its
-- range count (int4), then lo and hi (int4) of each range; binary-coercible
-- casts make such values.  \x01010101 counts 16,843,009 in either byte order.
CREATE CAST (bytea AS medcodeset) WITHOUT FUNCTION;
CREATE CAST (medcodeset AS bytea) WITHOUT FUNCTION;
CREATE TEMP TABLE corrupt (what text, b bytea);
INSERT INTO corrupt VALUES
    ('counts 16843009, holds none', '\x01010101'),
    ('counts 16843009, holds one', '\x01010101' || int4send(0) || int4send(0)),
    ('counts -1', '\xffffffff'),
    ('no count', '\x'),
    ('half a count', '\x0000');
-- Two ranges counted, one held; and the right size, the two swapped (the
-- functions whose memory rests on the order check it too, the others answer)
INSERT INTO corrupt
SELECT 'counts 2, holds one', substring(b FROM 1 FOR 12)
FROM (SELECT '{99213, J1100}'::medcodeset::bytea AS b) v
UNION ALL
SELECT 'two ranges, out of order', substring(b FROM 1 FOR 4) || substring(b FROM 13 FOR 8) || substring(b FROM 5 FOR 8)
FROM (SELECT '{99213, J1100}'::medcodeset::bytea AS b) v;
SELECT what, q, pg_temp.error_of(format(q, quote_literal(b) || '::bytea::medcodeset')) AS error
FROM corrupt,
     (VALUES ('SELECT code_count(%s)'), ('SELECT %s + ''{99213}'''), ('SELECT %s::text'),
             ('SELECT %s && ''{99213}'''), ('SELECT %s = ''{99213}'''), ('SELECT ''99213''::medcode <@ %s'),
             ('SELECT medcodeset_union_agg(s) FROM (VALUES (%s)) v(s)'), ('SELECT medcodeset_send(%s)')) v(q)
ORDER BY what, q;
SELECT code_count('\x01010101'::bytea::medcodeset);
SELECT code_count(substring('{99213, J1100}'::medcodeset::bytea FROM 1 FOR 12)::medcodeset);
SELECT 'the backend is up' AS still;
DROP CAST (bytea AS medcodeset);
DROP CAST (medcodeset AS bytea);

-- 4. read_server_file() reads regular files, to their end: a FIFO is
-- refused at once (before: open() waited for a writer, deaf to cancels), a
-- file under /proc reads whole (before: empty, its size being 0), a device
-- is refused (before: /dev/null read as empty)
SELECT octet_length(codeset.read_server_file('/proc/self/status')) > 0 AS proc_file_read,
       position('VmHWM' IN convert_from(codeset.read_server_file('/proc/self/status'), 'UTF8')) > 0 AS whole,
       octet_length(codeset.read_server_file('/proc/self/smaps')) > 8192 AS past_its_first_8_kb;
SELECT codeset.read_server_file(f) = pg_read_binary_file(f) AS same_bytes
FROM (SELECT codeset.shipped_data_dir() || '/hcpcs_anweb/HCPC2020_ANWEB_w_disclaimer.txt' AS f) v;
SELECT codeset.read_server_file('/dev/null');
SELECT codeset.read_server_file('/');
-- A directory of the server user's with a FIFO and a sparse 2 GB file; a
-- writer opens the FIFO after 2 s, so that a reader that waits in open()
-- fails this test rather than hang it (the writer gives up after 5 s)
CREATE TEMP TABLE server_dir (d text);
COPY server_dir FROM PROGRAM 'd=$(mktemp -d /tmp/codeset_16_bounds.XXXXXX) && mkfifo "$d/fifo" && truncate -s 2G "$d/big" && (timeout 5 sh -c "sleep 2; exec 3>$d/fifo" >/dev/null 2>&1 &) && echo "$d"';
SELECT clock_timestamp() AS t0 \gset
SELECT f, replace(pg_temp.error_of(format('SELECT codeset.read_server_file(%L)', d || f)), d, '<dir>') AS error
FROM server_dir, (VALUES ('/fifo'), ('/big')) v(f) ORDER BY f;
SELECT clock_timestamp() - :'t0' < interval '1.5 s' AS refused_at_once;
DO $$
BEGIN
    EXECUTE format('COPY server_dir FROM PROGRAM %L', format('rm -rf %s', (SELECT d FROM server_dir)));
END $$;
