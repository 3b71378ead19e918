-- Soft input errors (PostgreSQL 16 and later): pg_input_is_valid() and
-- pg_input_error_info() see bad input without an exception, with the
-- message, detail, hint and SQLSTATE the cast raises.  Before 16 there are
-- no such functions (expected/18_soft_errors_1.out).
SELECT v, pg_input_is_valid(v, 'medcode') AS medcode_ok
FROM (VALUES ('J1100'), ('j1100 '), ('J110'), ('99213-25'), (E'J1100\u00a0'), ('')) t(v);
SELECT * FROM pg_input_error_info('J110', 'medcode');
SELECT * FROM pg_input_error_info('99213-25', 'medcode');
SELECT v, pg_input_is_valid(v, 'medcodeset') AS medcodeset_ok
FROM (VALUES ('{99202-99215, J1100}'), ('{}'), ('{99202-}'), ('99213'), ('{J1100, X}')) t(v);
SELECT * FROM pg_input_error_info('{99202-99215, X}', 'medcodeset');
SELECT * FROM pg_input_error_info('99213', 'medcodeset');
-- the family domains report their CHECK softly too
SELECT pg_input_is_valid('99213', 'cpt_code') AS cpt_ok, pg_input_is_valid('J1100', 'cpt_code') AS j_as_cpt,
       pg_input_is_valid('J110', 'cpt_code') AS malformed;
SELECT * FROM pg_input_error_info('J1100', 'cpt_code');

-- The same message, detail, hint and SQLSTATE as the cast
CREATE FUNCTION pg_temp.same_as_cast(v text, t regtype) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    m text; d text; h text; s text;
    info record;
BEGIN
    BEGIN
        EXECUTE format('SELECT %L::%s', v, t);
        RETURN NULL;                -- no error to compare
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT,
                                s = RETURNED_SQLSTATE;
    END;
    SELECT * INTO info FROM pg_input_error_info(v, t::text);
    RETURN info.message = m AND info.detail IS NOT DISTINCT FROM nullif(d, '')
       AND info.hint IS NOT DISTINCT FROM nullif(h, '') AND info.sql_error_code = s;
END $$;
SELECT v, t, pg_temp.same_as_cast(v, t)
FROM (VALUES ('J110', 'medcode'::regtype), ('99213-25', 'medcode'), ('J1100JW', 'medcode'),
             ('ABCDEFG', 'medcode'), ('{99202-}', 'medcodeset'), ('{J1100, 99213-25}', 'medcodeset'),
             ('99213', 'medcodeset'), ('J1100', 'cpt_code')) c(v, t)
ORDER BY t, v;
