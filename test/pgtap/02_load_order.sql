-- pgTAP (pg_prove from the repository root): the history is a function of
-- the set of loaded releases, not of their order.  The original CMS files
-- in ../shared/data (the unfiltered Addendum B files, CPT rows and all; the
-- quarterly files as rendered in data/ from CMS's spreadsheets) loaded
-- through the client in several orders (shuffled with a fixed seed,
-- reversed, each one twice) give the shipped history exactly.  Runs in a
-- throwaway database; skips, saying so, where ../shared/data is absent.
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP true

SET client_min_messages = warning;
DROP DATABASE IF EXISTS codeset_reload;
CREATE DATABASE codeset_reload;
\c codeset_reload
SET client_min_messages = warning;
CREATE EXTENSION pgtap;
CREATE EXTENSION codeset;
SELECT plan(9);

-- A release named by what it is, not by its id (ids follow the load order)
CREATE FUNCTION release_name(id integer) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT file_kind || ' ' || effective FROM codeset.release WHERE release_id = id
$$;
-- The history, every column, releases by name; and answers on sample days
CREATE FUNCTION history_rows() RETURNS TABLE (r text) LANGUAGE sql STABLE AS $$
    SELECT ROW(h.code, h.period, h.valid_from, h.valid_to, h.possible_from, h.possible_to,
               h.short_description, h.long_description, h.action_code, h.add_date,
               h.action_effective_date, h.termination_date, h.coverage_code, h.betos,
               h.type_of_service, h.pricing_indicators, h.multiple_pricing, h.xrefs, h.asc_group,
               h.lab_cert, h.proc_note, h.anesthesia_base_units, release_name(h.release_id))::text
    FROM codeset.code_history h
    UNION ALL
    SELECT ROW(m.modifier, m.period, m.valid_from, m.valid_to, m.possible_from, m.possible_to,
               m.short_description, m.long_description, m.action_code, m.add_date,
               m.action_effective_date, m.termination_date, release_name(m.release_id))::text
    FROM codeset.modifier_history m
$$;
CREATE FUNCTION answers() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT md5(string_agg(concat(h.code, d, valid(h.code, d::date)), ',' ORDER BY h.code, d))
    FROM (SELECT DISTINCT code FROM codeset.code_history) h,
         generate_series('2016-06-15'::date, '2026-12-15', '3 months') d
$$;
CREATE FUNCTION release_counts() RETURNS TABLE (r text) LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ', file_kind, effective, covers, codes_added, codes_changed,
                     codes_terminated, codes_unchanged)
    FROM codeset.release WHERE superseded_by IS NULL AND unloaded_at IS NULL
$$;
CREATE TABLE shipped AS SELECT * FROM history_rows();
CREATE TABLE shipped_counts AS SELECT * FROM release_counts();
SELECT answers() AS shipped_answers \gset

CREATE TABLE files (n integer, name text, kind text, effective date, content bytea);
\if :have_shared_data
\set content `base64 -w0 ../shared/data/hcpcs_level2/anweb/HCPC2017_CONTR_ANWEB.txt`
INSERT INTO files VALUES (1, 'HCPC2017_CONTR_ANWEB.txt', 'hcpcs file', '2017-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/hcpcs_level2/anweb/HCPC2018_CONTR_ANWEB_disc.txt`
INSERT INTO files VALUES (2, 'HCPC2018_CONTR_ANWEB_disc.txt', 'hcpcs file', '2018-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/hcpcs_level2/anweb/HCPC2019_CONTR_ANWEB.txt`
INSERT INTO files VALUES (3, 'HCPC2019_CONTR_ANWEB.txt', 'hcpcs file', '2019-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/hcpcs_level2/anweb/HCPC2020_ANWEB_w_disclaimer.txt`
INSERT INTO files VALUES (4, 'HCPC2020_ANWEB_w_disclaimer.txt', 'hcpcs file', '2020-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 data/hcpcs_anweb/HCPC2020_APR_ANWEB.txt`
INSERT INTO files VALUES (5, 'HCPC2020_APR_ANWEB.txt', 'hcpcs file', '2020-04-01', decode(:'content', 'base64'));
\set content `base64 -w0 data/hcpcs_anweb/HCPC2020_JUL_ANWEB.txt`
INSERT INTO files VALUES (6, 'HCPC2020_JUL_ANWEB.txt', 'hcpcs file', '2020-07-01', decode(:'content', 'base64'));
\set content `base64 -w0 data/hcpcs_anweb/HCPC2020_OCT_ANWEB.txt`
INSERT INTO files VALUES (7, 'HCPC2020_OCT_ANWEB.txt', 'hcpcs file', '2020-10-01', decode(:'content', 'base64'));
\set content `base64 -w0 data/hcpcs_anweb/HCPC2025_OCT_ANWEB_v4.txt`
INSERT INTO files VALUES (8, 'HCPC2025_OCT_ANWEB_v4.txt', 'hcpcs file', '2025-10-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2019q1.csv`
INSERT INTO files VALUES (9, 'opps_addendum_b_2019q1.csv', 'code list', '2019-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2020q1.csv`
INSERT INTO files VALUES (10, 'opps_addendum_b_2020q1.csv', 'code list', '2020-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2020q2.csv`
INSERT INTO files VALUES (11, 'opps_addendum_b_2020q2.csv', 'code list', '2020-04-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2021q1.csv`
INSERT INTO files VALUES (12, 'opps_addendum_b_2021q1.csv', 'code list', '2021-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2021q2.csv`
INSERT INTO files VALUES (13, 'opps_addendum_b_2021q2.csv', 'code list', '2021-04-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2021q4.csv`
INSERT INTO files VALUES (14, 'opps_addendum_b_2021q4.csv', 'code list', '2021-10-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2022q1.csv`
INSERT INTO files VALUES (15, 'opps_addendum_b_2022q1.csv', 'code list', '2022-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2022q2.csv`
INSERT INTO files VALUES (16, 'opps_addendum_b_2022q2.csv', 'code list', '2022-04-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2022q3.csv`
INSERT INTO files VALUES (17, 'opps_addendum_b_2022q3.csv', 'code list', '2022-07-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2022q4.csv`
INSERT INTO files VALUES (18, 'opps_addendum_b_2022q4.csv', 'code list', '2022-10-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2023q1.csv`
INSERT INTO files VALUES (19, 'opps_addendum_b_2023q1.csv', 'code list', '2023-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2023q2.csv`
INSERT INTO files VALUES (20, 'opps_addendum_b_2023q2.csv', 'code list', '2023-04-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2023q3.csv`
INSERT INTO files VALUES (21, 'opps_addendum_b_2023q3.csv', 'code list', '2023-07-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2023q4.csv`
INSERT INTO files VALUES (22, 'opps_addendum_b_2023q4.csv', 'code list', '2023-10-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2024q1.csv`
INSERT INTO files VALUES (23, 'opps_addendum_b_2024q1.csv', 'code list', '2024-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2024q2.csv`
INSERT INTO files VALUES (24, 'opps_addendum_b_2024q2.csv', 'code list', '2024-04-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2024q3.csv`
INSERT INTO files VALUES (25, 'opps_addendum_b_2024q3.csv', 'code list', '2024-07-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2024q4.csv`
INSERT INTO files VALUES (26, 'opps_addendum_b_2024q4.csv', 'code list', '2024-10-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2025q1.csv`
INSERT INTO files VALUES (27, 'opps_addendum_b_2025q1.csv', 'code list', '2025-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2025q2.csv`
INSERT INTO files VALUES (28, 'opps_addendum_b_2025q2.csv', 'code list', '2025-04-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2025q3.csv`
INSERT INTO files VALUES (29, 'opps_addendum_b_2025q3.csv', 'code list', '2025-07-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2025q4.csv`
INSERT INTO files VALUES (30, 'opps_addendum_b_2025q4.csv', 'code list', '2025-10-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2026q1.csv`
INSERT INTO files VALUES (31, 'opps_addendum_b_2026q1.csv', 'code list', '2026-01-01', decode(:'content', 'base64'));
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2026q2.csv`
INSERT INTO files VALUES (32, 'opps_addendum_b_2026q2.csv', 'code list', '2026-04-01', decode(:'content', 'base64'));
\endif

-- Start again from nothing, then load the files in the given order
CREATE FUNCTION load_in_order(ord integer[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    f record;
    loaded integer := 0;
BEGIN
    TRUNCATE codeset.code_version, codeset.modifier_version, codeset.release_entry,
             codeset.history_event, codeset.release;
    FOR f IN SELECT files.* FROM unnest(ord) WITH ORDINALITY o(n, i) JOIN files USING (n) ORDER BY o.i LOOP
        IF f.kind = 'hcpcs file' THEN
            PERFORM codeset.load_hcpcs_data(f.content, f.name, f.effective);
        ELSE
            PERFORM codeset.load_code_list_data(f.content, f.name, 'HCPCS', f.effective,
                                                '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
        END IF;
        loaded := loaded + 1;
    END LOOP;
    RETURN loaded;
END $$;
CREATE FUNCTION same_as_shipped(what text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN NEXT is_empty('(SELECT * FROM history_rows() EXCEPT ALL SELECT * FROM shipped)
                          UNION ALL (SELECT * FROM shipped EXCEPT ALL SELECT * FROM history_rows())',
                         what || ': the same history, row for row');
END $$;

\if :have_shared_data
SELECT setseed(0.25);
SELECT is(load_in_order(ARRAY(SELECT n FROM files ORDER BY random())), 32, 'shuffled: the 32 original files load');
SELECT same_as_shipped('shuffled');
SELECT is(answers(), :'shipped_answers', 'shuffled: the same answers');
SELECT is_empty('(SELECT * FROM release_counts() EXCEPT ALL SELECT * FROM shipped_counts)
                 UNION ALL (SELECT * FROM shipped_counts EXCEPT ALL SELECT * FROM release_counts())',
    'shuffled: the same counts in the release log');
SELECT is(load_in_order(ARRAY(SELECT n FROM files ORDER BY n DESC)), 32, 'reversed: newest first');
SELECT same_as_shipped('reversed');
SELECT is(load_in_order(ARRAY(SELECT n FROM files, generate_series(1, 2) ORDER BY n)), 64, 'each file twice');
SELECT same_as_shipped('each twice');
SELECT is((SELECT count(*)::int FROM codeset.release), 32, 'each twice: a second load of a file is no new release');
\else
SELECT skip('../shared/data is not beside this checkout (a user''s clone): load-order checks skipped', 9);
\endif

SELECT * FROM finish();
\c postgres
DROP DATABASE codeset_reload;
