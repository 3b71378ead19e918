/* codeset--1.0.sql: US medical procedure codes (CPT and HCPCS Level II) */

\echo Use "CREATE EXTENSION codeset" to load this file. \quit

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

--------------------------------------------------------------------------
-- Comparison operators and the btree and hash operator classes
--------------------------------------------------------------------------

CREATE FUNCTION @extschema@.medcode_eq(@extschema@.medcode, @extschema@.medcode) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcode_ne(@extschema@.medcode, @extschema@.medcode) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcode_lt(@extschema@.medcode, @extschema@.medcode) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcode_le(@extschema@.medcode, @extschema@.medcode) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcode_gt(@extschema@.medcode, @extschema@.medcode) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcode_ge(@extschema@.medcode, @extschema@.medcode) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcode_cmp(@extschema@.medcode, @extschema@.medcode) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcode_sortsupport(internal) RETURNS void
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcode_hash(@extschema@.medcode) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcode_hash_extended(@extschema@.medcode, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

COMMENT ON FUNCTION @extschema@.medcode_eq(@extschema@.medcode, @extschema@.medcode) IS 'implementation of = for medcode';
COMMENT ON FUNCTION @extschema@.medcode_ne(@extschema@.medcode, @extschema@.medcode) IS 'implementation of <> for medcode';
COMMENT ON FUNCTION @extschema@.medcode_lt(@extschema@.medcode, @extschema@.medcode) IS 'implementation of < for medcode';
COMMENT ON FUNCTION @extschema@.medcode_le(@extschema@.medcode, @extschema@.medcode) IS 'implementation of <= for medcode';
COMMENT ON FUNCTION @extschema@.medcode_gt(@extschema@.medcode, @extschema@.medcode) IS 'implementation of > for medcode';
COMMENT ON FUNCTION @extschema@.medcode_ge(@extschema@.medcode, @extschema@.medcode) IS 'implementation of >= for medcode';
COMMENT ON FUNCTION @extschema@.medcode_sortsupport(internal) IS 'btree sort support for medcode';
COMMENT ON FUNCTION @extschema@.medcode_cmp(@extschema@.medcode, @extschema@.medcode) IS
    'btree comparison: -1, 0 or 1 in medcode order';
COMMENT ON FUNCTION @extschema@.medcode_hash(@extschema@.medcode) IS 'hash of a medcode';
COMMENT ON FUNCTION @extschema@.medcode_hash_extended(@extschema@.medcode, bigint) IS
    'seeded 64-bit hash of a medcode (hash partitioning)';

CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.medcode, RIGHTARG = @extschema@.medcode,
    FUNCTION = @extschema@.medcode_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.medcode, RIGHTARG = @extschema@.medcode,
    FUNCTION = @extschema@.medcode_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.medcode, RIGHTARG = @extschema@.medcode,
    FUNCTION = @extschema@.medcode_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.medcode, RIGHTARG = @extschema@.medcode,
    FUNCTION = @extschema@.medcode_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.medcode, RIGHTARG = @extschema@.medcode,
    FUNCTION = @extschema@.medcode_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.medcode, RIGHTARG = @extschema@.medcode,
    FUNCTION = @extschema@.medcode_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel
);

COMMENT ON OPERATOR @extschema@.= (@extschema@.medcode, @extschema@.medcode) IS 'equal';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.medcode, @extschema@.medcode) IS 'not equal';
COMMENT ON OPERATOR @extschema@.< (@extschema@.medcode, @extschema@.medcode) IS 'less than';
COMMENT ON OPERATOR @extschema@.<= (@extschema@.medcode, @extschema@.medcode) IS 'less than or equal';
COMMENT ON OPERATOR @extschema@.> (@extschema@.medcode, @extschema@.medcode) IS 'greater than';
COMMENT ON OPERATOR @extschema@.>= (@extschema@.medcode, @extschema@.medcode) IS 'greater than or equal';

CREATE OPERATOR CLASS @extschema@.medcode_ops
    DEFAULT FOR TYPE @extschema@.medcode USING btree AS
        OPERATOR 1 @extschema@.< ,
        OPERATOR 2 @extschema@.<= ,
        OPERATOR 3 @extschema@.= ,
        OPERATOR 4 @extschema@.>= ,
        OPERATOR 5 @extschema@.> ,
        FUNCTION 1 @extschema@.medcode_cmp(@extschema@.medcode, @extschema@.medcode),
        FUNCTION 2 @extschema@.medcode_sortsupport(internal),
        FUNCTION 4 pg_catalog.btequalimage(oid);

CREATE OPERATOR CLASS @extschema@.medcode_hash_ops
    DEFAULT FOR TYPE @extschema@.medcode USING hash AS
        OPERATOR 1 @extschema@.= ,
        FUNCTION 1 @extschema@.medcode_hash(@extschema@.medcode),
        FUNCTION 2 @extschema@.medcode_hash_extended(@extschema@.medcode, bigint);

-- min() and max(), so a column of codes aggregates like any ordered type.
CREATE FUNCTION @extschema@.medcode_larger(@extschema@.medcode, @extschema@.medcode)
    RETURNS @extschema@.medcode
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcode_smaller(@extschema@.medcode, @extschema@.medcode)
    RETURNS @extschema@.medcode
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE AGGREGATE @extschema@.max(@extschema@.medcode) (
    SFUNC = @extschema@.medcode_larger, STYPE = @extschema@.medcode,
    COMBINEFUNC = @extschema@.medcode_larger, SORTOP = OPERATOR(@extschema@.>),
    PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.min(@extschema@.medcode) (
    SFUNC = @extschema@.medcode_smaller, STYPE = @extschema@.medcode,
    COMBINEFUNC = @extschema@.medcode_smaller, SORTOP = OPERATOR(@extschema@.<),
    PARALLEL = SAFE
);
COMMENT ON FUNCTION @extschema@.medcode_larger(@extschema@.medcode, @extschema@.medcode) IS 'the greater of two codes (for max)';
COMMENT ON FUNCTION @extschema@.medcode_smaller(@extschema@.medcode, @extschema@.medcode) IS 'the lesser of two codes (for min)';
COMMENT ON AGGREGATE @extschema@.max(@extschema@.medcode) IS 'the greatest code, in medcode order';
COMMENT ON AGGREGATE @extschema@.min(@extschema@.medcode) IS 'the least code, in medcode order';

--------------------------------------------------------------------------
-- Classification from the code's shape (no tables: IMMUTABLE)
--------------------------------------------------------------------------

CREATE FUNCTION @extschema@.code_system(@extschema@.medcode) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_code_system' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.code_system(@extschema@.medcode) IS
    '''CPT'' (HCPCS Level I) or ''HCPCS'' (HCPCS Level II)';

CREATE FUNCTION @extschema@.hcpcs_level(@extschema@.medcode) RETURNS integer
    AS 'MODULE_PATHNAME', 'medcode_hcpcs_level_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hcpcs_level(@extschema@.medcode) IS
    'HCPCS level: 1 for CPT, 2 for Level II';

CREATE FUNCTION @extschema@.cpt_category(@extschema@.medcode) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_cpt_category_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cpt_category(@extschema@.medcode) IS
    'CPT category ''I'', ''II'' or ''III''; NULL for a Level II code';

CREATE FUNCTION @extschema@.code_kind(@extschema@.medcode) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_code_kind' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.code_kind(@extschema@.medcode) IS
    'category I, PLA, vaccine, MAAA, category II, category III, level II or dental';

CREATE FUNCTION @extschema@.code_section(@extschema@.medcode) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_code_section' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.code_section(@extschema@.medcode) IS
    'CPT Category I section by code range, Level II section by first letter; NULL if none';

--------------------------------------------------------------------------
-- Domains for columns that take one family only
--------------------------------------------------------------------------

CREATE DOMAIN @extschema@.cpt_code AS @extschema@.medcode
    CONSTRAINT cpt_code_is_hcpcs_level_1 CHECK (@extschema@.hcpcs_level(VALUE) = 1);
COMMENT ON DOMAIN @extschema@.cpt_code IS 'a medcode that is a CPT (HCPCS Level I) code';

CREATE DOMAIN @extschema@.hcpcs_code AS @extschema@.medcode
    CONSTRAINT hcpcs_code_is_hcpcs_level_2 CHECK (@extschema@.hcpcs_level(VALUE) = 2);
COMMENT ON DOMAIN @extschema@.hcpcs_code IS 'a medcode that is a HCPCS Level II code';
