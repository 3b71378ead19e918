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
SELECT plan(12);

CREATE TEMP TABLE cms_change (year int, code text, change text);
\if :have_shared_data
\copy cms_change FROM PROGRAM 'cd ../shared/data/hcpcs_level2/changes && for f in HCPCS2017_Trans_Report_ChangesbyHCPC.prn:2017 HCPC18_Trans_Report_Alpha_ChangesbyHCPC.prn:2018 HCPC2019_Changes_by_HCPCSCode.prn:2019 HCPC2020_Changes_by_HCPC.prn:2020; do perl -ne "BEGIN { \$y = shift } s/\\r//; next unless /^\\s*([A-Z0-9]{2,5})\\s{2,}(\\S.*)/; \$c = \$1; \$t = \$2 =~ /^(ADD|Discontinued|Re-activated)/i ? \$1 : q(other); print qq(\$y,\$c,\$t\\n)" ${f#*:} ${f%%:*}; done' WITH (FORMAT csv)
\endif

-- The annual release of each year, and where each code first appears
CREATE TEMP VIEW annual AS
SELECT extract(year FROM effective)::int AS year, release_id FROM codeset.release
WHERE file_kind = 'hcpcs file' AND source = 'codeset';
CREATE TEMP VIEW first_seen AS
SELECT code::text AS code, min(release_id) AS release_id, min(add_date) AS add_date
FROM codeset.code_version GROUP BY code
UNION ALL
SELECT modifier, min(release_id), min(add_date) FROM codeset.modifier_version GROUP BY modifier;

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
\else
SELECT skip('../shared/data is not beside this checkout (a user''s clone): CMS change-report checks skipped', 12);
\endif

SELECT * FROM finish();
ROLLBACK;
