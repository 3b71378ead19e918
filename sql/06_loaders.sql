-- The loaders: bad files change nothing, good files load once, privileges
-- CPT codes in this file are examples only. CPT (c) American Medical Association.
SET datestyle = ISO;
\set VERBOSITY default
\set SHOW_CONTEXT never

-- A CMS record line (320 columns) and a file of such lines, built here
CREATE FUNCTION pg_temp.rec(code text, recid text, long text, short text,
                            add text, eff text, term text, action text, seq text DEFAULT '00100')
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN recid IN ('7', '8') THEN lpad(code, 5) ELSE rpad(code, 5) END
           || seq || recid || rpad(long, 80) || rpad(short, 28) || repeat(' ', 149)
           || rpad(add, 8) || rpad(eff, 8) || rpad(term, 8) || action || repeat(' ', 27)
$$;
CREATE FUNCTION pg_temp.file(VARIADIC lines text[]) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(array_to_string(lines, E'\r\n') || E'\r\n', 'UTF8')
$$;
-- A fingerprint of every codeset table
CREATE FUNCTION pg_temp.tables_checksum() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
        SELECT 'r' || r::text AS t FROM codeset.release r
        UNION ALL SELECT 'e' || e::text FROM codeset.release_entry e
        UNION ALL SELECT 'h' || h::text FROM codeset.history_event h
        UNION ALL SELECT 'c' || c::text FROM codeset.code_version c
        UNION ALL SELECT 'm' || m::text FROM codeset.modifier_version m) s
$$;
SELECT pg_temp.tables_checksum() AS before \gset

-- The reader on a well-formed file: disclaimer lines skipped, continuation joined
SELECT line_no, kind, code, long_description, short_description, add_date,
       action_effective_date, termination_date, action_code
FROM codeset.hcpcs_file_entries(pg_temp.file(
    'Disclaimer: free text before the first record is skipped.',
    '',
    pg_temp.rec('N0001', '3', 'First synthetic code, with a long description that runs over', 'Synthetic one', '20270101', '20270101', '', 'A'),
    left(pg_temp.rec('N0001', '4', 'to a continuation line', '', '', '', '', ' ', '00200'), 91),
    pg_temp.rec('LT', '7', 'Left side', 'Left side', '19840101', '19970101', '', 'N')), 'good.txt');

-- Bad files: each error names the file, the line and what is wrong
SELECT codeset.load_hcpcs_data(''::bytea, 'empty.txt');
SELECT codeset.load_hcpcs_data(convert_to(E'code,description\n99213,Office visit\n', 'UTF8'), 'list.csv');
SELECT codeset.load_hcpcs_data(pg_temp.file(
    pg_temp.rec('N0001', '3', 'One', 'One', '20270101', '20270101', '', 'A'),
    left(pg_temp.rec('N0002', '3', 'Two', 'Two', '20270101', '20270101', '', 'A'), 150)), 'cut.txt');
SELECT codeset.load_hcpcs_data(pg_temp.file(
    pg_temp.rec('N0001', '3', 'One', 'One', '20270101', '20270101', '', 'A'),
    pg_temp.rec('N0002', '3', 'Two', 'Two', '20270101', '20270101', '20271341', 'D')), 'baddate.txt');
SELECT codeset.load_hcpcs_data(pg_temp.file(
    pg_temp.rec('N0001', '3', 'One', 'One', '20270101', '20270101', '', 'X')), 'badaction.txt');
SELECT codeset.load_hcpcs_data(pg_temp.file(
    pg_temp.rec('N0001', '3', 'One', 'One', '20270101', '20270101', '', 'A'),
    'this line is no record'), 'norecord.txt');
SELECT codeset.load_hcpcs_data(pg_temp.file(
    pg_temp.rec('N0001', '3', 'One', 'One', '20270101', '20270101', '', 'A'),
    pg_temp.rec('N0001', '3', 'One again', 'One', '20270101', '20270101', '', 'A')), 'dup.txt');
SELECT codeset.load_hcpcs_data(pg_temp.file(
    pg_temp.rec('W0001', '3', 'Not a code', 'W', '20270101', '20270101', '', 'A')), 'shape.txt');
SELECT codeset.load_hcpcs_data(pg_temp.file(
    pg_temp.rec('N0001', '3', 'Ends before it starts', 'One', '20270101', '20270101', '20261231', 'A')), 'order.txt');
SELECT codeset.load_code_list_data(convert_to(E'code\n99213\nXYZ\n', 'UTF8'), 'bad.csv', 'CPT', '2027-01-01');
SELECT codeset.load_code_list_data(convert_to(E'code\n99213\n"99214\n', 'UTF8'), 'quote.csv', 'CPT', '2027-01-01');
SELECT codeset.load_code_list_data(convert_to(E'code\n', 'UTF8'), 'header-only.csv', 'CPT', '2027-01-01');
SELECT codeset.load_code_list_data(convert_to(E'code,desc\n99213\n', 'UTF8'), 'short.csv', 'CPT', '2027-01-01', NULL, 1, 2);
SELECT codeset.load_code_list_data(convert_to(E'99213\n99213\n', 'UTF8'), 'twice.csv', 'CPT', '2027-01-01');
SELECT codeset.load_code_list_data(convert_to(E'99213\n', 'UTF8'), 'x.csv', 'ICD', '2027-01-01');
SELECT codeset.load_code_list_data(convert_to(E'99213\n', 'UTF8'), 'x.csv', 'CPT', '2027-01-01', '{J}');
SELECT codeset.load_hcpcs_file('/nonexistent/HCPC2027.txt');

-- ... and left every table exactly as it was
SELECT pg_temp.tables_checksum() = :'before' AS tables_unchanged;

-- The same file twice, and an older file after a newer one, change nothing
BEGIN;
SELECT (s).status, (s).codes_added, (s).codes_terminated FROM (
    SELECT codeset.load_hcpcs_file(codeset.shipped_data_dir() || '/hcpcs_anweb/HCPC2020_ANWEB_w_disclaimer.txt') AS s) x;
SELECT (s).status, (s).effective FROM (
    SELECT codeset.load_code_list(codeset.shipped_data_dir() || '/opps_addendum_b_level2/opps_addendum_b_2024q1_level2.csv',
                                  'HCPCS', '2024-01-01', '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4) AS s) x;
SELECT pg_temp.tables_checksum() = :'before' AS tables_unchanged;
ROLLBACK;

-- A different file for the same codes and date is a correction: it replaces
-- the first, which the log keeps, superseded; nothing of the first is left
BEGIN;
SELECT status FROM codeset.load_code_list_data(convert_to(E'code\nD0120\nD0140\n', 'UTF8'), 'cdt-a.csv', 'CDT', '2030-01-01');
SELECT status FROM codeset.load_code_list_data(convert_to(E'code\nD0120\n', 'UTF8'), 'cdt-b.csv', 'CDT', '2030-01-01');
SELECT file_name, superseded_by IS NOT NULL AS superseded FROM codeset.release
WHERE code_system = 'CDT' ORDER BY release_id;
SELECT valid('D0120', '2030-02-01') AS d0120, valid('D0140', '2030-02-01') AS d0140,
       invalid_reason('D0140', '2030-02-01');
ROLLBACK;

-- CPT: NULL until a licensee loads a list, then true or false
BEGIN;
SELECT valid('99213') AS before_load, invalid_reason('99213');
SELECT * FROM codeset.load_code_list_data(convert_to(E'HCPCS Code,Description\n99213,\n99214,\n0001U,\n3074F,\n', 'UTF8'),
                                          'cpt-2027.csv', 'CPT', '2027-01-01');
SELECT t, valid(t, '2027-02-01'), invalid_reason(t, '2027-02-01'), valid(t, '2026-06-01') AS before_list
FROM (VALUES ('99213'), ('99215'), ('0001U'), ('0042T'), ('J1100')) v(t);
ROLLBACK;

-- Without server file access: \copy the file into a staging table, one
-- line a row, then pass the lines in order (here the shipped 2020 file)
CREATE TEMP TABLE hcpcs_lines (n bigint GENERATED ALWAYS AS IDENTITY, line text);
\copy hcpcs_lines (line) FROM 'data/hcpcs_anweb/HCPC2020_ANWEB_w_disclaimer.txt' WITH (FORMAT csv, DELIMITER E'\x01', QUOTE E'\x02', ENCODING 'WIN1252')
SELECT count(*) AS codes, count(*) FILTER (WHERE kind = 'modifier') AS modifiers
FROM codeset.hcpcs_file_entries(convert_to(array_to_string(ARRAY(SELECT line FROM hcpcs_lines ORDER BY n), E'\n', ''), 'UTF8'),
                                'HCPC2020_ANWEB_w_disclaimer.txt', 'UTF8');
-- Its bytes differ from the file's (line ends), but it lists the same codes
-- with the same attributes: the same file, already loaded; the history stays
CREATE FUNCTION pg_temp.history_checksum() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT md5(string_agg(h::text, '|' ORDER BY h::text)) FROM (
        SELECT code, period, valid_from, valid_to, possible_from, possible_to, short_description,
               long_description, action_code, add_date, termination_date
        FROM codeset.code_history) h
$$;
SELECT pg_temp.history_checksum() AS history_before \gset
BEGIN;
SELECT status, effective FROM codeset.load_hcpcs_lines(ARRAY(SELECT line FROM hcpcs_lines ORDER BY n),
                                                        'HCPC2020_ANWEB_w_disclaimer.txt');
SELECT pg_temp.history_checksum() = :'history_before' AS same_history;
ROLLBACK;

-- Privileges: everyone reads and asks; only the owner changes the tables
CREATE ROLE codeset_test_reader;
SET ROLE codeset_test_reader;
SELECT valid('J1100') AS valid, count(*) > 0 AS reads_history FROM codeset.code_history;
SELECT codeset.load_hcpcs_file('/etc/hostname');
SELECT codeset.load_code_list_data(convert_to(E'99213\n', 'UTF8'), 'x.csv', 'CPT', '2027-01-01');
INSERT INTO codeset.release DEFAULT VALUES;
SELECT codeset.invalidate_cache();
RESET ROLE;

-- A role the owner lets load: the loaders run as the owner, reading a
-- server file is still the caller's privilege
GRANT EXECUTE ON FUNCTION codeset.load_hcpcs_data, codeset.load_code_list_data,
    codeset.unload_release TO codeset_test_reader;
SET ROLE codeset_test_reader;
-- (the error names the file; where PostgreSQL is installed is not the test's)
DO $$
DECLARE m text; d text; h text; s text;
BEGIN
    PERFORM codeset.load_hcpcs_file(codeset.shipped_data_dir() || '/hcpcs_anweb/HCPC2020_ANWEB_w_disclaimer.txt');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT, s = RETURNED_SQLSTATE;
    RAISE NOTICE E'%: %\nDETAIL:  %\nHINT:  %', s, replace(m, codeset.shipped_data_dir(), '$sharedir/codeset_data'), d, h;
END $$;
RESET ROLE;
GRANT pg_read_server_files TO codeset_test_reader;
SET ROLE codeset_test_reader;
BEGIN;
SELECT status FROM codeset.load_hcpcs_file(codeset.shipped_data_dir() || '/hcpcs_anweb/HCPC2020_ANWEB_w_disclaimer.txt');
ROLLBACK;
RESET ROLE;
REVOKE ALL ON FUNCTION codeset.load_hcpcs_data, codeset.load_code_list_data,
    codeset.unload_release FROM codeset_test_reader;
REVOKE pg_read_server_files FROM codeset_test_reader;
DROP ROLE codeset_test_reader;

SELECT pg_temp.tables_checksum() = :'before' AS tables_unchanged;

-- A field with NUL bytes and broken UTF-8 is shown as at most 40 bytes,
-- each unprintable byte a '?' (found by review: it overran its copy)
SELECT * FROM codeset.code_list_entries(('\x39393231330a'::bytea || decode(repeat('e30058', 20), 'hex') || '\x0a'::bytea), 'nul.csv');

-- The documented grant lets another role load and unload, and nothing
-- else: no release the history is derived from can be changed in place
-- (found by review: with 1.0's table grants a loader could empty a
-- release's covers, or mark it shipped so that pg_dump left it out)
BEGIN;
CREATE ROLE codeset_test_loader;
GRANT EXECUTE ON FUNCTION codeset.load_hcpcs_data, codeset.load_code_list_data,
    codeset.unload_release TO codeset_test_loader;
SET ROLE codeset_test_loader;
SELECT status, codes_added FROM codeset.load_code_list_lines(ARRAY['code', '99213'], 'granted.csv', 'CPT', '2030-01-01');
SELECT loaded_by, source FROM codeset.release WHERE file_name = 'granted.csv';
SELECT by FROM codeset.history_event ORDER BY generation DESC LIMIT 1;
SAVEPOINT s;
UPDATE codeset.release SET covers = '{}' WHERE file_name = 'granted.csv';
ROLLBACK TO s;
UPDATE codeset.release SET source = 'codeset' WHERE file_name = 'granted.csv';
ROLLBACK TO s;
INSERT INTO codeset.release_entry (release_id, kind, key, family, line_no, has_attrs, source, attrs_hash, short_hash)
VALUES (1, 'code', 'J9999', 'J', 1, false, 'user', 0, 0);
ROLLBACK TO s;
SELECT codeset.derive_history('{J}', 1, 'user');
ROLLBACK TO s;
SELECT codeset.lock_for_load();
ROLLBACK TO s;
SELECT status FROM codeset.unload_release((SELECT release_id FROM codeset.release WHERE file_name = 'granted.csv'));
SELECT valid('99213', '2030-02-01') AS valid_after_unload;
RESET ROLE;
ROLLBACK;

-- A field not valid in the file's encoding: 22P04 with the file and line
-- (found by review: core's 22021 named neither)
SELECT * FROM codeset.code_list_entries(convert_to(E'code,desc\n99213,ok\n', 'UTF8') || '\x39393231342c626164ff0a'::bytea, 'badenc.csv', 1, 2);
-- Only a first record whose code column has no digit is a header: "100"
-- (zeros lost) is a bad code, not a header to skip
SELECT count(*) FROM codeset.code_list_entries(E'100\n00102\n'::bytea, 'no-header.csv');
SELECT count(*) FROM codeset.code_list_entries(E'HCPCS code\n00102\n'::bytea, 'header.csv');

-- covers is a set: the same list with its families in another order, or
-- repeated, is the same release; an empty covers is refused
BEGIN;
SELECT status FROM codeset.load_code_list_lines(ARRAY['code', '0001T'], 'cat3.csv', 'CPT', '2031-01-01', '{NNNNT,NNNNF}');
SELECT status FROM codeset.load_code_list_lines(ARRAY['code', '0001T'], 'cat3.csv', 'CPT', '2031-01-01', '{NNNNF,NNNNT,NNNNF}');
SELECT covers FROM codeset.release WHERE file_name = 'cat3.csv';
SELECT status FROM codeset.load_code_list_lines(ARRAY['code', '0001T'], 'none.csv', 'CPT', '2031-04-01', '{}');
ROLLBACK;

-- A CMS record without an add date is refused: every record dates the
-- file, and a file with no date to tell is an error, never a release
-- without one; nothing is loaded
SELECT pg_temp.tables_checksum() AS before_undated \gset
SELECT codeset.load_hcpcs_data(convert_to(
    rpad('J1100' || '00100' || '3' || rpad('Injection, dexamethasone sodium phosphate, 1mg', 80)
         || rpad('Dexamethasone sodium phos', 28), 268) || '        ' || '        ' || '        ' || 'N'
         || repeat(' ', 27), 'UTF8'), 'HCPC_undated.txt');
SELECT pg_temp.tables_checksum() = :'before_undated' AS tables_unchanged;

-- The same file is judged by its content, not its bytes (found by review:
-- a CMS file loaded from the server and again through \copy was a new
-- release): its lines, or its text with CRLF line ends, are already loaded
-- and change nothing; a changed description is a correction
SELECT pg_temp.tables_checksum() AS before_same \gset
BEGIN;
CREATE TEMP TABLE apr_lines (n bigint GENERATED ALWAYS AS IDENTITY, line text);
COPY apr_lines (line) FROM '/usr/share/postgresql/15/codeset_data/hcpcs_anweb/HCPC2020_APR_ANWEB.txt';
SELECT status, release_id = (SELECT release_id FROM codeset.release WHERE file_name LIKE '%HCPC2020_APR_ANWEB.txt') AS same_release
FROM codeset.load_hcpcs_lines(ARRAY(SELECT line FROM apr_lines ORDER BY n), 'HCPC2020_APR_ANWEB.txt');
SELECT status FROM codeset.load_code_list_data(convert_to(E'code,description\n99213,Office visit\n', 'UTF8'), 'lf.csv', 'CPT', '2031-01-01', NULL, 1, 2);
SELECT status FROM codeset.load_code_list_data(convert_to(E'code,description\r\n99213,Office visit\r\n', 'UTF8'), 'crlf.csv', 'CPT', '2031-01-01', NULL, 1, 2);
SELECT status FROM codeset.load_code_list_lines(ARRAY['code,description', '99213,Office visit'], 'lines.csv', 'CPT', '2031-01-01', NULL, 1, 2);
SELECT status FROM codeset.load_code_list_lines(ARRAY['code,description', '99213,Office visit (new)'], 'lines.csv', 'CPT', '2031-01-01', NULL, 1, 2);
SELECT file_name, superseded_by IS NOT NULL AS superseded FROM codeset.release WHERE effective = '2031-01-01' ORDER BY release_id;
SELECT count(*) AS orphan_entries FROM codeset.release_entry e
WHERE NOT EXISTS (SELECT FROM codeset.release r WHERE r.release_id = e.release_id);
ROLLBACK;
SELECT pg_temp.tables_checksum() = :'before_same' AS tables_unchanged;

-- Tab-separated text, as the AMA ships its descriptor files: the delimiter
-- option reads it; read as CSV, the error says the file looks tab-separated
-- (found by review: it blamed a quote)
BEGIN;
SELECT status, codes_added FROM codeset.load_code_list_data(
    convert_to(E'code\tdescription\n99213\tOffice visit, established\n99214\tPatient "detailed" visit\n', 'UTF8'),
    'cpt.tsv', 'CPT', '2032-01-01', NULL, 1, 2, delimiter => E'\t');
SELECT describe('99213'::medcode, '2032-02-01') AS with_comma, describe('99214'::medcode, '2032-02-01') AS with_quotes;
ROLLBACK;
SELECT codeset.load_code_list_data(convert_to(E'code\tdescription\n99213\tPatient "detailed" visit\n', 'UTF8'),
                                   'cpt.tsv', 'CPT', '2032-01-01', NULL, 1, 2);
SELECT codeset.load_code_list_data(convert_to(E'code\tdescription\n99213\tOffice visit\n', 'UTF8'),
                                   'cpt.tsv', 'CPT', '2032-01-01', NULL, 1, 2);
SELECT codeset.load_code_list_data(convert_to(E'code\n99213\n', 'UTF8'), 'x.csv', 'CPT', '2032-01-01', delimiter => '"');
-- Windows-1252, as Excel exports: the encoding option reads it
BEGIN;
SELECT status FROM codeset.load_code_list_data(convert_to(E'code,description\n', 'UTF8') || '\x39393231332c436166e9'::bytea || E'\n'::bytea,
                                               'excel.csv', 'CPT', '2032-01-01', NULL, 1, 2, 'WIN1252');
SELECT describe('99213'::medcode, '2032-02-01') AS win1252_description;
ROLLBACK;

-- A row filter: a licensee who loads Addendum B's CPT rows keeps those whose
-- status indicator is not D (discontinued, as 0014A in 2024 Q2)
BEGIN;
SELECT status, codes_added, rows_skipped FROM codeset.load_code_list_data(
    convert_to(E'HCPCS Code,Short Descriptor,SI\n0014A,ADM SARSCV2 100MCG/.5ML 2ND,D\n0001A,ADM SARSCV2 30MCG/0.3ML 1ST,S\n99213,OFFICE O/P EST LOW 20 MIN,V\n', 'UTF8'),
    'addendum_b_2024q2.csv', 'CPT', '2024-04-01', NULL, 1, 2,
    filter_column => 3, filter_values => '{S,V,Q1,Q2,Q3,Q4,T,J1,J2}');
SELECT valid('0014A', '2024-05-01') AS discontinued_0014a, valid('0001A', '2024-05-01') AS active_0001a;
ROLLBACK;
SELECT codeset.load_code_list_data(convert_to(E'code\n99213\n', 'UTF8'), 'x.csv', 'CPT', '2032-01-01', filter_column => 2);
