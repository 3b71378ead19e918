-- medcodeset: literals, normal form, operators, aggregates, index use, named sets
-- CPT codes in this file are examples only. CPT (c) American Medical Association.
SET datestyle = ISO;

-- Literals are normalized: sorted, overlapping and adjacent ranges merged
SELECT s::medcodeset AS normal_form
FROM (VALUES ('{99202-99215, G0438, G0439, J0100-J9999}'), ('{99202-99210, 99211-99215}'),
             ('{ j1100 ,0042t - 0050t,J1100 }'), ('{G0439,G0438}'), ('{99999, 0000A}'),
             ('{}'), (' { } ')) v(s);

-- Malformed literals: 22P02, naming the element and where it is
SELECT '{99215-99202}'::medcodeset;
SELECT '{99202-J9999}'::medcodeset;
SELECT '{99202, G043}'::medcodeset;
SELECT '{99202,}'::medcodeset;
SELECT '{,99202}'::medcodeset;
SELECT '{99202,,99203}'::medcodeset;
SELECT '99202-99215'::medcodeset;
SELECT '{99202-99215'::medcodeset;
SELECT '{99202} x'::medcodeset;
SELECT '{99202-}'::medcodeset;
SELECT ''::medcodeset;

-- Membership and set operators
SELECT c, c <@ '{99202-99215, G0438}'::medcodeset AS in_set,
       '{99202-99215, G0438}'::medcodeset @> c AS contains
FROM (VALUES ('99213'::medcode), ('99216'), ('G0438'), ('G0439')) v(c);
SELECT a, b, a @> b AS contains, a <@ b AS contained, a && b AS overlap, a = b AS eq, a <> b AS ne,
       a + b AS "union", a * b AS intersection, a - b AS difference
FROM (VALUES ('{99202-99215}'::medcodeset, '{99211-99220, G0438}'::medcodeset),
             ('{99202-99215, G0438}', '{99213}'),
             ('{J0100-J9999}', '{J1100-J1200}'),
             ('{}', '{99213}')) v(a, b);

-- Constructors, aggregates, size, expansion against the code tables
SELECT medcodeset('G0439', 'G0438', '99213', NULL, '99214');
SELECT medcodeset_agg(c) FROM (VALUES ('J1100'::medcode), ('J1101'), ('J1102'), ('A0425'), (NULL)) v(c);
SELECT medcodeset_union_agg(s) FROM (VALUES ('{99202-99205}'::medcodeset), ('{99206-99215}'), ('{G0438}')) v(s);
SELECT medcodeset_agg(c) IS NULL AS empty_agg_is_null FROM (SELECT NULL::medcode WHERE false) v(c);
SELECT code_count('{99202-99215, G0438, J0100-J9999}'), code_count('{}');
SELECT array_agg(c) AS known_codes FROM codes('{J1100-J1110, A0425, B0000}') c;
SELECT array_agg(c) AS in_force_2018_12 FROM codes('{C9030-C9040}', '2018-12-01') c;
SELECT array_agg(c) AS in_force_2019_06 FROM codes('{C9030-C9040}', '2019-06-01') c;
SELECT array_agg(c) AS in_force_2024_06 FROM codes('{C9030-C9040}', '2024-06-01') c;

-- Binary COPY round trip and hashing
CREATE TEMP TABLE sets_src (s medcodeset);
INSERT INTO sets_src VALUES ('{}'), ('{99213}'), ('{99202-99215,G0438,J0100-J9999}'), (NULL);
SELECT '/tmp/codeset_sets_' || pg_backend_pid() AS f \gset
COPY sets_src TO :'f' (FORMAT binary);
CREATE TEMP TABLE sets_dst (s medcodeset);
COPY sets_dst FROM :'f' (FORMAT binary);
SELECT (SELECT count(*) FROM sets_dst) AS rows,
       (SELECT count(*) FROM (SELECT s FROM sets_src EXCEPT SELECT s FROM sets_dst) d) AS lost;
SELECT medcodeset_hash('{99213,99214}') = medcodeset_hash(medcodeset('99214', '99213')) AS same_hash;
SELECT s, count(*) FROM (VALUES ('{99213}'::medcodeset), ('{99213-99213}'), ('{G0438}')) v(s) GROUP BY s ORDER BY 2 DESC;

-- A btree order, for ORDER BY, DISTINCT and UNIQUE
SELECT opcname, amvalidate(oid) FROM pg_opclass WHERE opcname IN ('medcodeset_ops', 'medcodeset_hash_ops') ORDER BY 1;
SELECT s FROM (VALUES ('{G0438}'::medcodeset), ('{}'), ('{99213-99215}'), ('{99213}'), ('{99213, G0438}')) v(s) ORDER BY s;
CREATE TEMP TABLE unique_sets (s medcodeset UNIQUE);
INSERT INTO unique_sets VALUES ('{99213, 99214}');
INSERT INTO unique_sets VALUES ('{99214, 99213}');

-- Index support: a btree on the medcode column serves code <@ set.  The
-- table is uniform: two thirds five-digit codes, one third J codes.
SELECT setseed(0.25);
CREATE TABLE set_claims AS
SELECT g AS id,
       CASE WHEN random() < 2.0 / 3 THEN lpad(floor(random() * 100000)::text, 5, '0')
            ELSE 'J' || lpad(floor(random() * 10000)::text, 4, '0') END::medcode AS code
FROM generate_series(1, 300000) g;
CREATE INDEX set_claims_code ON set_claims (code);
-- a sample as large as the table: the statistics do not depend on chance
ALTER TABLE set_claims ALTER code SET STATISTICS 1000;
ANALYZE set_claims;
CREATE TEMP TABLE set_queries (q text, s medcodeset);
INSERT INTO set_queries VALUES
    ('one range', '{99202-99499}'),
    ('single codes', '{99201, 99203, 99205, 99207, 99209, 99211, 99213, 99215, J1100, J1105}'),
    ('ranges', '{00100-01999, 99202-99215, J0100-J0200}'),
    ('empty', '{}'),
    ('wide', '{00000-99999, J0000-J9999}'),
    ('elsewhere', '{A0000-A9999, 0000U-9999U}');
-- Each query with its set as a constant, as the planner sees a literal
CREATE FUNCTION pg_temp.count_in(s medcodeset) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM set_claims WHERE code <@ %L::medcodeset', s) INTO n;
    RETURN n;
END $$;
CREATE FUNCTION pg_temp.estimate(s medcodeset) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT * FROM set_claims WHERE code <@ %L::medcodeset', s) INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric;
END $$;
SET enable_indexscan = off;
SET enable_bitmapscan = off;
CREATE TEMP TABLE seq_answers AS SELECT q, pg_temp.count_in(s) AS n FROM set_queries;
RESET enable_indexscan;
RESET enable_bitmapscan;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM set_claims WHERE code <@ '{99202-99215}';
EXPLAIN (COSTS OFF) SELECT count(*) FROM set_claims WHERE code <@ '{G0438, G0439, J1100, 0001U}';
EXPLAIN (COSTS OFF) SELECT count(*) FROM set_claims WHERE '{99202-99215, J0100-J0200}'::medcodeset @> code;
CREATE TEMP TABLE idx_answers AS SELECT q, pg_temp.count_in(s) AS n FROM set_queries;
RESET enable_seqscan;
SELECT q, s.n AS seq_scan, i.n AS index_scan, s.n = i.n AS same
FROM seq_answers s JOIN idx_answers i USING (q) ORDER BY q;
-- ... and the planner picks the index by itself for a selective set
EXPLAIN (COSTS OFF) SELECT count(*) FROM set_claims WHERE code <@ '{99202-99215}';
EXPLAIN (COSTS OFF) SELECT count(*) FROM set_claims WHERE code <@ '{00000-99999, J0000-J9999}';

-- Selectivity estimates within 2x of the truth
SELECT q, n AS actual, pg_temp.estimate(s) AS estimated,
       pg_temp.estimate(s) BETWEEN n / 2.0 AND greatest(n * 2.0, 1) AS within_2x
FROM seq_answers JOIN set_queries USING (q) ORDER BY q;

-- Partition pruning reads what the planner writes for code <@ set: a list of
-- single codes becomes code = ANY (hash and range partitions are pruned), any
-- other set becomes its bounds and a recheck (range partitions are pruned).
CREATE TEMP TABLE by_hash (id int, code medcode) PARTITION BY HASH (code);
CREATE TEMP TABLE by_hash_0 PARTITION OF by_hash FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TEMP TABLE by_hash_1 PARTITION OF by_hash FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TEMP TABLE by_hash_2 PARTITION OF by_hash FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TEMP TABLE by_hash_3 PARTITION OF by_hash FOR VALUES WITH (MODULUS 4, REMAINDER 3);
CREATE TEMP TABLE by_range (id int, code medcode) PARTITION BY RANGE (code);
CREATE TEMP TABLE by_range_cpt PARTITION OF by_range FOR VALUES FROM ('00000') TO ('99999');
CREATE TEMP TABLE by_range_a PARTITION OF by_range FOR VALUES FROM ('A0000') TO ('B0000');
CREATE TEMP TABLE by_range_j PARTITION OF by_range FOR VALUES FROM ('J0000') TO ('K0000');
CREATE TEMP TABLE by_range_rest PARTITION OF by_range DEFAULT;
INSERT INTO by_hash SELECT id, code FROM set_claims;
INSERT INTO by_range SELECT id, code FROM set_claims;
ANALYZE by_hash;
ANALYZE by_range;
SELECT tableoid::regclass AS partition, code FROM by_hash
WHERE code IN ('J1100', '99213', 'G0438') GROUP BY 1, 2 ORDER BY 1, 2;
EXPLAIN (COSTS OFF) SELECT count(*) FROM by_hash WHERE code <@ '{J1100}';
EXPLAIN (COSTS OFF) SELECT count(*) FROM by_hash WHERE code <@ '{J1100, 99213}';
EXPLAIN (COSTS OFF) SELECT count(*) FROM by_hash WHERE '{J1100, G0438}'::medcodeset @> code;
EXPLAIN (COSTS OFF) SELECT count(*) FROM by_range WHERE code <@ '{99202-99215}';
EXPLAIN (COSTS OFF) SELECT count(*) FROM by_range WHERE code <@ '{J0100-J0200, J1100}';
EXPLAIN (COSTS OFF) SELECT count(*) FROM by_range WHERE code <@ '{A0021-A0999, J0100-J9999}';
-- the same rows as the table not partitioned, each set a constant as above,
-- and as a set the planner cannot see (a parameter: no rewrite)
CREATE FUNCTION pg_temp.count_in(t regclass, s medcodeset) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM %s WHERE code <@ %L::medcodeset', t, s) INTO n;
    RETURN n;
END $$;
SELECT q, (SELECT count(*) FROM set_claims c WHERE c.code <@ v.s) AS not_rewritten,
       pg_temp.count_in('set_claims', s) AS plain,
       pg_temp.count_in('by_hash', s) AS by_hash, pg_temp.count_in('by_range', s) AS by_range
FROM (SELECT q, s FROM set_queries
      UNION ALL VALUES ('two codes', '{J1100, 99213}'), ('list of 1001 codes',
          (SELECT '{' || string_agg(lpad(g::text, 5, '0'), ',' ORDER BY g) || '}' FROM generate_series(1, 2001, 2) g)::medcodeset)) v
ORDER BY q;
-- a NULL code is in no set, as before the rewrite
SELECT c, c <@ '{J1100, 99213}' AS in_list, c <@ '{J0100-J9999}' AS in_range
FROM (VALUES (NULL::medcode), ('J1100'), ('J0001')) v(c);

-- Named sets: the sections, shipped, and the user's own
SELECT name, description, codes FROM codeset.code_set ORDER BY name;
SELECT c, in_set(c, 'cpt:evaluation-management') AS em, in_set(c, 'hcpcs:J') AS j_codes
FROM (VALUES ('99213'::medcode), ('J1100'), ('0001U')) v(c);
SELECT in_set('99213', 'cpt:evaluation-managment');
SELECT in_set('99213', 'nothing like it');
INSERT INTO codeset.code_set (name, description, codes) VALUES ('telehealth', 'My telehealth codes', '{G0438, G0439, 99421-99423}');
SELECT in_set('99422', 'telehealth'), in_set('99424', 'telehealth');
SELECT name, source FROM codeset.code_set WHERE source = 'user';
DELETE FROM codeset.code_set WHERE name = 'telehealth';

-- The shipped section sets agree with code_section() on every code
SELECT count(*) AS disagreements
FROM (SELECT c FROM (SELECT lpad(n::text, 5, '0') AS t FROM generate_series(0, 99999) n
                     UNION ALL SELECT lpad(n::text, 4, '0') || s FROM generate_series(0, 9999) n, unnest('{A,F,M,T,U}'::text[]) s
                     UNION ALL SELECT l || lpad(n::text, 4, '0') FROM generate_series(0, 9999) n,
                                      unnest('{A,B,C,D,E,F,G,H,J,K,L,M,N,P,Q,R,S,T,U,V}'::text[]) l) x,
             LATERAL (SELECT x.t::medcode) m(c)) codes
LEFT JOIN LATERAL (SELECT string_agg(description, ',') AS d FROM codeset.code_set s
                   WHERE s.source = 'codeset' AND codes.c <@ s.codes AND s.name NOT LIKE 'cpt:category-%') k ON true
WHERE k.d IS DISTINCT FROM code_section(codes.c);

-- A set column against a constant code: planned without statistics (no crash)
CREATE TEMP TABLE set_column (s medcodeset);
INSERT INTO set_column VALUES ('{99202-99215}'), ('{G0438}');
ANALYZE set_column;
EXPLAIN (COSTS OFF) SELECT * FROM set_column WHERE s @> '99213'::medcode;
SELECT s FROM set_column WHERE '99213'::medcode <@ s;

-- Sets computed per row are not mistaken for one another (many ranges each)
CREATE TEMP TABLE per_row (a medcodeset);
INSERT INTO per_row VALUES ('{A0001,A0003,A0005,A0007,A0009,A0011,A0013,A0015}'),
                           ('{B0001,B0003,B0005,B0007,B0009,B0011,B0013,B0015}');
SELECT a, 'A0001'::medcode <@ (a + '{}') AS has_a0001, (a + '{}') @> 'B0001'::medcode AS has_b0001 FROM per_row;

-- in_set sees a change of the set made earlier in the same transaction
INSERT INTO codeset.code_set (name, description, codes) VALUES ('scratch', 'Scratch', '{99213}');
DO $$
DECLARE before boolean; after boolean;
BEGIN
    before := in_set('99213', 'scratch');
    UPDATE codeset.code_set SET codes = '{}' WHERE name = 'scratch';
    after := in_set('99213', 'scratch');
    RAISE NOTICE 'in_set before the update: %, after: %', before, after;
END $$;
DELETE FROM codeset.code_set WHERE name = 'scratch';

DROP TABLE set_claims;

-- The cpt: and hcpcs: names are the shipped sets': a user's row under one
-- is refused, so that a restore cannot collide with the shipped row
INSERT INTO codeset.code_set (name, description, codes) VALUES ('cpt:my-radiology', 'Mine', '{70010}');
