-- pgTAP (pg_prove from the repository root): the shipped tables are exactly
-- what the loaders make of the original CMS files in ../shared/data (the
-- unfiltered Addendum B files, CPT rows and all).  Runs in a throwaway
-- database; skips, saying so, where ../shared/data is absent.
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
SELECT plan(5);

-- What CREATE EXTENSION shipped
CREATE TABLE shipped_codes AS
SELECT code, period, valid_from, valid_to, possible_from, possible_to, short_description,
       long_description, action_code, add_date, action_effective_date, termination_date,
       coverage_code, betos, type_of_service, pricing_indicators, xrefs, release_id
FROM codeset.code_history;
CREATE VIEW modifier_rows AS
SELECT modifier, period, valid_from, valid_to, possible_from, possible_to, short_description,
       long_description, action_code, add_date, action_effective_date, termination_date, release_id
FROM codeset.modifier_history;
CREATE TABLE shipped_modifiers AS SELECT * FROM modifier_rows;
CREATE TABLE shipped_releases AS
SELECT release_id, code_system, file_kind, effective, covers, codes_added, codes_changed,
       codes_terminated, codes_unchanged FROM codeset.release;

\if :have_shared_data
-- Start again from nothing, and load the originals through the client.
\o /dev/null
TRUNCATE codeset.code_version, codeset.modifier_version, codeset.release;
SELECT setval('codeset.release_id_seq', 1, false);

\set content `base64 -w0 ../shared/data/hcpcs_level2/anweb/HCPC2017_CONTR_ANWEB.txt`
SELECT status FROM codeset.load_hcpcs_data(decode(:'content', 'base64'), 'HCPC2017_CONTR_ANWEB.txt', '2017-01-01');
\set content `base64 -w0 ../shared/data/hcpcs_level2/anweb/HCPC2018_CONTR_ANWEB_disc.txt`
SELECT status FROM codeset.load_hcpcs_data(decode(:'content', 'base64'), 'HCPC2018_CONTR_ANWEB_disc.txt', '2018-01-01');
\set content `base64 -w0 ../shared/data/hcpcs_level2/anweb/HCPC2019_CONTR_ANWEB.txt`
SELECT status FROM codeset.load_hcpcs_data(decode(:'content', 'base64'), 'HCPC2019_CONTR_ANWEB.txt', '2019-01-01');
\set content `base64 -w0 ../shared/data/hcpcs_level2/anweb/HCPC2020_ANWEB_w_disclaimer.txt`
SELECT status FROM codeset.load_hcpcs_data(decode(:'content', 'base64'), 'HCPC2020_ANWEB_w_disclaimer.txt', '2020-01-01');
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2023q1.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2023q1.csv', 'HCPCS', '2023-01-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2023q2.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2023q2.csv', 'HCPCS', '2023-04-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2023q3.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2023q3.csv', 'HCPCS', '2023-07-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2023q4.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2023q4.csv', 'HCPCS', '2023-10-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2024q1.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2024q1.csv', 'HCPCS', '2024-01-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2024q2.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2024q2.csv', 'HCPCS', '2024-04-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2024q3.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2024q3.csv', 'HCPCS', '2024-07-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2024q4.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2024q4.csv', 'HCPCS', '2024-10-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2025q1.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2025q1.csv', 'HCPCS', '2025-01-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2025q2.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2025q2.csv', 'HCPCS', '2025-04-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2025q3.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2025q3.csv', 'HCPCS', '2025-07-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2025q4.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2025q4.csv', 'HCPCS', '2025-10-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2026q1.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2026q1.csv', 'HCPCS', '2026-01-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\set content `base64 -w0 ../shared/data/opps_addendum_b/opps_addendum_b_2026q2.csv`
SELECT status FROM codeset.load_code_list_data(decode(:'content', 'base64'), 'opps_addendum_b_2026q2.csv', 'HCPCS', '2026-04-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4);
\o

SELECT is((SELECT count(*) FROM codeset.release), 18::bigint, 'the 18 original files load');
SELECT is_empty($$
    (SELECT code, period, valid_from, valid_to, possible_from, possible_to, short_description,
            long_description, action_code, add_date, action_effective_date, termination_date,
            coverage_code, betos, type_of_service, pricing_indicators, xrefs, release_id
     FROM codeset.code_history
     EXCEPT SELECT * FROM shipped_codes)
    UNION ALL
    (SELECT * FROM shipped_codes
     EXCEPT SELECT code, period, valid_from, valid_to, possible_from, possible_to, short_description,
            long_description, action_code, add_date, action_effective_date, termination_date,
            coverage_code, betos, type_of_service, pricing_indicators, xrefs, release_id
     FROM codeset.code_history)
$$, 'code history: shipped = loaded from the originals');
SELECT is_empty($$
    (SELECT * FROM modifier_rows EXCEPT SELECT * FROM shipped_modifiers)
    UNION ALL (SELECT * FROM shipped_modifiers EXCEPT SELECT * FROM modifier_rows)
$$, 'modifier history: shipped = loaded from the originals');
SELECT is_empty($$
    (SELECT release_id, code_system, file_kind, effective, covers, codes_added, codes_changed,
            codes_terminated, codes_unchanged FROM codeset.release
     EXCEPT SELECT * FROM shipped_releases)
    UNION ALL
    (SELECT * FROM shipped_releases
     EXCEPT SELECT release_id, code_system, file_kind, effective, covers, codes_added, codes_changed,
            codes_terminated, codes_unchanged FROM codeset.release)
$$, 'release log: the same counts');
SELECT is((SELECT sum(rows_skipped)::int FROM codeset.release WHERE file_kind = 'code list') > 0, true,
    'the original Addendum B files carry CPT and CDT rows, which the loader skips');
\else
SELECT skip('../shared/data is not beside this checkout (a user''s clone): shipped-versus-original check skipped', 5);
\endif

SELECT * FROM finish();
\c postgres
DROP DATABASE codeset_reload;
