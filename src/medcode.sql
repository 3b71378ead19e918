-- src/medcode.sql: The medcode type, its casts and the functions on raw text that never raise (medcode_io.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

--------------------------------------------------------------------------
-- The medcode type: one procedure code, 4 bytes, passed by value
--------------------------------------------------------------------------

CREATE TYPE @extschema@.medcode;

CREATE FUNCTION @extschema@.medcode_in(cstring) RETURNS @extschema@.medcode
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcode_out(@extschema@.medcode) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcode_recv(internal) RETURNS @extschema@.medcode
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcode_send(@extschema@.medcode) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.medcode (
    INPUT = @extschema@.medcode_in,
    OUTPUT = @extschema@.medcode_out,
    RECEIVE = @extschema@.medcode_recv,
    SEND = @extschema@.medcode_send,
    INTERNALLENGTH = 4,
    PASSEDBYVALUE,
    ALIGNMENT = int4,
    STORAGE = plain,
    CATEGORY = 'U'
);
COMMENT ON FUNCTION @extschema@.medcode_in(cstring) IS 'medcode text input';
COMMENT ON FUNCTION @extschema@.medcode_out(@extschema@.medcode) IS 'medcode text output';
COMMENT ON FUNCTION @extschema@.medcode_recv(internal) IS 'medcode binary input';
COMMENT ON FUNCTION @extschema@.medcode_send(@extschema@.medcode) IS 'medcode binary output';
COMMENT ON TYPE @extschema@.medcode IS
    'US procedure code: CPT (HCPCS Level I) or HCPCS Level II, e.g. 99213, 0042T, J1100';

--------------------------------------------------------------------------
-- Casts
--------------------------------------------------------------------------

CREATE FUNCTION @extschema@.medcode(text) RETURNS @extschema@.medcode
    AS 'MODULE_PATHNAME', 'medcode_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.medcode(text) IS
    'cast text to medcode; raises 22P02 on text that is not a code';

CREATE FUNCTION @extschema@.text(@extschema@.medcode) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_to_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.text(@extschema@.medcode) IS
    'the canonical five characters of a medcode';

CREATE CAST (text AS @extschema@.medcode) WITH FUNCTION @extschema@.medcode(text);
CREATE CAST (@extschema@.medcode AS text) WITH FUNCTION @extschema@.text(@extschema@.medcode)
    AS ASSIGNMENT;

--------------------------------------------------------------------------
-- Functions on raw text that never raise
--------------------------------------------------------------------------

CREATE FUNCTION @extschema@.is_medcode(text) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_medcode(text) IS
    'true when the text is a well-formed procedure code (after trimming, any case)';

CREATE FUNCTION @extschema@.to_medcode(text) RETURNS @extschema@.medcode
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.to_medcode(text) IS
    'the text as a medcode, or NULL when it is not a well-formed code';

CREATE FUNCTION codeset.malformed_detail(text) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_malformed_detail' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.malformed_detail(text) IS
    'why the text is not a code, as the input error''s detail says it; NULL for a well-formed code';
