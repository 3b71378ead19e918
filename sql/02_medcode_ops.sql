-- medcode comparison, order, operator classes and indexes
-- CPT codes in this file are examples only. CPT (c) American Medical Association.

-- The operator classes are consistent
SELECT opcname, amvalidate(oid) FROM pg_opclass
WHERE opcname IN ('medcode_ops', 'medcode_hash_ops') ORDER BY opcname;

-- Family-major order: all-digit codes, then suffixes A, F, M, T, U, then Level II
SELECT code FROM (VALUES ('J1100'::medcode), ('0001U'), ('99213'), ('0042T'), ('00100'),
    ('A0425'), ('0001A'), ('3074F'), ('V2020'), ('0002M'), ('D0120'), ('9999A')) v(code)
ORDER BY code;

-- Operators
SELECT a, b, a = b AS eq, a <> b AS ne, a < b AS lt, a <= b AS le, a > b AS gt, a >= b AS ge,
       medcode_cmp(a, b) AS cmp
FROM (VALUES ('99213'::medcode, '99213'::medcode), ('99213', '99214'), ('99999', '0000A'),
             ('9999U', 'A0000'), ('j1100', 'J1100')) v(a, b);

-- A range with both ends in one family holds only that family
SELECT '0001U'::medcode BETWEEN '00010' AND '00030' AS pla_in_numeric,
       '00100'::medcode BETWEEN '0001U' AND '0999U' AS numeric_in_pla,
       '0001F'::medcode BETWEEN '00010' AND '00030' AS cat2_in_numeric,
       '0500U'::medcode BETWEEN '0001U' AND '0999U' AS pla_in_pla;

-- min and max follow the same order
SELECT min(code), max(code) FROM (VALUES ('J1100'::medcode), ('0042T'), ('99213')) v(code);

-- Estimators are attached to every operator
SELECT oprname, oprrest, oprjoin, oprcanhash, oprcanmerge FROM pg_operator
WHERE oprleft = 'medcode'::regtype AND oprright = 'medcode'::regtype ORDER BY oprname;

-- The same answers with and without a btree index
CREATE TABLE claims_idx (id int, code medcode);
INSERT INTO claims_idx
SELECT g, medcode(CASE g % 4 WHEN 0 THEN lpad((g * 7 % 100000)::text, 5, '0')
                             WHEN 1 THEN lpad((g % 10000)::text, 4, '0') || substr('AFMTU', g % 5 + 1, 1)
                             ELSE substr('ABCDEGHJKLMPQRSTV', g % 17 + 1, 1) || lpad((g % 10000)::text, 4, '0') END)
FROM generate_series(1, 20000) g;
ANALYZE claims_idx;
CREATE TEMP TABLE answers_seq AS
SELECT 'eq' AS q, count(*) AS n FROM claims_idx WHERE code = '00028'
UNION ALL SELECT 'lt', count(*) FROM claims_idx WHERE code < '0042T'
UNION ALL SELECT 'range', count(*) FROM claims_idx WHERE code BETWEEN 'J0000' AND 'J9999'
UNION ALL SELECT 'pla', count(*) FROM claims_idx WHERE code >= '0000U' AND code <= '9999U'
UNION ALL SELECT 'ge', count(*) FROM claims_idx WHERE code >= 'T0000';
CREATE INDEX claims_idx_code ON claims_idx (code);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM claims_idx WHERE code BETWEEN 'J0000' AND 'J9999';
EXPLAIN (COSTS OFF) SELECT code FROM claims_idx ORDER BY code LIMIT 3;
CREATE TEMP TABLE answers_idx AS
SELECT 'eq' AS q, count(*) AS n FROM claims_idx WHERE code = '00028'
UNION ALL SELECT 'lt', count(*) FROM claims_idx WHERE code < '0042T'
UNION ALL SELECT 'range', count(*) FROM claims_idx WHERE code BETWEEN 'J0000' AND 'J9999'
UNION ALL SELECT 'pla', count(*) FROM claims_idx WHERE code >= '0000U' AND code <= '9999U'
UNION ALL SELECT 'ge', count(*) FROM claims_idx WHERE code >= 'T0000';
RESET enable_seqscan;
SELECT s.q, s.n AS seq_scan, i.n AS index_scan, s.n = i.n AS same
FROM answers_seq s JOIN answers_idx i USING (q) ORDER BY s.q;

-- btree deduplication is allowed (btequalimage), and the index is sorted by medcode order
SELECT amproc::regproc FROM pg_amproc p JOIN pg_opclass c ON c.opcfamily = p.amprocfamily
WHERE c.opcname = 'medcode_ops' AND p.amprocnum = 4;
SELECT code FROM claims_idx ORDER BY code LIMIT 3;
SELECT code FROM claims_idx ORDER BY code DESC LIMIT 3;

-- Hash index, hash join, and hash partitioning (extended hash)
CREATE INDEX claims_idx_hash ON claims_idx USING hash (code);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM claims_idx WHERE code = '00028';
RESET enable_bitmapscan;
RESET enable_seqscan;
SELECT count(*) FROM claims_idx WHERE code = '00028';
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM claims_idx a JOIN claims_idx b USING (code);
SELECT count(*) FROM claims_idx a JOIN claims_idx b USING (code) WHERE a.id <= 100;
RESET enable_mergejoin;
RESET enable_nestloop;
CREATE TABLE claims_part (code medcode) PARTITION BY HASH (code);
CREATE TABLE claims_part_0 PARTITION OF claims_part FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE claims_part_1 PARTITION OF claims_part FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO claims_part SELECT code FROM claims_idx;
SELECT count(*) = 20000 AS all_routed, count(DISTINCT tableoid) AS partitions_used FROM claims_part;
SELECT satisfies_hash_partition('claims_part'::regclass, 2, 0, 'J1100'::medcode)
     <> satisfies_hash_partition('claims_part'::regclass, 2, 1, 'J1100'::medcode) AS one_partition;
EXPLAIN (COSTS OFF) SELECT * FROM claims_part WHERE code = '00028';

DROP TABLE claims_idx, claims_part;
