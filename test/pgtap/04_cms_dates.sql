-- pgTAP (pg_prove from the repository root): the shipped history against
-- the dates in CMS's October 2025 quarterly file (../shared/data, the
-- independent CSV conversion of CMS's spreadsheet): every Level II code and
-- modifier on the 15th of every month 2017-01 to 2025-09.  CMS's ADD DATE
-- and TERMINATION DATE decide; before the action date of a reactivation
-- (action code R: J0570, 2025-10-01) the file does not say when the code
-- ended, and older files do.  Skips, saying so, where
-- ../shared/data is absent.
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP true

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS codeset;
SELECT plan(6);

-- The 47 columns of the conversion (SOURCES.md section 1b); 44-47 are the
-- add date, action effective date, termination date and action code.
CREATE TEMP TABLE cms_raw (f1 text, f2 text, f3 text, f4 text, f5 text, f6 text, f7 text, f8 text, f9 text, f10 text, f11 text, f12 text, f13 text, f14 text, f15 text, f16 text, f17 text, f18 text, f19 text, f20 text, f21 text, f22 text, f23 text, f24 text, f25 text, f26 text, f27 text, f28 text, f29 text, f30 text, f31 text, f32 text, f33 text, f34 text, f35 text, f36 text, f37 text, f38 text, f39 text, f40 text, f41 text, f42 text, f43 text, f44 text, f45 text, f46 text, f47 text);
\if :have_shared_data
\copy cms_raw FROM '../shared/data/hcpcs_level2/csv/hcpcs_level2_2025q4.csv' WITH (FORMAT csv, HEADER)
\endif
CREATE TEMP TABLE cms_2025q4 AS
SELECT f1 AS code, f2 AS record_type, f44 AS add_dt, f45 AS act_eff_dt, f46 AS term_dt, f47 AS action_cd
FROM cms_raw;

CREATE TEMP TABLE answer AS
SELECT c.code, c.record_type, d::date AS day,
       CASE WHEN c.action_cd = 'R' AND d < to_date(c.act_eff_dt, 'YYYYMMDD') THEN NULL
            ELSE to_date(c.add_dt, 'YYYYMMDD') <= d
                 AND (c.term_dt IS NULL OR d <= to_date(c.term_dt, 'YYYYMMDD')) END AS cms,
       CASE WHEN c.record_type = 'procedure' THEN valid(c.code, d::date)
            ELSE valid_modifier(c.code, d::date) END AS codeset
FROM cms_2025q4 c, generate_series('2017-01-15'::date, '2025-09-15', '1 month') d;

\if :have_shared_data
SELECT is((SELECT count(*)::int FROM cms_2025q4), 8846, 'the October 2025 file: 8,463 codes and 383 modifiers');
SELECT is((SELECT count(*)::int FROM answer WHERE codeset IS NULL), 0,
    'no answer on those days is NULL (undetermined)');
SELECT is_empty($$SELECT code, day, cms, codeset FROM answer WHERE record_type = 'procedure' AND codeset <> cms$$,
    'every Level II code''s answer agrees with CMS''s dates');
SELECT is_empty($$SELECT code, day, cms, codeset FROM answer WHERE record_type = 'modifier' AND codeset <> cms$$,
    'every modifier''s answer agrees with CMS''s dates');
SELECT is((SELECT count(*)::int FROM cms_2025q4 c
           WHERE c.record_type = 'modifier' AND c.term_dt IS NULL AND NOT valid_modifier(c.code, '2025-10-15')), 0,
    'valid_modifier() knows every modifier in force in October 2025');
SELECT ok(valid_modifier('JZ', '2025-10-15') AND valid_modifier('FS', '2025-10-15')
          AND valid('H2038', '2025-06-15') AND valid('J0174', '2023-07-15')
          AND NOT valid('M0245', '2024-04-15') AND valid('C9058', '2019-12-15')
          AND valid('G9919', '2025-02-15') AND valid('G9920', '2025-02-15'),
    'the issue''s examples: JZ, FS, H2038, J0174, M0245, C9058, G9919, G9920');
\else
SELECT skip('../shared/data is not beside this checkout (a user''s clone): CMS date checks skipped', 6);
\endif

SELECT * FROM finish();
ROLLBACK;
