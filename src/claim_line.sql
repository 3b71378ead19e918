-- src/claim_line.sql: Claim lines: a code and its modifiers (claim_line_sql.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

CREATE TYPE @extschema@.parsed_claim_line AS (code @extschema@.medcode, modifiers text[]);
COMMENT ON TYPE @extschema@.parsed_claim_line IS 'a procedure code and its modifiers, from parse_claim_line()';

CREATE FUNCTION @extschema@.parse_claim_line(text) RETURNS @extschema@.parsed_claim_line
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parse_claim_line(text) IS
    'split "99213-25", "99213:25", "J1100 JW", "J1100-JW-59" into the code and up to four modifiers; NULL for other text';

-- What claim feeds do to codes, undone where only one reading is possible,
-- and said: Unicode spaces (a no-break space from a spreadsheet), case,
-- modifiers written with the code, and leading zeros an integer column lost
-- (restored only when the result is a code the tables know).  Never a
-- guess: otherwise the code is NULL and reason says why.
CREATE TYPE codeset.repaired_code AS (code @extschema@.medcode, modifiers text[], repairs text[],
                                      reason text);
COMMENT ON TYPE codeset.repaired_code IS
    'what medcode_repair() made of claim text: the code, its modifiers, the repairs made, or why none could be';

CREATE FUNCTION @extschema@.medcode_repair(input text) RETURNS codeset.repaired_code
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- no-break, figure, thin, zero-width and ideographic spaces, the BOM
    unicode_spaces constant text := '[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]';
    t       text := input;
    repairs text[] := '{}';
    line    @extschema@.parsed_claim_line;
    padded  text;
BEGIN
    IF t ~ unicode_spaces THEN
        t := regexp_replace(t, unicode_spaces, ' ', 'g');
        repairs := repairs || 'removed Unicode spaces'::text;
    END IF;
    IF t <> btrim(t, E' \t\n\r\f\v') THEN
        t := btrim(t, E' \t\n\r\f\v');
        repairs := repairs || 'trimmed'::text;
    END IF;
    IF t <> upper(t) THEN
        t := upper(t);
        repairs := repairs || 'upper-cased'::text;
    END IF;
    IF t ~ '^[0-9]{1,4}$' THEN
        -- a number whose leading zeros an integer column dropped: only a
        -- code the tables know is a repair; anything else would be a guess
        padded := lpad(t, 5, '0');
        IF EXISTS (SELECT FROM codeset.code_history h WHERE h.code OPERATOR(@extschema@.=) padded::@extschema@.medcode) THEN
            RETURN ROW(padded::@extschema@.medcode, '{}'::text[], repairs || 'restored leading zeros'::text, NULL::text);
        END IF;
        RETURN ROW(NULL::@extschema@.medcode, NULL::text[], repairs,
                   format('"%s" may be %s with its leading zeros lost, but the loaded code tables do not know %s',
                          t, padded, padded));
    END IF;
    line := @extschema@.parse_claim_line(t);
    IF line.code IS NULL THEN
        RETURN ROW(NULL::@extschema@.medcode, NULL::text[], repairs, codeset.malformed_detail(t));
    END IF;
    IF cardinality(line.modifiers) > 0 THEN
        repairs := repairs || 'split off modifiers'::text;
    END IF;
    RETURN ROW(line.code, line.modifiers, repairs, NULL::text);
END
$$;
COMMENT ON FUNCTION @extschema@.medcode_repair(text) IS
    'the code in claim text, with what was repaired (Unicode spaces, case, modifiers, lost leading zeros of a known code), or NULL and why';
