-- medcode input, output, casts and the never-raising text functions
-- CPT codes in this file are examples only. CPT (c) American Medical Association.

-- Every family, in any case, with surrounding white space
SELECT c AS input, c::medcode AS code
FROM (VALUES ('99213'), ('00100'), ('0001U'), ('0001A'), ('0002M'), ('3074F'),
             ('0042T'), ('J1100'), ('e0110'), (' a0425 '), (E'\tD0120\n'), ('v2020'),
             ('G0438'), ('u0001')) AS v(c);

-- Output is canonical: five upper-case characters
SELECT ' j1100 '::medcode::text = 'J1100' AS canonical, length('0042t'::medcode::text) AS len;

-- Errors: which rule failed, and a hint where one helps
SELECT '9921'::medcode;
SELECT '100'::medcode;
SELECT '3074X'::medcode;
SELECT 'J110'::medcode;
SELECT 'J11A0'::medcode;
SELECT '99213-25'::medcode;
SELECT '99213:25'::medcode;
SELECT 'J1100 JW'::medcode;
SELECT 'I1234'::medcode;
SELECT 'O1234'::medcode;
SELECT 'W1234'::medcode;
SELECT '12A45'::medcode;
SELECT '992133'::medcode;
SELECT '42T'::medcode;
SELECT '99 213'::medcode;
SELECT 'é1234'::medcode;
SELECT ''::medcode;
SELECT '   '::medcode;

-- The SQLSTATE is 22P02 (invalid_text_representation)
\set VERBOSITY sqlstate
SELECT 'J110'::medcode;
SELECT '99213-25'::medcode;
\set VERBOSITY default

-- Casts from and to text
SELECT medcode('99213'), text('0042T'::medcode), 'j1100'::text::medcode, 'J1100'::medcode::text;
SELECT 'bad'::text::medcode;
CREATE TEMP TABLE code_text (t text);
INSERT INTO code_text SELECT 'J1100'::medcode;   -- medcode -> text is an assignment cast
SELECT * FROM code_text;

-- Functions on raw text never raise
SELECT left(t, 12) AS t, length(t) AS len, is_medcode(t), to_medcode(t)
FROM (VALUES ('99213'), (' j1100'), ('9921'), ('99213-25'), (''), ('   '),
             ('not a code'), (repeat('9', 10000)), (NULL)) AS v(t);

-- NULL in, NULL out
SELECT is_medcode(NULL) IS NULL AS is_null, to_medcode(NULL) IS NULL AS to_null,
       medcode(NULL::text) IS NULL AS cast_null;

-- Binary form: a version byte, then the canonical text
SELECT medcode_send('J1100'), medcode_send('00100');

-- Binary COPY round trip over every family
CREATE TEMP TABLE bin_src (code medcode);
INSERT INTO bin_src VALUES ('00000'), ('99213'), ('99999'), ('0000A'), ('0001U'), ('9999U'),
    ('3074F'), ('0002M'), ('0042T'), ('A0000'), ('J1100'), ('D0120'), ('V9999'), (NULL);
SELECT '/tmp/codeset_bin_' || pg_backend_pid() AS binfile \gset
COPY bin_src TO :'binfile' (FORMAT binary);
CREATE TEMP TABLE bin_dst (code medcode);
COPY bin_dst FROM :'binfile' (FORMAT binary);
SELECT count(*) AS rows, count(code) AS non_null,
       (SELECT count(*) FROM (SELECT code FROM bin_src EXCEPT ALL SELECT code FROM bin_dst) d) AS lost
FROM bin_dst;

-- recv re-validates: an unknown version, a non-canonical spelling, a wrong length
CREATE TEMP TABLE raw_bytes (b bytea);
CREATE TEMP TABLE bin_bad (code medcode);
INSERT INTO raw_bytes VALUES ('\x024a31313030');
COPY raw_bytes TO :'binfile' (FORMAT binary);
COPY bin_bad FROM :'binfile' (FORMAT binary);
TRUNCATE raw_bytes;
INSERT INTO raw_bytes VALUES ('\x016a31313030');
COPY raw_bytes TO :'binfile' (FORMAT binary);
COPY bin_bad FROM :'binfile' (FORMAT binary);
TRUNCATE raw_bytes;
INSERT INTO raw_bytes VALUES ('\x014a313130');
COPY raw_bytes TO :'binfile' (FORMAT binary);
COPY bin_bad FROM :'binfile' (FORMAT binary);
TRUNCATE raw_bytes;
INSERT INTO raw_bytes VALUES ('\x');
COPY raw_bytes TO :'binfile' (FORMAT binary);
COPY bin_bad FROM :'binfile' (FORMAT binary);
SELECT count(*) AS loaded FROM bin_bad;

-- Text COPY takes the same input rules as a literal
CREATE TEMP TABLE text_copy (code medcode);
COPY text_copy FROM stdin;
99213
 j1100 
0042t
\.
SELECT code FROM text_copy ORDER BY code;
