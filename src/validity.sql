-- src/validity.sql: Validity on the date of service (validity.c, a per-backend cache).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

--------------------------------------------------------------------------
-- Validity on the date of service (C, from a per-backend cache)
--------------------------------------------------------------------------

CREATE FUNCTION codeset.invalidate_cache() RETURNS void
    AS 'MODULE_PATHNAME', 'codeset_invalidate_cache' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION codeset.invalidate_cache() IS
    'make every session read the code tables again once this transaction commits (the loaders call it)';
-- Forcing every session to rebuild is for those who load, not for everyone.
REVOKE EXECUTE ON FUNCTION codeset.invalidate_cache() FROM PUBLIC;

-- The cache as one value (validity_image.c): each derivation of the history
-- stores it with the release state it is of, and a new session reads it
-- instead of building the cache from the tables.  Not compressed: a new
-- session reads it whole.  pg_dump keeps it with the releases it is of.
CREATE TABLE codeset.validity_image (
    state text NOT NULL,
    image bytea NOT NULL
);
ALTER TABLE codeset.validity_image ALTER COLUMN image SET STORAGE EXTERNAL;
-- No key (a restore may briefly hold two rows of one state), so the whole row
-- identifies it: Citus copies a reference table to a new node by logical
-- replication, which needs one (doc/citus.md)
ALTER TABLE codeset.validity_image REPLICA IDENTITY FULL;
COMMENT ON TABLE codeset.validity_image IS
    'the validity cache as the last derivation of the history left it, with the release state it is of';
GRANT SELECT ON codeset.validity_image TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('codeset.validity_image', '');

CREATE FUNCTION codeset.store_validity_image() RETURNS void
    AS 'MODULE_PATHNAME', 'codeset_store_validity_image' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION codeset.store_validity_image() IS
    'internal: stores the validity cache built from the tables as this transaction sees them (derive_history calls it)';
REVOKE EXECUTE ON FUNCTION codeset.store_validity_image() FROM PUBLIC;

CREATE FUNCTION codeset.cache_built_from() RETURNS text
    AS 'MODULE_PATHNAME', 'codeset_cache_built_from' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.cache_built_from() IS
    'where this session''s cache of the code tables came from: image (the stored one) or tables (built from them)';

CREATE FUNCTION codeset.cache_size() RETURNS bigint
    AS 'MODULE_PATHNAME', 'codeset_cache_size' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.cache_size() IS
    'bytes held by this session''s cache of the code tables (built if need be)';

CREATE FUNCTION @extschema@.valid(@extschema@.medcode) RETURNS boolean
    AS 'MODULE_PATHNAME', 'medcode_valid_today' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.valid(@extschema@.medcode) IS
    'true when the code is in force today; NULL when no table of its system is loaded or the sources leave today open';

CREATE FUNCTION @extschema@.valid(@extschema@.medcode, date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'medcode_valid_on' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.valid(@extschema@.medcode, date) IS
    'true when the code is in force on the date (of service); NULL when no table of its system is loaded or the sources leave the date open';

CREATE FUNCTION @extschema@.valid(text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'text_valid_today' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.valid(text) IS
    'valid() on raw text: false for text that is not a code, never an error';

CREATE FUNCTION @extschema@.valid(text, date) RETURNS boolean
    AS 'MODULE_PATHNAME', 'text_valid_on' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.valid(text, date) IS
    'valid() on raw text on a date: false for text that is not a code, never an error';

-- Not STRICT: a NULL code or date of service has its own reason, "no code"
-- or "no date", so that WHERE invalid_reason(code, dos) IS NULL counts only
-- valid claims.
CREATE FUNCTION @extschema@.invalid_reason(text, date DEFAULT CURRENT_DATE) RETURNS text
    AS 'MODULE_PATHNAME', 'text_invalid_reason' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.invalid_reason(text, date) IS
    'NULL when valid, else no code, malformed, no date, not loaded, unknown, not yet effective, terminated or undetermined';

CREATE FUNCTION @extschema@.invalid_reason(@extschema@.medcode, date DEFAULT CURRENT_DATE) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_invalid_reason' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.invalid_reason(@extschema@.medcode, date) IS
    'NULL when valid, else no code, no date, not loaded, unknown, not yet effective, terminated or undetermined';

-- Dates of service that arrive as timestamps: the date part (in the
-- session's time zone, for timestamptz).  SQL bodies the planner inlines,
-- so the per-row cost is valid(code, date)'s and a cast.
CREATE FUNCTION @extschema@.valid(@extschema@.medcode, timestamp) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN @extschema@.valid($1, $2::date);
COMMENT ON FUNCTION @extschema@.valid(@extschema@.medcode, timestamp) IS
    'valid() on the date of a service timestamp';
CREATE FUNCTION @extschema@.valid(@extschema@.medcode, timestamptz) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN @extschema@.valid($1, $2::date);
COMMENT ON FUNCTION @extschema@.valid(@extschema@.medcode, timestamptz) IS
    'valid() on the date of a service timestamp, in the session''s time zone';
CREATE FUNCTION @extschema@.valid(text, timestamp) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN @extschema@.valid($1, $2::date);
COMMENT ON FUNCTION @extschema@.valid(text, timestamp) IS
    'valid() on raw text on the date of a service timestamp: false for text that is not a code';
CREATE FUNCTION @extschema@.valid(text, timestamptz) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN @extschema@.valid($1, $2::date);
COMMENT ON FUNCTION @extschema@.valid(text, timestamptz) IS
    'valid() on raw text on the date of a service timestamp, in the session''s time zone: false for text that is not a code';

CREATE FUNCTION @extschema@.valid_modifier(text, date DEFAULT CURRENT_DATE) RETURNS boolean
    AS 'MODULE_PATHNAME', 'modifier_valid_on' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.valid_modifier(text, date) IS
    'true when the two-character HCPCS modifier is in force on the date; NULL for CPT (numeric) modifiers, which no CMS file carries';
