-- pgTAP: the medcodeset algebra against a brute-force model.  300 random
-- sets over 100 codes in five runs of 20 consecutive codes, placed where
-- code families meet in medcode order (99999 | 0000A, 9999U | A0000), so
-- that normalization must merge within a family and never across one.
\set ECHO none
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_ROLLBACK 1
\set ON_ERROR_STOP true

BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT setseed(0.5);

CREATE TEMP TABLE universe AS
SELECT row_number() OVER (ORDER BY c) - 1 AS i, c, (row_number() OVER (ORDER BY c) - 1) / 20 AS run
FROM (SELECT lpad((99980 + k)::text, 5, '0')::medcode AS c FROM generate_series(0, 19) k
      UNION ALL SELECT (lpad(k::text, 4, '0') || 'A')::medcode FROM generate_series(0, 19) k
      UNION ALL SELECT (lpad((9980 + k)::text, 4, '0') || 'U')::medcode FROM generate_series(0, 19) k
      UNION ALL SELECT ('A' || lpad(k::text, 4, '0'))::medcode FROM generate_series(0, 19) k
      UNION ALL SELECT ('J' || lpad((1090 + k)::text, 4, '0'))::medcode FROM generate_series(0, 19) k) u;

-- Random elements: a run, a first code, a length (0-6) kept inside the run
CREATE TEMP TABLE element AS
SELECT s AS set_id, e, lo.i AS lo_i, least(lo.i + r.len, (lo.run + 1) * 20 - 1) AS hi_i
FROM generate_series(1, 300) s,
     LATERAL generate_series(1, 1 + floor(random() * 6)::int + s * 0) e,
     LATERAL (SELECT floor(random() * 100)::int + e * 0 + s * 0 AS pick,
                     floor(random() * 7)::int + e * 0 AS len) r,
     LATERAL (SELECT * FROM universe WHERE universe.i = r.pick) lo;

-- Each set as a literal (elements in random order, with spaces) and as the model's members
CREATE TEMP TABLE sets AS
SELECT set_id, ('{' || string_agg(CASE WHEN lo_i = hi_i THEN a.c::text ELSE a.c::text || ' - ' || b.c::text END,
                                  ', ' ORDER BY random()) || '}')::medcodeset AS s
FROM element JOIN universe a ON a.i = lo_i JOIN universe b ON b.i = hi_i
GROUP BY set_id;
CREATE TEMP TABLE member AS
SELECT DISTINCT set_id, u.i FROM element JOIN universe u ON u.i BETWEEN lo_i AND hi_i;
CREATE TEMP VIEW model AS
SELECT s.set_id, u.i, u.c, EXISTS (SELECT FROM member m WHERE m.set_id = s.set_id AND m.i = u.i) AS inside
FROM sets s, universe u;
CREATE TEMP VIEW pairs AS
SELECT a.set_id AS x, b.set_id AS y, a.s AS sx, b.s AS sy
FROM sets a JOIN sets b ON b.set_id = a.set_id % 300 + 1 OR b.set_id = (a.set_id * 7) % 300 + 1;

-- The same membership through a constant set (the bitmap path of <@)
CREATE FUNCTION pg_temp.members_by_constant(s medcodeset) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM universe WHERE c <@ %L::medcodeset AND %L::medcodeset @> c', s, s) INTO n;
    RETURN n;
END $$;

SELECT plan(18);

SELECT is((SELECT count(*) FROM sets), 300::bigint, '300 random sets');
SELECT is((SELECT count(*) FROM sets WHERE s::text::medcodeset <> s OR s::text <> s::text::medcodeset::text),
    0::bigint, 'every set prints and reads back to itself');
SELECT is((SELECT count(*) FROM sets WHERE s::text ~ ' '), 0::bigint, 'output has no spaces');
SELECT is((SELECT count(*) FROM model m JOIN sets s USING (set_id) WHERE (m.c <@ s.s) <> m.inside),
    0::bigint, 'code <@ set agrees with the model for every code of every set');
SELECT is((SELECT count(*) FROM model m JOIN sets s USING (set_id) WHERE (s.s @> m.c) <> m.inside),
    0::bigint, 'set @> code agrees with the model');
SELECT is((SELECT count(*) FROM pairs p, universe u
           WHERE (u.c <@ (p.sx + p.sy)) <> (u.c <@ p.sx OR u.c <@ p.sy)), 0::bigint, 'union (+)');
SELECT is((SELECT count(*) FROM pairs p, universe u
           WHERE (u.c <@ (p.sx * p.sy)) <> (u.c <@ p.sx AND u.c <@ p.sy)), 0::bigint, 'intersection (*)');
SELECT is((SELECT count(*) FROM pairs p, universe u
           WHERE (u.c <@ (p.sx - p.sy)) <> (u.c <@ p.sx AND NOT u.c <@ p.sy)), 0::bigint, 'difference (-)');
SELECT is((SELECT count(*) FROM pairs p
           WHERE (p.sx @> p.sy) <> NOT EXISTS (SELECT FROM universe u WHERE u.c <@ p.sy AND NOT u.c <@ p.sx)
              OR (p.sy <@ p.sx) <> (p.sx @> p.sy)), 0::bigint, 'set @> set and set <@ set');
SELECT is((SELECT count(*) FROM pairs p
           WHERE (p.sx && p.sy) <> EXISTS (SELECT FROM universe u WHERE u.c <@ p.sy AND u.c <@ p.sx)),
    0::bigint, 'set && set');
SELECT is((SELECT count(*) FROM pairs p
           WHERE (p.sx = p.sy) <> NOT EXISTS (SELECT FROM universe u WHERE (u.c <@ p.sx) <> (u.c <@ p.sy))),
    0::bigint, 'set = set exactly when the members are the same');
SELECT is((SELECT count(*) FROM sets s
           WHERE code_count(s.s) <> (SELECT count(*) FROM member m WHERE m.set_id = s.set_id)),
    0::bigint, 'code_count counts the members');
SELECT is((SELECT count(*) FROM sets s
           WHERE s.s <> (SELECT medcodeset_agg(u.c) FROM member m JOIN universe u USING (i)
                         WHERE m.set_id = s.set_id)),
    0::bigint, 'medcodeset_agg of the members gives the set (normal form is unique)');
SELECT is((SELECT count(*) FROM sets s
           WHERE s.s <> (SELECT medcodeset(VARIADIC array_agg(u.c ORDER BY random())) FROM member m JOIN universe u USING (i)
                         WHERE m.set_id = s.set_id)),
    0::bigint, 'medcodeset(VARIADIC codes) gives the set');
SELECT is((SELECT count(*) FROM pairs p
           WHERE medcodeset_hash(p.sx + p.sy) <> medcodeset_hash(p.sy + p.sx)
              OR (p.sx + p.sy) <> (SELECT medcodeset_union_agg(x) FROM unnest(ARRAY[p.sx, p.sy]) x)),
    0::bigint, 'union is commutative, hashes alike, and medcodeset_union_agg agrees');
SELECT is((SELECT count(*) FROM sets s
           WHERE pg_temp.members_by_constant(s.s) <> (SELECT count(*) FROM member m WHERE m.set_id = s.set_id)),
    0::bigint, 'membership through a constant set (a bitmap from ranges) agrees with the model');
SELECT is((SELECT count(*) FROM pairs p
           WHERE (medcodeset_cmp(p.sx, p.sy) = 0) <> (p.sx = p.sy)
              OR medcodeset_cmp(p.sx, p.sy) <> -medcodeset_cmp(p.sy, p.sx)
              OR (p.sx < p.sy) <> (medcodeset_cmp(p.sx, p.sy) < 0)), 0::bigint,
    'the btree order agrees with = and is antisymmetric');
SELECT is((SELECT '{99999, 0000A}'::medcodeset::text || ' ' || '{9999U, A0000}'::medcodeset::text),
    '{99999,0000A} {9999U,A0000}', 'codes adjacent in medcode order but of different families stay apart');

SELECT * FROM finish();
ROLLBACK;
