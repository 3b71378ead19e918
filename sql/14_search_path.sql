-- search_path safety: hostile functions and operators planted ahead of
-- pg_catalog, with the names codeset's SQL and C call, change no answer.
-- CPT codes in this file are examples only. CPT (c) American Medical Association.
SET datestyle = ISO;

-- The questions, asked with a clean search_path
CREATE TEMP TABLE questions (q text);
INSERT INTO questions VALUES
    ($$SELECT valid('J1100')::text$$), ($$SELECT valid('J0610', '2023-05-01')::text$$),
    ($$SELECT invalid_reason('B0000')$$), ($$SELECT describe('E0110')$$),
    ($$SELECT describe('J0610', '2023-02-01')$$),
    ($$SELECT (SELECT array_agg(l.valid_to ORDER BY l.period) FROM lookup('J0610') l)::text$$),
    ($$SELECT (code_status('C9034', '2019-06-01'))::text$$),
    ($$SELECT valid_modifier('LT')::text$$),
    ($$SELECT (SELECT array_agg(c) FROM codes('{J1100-J1110}') c)::text$$),
    ($$SELECT in_set('99213', 'cpt:evaluation-management')::text$$),
    ($$SELECT ('{99202-99215, G0438}'::medcodeset + '{99216}'::medcodeset)::text$$),
    ($$SELECT (SELECT count(*) FROM codeset.code_history)::text$$),
    ($$SELECT (parse_claim_line('J1100-JW'))::text$$),
    ($$SELECT code_section('99213')$$);
CREATE TEMP TABLE clean_answers AS SELECT q, NULL::text AS a FROM questions;
CREATE FUNCTION pg_temp.ask(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE a text;
BEGIN
    EXECUTE q INTO a;
    RETURN a;
END $$;
UPDATE clean_answers SET a = pg_temp.ask(q);

-- A hostile schema: every name here answers wrong
CREATE SCHEMA evil;
CREATE FUNCTION evil.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE sql AS 'SELECT NULL::anyelement WHERE false';
CREATE FUNCTION evil.sha256(bytea) RETURNS bytea LANGUAGE sql AS $$SELECT '\x00'::bytea$$;
CREATE FUNCTION evil.convert_to(text, name) RETURNS bytea LANGUAGE sql AS $$SELECT '\x00'::bytea$$;
CREATE FUNCTION evil.array_to_string(anyarray, text, text) RETURNS text LANGUAGE sql AS $$SELECT 'evil'$$;
CREATE FUNCTION evil.pg_read_binary_file(text) RETURNS bytea LANGUAGE sql AS $$SELECT '\x00'::bytea$$;
CREATE FUNCTION evil.max(integer) RETURNS integer LANGUAGE sql AS 'SELECT 0';
CREATE FUNCTION evil.text_eq(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.text_eq);
CREATE FUNCTION evil.date_le(date, date) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR evil.<= (LEFTARG = date, RIGHTARG = date, FUNCTION = evil.date_le);
CREATE OPERATOR evil.>= (LEFTARG = date, RIGHTARG = date, FUNCTION = evil.date_le);
CREATE FUNCTION evil.int_eq(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR evil.= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.int_eq);
CREATE FUNCTION evil.code_eq(medcode, medcode) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR evil.= (LEFTARG = medcode, RIGHTARG = medcode, FUNCTION = evil.code_eq);
CREATE FUNCTION evil.in_set(medcode, medcodeset) RETURNS boolean LANGUAGE sql AS 'SELECT false';
CREATE OPERATOR evil.<@ (LEFTARG = medcode, RIGHTARG = medcodeset, FUNCTION = evil.in_set);

SET search_path = evil, public, pg_catalog;
-- the hostile objects are in effect for the caller's own SQL ...
SELECT 'a'::text = 'b'::text AS evil_equality_in_effect;
-- ... but codeset's answers do not change
SELECT c.q, c.a AS clean, pg_temp.ask(c.q) AS hostile, c.a IS NOT DISTINCT FROM pg_temp.ask(c.q) AS same
FROM clean_answers c ORDER BY c.q;

-- nor do the loaders' results
BEGIN;
SELECT status, codes_added FROM codeset.load_code_list_data(
    pg_catalog.convert_to(E'code\n99213\n', 'UTF8'), 'cpt.csv', 'CPT', '2027-01-01');
SELECT public.valid('99213', '2027-02-01');
ROLLBACK;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA evil CASCADE;

-- Install time: functions planted in public before CREATE EXTENSION, each
-- a better match than pg_catalog's polymorphic or variadic built-in for
-- the calls the install script and its pre-parsed function bodies make,
-- must be neither called nor bound (found by review: a database owner
-- could become superuser this way).  In a database of its own, via dblink.
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE DATABASE codeset_hijack_test;
SELECT format('dbname=codeset_hijack_test port=%s host=%s', current_setting('port'),
              split_part(current_setting('unix_socket_directories'), ',', 1)) AS hijack_conninfo \gset
SELECT dblink_connect('hijack', :'hijack_conninfo');
SELECT dblink_exec('hijack', $sql$
CREATE TABLE public.hijack_log (fn text);
CREATE FUNCTION public.unnest(a text[]) RETURNS SETOF text LANGUAGE plpgsql AS $f$
BEGIN INSERT INTO public.hijack_log VALUES ('unnest'); RETURN QUERY SELECT pg_catalog.unnest(a); END $f$;
CREATE FUNCTION public.format(f text, a text, b text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN INSERT INTO public.hijack_log VALUES ('format'); RETURN pg_catalog.format(f, a, b); END $f$;
CREATE FUNCTION public.format(f text, a date) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN INSERT INTO public.hijack_log VALUES ('format'); RETURN pg_catalog.format(f, a); END $f$;
CREATE FUNCTION public.format(f text, a integer) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN INSERT INTO public.hijack_log VALUES ('format'); RETURN pg_catalog.format(f, a); END $f$;
CREATE FUNCTION public.array_to_string(a text[], d text, n text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN INSERT INTO public.hijack_log VALUES ('array_to_string'); RETURN pg_catalog.array_to_string(a, d, n); END $f$;
$sql$);
SELECT dblink_exec('hijack', 'CREATE EXTENSION codeset');
SELECT * FROM dblink('hijack', $sql$
    SELECT (SELECT count(*) FROM code_status('C9034', '2019-06-01')) AS status_rows,
           (SELECT reason FROM code_status('J110', '2019-06-01')) AS malformed,
           (codeset.load_code_list_lines(ARRAY['code', '99213'], 'cpt.csv', 'CPT', '2027-01-01')).status AS list_load
$sql$) AS t(status_rows bigint, malformed text, list_load text);
SELECT * FROM dblink('hijack', $sql$
    SELECT (SELECT count(*) FROM public.hijack_log) AS planted_calls,
           (SELECT count(*) FROM pg_depend d JOIN pg_proc p ON d.refclassid = 'pg_proc'::regclass AND d.refobjid = p.oid
            WHERE p.pronamespace = 'public'::regnamespace
              AND p.proname IN ('unnest', 'format', 'array_to_string')) AS bound_to_planted
$sql$) AS t(planted_calls bigint, bound_to_planted bigint);
SELECT dblink_disconnect('hijack');
DROP DATABASE codeset_hijack_test;
