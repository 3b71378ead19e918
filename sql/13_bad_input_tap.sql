-- pgTAP: bad input through SQL, table-driven.  Every raising entry point
-- raises its documented SQLSTATE with a message naming the input; every
-- never-raising function answers false or NULL; the backend stays up.
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_ROLLBACK 1
\set ON_ERROR_STOP true

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;

-- Bad text of every kind: empty, white space, control characters, non-ASCII
-- digits and letters, 10,000 characters, near misses of each shape, SQL.
CREATE TEMP TABLE bad (s text);
INSERT INTO bad VALUES
    (''), (' '), (E'\t\n'), (E'\x01'), (E'\x1f'), (E'\x7f'), (E'99\x02213'), (E'J1100\x0b\x01'),
    ('٩٩٢١٣'), ('９９２１３'), ('Ｊ１１００'), ('J11٠٠'), ('é9921'), ('99213é'), ('ß'), ('日本語'),
    ('😀'), ('J1100😀'), (repeat('9', 10000)), (repeat('J', 10000)), (repeat(' ', 10000)),
    ('9921'), ('992133'), ('100'), ('1'), ('3074X'), ('0042B'), ('J110'), ('J11000'), ('J11A0'),
    ('I1234'), ('O1234'), ('W1234'), ('Z9999'), ('12A45'), ('A12B4'), ('99213-25'), ('99213:25'),
    ('J1100 JW'), ('99 213'), ('9 9213'), ('99213.0'), ('+99213'), ('-99213'), ('0x1F'), ('1e5'),
    ('NULL'), ('null'), ('true'), ('{}'), ('{99213}'), ('[99213]'), ('(99213)'), ('"99213"'),
    ('''99213'''), ('99213;'), ('99213''); DROP TABLE codeset.release; --'),
    ('SELECT 1'), ('$$99213$$'), ('\x3939323133'), ('%'), ('_'), ('*'), ('?'), ('\'), ('/'),
    ('99213/'), ('99213,'), (','), ('-'), ('--'), (':'), ('99213-'), ('-25'), ('LT'), ('25');
INSERT INTO bad
SELECT overlay(code placing ch from pos for 1)
FROM unnest('{99213,00100,0001U,0001A,0002M,3074F,0042T,J1100,E0110,A0425,D0120,V2020}'::text[]) code,
     generate_series(1, 5) pos,
     unnest(ARRAY['.', '-', ' ', 'é', '_', E'\t', '/', '"', 'I', 'O']) ch
WHERE NOT is_medcode(overlay(code placing ch from pos for 1));

-- Bad code-set literals
CREATE TEMP TABLE bad_set (s text);
INSERT INTO bad_set VALUES
    (''), (' '), ('{'), ('}'), ('{}}'), ('{{}}'), ('{,}'), ('{99213,}'), ('{,99213}'),
    ('{99213,,99214}'), ('{99215-99202}'), ('{99202-J9999}'), ('{0001U-9999T}'), ('{J0100-K0100}'),
    ('{9921}'), ('{99213-}'), ('{-99213}'), ('{99213--99215}'), ('{99213-99214-99215}'),
    ('99213'), ('[99213]'), ('{99213} x'), ('x {99213}'), ('{99213'), ('99213}'),
    ('{"99213"}'), ('{99213;99214}'), ('{99213 99214}'), ('{é}'), (repeat('{', 10000)),
    ('{' || repeat('99213,', 5000) || '}'), (E'{\x01}'), ('{NULL}'), ('{I1234}'), ('{3074X}');

SELECT plan(6 + (SELECT count(*)::int FROM bad) + (SELECT count(*)::int FROM bad_set) + 6);

SELECT cmp_ok((SELECT count(*)::int FROM bad), '>=', 300, 'at least 300 bad inputs');
SELECT is((SELECT count(*) FROM bad WHERE is_medcode(s) OR to_medcode(s) IS NOT NULL), 0::bigint,
    'is_medcode false and to_medcode NULL for every one');
SELECT is((SELECT count(*) FROM bad WHERE valid(s) OR valid(s, '2024-01-01')), 0::bigint,
    'valid(text) and valid(text, date) false for every one');
SELECT is((SELECT count(*) FROM bad WHERE invalid_reason(s) IS DISTINCT FROM 'malformed'), 0::bigint,
    'invalid_reason is malformed for every one');
SELECT is((SELECT count(*) FROM bad WHERE parse_claim_line(s) IS NOT NULL AND s NOT IN ('99213-25', '99213:25', 'J1100 JW')),
    0::bigint, 'parse_claim_line is NULL for every one but the three claim lines');
SELECT is((SELECT count(*) FROM bad WHERE valid_modifier(s) AND s <> 'LT'), 0::bigint,
    'valid_modifier is true for none but a real modifier');

SELECT throws_ok(format('SELECT %L::medcode', s), '22P02',
                 format('invalid input syntax for type medcode: "%s"', s),
                 format('medcode rejects %s', left(to_json(s)::text, 30)))
FROM bad;
SELECT throws_ok(format('SELECT %L::medcodeset', s), '22P02',
                 format('invalid input syntax for type medcodeset: "%s"', s),
                 format('medcodeset rejects %s', left(to_json(s)::text, 30)))
FROM bad_set;

-- Other entry points with bad arguments
SELECT throws_ok($$SELECT codeset.load_code_list_data(convert_to('99213', 'UTF8'), 'x', 'ICD10', '2027-01-01')$$,
                 '22023', 'unknown code system "ICD10"', 'load_code_list: unknown code system');
SELECT throws_ok($$SELECT codeset.hcpcs_file_entries('\x00ff00'::bytea, 'x.txt', 'NOT-AN-ENCODING')$$,
                 '22023', '"NOT-AN-ENCODING" is not a known encoding name', 'hcpcs_file_entries: unknown encoding');
SELECT throws_ok($$SELECT * FROM codeset.code_list_entries(convert_to('99213', 'UTF8'), 'x', 0)$$,
                 '22023', 'column numbers must lie between 1 and 64', 'code_list_entries: column 0');
SELECT throws_ok($$SELECT codeset.load_hcpcs_data(NULL, 'x')$$,
                 '22004', 'content, file_name and encoding must not be null', 'load_hcpcs_data: NULL content');
SELECT throws_ok($$SELECT in_set('99213', 'no such set')$$,
                 '42704', 'code set "no such set" does not exist', 'in_set: unknown name');
SELECT is((SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid()), 1::bigint,
    'the backend is still up');

SELECT * FROM finish();
ROLLBACK;
