-- src/shipped_data.sql: the shipped data, loaded by CREATE EXTENSION: public
-- CMS files (data/SOURCES.md), loaded by the same loaders users call, in any
-- order (the history does not depend on it), then derived once.  Their rows
-- are marked source = 'codeset'.
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

-- CMS's HCPCS Level II files: the 2017-2020 annual files as CMS published
-- them, and the 2020 Q2-Q4 and 2025 Q4 quarterly files rendered from CMS's
-- spreadsheets (tools/render-hcpcs-xlsx.py).
SELECT codeset.load_hcpcs_file(codeset.shipped_data_dir() || '/hcpcs_anweb/' || f, e::date)
FROM (VALUES ('HCPC2017_CONTR_ANWEB.txt', '2017-01-01'),
             ('HCPC2018_CONTR_ANWEB_disc.txt', '2018-01-01'),
             ('HCPC2019_CONTR_ANWEB.txt', '2019-01-01'),
             ('HCPC2020_ANWEB_w_disclaimer.txt', '2020-01-01'),
             ('HCPC2020_APR_ANWEB.txt', '2020-04-01'),
             ('HCPC2020_JUL_ANWEB.txt', '2020-07-01'),
             ('HCPC2020_OCT_ANWEB.txt', '2020-10-01'),
             ('HCPC2025_OCT_ANWEB_v4.txt', '2025-10-01')) AS files(f, e)
ORDER BY e;

-- OPPS Addendum B lists the Level II codes Medicare pays under OPPS: not the
-- state Medicaid (H, T) and private-payer (S) codes, nor CDT (D).  Each
-- quarter is complete for the other letters only.
SELECT codeset.load_code_list(
           codeset.shipped_data_dir() || '/opps_addendum_b_level2/opps_addendum_b_' || q || '_level2.csv',
           'HCPCS', e::date, '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4)
FROM (VALUES ('2019q1', '2019-01-01'), ('2020q1', '2020-01-01'), ('2020q2', '2020-04-01'),
             ('2021q1', '2021-01-01'), ('2021q2', '2021-04-01'), ('2021q4', '2021-10-01'),
             ('2022q1', '2022-01-01'), ('2022q2', '2022-04-01'), ('2022q3', '2022-07-01'),
             ('2022q4', '2022-10-01'),
             ('2023q1', '2023-01-01'), ('2023q2', '2023-04-01'), ('2023q3', '2023-07-01'),
             ('2023q4', '2023-10-01'), ('2024q1', '2024-01-01'), ('2024q2', '2024-04-01'),
             ('2024q3', '2024-07-01'), ('2024q4', '2024-10-01'), ('2025q1', '2025-01-01'),
             ('2025q2', '2025-04-01'), ('2025q3', '2025-07-01'), ('2025q4', '2025-10-01'),
             ('2026q1', '2026-01-01'), ('2026q2', '2026-04-01')) AS quarters(q, e)
ORDER BY e;

SELECT codeset.install_history();
-- on a Citus coordinator, every node's copy of the tables from here on
SELECT codeset.distribute_if_coordinator();
-- say so when the shipped data are behind the calendar
SELECT codeset.warn_if_stale(CURRENT_DATE);
