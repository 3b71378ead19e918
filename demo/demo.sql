-- codeset demo: run by tools/demo.sh in a throwaway cluster.
-- CPT codes shown are examples only. CPT (c) American Medical Association.
\pset pager off
SET datestyle = ISO;
\echo
\echo '== CREATE EXTENSION codeset'
CREATE EXTENSION codeset;
\dx codeset

\echo
\echo '== A sample claims table, codes as raw text the way claim feeds deliver them'
CREATE TABLE claims (claim_id int PRIMARY KEY, code text, date_of_service date);
INSERT INTO claims VALUES
    (1, '99213', '2024-03-04'), (2, ' j1100', '2024-03-04'), (3, '0042T', '2023-11-20'),
    (4, 'E0110', '2019-06-01'), (5, '100', '2022-01-10'), (6, '99213-25', '2024-05-02'),
    (7, 'A0425', '2025-02-14'), (8, '3074X', '2024-07-30'), (9, '0001U', '2024-09-09'),
    (10, 'J110', '2024-10-01'), (11, 'G0438', '2026-01-15'), (12, 'D0120', '2025-06-30');
TABLE claims;

\echo
\echo '== The code tables that ship: CMS HCPCS Level II 2017-2020, 2020 Q2-Q4 and 2025 Q4, OPPS Addendum B 2019-2026'
SELECT count(*) AS releases, min(effective) AS first, max(effective) AS newest,
       (SELECT count(DISTINCT code) FROM codeset.code_history) AS level2_codes,
       (SELECT count(DISTINCT modifier) FROM codeset.modifier_history) AS modifiers
FROM codeset.release;

\echo
\echo '== The headline query: which claims carry a code that is not valid? (raw text column)'
SELECT claim_id, code FROM claims WHERE NOT valid(code);

\echo
\echo '== ... on the date of service, and why'
SELECT claim_id, code, date_of_service, valid(code, date_of_service),
       invalid_reason(code, date_of_service)
FROM claims ORDER BY claim_id;

\echo
\echo '== Which claim codes are not even well-formed? (never raises on raw text)'
SELECT claim_id, code FROM claims WHERE NOT is_medcode(code);

\echo
\echo '== Descriptions, history and replacement codes'
SELECT valid('J1100'), valid('J0610', '2023-05-01'), invalid_reason('B0000'), describe('E0110');
SELECT code, period, valid_from, valid_to, short_description, action_code FROM lookup('J0610');
SELECT * FROM code_status('C9034', '2019-06-01');

\echo
\echo '== Claim lines with modifiers'
SELECT t, (parse_claim_line(t)).code, (parse_claim_line(t)).modifiers,
       valid_modifier((parse_claim_line(t)).modifiers[1])
FROM (VALUES ('99213-25'), ('J1100-JW'), ('E0110 LT'), ('A0425:ZZ')) v(t);

\echo
\echo '== Why not: the error a cast gives (SQLSTATE 22P02, with the rule and a hint)'
\set ON_ERROR_STOP 0
SELECT '100'::medcode;
SELECT '99213-25'::medcode;
SELECT '3074X'::medcode;
\set ON_ERROR_STOP 1

\echo
\echo '== Classify the well-formed ones'
SELECT claim_id, to_medcode(code) AS code, code_system(to_medcode(code)),
       hcpcs_level(to_medcode(code)) AS level, cpt_category(to_medcode(code)) AS category,
       code_kind(to_medcode(code)), code_section(to_medcode(code))
FROM claims WHERE is_medcode(code) ORDER BY to_medcode(code);

\echo
\echo '== A billing table that keeps bad codes out: a medcode column and family domains'
CREATE TABLE billing_line (
    line_id int PRIMARY KEY,
    code medcode NOT NULL,
    drug hcpcs_code
);
INSERT INTO billing_line VALUES (1, '99213', 'J1100'), (2, 'g0438', NULL);
\set ON_ERROR_STOP 0
INSERT INTO billing_line VALUES (3, 'J110', NULL);
INSERT INTO billing_line VALUES (4, '99213', '99214');
\set ON_ERROR_STOP 1
TABLE billing_line;

\echo
\echo '== Family-major order: a range between two codes of one family holds only that family'
SELECT code, code BETWEEN '0001U' AND '0999U' AS in_pla_range
FROM (VALUES ('00100'::medcode), ('0042T'), ('0100U'), ('J1100')) v(code) ORDER BY code;

\echo
\echo '== Code sets: billing rules as sets of codes and ranges, served by the btree on the code column'
CREATE TABLE claim_codes AS SELECT claim_id, to_medcode(code) AS code FROM claims WHERE is_medcode(code);
SELECT claim_id, code, code <@ '{99202-99215, G0438, G0439}' AS office_or_wellness,
       in_set(code, 'hcpcs:J') AS drug, in_set(code, 'cpt:evaluation-management') AS em
FROM claim_codes ORDER BY claim_id;
SELECT '{99202-99210, 99211-99215, G0439, G0438}'::medcodeset AS normalized,
       '{99202-99215}'::medcodeset - '{99211}' AS without_99211,
       code_count('{J0100-J9999}') AS j_range_spans;
SELECT name, description, codes FROM codeset.code_set WHERE name LIKE 'cpt:%' ORDER BY name;

\echo
\echo '== CPT is NULL until you load the list you license (here three example codes)'
SELECT valid('99213', '2024-03-04') AS before_load;
BEGIN;
SELECT status, codes_added FROM codeset.load_code_list_data(
    convert_to(E'code\n99213\n99214\n0001U\n', 'UTF8'), 'my-cpt-2024.csv', 'CPT', '2024-01-01');
SELECT claim_id, code, valid(code, date_of_service) FROM claims WHERE code ~ '^\s*[0-9]' ORDER BY 1;
ROLLBACK;

\echo
\echo '== History from every release: what the October 2025 CMS file changed, in CMS''s words'
SELECT change, count(*) FROM codeset.release_changes(
    (SELECT release_id FROM codeset.release WHERE file_kind = 'hcpcs file' AND effective = '2025-10-01'))
GROUP BY change ORDER BY count(*) DESC;
\echo
\echo '== Where the sources disagree, the CMS record wins (M0245: terminated 2023-12-13, Addendum B kept listing it)'
SELECT key, date_from, date_to, record_says, regexp_replace(snapshot_file, '^.*/', '') AS snapshot_file, snapshot_says
FROM codeset.source_disagreement WHERE key = 'M0245' ORDER BY date_from LIMIT 3;
SELECT valid('M0245', '2024-04-15') AS m0245_2024_04_15;
