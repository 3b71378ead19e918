-- src/medcode_classify.sql: Classification from the code's shape, the domains, the code families (medcode_classify.c).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

--------------------------------------------------------------------------
-- Classification from the code's shape (no tables: IMMUTABLE)
--------------------------------------------------------------------------

CREATE FUNCTION @extschema@.code_system(@extschema@.medcode) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_code_system' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.code_system(@extschema@.medcode) IS
    '''CPT'' (HCPCS Level I) or ''HCPCS'' (HCPCS Level II)';

CREATE FUNCTION @extschema@.code_system(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN @extschema@.code_system(@extschema@.to_medcode($1));
COMMENT ON FUNCTION @extschema@.code_system(text) IS
    'code_system() on raw text: NULL for text that is not a code, never an error';

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

-- The family a code belongs to, for a release's coverage: 'NNNNN' (five
-- digits), 'NNNNA', 'NNNNF', 'NNNNM', 'NNNNT', 'NNNNU' (four digits and a
-- suffix), or the letter of a Level II code.
CREATE FUNCTION @extschema@.code_family(@extschema@.medcode) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_code_family' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.code_family(@extschema@.medcode) IS
    'the code''s family: NNNNN, NNNNA, NNNNF, NNNNM, NNNNT, NNNNU, or its Level II letter';

-- The families each kind of list covers by default (one table, in
-- medcode_classify.c, for C and SQL).
CREATE FUNCTION codeset.system_families(code_system text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'codeset_system_families' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.system_families(text) IS
    'the code families of a system: CPT (the six Level I shapes), HCPCS (Level II letters but D), CDT (D)';
