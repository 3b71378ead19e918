-- src/medcode_ops.sql: Comparison operators, the btree and hash operator classes, min() and max() (medcode_ops.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

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
