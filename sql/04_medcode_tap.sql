-- pgTAP: medcode behaviour over every code shape and many malformed inputs
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_ROLLBACK 1
\set ON_ERROR_STOP true

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;

-- Every well-formed code, generated from the shapes (350,000 of them), with
-- the rank it must have in medcode order.
CREATE TEMP TABLE every_code AS
SELECT t, rank FROM (
    SELECT lpad(n::text, 5, '0') AS t, n AS rank FROM generate_series(0, 99999) n
    UNION ALL
    SELECT lpad(n::text, 4, '0') || s, 100000 + (i - 1) * 10000 + n
    FROM generate_series(0, 9999) n, unnest('{A,F,M,T,U}'::text[]) WITH ORDINALITY AS x(s, i)
    UNION ALL
    SELECT l || lpad(n::text, 4, '0'), 150000 + (i - 1) * 10000 + n
    FROM generate_series(0, 9999) n,
         unnest('{A,B,C,D,E,F,G,H,J,K,L,M,N,P,Q,R,S,T,U,V}'::text[]) WITH ORDINALITY AS x(l, i)
) s;

-- Malformed inputs: a hand-made list of near misses and odd text, plus every
-- real-looking code with one character replaced by a non-alphanumeric one.
CREATE TEMP TABLE malformed (s text);
INSERT INTO malformed VALUES
    (''), (' '), (E'\t'), (E'\n\r'), ('1'), ('12'), ('123'), ('1234'), ('9921'), ('100'),
    ('992133'), ('0000000'), ('3074X'), ('0042B'), ('0001Z'), ('1234Q'), ('0001E'),
    ('J110'), ('J11000'), ('J11A0'), ('JJ100'), ('J 100'), ('J1_00'), ('J'), ('JW'), ('LT'),
    ('I1234'), ('O1234'), ('W1234'), ('X0000'), ('Y9999'), ('Z1234'), ('12A45'), ('1A234'),
    ('A123B'), ('AB123'), ('ABCDE'), ('99213-25'), ('99213:25'), ('J1100 JW'), ('J1100-JW-59'),
    ('99213 25 59'), ('99 213'), ('9 9213'), ('99213.0'), ('99213.'), ('+99213'), ('-9921'),
    ('0x123'), ('1e+04'), ('99213;'), ('''99213'''), ('"99213"'), ('(99213)'), ('99213,'),
    ('é1234'), ('Ｊ1100'), ('٩٩٢١٣'), ('J1100ü'), ('ß0001'), (E'99\x01213'), (E'J1100\x7f'),
    (E'\x0b'), ('NULL'), ('null'), ('DROP TABLE claims'), ('99213''; DROP TABLE x; --'),
    ('SELECT 1'), (repeat('9', 10000)), (repeat('J', 6)), (repeat(' ', 100) || '9921'),
    ('99213' || repeat(' ', 10) || 'X'), ('0042 T'), ('0042-T'), ('0042TT'), ('00042T'),
    ('G04381'), ('A-0425'), ('A04 25'), ('E011O'), ('EO110'), ('99Z13');
INSERT INTO malformed
SELECT overlay(code placing ch from pos for 1)
FROM unnest('{99213,00100,0001U,3074F,0042T,J1100,E0110,V2020}'::text[]) AS code,
     generate_series(1, 5) AS pos,
     unnest('{.,-,*,#,é,_,/}'::text[]) AS ch;

SELECT plan(11 + (SELECT count(*)::int FROM malformed));

SELECT is((SELECT count(*) FROM every_code), 350000::bigint,
    'the shapes generate 350,000 codes');
SELECT is((SELECT count(*) FROM every_code WHERE NOT is_medcode(t)), 0::bigint,
    'is_medcode accepts every well-formed code');
SELECT is((SELECT count(*) FROM every_code WHERE t::medcode::text <> t), 0::bigint,
    'every code reads and prints back unchanged');
SELECT is((SELECT count(*) FROM every_code
           WHERE to_medcode(E' \t' || lower(t) || E'\n')::text IS DISTINCT FROM t), 0::bigint,
    'lower case with surrounding white space reads as the canonical code');
SELECT is((SELECT count(*) FROM (
              SELECT rank, row_number() OVER (ORDER BY t::medcode) - 1 AS pos FROM every_code) o
           WHERE rank <> pos), 0::bigint,
    'medcode order is family-major: digits, then suffixes A F M T U, then Level II by letter');
SELECT is((SELECT count(DISTINCT medcode_hash(t::medcode)) FROM every_code WHERE rank < 1000),
    1000::bigint, 'distinct codes hash apart');
SELECT is((SELECT count(*) FROM every_code
           WHERE t::medcode BETWEEN '0000U' AND '9999U' AND t !~ '^[0-9]{4}U$'), 0::bigint,
    'a PLA range holds only PLA codes');
SELECT is((SELECT count(*) FROM every_code
           WHERE t::medcode BETWEEN '00000' AND '99999' AND t !~ '^[0-9]{5}$'), 0::bigint,
    'a five-digit range holds only five-digit codes');
SELECT is((SELECT count(*) FROM every_code
           WHERE t::medcode BETWEEN 'J0000' AND 'J9999' AND t !~ '^J[0-9]{4}$'), 0::bigint,
    'a J range holds only J codes');
SELECT is((SELECT count(*) FROM malformed WHERE is_medcode(s)), 0::bigint,
    'is_medcode is false for every malformed input');
SELECT is((SELECT count(*) FROM malformed WHERE to_medcode(s) IS NOT NULL), 0::bigint,
    'to_medcode is NULL for every malformed input');

-- Each malformed input raises 22P02 with PostgreSQL's own wording, naming the input
SELECT throws_ok(format('SELECT %L::medcode', s), '22P02',
                 format('invalid input syntax for type medcode: "%s"', s),
                 format('rejects %s', left(to_json(s)::text, 40)))
FROM malformed;

SELECT * FROM finish();
ROLLBACK;
