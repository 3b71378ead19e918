-- What functions keep per call site (fn_extra) must never outlive the
-- value or the view of the tables it was made for: in_set() under another
-- session's commit, a rolled-back savepoint or exception block; the <@
-- bitmap under a PL/pgSQL variable or a prepared statement's parameter.
-- And the planner's rewrite of <@ for a btree applies only to the
-- extension's own medcode order (found by review: a btree on a set column
-- crashed the server, a reverse-order opclass gave wrong rows).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT format('dbname=%s port=%s host=%s', current_database(), current_setting('port'),
              split_part(current_setting('unix_socket_directories'), ',', 1)) AS conninfo \gset

INSERT INTO codeset.code_set (name, description, codes) VALUES ('review-set', 'test', '{10021}');
-- A PL/pgSQL simple expression keeps its call site for the whole transaction
CREATE FUNCTION in_review_set(c medcode) RETURNS boolean LANGUAGE plpgsql STABLE AS
$$ BEGIN RETURN in_set(c, 'review-set'); END $$;

-- Another session commits a change between two statements of a READ
-- COMMITTED transaction: the second statement sees it
BEGIN;
SELECT in_review_set('10021') AS before_other_commit;
SELECT dblink_exec(:'conninfo', $$UPDATE codeset.code_set SET codes = '{99999}' WHERE name = 'review-set'$$);
SELECT (SELECT codes FROM codeset.code_set WHERE name = 'review-set') AS table_now,
       in_review_set('10021') AS old_code, in_review_set('99999') AS new_code;
COMMIT;
UPDATE codeset.code_set SET codes = '{10021}' WHERE name = 'review-set';

-- A savepoint rolled back: the set read inside it is not served after
BEGIN;
SELECT in_review_set('10021') AS before_savepoint;
SAVEPOINT s;
UPDATE codeset.code_set SET codes = '{99999}' WHERE name = 'review-set';
SELECT in_review_set('10021') AS old_code_inside, in_review_set('99999') AS new_code_inside;
ROLLBACK TO s;
SELECT in_review_set('10021') AS old_code_after, in_review_set('99999') AS new_code_after;
COMMIT;

-- An exception block rolled back, within one statement
CREATE FUNCTION review_exception_block() RETURNS TABLE (step text, answer boolean) LANGUAGE plpgsql AS $$
BEGIN
    step := 'before'; answer := in_review_set('10021'); RETURN NEXT;
    BEGIN
        UPDATE codeset.code_set SET codes = '{99999}' WHERE name = 'review-set';
        step := 'inside, after the update'; answer := in_review_set('10021'); RETURN NEXT;
        RAISE EXCEPTION 'undo';
    EXCEPTION WHEN raise_exception THEN
        NULL;
    END;
    step := 'after the block rolled back'; answer := in_review_set('10021'); RETURN NEXT;
END $$;
SELECT * FROM review_exception_block();

-- code <@ set through a PL/pgSQL parameter: a different set on each call
-- (8 codes each, enough for a bitmap) must not be answered from the first
CREATE FUNCTION review_in(c medcode, s medcodeset) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN RETURN c <@ s; END $$;
-- (each row's set is cast from text in a per-row context, so successive
-- sets tend to land at the same address)
CREATE TABLE review_rows AS
SELECT i, lpad((100 * i)::text, 5, '0')::medcode AS c,
       '{' || (SELECT string_agg(lpad((100 * i + 2 * k)::text, 5, '0'), ',') FROM generate_series(0, 7) k) || '}' AS stxt
FROM generate_series(1, 5) i;
SELECT i, c, c <@ stxt::medcodeset AS by_operator, review_in(c, stxt::medcodeset) AS through_plpgsql
FROM review_rows ORDER BY i;
-- ... and a prepared statement's parameter, two executions in one transaction
PREPARE review_p(medcodeset) AS SELECT review_in('00200', $1) AS through_plpgsql, '00200'::medcode <@ $1 AS by_operator;
BEGIN;
EXECUTE review_p('{00100,00102,00104,00106,00108,00110,00112,00114}');
EXECUTE review_p('{00200,00202,00204,00206,00208,00210,00212,00214}');
COMMIT;
DEALLOCATE review_p;

-- A btree on a medcodeset column is no index for "set @> code"
CREATE TABLE review_sets (id int, s medcodeset UNIQUE);
INSERT INTO review_sets VALUES (1, '{00005}'), (2, '{00006-00010}');
SET enable_seqscan = off;
SELECT count(*) AS contains_00005 FROM review_sets WHERE s @> '00005'::medcode;
SELECT count(*) AS contains_00007 FROM review_sets WHERE '00007'::medcode <@ s;
RESET enable_seqscan;

-- A btree in another order (a user's reverse opclass) gets no rewrite
-- (its search_path is set: CREATE INDEX runs it with a safe one on 17+)
CREATE FUNCTION review_rev_cmp(medcode, medcode) RETURNS int LANGUAGE sql IMMUTABLE STRICT
    SET search_path = public AS 'SELECT medcode_cmp($2, $1)';
CREATE OPERATOR CLASS review_rev_ops FOR TYPE medcode USING btree AS
    OPERATOR 1 >, OPERATOR 2 >=, OPERATOR 3 =, OPERATOR 4 <=, OPERATOR 5 <,
    FUNCTION 1 review_rev_cmp(medcode, medcode);
CREATE TABLE review_codes AS SELECT lpad(g::text, 5, '0')::medcode AS code FROM generate_series(1, 100) g;
CREATE INDEX ON review_codes (code review_rev_ops);
ANALYZE review_codes;
SET enable_seqscan = off;
SELECT count(*) AS in_00010_00019 FROM review_codes WHERE code <@ '{00010-00019}';
RESET enable_seqscan;
SELECT count(*) AS in_00010_00019_seq FROM review_codes WHERE code <@ '{00010-00019}';

DROP TABLE review_codes, review_sets, review_rows;
DROP OPERATOR CLASS review_rev_ops USING btree;
DROP OPERATOR FAMILY review_rev_ops USING btree;
DROP FUNCTION review_rev_cmp(medcode, medcode), review_in(medcode, medcodeset),
    review_exception_block(), in_review_set(medcode);
DELETE FROM codeset.code_set WHERE name = 'review-set';
