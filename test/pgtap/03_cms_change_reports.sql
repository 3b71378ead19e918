-- pgTAP (pg_prove from the repository root): the shipped 2017 -> 2018 ->
-- 2019 -> 2020 loads against CMS's own "changes by HCPCS code" reports in
-- ../shared/data/hcpcs_level2/changes: every code CMS reports as added
-- first appears in that year's release, every code it reports as
-- discontinued has ended by then, and every other code new to a release
-- is one CMS added between annual files (and reports as discontinued or,
-- for late additions, under another change).
-- Skips, saying so, where ../shared/data is absent.
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP true

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS codeset;
SELECT plan(16);

CREATE TEMP TABLE cms_change (year int, code text, change text);
\if :have_shared_data
\copy cms_change FROM PROGRAM 'cd ../shared/data/hcpcs_level2/changes && for f in HCPCS2017_Trans_Report_ChangesbyHCPC.prn:2017 HCPC18_Trans_Report_Alpha_ChangesbyHCPC.prn:2018 HCPC2019_Changes_by_HCPCSCode.prn:2019 HCPC2020_Changes_by_HCPC.prn:2020; do perl -ne "BEGIN { \$y = shift } s/\\r//; next unless /^\\s*([A-Z0-9]{2,5})\\s{2,}(\\S.*)/; \$c = \$1; \$t = \$2 =~ /^(ADD|Discontinued|Re-activated)/i ? \$1 : q(other); print qq(\$y,\$c,\$t\\n)" ${f#*:} ${f%%:*}; done' WITH (FORMAT csv)
\endif

-- The annual release of each year, and where each code first appears
CREATE TEMP VIEW annual AS
SELECT extract(year FROM effective)::int AS year, release_id FROM codeset.release
WHERE file_kind = 'hcpcs file' AND source = 'codeset' AND extract(month FROM effective) = 1;
CREATE TEMP VIEW first_seen AS
SELECT e.key AS code, min(e.release_id) AS release_id, min(e.add_date) AS add_date
FROM codeset.release_entry e JOIN annual a USING (release_id) GROUP BY e.key;

-- The quarterly transaction reports (CSV: code, change, descriptions)
CREATE TEMP TABLE cms_quarter_change (quarter date, code text, change text);
\if :have_shared_data
\copy cms_quarter_change (code, change) FROM PROGRAM 'tail -q -n +2 ../shared/data/hcpcs_level2/changes/hcpcs_changes_by_hcpc_2020q2.csv | cut -d, -f1,2' WITH (FORMAT csv)
UPDATE cms_quarter_change SET quarter = '2020-04-01' WHERE quarter IS NULL;
\copy cms_quarter_change (code, change) FROM PROGRAM 'tail -q -n +2 ../shared/data/hcpcs_level2/changes/hcpcs_changes_by_hcpc_2020q3.csv | cut -d, -f1,2' WITH (FORMAT csv)
UPDATE cms_quarter_change SET quarter = '2020-07-01' WHERE quarter IS NULL;
\copy cms_quarter_change (code, change) FROM PROGRAM 'tail -q -n +2 ../shared/data/hcpcs_level2/changes/hcpcs_changes_by_hcpc_2020q4.csv | cut -d, -f1,2' WITH (FORMAT csv)
UPDATE cms_quarter_change SET quarter = '2020-10-01' WHERE quarter IS NULL;
\copy cms_quarter_change (code, change) FROM PROGRAM 'tail -q -n +2 ../shared/data/hcpcs_level2/changes/hcpcs_changes_by_hcpc_2025q4.csv | cut -d, -f1,2' WITH (FORMAT csv)
UPDATE cms_quarter_change SET quarter = '2025-10-01' WHERE quarter IS NULL;
\endif
UPDATE cms_quarter_change SET code = btrim(code), change = btrim(change);
-- CMS's reports word action code C either way (once as Long/Short in 2020 Q3)
UPDATE cms_quarter_change SET change = 'Long Description Change' WHERE change = 'Long/Short Description Change';
-- What codeset says each shipped CMS file changed
CREATE TEMP VIEW codeset_change AS
SELECT r.effective, c.key AS code, c.change
FROM codeset.release r, codeset.release_changes(r.release_id) c
WHERE r.file_kind = 'hcpcs file';

\if :have_shared_data
SELECT is((SELECT count(*) FROM cms_change WHERE change = 'ADD')::int, 908,
    'the four reports list 908 additions (278 + 152 + 228 + 250)');
SELECT is((SELECT count(*) FROM cms_change WHERE change = 'Discontinued')::int, 335,
    'and 335 discontinuations (147 + 40 + 49 + 99)');
SELECT is_empty(format($$
    SELECT c.code FROM cms_change c
    LEFT JOIN first_seen f ON f.code = c.code
    WHERE c.change = 'ADD' AND c.year = %s
      AND NOT (f.release_id IN (SELECT release_id FROM annual WHERE year IN (%s, %s - 1))
               AND f.add_date >= make_date(%s - 1, 1, 1))
$$, y, y, y, y), format('%s: every code CMS reports added is new in the %s release (or in the re-posted %s file) and was added since %s', y, y, y - 1, y - 1))
FROM generate_series(2018, 2020) y;
SELECT is_empty(format($$
    SELECT f.code FROM first_seen f JOIN annual a ON a.release_id = f.release_id AND a.year = %s
    WHERE NOT EXISTS (SELECT FROM cms_change c WHERE c.year = %s AND c.code = f.code
                      AND (c.change IN ('ADD', 'Discontinued') OR f.add_date < make_date(%s, 1, 1)))
$$, y, y, y), format('%s: every code new to the release is one CMS reports added, or added and discontinued since the last file, or a late addition it reports under another change', y))
FROM generate_series(2018, 2020) y;
SELECT is_empty(format($$
    SELECT c.code FROM cms_change c
    WHERE c.change = 'Discontinued' AND c.year = %s
      AND (CASE WHEN length(c.code) = 5 THEN valid(c.code, make_date(%s, 1, 1))
                ELSE valid_modifier(c.code, make_date(%s, 1, 1)) END)
$$, y, y, y), format('%s: no code CMS reports discontinued is valid on January 1', y))
FROM generate_series(2018, 2020) y;
SELECT is_empty($$
    SELECT c.code FROM cms_change c
    WHERE c.change = 'Discontinued' AND length(c.code) = 5
      AND NOT EXISTS (SELECT FROM codeset.code_history h WHERE h.code::text = c.code
                      AND h.valid_to BETWEEN make_date(c.year - 1, 1, 1) AND make_date(c.year, 1, 1))
$$, 'each discontinued code''s history ends in the year before its report');
-- release_changes() in CMS's words, against CMS's own reports
SELECT is_empty($$
    SELECT q.quarter, q.code, q.change FROM cms_quarter_change q
    WHERE q.change <> 'No Change'
    EXCEPT SELECT * FROM codeset_change
$$, 'release_changes() lists every change of the 2020 Q2-Q4 and 2025 Q4 reports, in their words');
SELECT is_empty($$
    SELECT c.* FROM codeset_change c WHERE c.effective IN (SELECT quarter FROM cms_quarter_change)
    EXCEPT SELECT q.quarter, q.code, q.change FROM cms_quarter_change q
$$, '... and no change those reports do not list');
SELECT is_empty($$
    SELECT c.year, c.code, c.change FROM cms_change c WHERE c.change IN ('ADD', 'Discontinued', 'Re-activated')
    EXCEPT SELECT extract(year FROM x.effective)::int, x.code, x.change FROM codeset_change x
$$, 'every addition, discontinuation and reactivation of the 2017-2020 annual reports is in release_changes()');
SELECT cmp_ok((SELECT count(*) FROM codeset_change x
               WHERE extract(month FROM x.effective) = 1 AND extract(year FROM x.effective) BETWEEN 2017 AND 2020
                 AND x.change IN ('ADD', 'Discontinued', 'Re-activated')
                 AND NOT EXISTS (SELECT FROM cms_change c WHERE c.year = extract(year FROM x.effective)
                                 AND c.code = x.code AND c.change = x.change)), '<', 60::bigint,
    '... and release_changes() adds few the annual reports do not (codes added and discontinued within a year)');
\else
SELECT skip('../shared/data is not beside this checkout (a user''s clone): CMS change-report checks skipped', 16);
\endif

SELECT * FROM finish();
ROLLBACK;
