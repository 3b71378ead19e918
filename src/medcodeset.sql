-- src/medcodeset.sql: medcodeset, a set of codes and ranges of codes (medcodeset_io.c, medcodeset_ops.c, medcodeset_planner.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

--------------------------------------------------------------------------
-- Code sets: medcodeset, a set of codes and ranges of codes
--------------------------------------------------------------------------

CREATE TYPE @extschema@.medcodeset;

CREATE FUNCTION @extschema@.medcodeset_in(cstring) RETURNS @extschema@.medcodeset
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcodeset_out(@extschema@.medcodeset) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcodeset_recv(internal) RETURNS @extschema@.medcodeset
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcodeset_send(@extschema@.medcodeset) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.medcodeset_in(cstring) IS 'medcodeset text input';
COMMENT ON FUNCTION @extschema@.medcodeset_out(@extschema@.medcodeset) IS 'medcodeset text output';
COMMENT ON FUNCTION @extschema@.medcodeset_recv(internal) IS 'medcodeset binary input';
COMMENT ON FUNCTION @extschema@.medcodeset_send(@extschema@.medcodeset) IS 'medcodeset binary output';

CREATE TYPE @extschema@.medcodeset (
    INPUT = @extschema@.medcodeset_in,
    OUTPUT = @extschema@.medcodeset_out,
    RECEIVE = @extschema@.medcodeset_recv,
    SEND = @extschema@.medcodeset_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended,
    CATEGORY = 'U'
);
COMMENT ON TYPE @extschema@.medcodeset IS
    'a set of procedure codes and code ranges, e.g. {99202-99215,G0438,J0100-J9999}';

-- The support function lets a btree on a medcode column serve code <@ set.
CREATE FUNCTION @extschema@.medcodeset_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.medcodeset_support(internal) IS
    'planner support: turns code <@ set into btree index conditions and clauses partition pruning reads';
CREATE FUNCTION @extschema@.medcodeset_contsel(internal, oid, internal, integer) RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.medcodeset_contsel(internal, oid, internal, integer) IS
    'selectivity of code <@ set from the column''s statistics';

CREATE FUNCTION @extschema@.medcode_in_set(@extschema@.medcode, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    SUPPORT @extschema@.medcodeset_support;
CREATE FUNCTION @extschema@.medcodeset_has(@extschema@.medcodeset, @extschema@.medcode) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    SUPPORT @extschema@.medcodeset_support;
-- code <@ set over a column, for a set of more than 1000 codes, is planned
-- as "medcode_in_set_recheck(code, set) AND code >= first AND code <= last"
-- (range partitions are pruned by the bounds); its support estimates it.
CREATE FUNCTION @extschema@.medcodeset_recheck_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.medcodeset_recheck_support(internal) IS
    'planner support: the selectivity of medcode_in_set_recheck() beside its bounds';
CREATE FUNCTION @extschema@.medcode_in_set_recheck(@extschema@.medcode, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME', 'medcode_in_set' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    SUPPORT @extschema@.medcodeset_recheck_support;
COMMENT ON FUNCTION @extschema@.medcode_in_set_recheck(@extschema@.medcode, @extschema@.medcodeset) IS
    'code <@ set where bounds already test the set''s first and last code (as the planner writes it)';
CREATE FUNCTION @extschema@.medcodeset_contains(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME', 'medcodeset_contains_op' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_contained(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME', 'medcodeset_contained_op' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_overlap(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME', 'medcodeset_overlap_op' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_eq(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_ne(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_union(@extschema@.medcodeset, @extschema@.medcodeset)
    RETURNS @extschema@.medcodeset
    AS 'MODULE_PATHNAME', 'medcodeset_union_op' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcodeset_intersect(@extschema@.medcodeset, @extschema@.medcodeset)
    RETURNS @extschema@.medcodeset
    AS 'MODULE_PATHNAME', 'medcodeset_intersect_op' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcodeset_minus(@extschema@.medcodeset, @extschema@.medcodeset)
    RETURNS @extschema@.medcodeset
    AS 'MODULE_PATHNAME', 'medcodeset_minus_op' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcodeset_hash(@extschema@.medcodeset) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_hash_extended(@extschema@.medcodeset, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

COMMENT ON FUNCTION @extschema@.medcode_in_set(@extschema@.medcode, @extschema@.medcodeset) IS 'implementation of medcode <@ medcodeset';
COMMENT ON FUNCTION @extschema@.medcodeset_has(@extschema@.medcodeset, @extschema@.medcode) IS 'implementation of medcodeset @> medcode';
COMMENT ON FUNCTION @extschema@.medcodeset_contains(@extschema@.medcodeset, @extschema@.medcodeset) IS 'implementation of medcodeset @> medcodeset';
COMMENT ON FUNCTION @extschema@.medcodeset_contained(@extschema@.medcodeset, @extschema@.medcodeset) IS 'implementation of medcodeset <@ medcodeset';
COMMENT ON FUNCTION @extschema@.medcodeset_overlap(@extschema@.medcodeset, @extschema@.medcodeset) IS 'implementation of medcodeset && medcodeset';
COMMENT ON FUNCTION @extschema@.medcodeset_eq(@extschema@.medcodeset, @extschema@.medcodeset) IS 'implementation of = for medcodeset';
COMMENT ON FUNCTION @extschema@.medcodeset_ne(@extschema@.medcodeset, @extschema@.medcodeset) IS 'implementation of <> for medcodeset';
COMMENT ON FUNCTION @extschema@.medcodeset_union(@extschema@.medcodeset, @extschema@.medcodeset) IS 'union of two code sets (operator +)';
COMMENT ON FUNCTION @extschema@.medcodeset_intersect(@extschema@.medcodeset, @extschema@.medcodeset) IS 'intersection of two code sets (operator *)';
COMMENT ON FUNCTION @extschema@.medcodeset_minus(@extschema@.medcodeset, @extschema@.medcodeset) IS 'difference of two code sets (operator -)';
COMMENT ON FUNCTION @extschema@.medcodeset_hash(@extschema@.medcodeset) IS 'hash of a code set';
COMMENT ON FUNCTION @extschema@.medcodeset_hash_extended(@extschema@.medcodeset, bigint) IS 'seeded 64-bit hash of a code set';

CREATE OPERATOR @extschema@.<@ (
    LEFTARG = @extschema@.medcode, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcode_in_set,
    COMMUTATOR = OPERATOR(@extschema@.@>),
    RESTRICT = @extschema@.medcodeset_contsel, JOIN = contjoinsel
);
CREATE OPERATOR @extschema@.@> (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcode,
    FUNCTION = @extschema@.medcodeset_has,
    COMMUTATOR = OPERATOR(@extschema@.<@),
    RESTRICT = @extschema@.medcodeset_contsel, JOIN = contjoinsel
);
CREATE OPERATOR @extschema@.@> (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_contains,
    COMMUTATOR = OPERATOR(@extschema@.<@),
    RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR @extschema@.<@ (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_contained,
    COMMUTATOR = OPERATOR(@extschema@.@>),
    RESTRICT = contsel, JOIN = contjoinsel
);
CREATE OPERATOR @extschema@.&& (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_overlap,
    COMMUTATOR = OPERATOR(@extschema@.&&),
    RESTRICT = areasel, JOIN = areajoinsel
);
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_eq,
    COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR @extschema@.+ (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_union, COMMUTATOR = OPERATOR(@extschema@.+)
);
CREATE OPERATOR @extschema@.* (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_intersect, COMMUTATOR = OPERATOR(@extschema@.*)
);
CREATE OPERATOR @extschema@.- (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_minus
);
COMMENT ON OPERATOR @extschema@.<@ (@extschema@.medcode, @extschema@.medcodeset) IS 'code is in set';
COMMENT ON OPERATOR @extschema@.@> (@extschema@.medcodeset, @extschema@.medcode) IS 'set contains code';
COMMENT ON OPERATOR @extschema@.@> (@extschema@.medcodeset, @extschema@.medcodeset) IS 'contains every code of';
COMMENT ON OPERATOR @extschema@.<@ (@extschema@.medcodeset, @extschema@.medcodeset) IS 'every code is in';
COMMENT ON OPERATOR @extschema@.&& (@extschema@.medcodeset, @extschema@.medcodeset) IS 'share a code';
COMMENT ON OPERATOR @extschema@.= (@extschema@.medcodeset, @extschema@.medcodeset) IS 'same codes';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.medcodeset, @extschema@.medcodeset) IS 'not the same codes';
COMMENT ON OPERATOR @extschema@.+ (@extschema@.medcodeset, @extschema@.medcodeset) IS 'union';
COMMENT ON OPERATOR @extschema@.* (@extschema@.medcodeset, @extschema@.medcodeset) IS 'intersection';
COMMENT ON OPERATOR @extschema@.- (@extschema@.medcodeset, @extschema@.medcodeset) IS 'difference';

CREATE FUNCTION @extschema@.medcodeset_cmp(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_lt(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_le(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_gt(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.medcodeset_ge(@extschema@.medcodeset, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION @extschema@.medcodeset_cmp(@extschema@.medcodeset, @extschema@.medcodeset) IS
    'btree order of code sets: range by range (for ORDER BY, UNIQUE, merge joins)';
COMMENT ON FUNCTION @extschema@.medcodeset_lt(@extschema@.medcodeset, @extschema@.medcodeset) IS 'implementation of < for medcodeset';
COMMENT ON FUNCTION @extschema@.medcodeset_le(@extschema@.medcodeset, @extschema@.medcodeset) IS 'implementation of <= for medcodeset';
COMMENT ON FUNCTION @extschema@.medcodeset_gt(@extschema@.medcodeset, @extschema@.medcodeset) IS 'implementation of > for medcodeset';
COMMENT ON FUNCTION @extschema@.medcodeset_ge(@extschema@.medcodeset, @extschema@.medcodeset) IS 'implementation of >= for medcodeset';

CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.medcodeset, RIGHTARG = @extschema@.medcodeset,
    FUNCTION = @extschema@.medcodeset_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.medcodeset, @extschema@.medcodeset) IS 'sorts before (btree order)';
COMMENT ON OPERATOR @extschema@.<= (@extschema@.medcodeset, @extschema@.medcodeset) IS 'sorts before or equal';
COMMENT ON OPERATOR @extschema@.> (@extschema@.medcodeset, @extschema@.medcodeset) IS 'sorts after';
COMMENT ON OPERATOR @extschema@.>= (@extschema@.medcodeset, @extschema@.medcodeset) IS 'sorts after or equal';

CREATE OPERATOR CLASS @extschema@.medcodeset_ops
    DEFAULT FOR TYPE @extschema@.medcodeset USING btree AS
        OPERATOR 1 @extschema@.< ,
        OPERATOR 2 @extschema@.<= ,
        OPERATOR 3 @extschema@.= ,
        OPERATOR 4 @extschema@.>= ,
        OPERATOR 5 @extschema@.> ,
        FUNCTION 1 @extschema@.medcodeset_cmp(@extschema@.medcodeset, @extschema@.medcodeset),
        FUNCTION 4 pg_catalog.btequalimage(oid);

CREATE OPERATOR CLASS @extschema@.medcodeset_hash_ops
    DEFAULT FOR TYPE @extschema@.medcodeset USING hash AS
        OPERATOR 1 @extschema@.= ,
        FUNCTION 1 @extschema@.medcodeset_hash(@extschema@.medcodeset),
        FUNCTION 2 @extschema@.medcodeset_hash_extended(@extschema@.medcodeset, bigint);

CREATE FUNCTION @extschema@.medcodeset(VARIADIC @extschema@.medcode[]) RETURNS @extschema@.medcodeset
    AS 'MODULE_PATHNAME', 'medcodeset_of' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.medcodeset(@extschema@.medcode[]) IS
    'the set of the given codes (NULLs skipped)';

CREATE FUNCTION @extschema@.code_count(@extschema@.medcodeset) RETURNS bigint
    AS 'MODULE_PATHNAME', 'medcodeset_code_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.code_count(@extschema@.medcodeset) IS
    'how many well-formed codes the set spans (its ranges'' sizes added up)';

CREATE FUNCTION @extschema@.medcodeset_agg_add_code(internal, @extschema@.medcode) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcodeset_agg_add_set(internal, @extschema@.medcodeset) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.medcodeset_agg_final(internal) RETURNS @extschema@.medcodeset
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.medcodeset_agg_add_code(internal, @extschema@.medcode) IS 'medcodeset_agg transition';
COMMENT ON FUNCTION @extschema@.medcodeset_agg_add_set(internal, @extschema@.medcodeset) IS 'medcodeset_union_agg transition';
COMMENT ON FUNCTION @extschema@.medcodeset_agg_final(internal) IS 'medcodeset aggregates'' final function';

CREATE AGGREGATE @extschema@.medcodeset_agg(@extschema@.medcode) (
    SFUNC = @extschema@.medcodeset_agg_add_code, STYPE = internal,
    FINALFUNC = @extschema@.medcodeset_agg_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.medcodeset_agg(@extschema@.medcode) IS 'the set of the aggregated codes';
CREATE AGGREGATE @extschema@.medcodeset_union_agg(@extschema@.medcodeset) (
    SFUNC = @extschema@.medcodeset_agg_add_set, STYPE = internal,
    FINALFUNC = @extschema@.medcodeset_agg_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.medcodeset_union_agg(@extschema@.medcodeset) IS 'the union of the aggregated sets';

-- codes(set [, date]): the codes of the set the code tables know (in force on the date),
-- one row each (every code's periods are numbered from 1).  The bodies are
-- strings, parsed when called: a parsed body's ORDER BY would need medcode's
-- operator class when pg_upgrade's dump creates the function, before it.
CREATE FUNCTION @extschema@.codes(codes @extschema@.medcodeset) RETURNS SETOF @extschema@.medcode
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT h.code FROM codeset.code_history h
    WHERE h.period = 1 AND h.code OPERATOR(@extschema@.<@) codes.codes ORDER BY h.code
$$;
COMMENT ON FUNCTION @extschema@.codes(@extschema@.medcodeset) IS
    'the codes of the set that the code tables know, like a FHIR ValueSet $expand';
CREATE FUNCTION @extschema@.codes(codes @extschema@.medcodeset, on_date date) RETURNS SETOF @extschema@.medcode
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT h.code FROM codeset.code_history h
    WHERE h.period = 1 AND h.code OPERATOR(@extschema@.<@) codes.codes
      AND @extschema@.valid(h.code, codes.on_date)
    ORDER BY h.code
$$;
COMMENT ON FUNCTION @extschema@.codes(@extschema@.medcodeset, date) IS
    'the codes of the set in force on the date';
