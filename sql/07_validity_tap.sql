-- pgTAP: valid() on every date case around each action code, the list
-- semantics (consecutive quarters and gaps), and idempotence.  Synthetic
-- releases dated after the shipped ones, in a transaction rolled back.
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_ROLLBACK 1
\set ON_ERROR_STOP true

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SET LOCAL client_min_messages = warning;

CREATE FUNCTION pg_temp.rec(code text, recid text, long text, short text,
                            add text, eff text, term text, action text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN recid IN ('7', '8') THEN lpad(code, 5) ELSE rpad(code, 5) END
           || '00100' || recid || rpad(long, 80) || rpad(short, 28) || repeat(' ', 149)
           || rpad(add, 8) || rpad(eff, 8) || rpad(term, 8) || action || repeat(' ', 27)
$$;
CREATE FUNCTION pg_temp.load(name text, VARIADIC lines text[]) RETURNS codeset.load_summary
LANGUAGE sql AS $$
    SELECT codeset.load_hcpcs_data(convert_to(array_to_string(lines, E'\n'), 'UTF8'), name)
$$;
CREATE FUNCTION pg_temp.list(name text, system text, effective date, VARIADIC codes text[])
RETURNS codeset.load_summary LANGUAGE sql AS $$
    SELECT codeset.load_code_list_data(convert_to('code' || E'\n' || array_to_string(codes, E'\n'), 'UTF8'),
                                       name, system, effective)
$$;

SELECT plan(88);

-- Release A, 2027-01-01: N0001 added; N0002 old and unchanged; N0003 added
-- and already ending; modifier Z1 added.  The release is a complete HCPCS
-- file, so every shipped code missing from it ends (uncertainly: a gap).
SELECT is((pg_temp.load('A.txt',
    pg_temp.rec('N0001', '3', 'Synthetic one', 'One', '20270101', '20270101', '', 'A'),
    pg_temp.rec('N0002', '3', 'Synthetic two', 'Two', '20200101', '20200101', '', 'N'),
    pg_temp.rec('N0003', '3', 'Synthetic three', 'Three', '20270101', '20270101', '20270331', 'A'),
    pg_temp.rec('Z1', '7', 'Synthetic modifier', 'Z1', '20270101', '20270101', '', 'A'))).status,
    'loaded', 'release A loads');
SELECT is(valid('N0001', '2026-12-31'), false, 'A: a code is not valid the day before its add date');
SELECT is(invalid_reason('N0001', '2026-12-31'), 'not yet effective', 'A: ... reason not yet effective');
SELECT is(valid('N0001', '2027-01-01'), true, 'A: valid on its add date');
SELECT is(valid('N0002', '2020-01-01'), true, 'A: an old code is valid from its add date');
SELECT is(valid('N0003', '2027-03-31'), true, 'A: valid on its termination date (inclusive)');
SELECT is(valid('N0003', '2027-04-01'), false, 'A: not valid the day after');
SELECT is(invalid_reason('N0003', '2027-04-01'), 'terminated', 'A: ... reason terminated');
SELECT is(valid_modifier('Z1', '2027-01-01'), true, 'A: a new modifier is valid');
SELECT is(valid('J1100', '2026-04-01'), true, 'A: a shipped code missing from A was valid at the last release before');
SELECT is(valid('J1100', '2026-10-01'), NULL, 'A: ... and undetermined in the gap before A');
SELECT is(valid('J1100', '2027-01-01'), false, 'A: ... and not valid from A on');

-- Release B, 2027-04-01 (one quarter later): N0001's description changes
-- (action C); N0002 is discontinued (D, last day 2027-03-31); N0004 added;
-- N0003 drops out of the file; Z1 unchanged.
SELECT is((pg_temp.load('B.txt',
    pg_temp.rec('N0001', '3', 'Synthetic one, revised', 'One revised', '20270101', '20270401', '', 'C'),
    pg_temp.rec('N0002', '3', 'Synthetic two', 'Two', '20200101', '20270401', '20270331', 'D'),
    pg_temp.rec('N0004', '3', 'Synthetic four', 'Four', '20270401', '20270401', '', 'A'),
    pg_temp.rec('Z1', '7', 'Synthetic modifier', 'Z1', '20270101', '20270101', '', 'N'))).codes_added,
    1, 'release B adds one code');
SELECT is(describe('N0001', '2027-03-31'), 'One', 'C: the old description before the action date');
SELECT is(describe('N0001', '2027-04-01'), 'One revised', 'C: the new one from the action date');
SELECT is(valid('N0001', '2027-03-31'), true, 'C: a description change does not interrupt validity (before)');
SELECT is(valid('N0001', '2027-04-01'), true, 'C: ... (after)');
SELECT is((SELECT count(*)::int FROM lookup('N0001')), 2, 'C: two periods of history');
SELECT is(valid('N0002', '2027-03-31'), true, 'D: valid on its last day');
SELECT is(valid('N0002', '2027-04-01'), false, 'D: not valid the day after');
SELECT is((SELECT termination_date FROM lookup('N0002') ORDER BY period DESC LIMIT 1), '2027-03-31'::date,
    'D: the termination date is recorded');
SELECT is((SELECT count(*)::int FROM lookup('N0003')), 1, 'a code dropped from a later file keeps its history');
SELECT is(valid('N0003', '2027-03-31'), true, '... and its answers');
SELECT is(valid('N0004', '2027-04-01'), true, 'A in B: valid from its add date');
SELECT is(valid_modifier('Z1', '2027-06-01'), true, 'an unchanged modifier stays valid');
SELECT is(valid_modifier('Z9', '2027-06-01'), false, 'an unknown modifier is not valid');

-- Release C, 2027-07-01: N0002 reactivated (R); N0004 payment change (P:
-- same description, new pricing is not in this synthetic record, so no new
-- period); N0001 unchanged (N).
SELECT is((pg_temp.load('C.txt',
    pg_temp.rec('N0001', '3', 'Synthetic one, revised', 'One revised', '20270101', '20270401', '', 'N'),
    pg_temp.rec('N0002', '3', 'Synthetic two', 'Two', '20200101', '20270701', '', 'R'),
    pg_temp.rec('N0004', '3', 'Synthetic four', 'Four', '20270401', '20270701', '', 'P'),
    pg_temp.rec('Z1', '7', 'Synthetic modifier', 'Z1', '20270101', '20270101', '', 'N'))).codes_changed,
    1, 'release C changes one code (the reactivation)');
SELECT is(valid('N0002', '2027-05-01'), false, 'R: not valid between termination and reactivation');
SELECT is(valid('N0002', '2027-07-01'), true, 'R: valid again from the reactivation date');
SELECT is(valid('N0002', '2020-06-01'), true, 'R: the first period is kept');
SELECT is((SELECT count(*)::int FROM lookup('N0002')), 2, 'R: two periods');
SELECT is(valid('N0004', '2027-08-01'), true, 'P: a payment change leaves the code valid');
SELECT is((SELECT count(*)::int FROM lookup('N0004')), 1, 'P: with unchanged descriptions, no new period');

-- Idempotence: the same file again, and an older file after a newer one
SELECT is((pg_temp.load('C-again.txt',
    pg_temp.rec('N0001', '3', 'Synthetic one, revised', 'One revised', '20270101', '20270401', '', 'N'),
    pg_temp.rec('N0002', '3', 'Synthetic two', 'Two', '20200101', '20270701', '', 'R'),
    pg_temp.rec('N0004', '3', 'Synthetic four', 'Four', '20270401', '20270701', '', 'P'),
    pg_temp.rec('Z1', '7', 'Synthetic modifier', 'Z1', '20270101', '20270101', '', 'N'))).status,
    'already loaded', 'the same file twice: already loaded');
-- A different file for the date of a loaded one is a correction: it
-- replaces it (here A) for its own days; unloading it brings A back.
SELECT is((pg_temp.load('A-late.txt',
    pg_temp.rec('N0001', '3', 'Synthetic one', 'One', '20270101', '20270101', '', 'A'),
    pg_temp.rec('N0009', '3', 'Synthetic nine', 'Nine', '20270101', '20270101', '', 'A'))).status,
    'replaced', 'a different file for the date of a loaded one replaces it');
SELECT is(valid('N0009', '2027-02-01'), true, '... its codes count from its date');
SELECT is(valid('N0009', '2027-08-01'), false, '... and end where a newer release leaves them out');
SELECT is(describe('N0001', '2027-08-01'), 'One revised', '... a newer release still speaks for its days');
SELECT is((codeset.unload_release((SELECT max(release_id) FROM codeset.release WHERE file_name = 'A-late.txt'))).status,
    'unloaded', 'the correction unloads');
SELECT is(valid('N0009', '2027-02-01'), false, '... and the history is as if it had never been loaded');
SELECT is(valid('N0003', '2027-03-31'), true, '... the file it replaced speaks again');

-- Code lists.  CPT: nothing loaded, so NULL; then a first list (its codes'
-- start is unknown before it), a list one quarter later (exact dates),
-- and one after a gap (the sources leave the gap open).
SELECT is(valid('99213', '2027-01-01'), NULL, 'CPT before any list: NULL');
SELECT is(invalid_reason('99213', '2027-01-01'), 'not loaded', '... reason not loaded');
SELECT is((pg_temp.list('cpt-2027q1.csv', 'CPT', '2027-01-01', '99213', '99214', '0001U')).codes_added,
    3, 'a first CPT list adds its codes');
SELECT is(valid('99213', '2027-01-01'), true, 'listed: valid on the list date');
SELECT is(valid('99213', '2026-06-01'), NULL, 'first list: before it, undetermined');
SELECT is(valid('99215', '2027-01-01'), false, 'unlisted CPT code: not valid');
SELECT is(invalid_reason('99215', '2027-01-01'), 'unknown', '... reason unknown');
SELECT is((pg_temp.list('cpt-2027q2.csv', 'CPT', '2027-04-01', '99213', '0001U', '99215')).codes_terminated,
    1, 'the next quarter ends a code it leaves out');
SELECT is(valid('99214', '2027-03-31'), true, 'consecutive quarter: valid until the day before');
SELECT is(valid('99214', '2027-04-01'), false, 'consecutive quarter: not valid from the list date');
SELECT is(valid('99215', '2027-03-31'), false, 'consecutive quarter: a new code is not valid the day before');
SELECT is(valid('99215', '2027-04-01'), true, 'consecutive quarter: valid from the list date');
SELECT is((pg_temp.list('cpt-2028q1.csv', 'CPT', '2028-01-01', '99213', '99216')).codes_added,
    1, 'a list after a gap adds its new code');
SELECT is(valid('99216', '2027-06-01'), NULL, 'gap: a new code is undetermined inside the gap');
SELECT is(valid('99216', '2028-01-01'), true, 'gap: valid from the list date');
SELECT is(valid('99215', '2027-04-01'), true, 'gap: a dropped code is valid at the last list that had it');
SELECT is(valid('99215', '2027-09-01'), NULL, 'gap: ... undetermined inside the gap');
SELECT is(valid('99215', '2028-01-01'), false, 'gap: ... not valid from the list date');
SELECT is(valid('0042T', '2028-01-01'), false, 'a CPT family the lists cover: unknown codes are false');
SELECT is(valid('D0120', '2028-01-01'), NULL, 'CDT, never loaded: NULL');
SELECT is(valid('J1100', '2028-01-01'), false, 'CPT lists do not touch HCPCS codes');
SELECT is((SELECT count(*)::int FROM codeset.release WHERE code_system = 'CPT'), 3, 'three CPT releases logged');
SELECT is((pg_temp.list('cpt-2027q2-fixed.csv', 'CPT', '2027-04-01', '99213', '0001U', '99215', '99217')).status,
    'replaced', 'a corrected CPT list for a loaded quarter replaces it');
SELECT is(valid('99217', '2027-04-01'), true, '... its codes count from its date');
-- As known at a release: the answer before the correction
SELECT is((SELECT reason FROM code_status('99217', '2027-04-01',
              (SELECT release_id FROM codeset.release WHERE file_name = 'cpt-2027q2.csv'))), 'unknown',
    'as known at the corrected release: 99217 unknown');
SELECT is((SELECT valid FROM code_status('99217', '2027-04-01',
              (SELECT release_id FROM codeset.release WHERE file_name = 'cpt-2027q2-fixed.csv'))), true,
    'as known at the correction: valid');
SELECT is((SELECT count(*)::int FROM lookup('99214', (SELECT release_id FROM codeset.release WHERE file_name = 'cpt-2027q1.csv'))),
    1, 'lookup() as known at a release: the periods then');
SELECT throws_ok(format('SELECT codeset.unload_release(%s)',
                        (SELECT release_id FROM codeset.release WHERE file_name = 'cpt-2027q2.csv')),
    '55000', NULL, 'a superseded release cannot be unloaded');
SELECT throws_ok('SELECT codeset.unload_release(-1)', 'P0002', 'no release -1 is loaded',
    'unloading an unknown release: an error naming it');
SELECT throws_ok($$SELECT * FROM code_status('99213', '2027-04-01', -1)$$, 'P0002', 'no release -1 was loaded',
    'as known at an unknown release: an error naming it');
-- Where sources disagree: M0245, which CMS terminated on 2023-12-13 while
-- Addendum B kept listing it; the history follows the record
SELECT ok((SELECT bool_and(record_says = 'not valid' AND snapshot_says = 'valid' AND followed = 'record')
           FROM codeset.source_disagreement WHERE key = 'M0245' AND date_from <= '2024-04-15'
             AND coalesce(date_to, 'infinity') >= '2024-04-15'),
    'source_disagreement: M0245 in 2024, the record (not valid) against the list (valid)');
-- An older list after newer ones fills the history behind them
SELECT is(valid('99213', '2026-11-01'), NULL, 'before the first list: undetermined');
SELECT is((pg_temp.list('cpt-2026q4.csv', 'CPT', '2026-10-01', '99213', '99214')).status,
    'loaded', 'an older CPT list after newer ones loads');
SELECT is(valid('99213', '2026-11-01'), true, '... and dates the days behind them');
SELECT is(valid('0001U', '2026-11-01'), false, '... a code it does not list is not valid on its date');
SELECT is(valid('0001U', '2026-12-31'), false, '... nor up to the next list, a quarter later');

-- valid(code, day) answers most codes from a 64-bit timeline of at most
-- four segments (day_timeline.h) and asks the period list for the rest
-- (a code listed in every other quarter has six segments); days after 2089
-- lie past every day a timeline can hold.  Both ways must agree with
-- invalid_reason(), which always reads the period list.
SELECT is((pg_temp.list('cpt-2028q2.csv', 'CPT', '2028-04-01', '99213', '99217')).status, 'loaded', 'CPT 2028 Q2 loads');
SELECT is((pg_temp.list('cpt-2028q3.csv', 'CPT', '2028-07-01', '99213')).status, 'loaded', 'CPT 2028 Q3 loads');
SELECT is((pg_temp.list('cpt-2028q4.csv', 'CPT', '2028-10-01', '99213', '99217')).status, 'loaded', 'CPT 2028 Q4 loads');
SELECT is((pg_temp.list('cpt-2029q1.csv', 'CPT', '2029-01-01', '99213')).status, 'loaded', 'CPT 2029 Q1 loads');
SELECT is((pg_temp.list('cpt-2029q2.csv', 'CPT', '2029-04-01', '99213', '99217')).status, 'loaded', 'CPT 2029 Q2 loads');
SELECT is(ARRAY[valid('99217', '2028-03-31'), valid('99217', '2028-04-01'), valid('99217', '2028-07-01'),
                valid('99217', '2028-10-01'), valid('99217', '2029-01-01'), valid('99217', '2029-04-01')],
          ARRAY[false, true, false, true, false, true], 'a code in every other quarter: six answers in turn');
SELECT is(ARRAY[valid('99213', '2089-09-16'), valid('99213', '2089-09-17'), valid('99213', '2200-01-01'),
                valid('99213', 'infinity'), valid('99213', '-infinity')],
          ARRAY[true, true, true, true, NULL], 'an open code on days past 2089 and at the infinities');
SELECT is(ARRAY[valid('99214', '2200-01-01'), valid('N0003', 'infinity'), valid('N0001', '1900-01-01')],
          ARRAY[false, false, false], 'ended codes past 2089, and a code before 1910');
SELECT is(ARRAY[valid('99217'::text, '2028-07-01'), valid('99217'::text, '2028-10-01'), valid(' 99213 '::text, '2300-01-01')],
          ARRAY[false, true, true], 'valid(text, date) answers the same way');
SELECT is((
    WITH days AS (
        SELECT d FROM unnest(ARRAY['-infinity', '1900-01-01', '1910-04-16', '1910-04-17', '2089-09-16',
                                   '2089-09-17', '2089-09-18', '2500-01-01', 'infinity']::date[]) d
        UNION SELECT e + k FROM codeset.code_history h,
                     LATERAL unnest(ARRAY[h.valid_from, h.valid_to, h.possible_from, h.possible_to]) e,
                     generate_series(-1, 1) k
              WHERE e IS NOT NULL AND e BETWEEN '1000-01-01' AND '3000-01-01'),
    codes AS (SELECT DISTINCT code FROM codeset.code_history
              UNION VALUES ('99299'::medcode), ('N9999'), ('D0120'), ('0042T'))
    SELECT count(*)::int FROM codes c, days, LATERAL (SELECT invalid_reason(c.code, days.d) AS r) x
    WHERE valid(c.code, days.d) IS DISTINCT FROM
          CASE WHEN r IS NULL THEN true WHEN r IN ('not loaded', 'undetermined') THEN NULL ELSE false END),
    0, 'valid(code, date) agrees with invalid_reason() for every code with a history on every edge day');

SELECT is((SELECT ARRAY[action_code, termination_date::text] FROM codeset.code_history
           WHERE code = 'N0002' AND valid_to IS NULL),
          ARRAY['R', NULL], 'a code reactivated (R) after a discontinuation (D): its new period is the R record''s');

SELECT * FROM finish();
ROLLBACK;
