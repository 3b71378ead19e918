-- src/claim_line.sql: Claim lines: a code and its modifiers (claim_line_sql.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

CREATE TYPE @extschema@.parsed_claim_line AS (code @extschema@.medcode, modifiers text[]);
COMMENT ON TYPE @extschema@.parsed_claim_line IS 'a procedure code and its modifiers, from parse_claim_line()';

CREATE FUNCTION @extschema@.parse_claim_line(text) RETURNS @extschema@.parsed_claim_line
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parse_claim_line(text) IS
    'split "99213-25", "99213:25", "J1100 JW", "J1100-JW-59" into the code and up to four modifiers; NULL for other text';
