-- The validity cache stored as one value (src/validity_image.c): every
-- derivation of the history stores the cache it leaves, with the release
-- state it is of (a hash of the active releases), and a session builds its
-- cache from that image instead of the tables.  An image of another state,
-- of another library version, or a damaged one, is not used.
SET datestyle = ISO;
SELECT count(*) AS images, bool_and(octet_length(image) > 100000) AS sized,
       bool_and(pg_column_size(image) = octet_length(image)) AS not_compressed
FROM codeset.validity_image;
-- CREATE EXTENSION stored one: the next statement after an invalidation reads it
SELECT codeset.invalidate_cache();
SELECT codeset.cache_built_from();

-- The image and the tables give the same answers: every code with a
-- history, and a sample of the rest, on dates around each period's ends
-- and across the years; every modifier the same way
CREATE TEMP TABLE probe AS
SELECT DISTINCT code, d FROM (
    SELECT code, x AS d FROM codeset.code_history,
           LATERAL (VALUES (valid_from - 1), (valid_from), (valid_to), (valid_to + 1), (possible_from), (possible_to)) v(x)
    UNION ALL
    SELECT ('J' || lpad((g * 37 % 10000)::text, 4, '0'))::medcode, date '2019-07-01' FROM generate_series(1, 500) g
    UNION ALL
    SELECT c.code, d::date FROM (SELECT DISTINCT code FROM codeset.code_history WHERE code <@ '{A0000-A9999, E0000-E9999, J0000-J9999}') c,
           generate_series(date '2017-01-01', date '2027-01-01', interval '1 year') d
) p WHERE d IS NOT NULL AND d BETWEEN '1900-01-01' AND '2100-01-01';
CREATE TEMP TABLE modifier_probe AS
SELECT DISTINCT modifier, x AS d FROM codeset.modifier_history,
       LATERAL (VALUES (valid_from - 1), (valid_from), (valid_to), (valid_to + 1)) v(x)
WHERE x IS NOT NULL AND x BETWEEN '1900-01-01' AND '2100-01-01';
CREATE TEMP TABLE answers (source text, code medcode, d date, v boolean, reason text, today boolean);
CREATE TEMP TABLE modifier_answers (source text, modifier text, d date, v boolean);
INSERT INTO answers SELECT codeset.cache_built_from(), code, d, valid(code, d), invalid_reason(code, d), valid(code) FROM probe;
INSERT INTO modifier_answers SELECT codeset.cache_built_from(), modifier, d, valid_modifier(modifier, d) FROM modifier_probe;
-- (as the owner: no image, so the cache is built from the tables)
DELETE FROM codeset.validity_image;
SELECT codeset.invalidate_cache();
SELECT codeset.cache_built_from();
INSERT INTO answers SELECT codeset.cache_built_from(), code, d, valid(code, d), invalid_reason(code, d), valid(code) FROM probe;
INSERT INTO modifier_answers SELECT codeset.cache_built_from(), modifier, d, valid_modifier(modifier, d) FROM modifier_probe;
SELECT source, count(*) AS answers, count(*) FILTER (WHERE v) AS valid, count(*) FILTER (WHERE v IS NULL) AS null
FROM answers GROUP BY source ORDER BY source;
SELECT (SELECT count(*) FROM (SELECT code, d, v, reason, today FROM answers WHERE source = 'image'
                              EXCEPT SELECT code, d, v, reason, today FROM answers WHERE source = 'tables') x) AS codes_differ,
       (SELECT count(*) FROM (SELECT modifier, d, v FROM modifier_answers WHERE source = 'image'
                              EXCEPT SELECT modifier, d, v FROM modifier_answers WHERE source = 'tables') x) AS modifiers_differ,
       (SELECT count(*) FROM modifier_answers WHERE source = 'image') AS modifier_answers;
SELECT codeset.store_validity_image();

-- An image that is not of the tables as they stand, or is damaged, is not
-- used: the cache is built from the tables, with the same answers
CREATE TEMP TABLE good AS SELECT * FROM codeset.validity_image;
CREATE FUNCTION pg_temp.try(damage text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM codeset.validity_image;
    EXECUTE 'INSERT INTO codeset.validity_image SELECT ' || damage || ' FROM pg_temp.good';
    PERFORM codeset.invalidate_cache();
END $$;
-- another release state (the header's, at byte 32)
SELECT pg_temp.try($$state, set_byte(image, 32, (get_byte(image, 32) + 1) % 256)$$);
SELECT codeset.cache_built_from(), valid('J1100'), valid('J0610', '2023-05-01');
-- another version of the library (the header's, from byte 12)
SELECT pg_temp.try($$state, set_byte(image, 12, ascii('9'))$$);
SELECT codeset.cache_built_from(), valid('J1100'), valid('J0610', '2023-05-01');
-- cut short
SELECT pg_temp.try($$state, substr(image, 1, 5000)$$);
SELECT codeset.cache_built_from(), valid('J1100'), valid('J0610', '2023-05-01');
-- one byte longer
SELECT pg_temp.try($$state, image || '\x00'::bytea$$);
SELECT codeset.cache_built_from(), valid('J1100'), valid('J0610', '2023-05-01');
-- another format
SELECT pg_temp.try($$state, set_byte(image, 8, 99)$$);
SELECT codeset.cache_built_from(), valid('J1100'), valid('J0610', '2023-05-01');
-- not an image
SELECT pg_temp.try($$state, '\x00'::bytea$$);
SELECT codeset.cache_built_from(), valid('J1100'), valid('J0610', '2023-05-01');
-- the good image
SELECT pg_temp.try('state, image');
SELECT codeset.cache_built_from(), valid('J1100'), valid('J0610', '2023-05-01');

-- A load stores the image of what it leaves; the next statement reads it
SELECT status FROM codeset.load_code_list_data(convert_to(E'code\n99213\n', 'UTF8'), 'cpt-2027.csv', 'CPT', '2027-01-01');
SELECT count(*) AS images, bool_and(state <> (SELECT state FROM good)) AS of_the_new_state FROM codeset.validity_image;
SELECT codeset.cache_built_from(), valid('99213', '2027-02-01'), valid('99214', '2027-02-01');
-- the history derives from the active releases alone: after the unload the
-- state is the shipped one again
SELECT (codeset.unload_release((SELECT max(release_id) FROM codeset.release))).status;
SELECT count(*) AS images, bool_and(state = (SELECT state FROM good)) AS the_shipped_state_again
FROM codeset.validity_image;
SELECT codeset.cache_built_from(), valid('99213', '2027-02-01');
