-- src/shipped_data.sql: The shipped data, loaded by CREATE EXTENSION.
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

--------------------------------------------------------------------------
-- The shipped data: public CMS files (data/SOURCES.md), loaded by the same
-- loaders users call.  Their rows are marked source = 'codeset'.
--------------------------------------------------------------------------

SELECT codeset.load_hcpcs_file(codeset.shipped_data_dir() || '/hcpcs_anweb/' || f, e::date)
FROM (VALUES ('HCPC2017_CONTR_ANWEB.txt', '2017-01-01'),
             ('HCPC2018_CONTR_ANWEB_disc.txt', '2018-01-01'),
             ('HCPC2019_CONTR_ANWEB.txt', '2019-01-01'),
             ('HCPC2020_ANWEB_w_disclaimer.txt', '2020-01-01')) AS files(f, e)
ORDER BY e;

-- OPPS Addendum B lists the Level II codes Medicare pays under OPPS: not the
-- state Medicaid (H, T) and private-payer (S) codes, nor CDT (D).  Each
-- quarter is complete for the other letters only.
SELECT codeset.load_code_list(
           codeset.shipped_data_dir() || '/opps_addendum_b_level2/opps_addendum_b_' || q || '_level2.csv',
           'HCPCS', e::date, '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4)
FROM (VALUES ('2023q1', '2023-01-01'), ('2023q2', '2023-04-01'), ('2023q3', '2023-07-01'),
             ('2023q4', '2023-10-01'), ('2024q1', '2024-01-01'), ('2024q2', '2024-04-01'),
             ('2024q3', '2024-07-01'), ('2024q4', '2024-10-01'), ('2025q1', '2025-01-01'),
             ('2025q2', '2025-04-01'), ('2025q3', '2025-07-01'), ('2025q4', '2025-10-01'),
             ('2026q1', '2026-01-01'), ('2026q2', '2026-04-01')) AS quarters(q, e)
ORDER BY e;
