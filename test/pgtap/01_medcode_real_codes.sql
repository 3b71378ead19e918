-- pgTAP (run by pg_prove from the repository root, see tools/test.sh):
-- medcode over every real code number in ../shared/data.  Skips, saying so,
-- when that folder is absent (as on a user's clone).
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP true

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS codeset;
SELECT plan(10);

CREATE TEMP TABLE data_codes (t text NOT NULL);
\if :have_shared_data
\copy data_codes FROM PROGRAM 'tail -q -n +2 ../shared/data/opps_addendum_b/*.csv | cut -d, -f1'
\copy data_codes FROM PROGRAM 'tail -q -n +2 ../shared/data/hcpcs_level2/csv/hcpcs_level2_20*.csv | grep -v "^[^,]*,modifier," | cut -d, -f1'
\endif

CREATE TEMP TABLE real_codes AS
SELECT DISTINCT t,
       CASE WHEN t ~ '^[0-9]{5}$' THEN 0
            WHEN t ~ '^[0-9]{4}[AFMTU]$' THEN 1 + strpos('AFMTU', right(t, 1))
            ELSE 10 + ascii(t) END AS family,
       CASE WHEN t ~ '^[0-9]{5}$' THEN 'category I'
            WHEN t ~ '^[0-9]{4}A$' THEN 'vaccine'
            WHEN t ~ '^[0-9]{4}F$' THEN 'category II'
            WHEN t ~ '^[0-9]{4}M$' THEN 'MAAA'
            WHEN t ~ '^[0-9]{4}T$' THEN 'category III'
            WHEN t ~ '^[0-9]{4}U$' THEN 'PLA'
            WHEN t ~ '^D[0-9]{4}$' THEN 'dental'
            WHEN t ~ '^[A-CE-V][0-9]{4}$' THEN 'level II' END AS kind
FROM data_codes;

\if :have_shared_data
SELECT cmp_ok((SELECT count(*) FROM real_codes), '>', 20000::bigint,
    'the CMS files give more than 20,000 distinct code numbers');
SELECT is((SELECT count(*) FROM real_codes WHERE NOT is_medcode(t)), 0::bigint,
    'every code number in the CMS files is a medcode');
SELECT is((SELECT count(*) FROM real_codes WHERE code_kind(t::medcode) IS DISTINCT FROM kind),
    0::bigint, 'code_kind agrees with the shape of every real code');
SELECT is((SELECT count(*) FROM real_codes
           WHERE code_system(t::medcode) <> CASE WHEN t ~ '^[0-9]' THEN 'CPT' ELSE 'HCPCS' END),
    0::bigint, 'code_system: CPT for the Level I shapes, HCPCS for letter + digits');
SELECT is((SELECT count(*) FROM real_codes WHERE kind = 'category I' AND code_section(t::medcode) IS NULL),
    0::bigint, 'every real five-digit CPT number falls in a Category I section range');
SELECT is((SELECT count(*) FROM (
              SELECT row_number() OVER (ORDER BY t::medcode) AS by_medcode,
                     row_number() OVER (ORDER BY family, t COLLATE "C") AS by_family
              FROM real_codes) o WHERE by_medcode <> by_family), 0::bigint,
    'medcode order over the real codes is family-major, then by digits');
SELECT is((SELECT count(*) FROM real_codes r
           JOIN (SELECT family, min(t::medcode) lo, max(t::medcode) hi FROM real_codes GROUP BY family) f
             ON r.t::medcode BETWEEN f.lo AND f.hi
           WHERE r.family <> f.family), 0::bigint,
    'the range between the first and last real code of a family holds only that family');
SELECT is((SELECT count(*) FROM real_codes r
           WHERE r.kind = 'category I'
             AND NOT EXISTS (SELECT 1 FROM codeset.code_set s
                             WHERE s.source = 'codeset' AND s.name LIKE 'cpt:%'
                               AND s.description = code_section(r.t::medcode)
                               AND in_set(r.t::medcode, s.name))),
    0::bigint, 'every real five-digit CPT number is in the shipped set named after its section');
SELECT is(code_section('99201'), 'Evaluation and Management',
    '99201 (a CPT code until 2021) is Evaluation and Management');
SELECT ok(in_set('99201', 'cpt:evaluation-management'), 'in_set(''99201'', ''cpt:evaluation-management'')');
\else
SELECT skip('../shared/data is not beside this checkout (a user''s clone): real-code checks skipped', 10);
\endif

SELECT * FROM finish();
ROLLBACK;
