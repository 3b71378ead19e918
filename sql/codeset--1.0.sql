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

--------------------------------------------------------------------------
-- Code tables: schema codeset
--------------------------------------------------------------------------

CREATE SCHEMA codeset;
COMMENT ON SCHEMA codeset IS 'codeset: code tables with history, their release log, and the loaders';
GRANT USAGE ON SCHEMA codeset TO PUBLIC;

-- The family a code belongs to, for a release's coverage: 'NNNNN' (five
-- digits), 'NNNNA', 'NNNNF', 'NNNNM', 'NNNNT', 'NNNNU' (four digits and a
-- suffix), or the letter of a Level II code.
CREATE FUNCTION @extschema@.code_family(@extschema@.medcode) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_code_family' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.code_family(@extschema@.medcode) IS
    'the code''s family: NNNNN, NNNNA, NNNNF, NNNNM, NNNNT, NNNNU, or its Level II letter';

CREATE FUNCTION codeset.in_extension_script() RETURNS boolean
    AS 'MODULE_PATHNAME', 'codeset_in_extension_script' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION codeset.in_extension_script() IS
    'true while CREATE EXTENSION codeset runs (its rows are shipped data: source = ''codeset'')';

CREATE FUNCTION codeset.shipped_data_dir() RETURNS text
    AS 'MODULE_PATHNAME', 'codeset_shipped_data_dir' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.shipped_data_dir() IS
    'where make install put the CMS files codeset ships ($sharedir/codeset_data)';

-- The families each kind of list covers by default.
CREATE FUNCTION codeset.system_families(code_system text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE code_system
        WHEN 'CPT' THEN '{NNNNN,NNNNA,NNNNF,NNNNM,NNNNT,NNNNU}'::text[]
        WHEN 'HCPCS' THEN '{A,B,C,E,F,G,H,J,K,L,M,N,P,Q,R,S,T,U,V}'::text[]
        WHEN 'CDT' THEN '{D}'::text[]
    END;
COMMENT ON FUNCTION codeset.system_families(text) IS
    'the code families of a system: CPT (the six Level I shapes), HCPCS (Level II letters but D), CDT (D)';

CREATE SEQUENCE codeset.release_id_seq;

CREATE TABLE codeset.release (
    release_id       integer PRIMARY KEY DEFAULT pg_catalog.nextval('codeset.release_id_seq'),
    code_system      text NOT NULL CHECK (code_system IN ('CPT', 'HCPCS', 'CDT')),
    file_kind        text NOT NULL CHECK (file_kind IN ('hcpcs file', 'code list')),
    file_name        text NOT NULL,
    effective        date NOT NULL,
    covers           text[] NOT NULL,
    content_sha256   bytea NOT NULL,
    loaded_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    loaded_by        name NOT NULL DEFAULT CURRENT_USER,
    source           text NOT NULL CHECK (source IN ('codeset', 'user')),
    codes_added      integer NOT NULL,
    codes_changed    integer NOT NULL,
    codes_terminated integer NOT NULL,
    codes_unchanged  integer NOT NULL,
    rows_skipped     integer NOT NULL
);
ALTER SEQUENCE codeset.release_id_seq OWNED BY codeset.release.release_id;
COMMENT ON TABLE codeset.release IS
    'one row per release file loaded: which file, effective when, what it changed';

-- Attributes of one period of a code, as CMS's file states them.
CREATE TYPE codeset.code_attrs AS (
    short_description     text,
    long_description      text,
    action_code           text,
    add_date              date,
    action_effective_date date,
    termination_date      date,
    coverage_code         text,
    betos                 text,
    type_of_service       text[],
    pricing_indicators    text[],
    multiple_pricing      text,
    xrefs                 text[],
    asc_group             text,
    lab_cert              text[],
    proc_note             text,
    anesthesia_base_units text
);

-- Every version of every code's history, never deleted: a load that changes
-- a code writes the code's whole period list again under its release_id.
-- The current history of a code is its version with the greatest
-- release_id (view codeset.code_history).
CREATE TABLE codeset.code_version (
    code                  @extschema@.medcode NOT NULL,
    release_id            integer NOT NULL REFERENCES codeset.release,
    period                smallint NOT NULL,
    valid_from            date NOT NULL,
    valid_to              date,
    possible_from         date,
    possible_to           date,
    short_description     text,
    long_description      text,
    action_code           text,
    add_date              date,
    action_effective_date date,
    termination_date      date,
    coverage_code         text,
    betos                 text,
    type_of_service       text[],
    pricing_indicators    text[],
    multiple_pricing      text,
    xrefs                 text[],
    asc_group             text,
    lab_cert              text[],
    proc_note             text,
    anesthesia_base_units text,
    source                text NOT NULL CHECK (source IN ('codeset', 'user')),
    PRIMARY KEY (code, release_id, period),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (possible_from IS NULL OR possible_from < valid_from),
    CHECK (possible_to IS NULL OR (valid_to IS NOT NULL AND possible_to > valid_to))
);
COMMENT ON TABLE codeset.code_version IS
    'every version of each code''s effective-dated history; rows are never deleted';
COMMENT ON COLUMN codeset.code_version.valid_to IS 'last day the code may be used (inclusive); NULL: open';
COMMENT ON COLUMN codeset.code_version.possible_from IS
    'set when the sources do not say when the period began: it began between possible_from and valid_from';
COMMENT ON COLUMN codeset.code_version.possible_to IS
    'set when the sources do not say when the period ended: it ended between valid_to and possible_to';

CREATE TABLE codeset.modifier_version (
    modifier              text NOT NULL CHECK (modifier ~ '^[A-Z0-9]{2}$'),
    release_id            integer NOT NULL REFERENCES codeset.release,
    period                smallint NOT NULL,
    valid_from            date NOT NULL,
    valid_to              date,
    possible_from         date,
    possible_to           date,
    short_description     text,
    long_description      text,
    action_code           text,
    add_date              date,
    action_effective_date date,
    termination_date      date,
    coverage_code         text,
    betos                 text,
    type_of_service       text[],
    pricing_indicators    text[],
    multiple_pricing      text,
    xrefs                 text[],
    asc_group             text,
    lab_cert              text[],
    proc_note             text,
    anesthesia_base_units text,
    source                text NOT NULL CHECK (source IN ('codeset', 'user')),
    PRIMARY KEY (modifier, release_id, period),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (possible_from IS NULL OR possible_from < valid_from),
    CHECK (possible_to IS NULL OR (valid_to IS NOT NULL AND possible_to > valid_to))
);
COMMENT ON TABLE codeset.modifier_version IS
    'every version of each HCPCS modifier''s effective-dated history; rows are never deleted';

CREATE VIEW codeset.code_history AS
SELECT v.code, v.period, v.valid_from, v.valid_to, v.possible_from, v.possible_to,
       v.short_description, v.long_description, v.action_code, v.add_date,
       v.action_effective_date, v.termination_date, v.coverage_code, v.betos,
       v.type_of_service, v.pricing_indicators, v.multiple_pricing, v.xrefs, v.asc_group,
       v.lab_cert, v.proc_note, v.anesthesia_base_units, v.release_id, v.source
FROM codeset.code_version v
JOIN (SELECT w.code, pg_catalog.max(w.release_id) AS release_id
      FROM codeset.code_version w GROUP BY w.code) latest
  ON latest.code OPERATOR(@extschema@.=) v.code AND latest.release_id = v.release_id;
COMMENT ON VIEW codeset.code_history IS 'each code''s current effective-dated history, one row per period';

CREATE VIEW codeset.modifier_history AS
SELECT v.modifier, v.period, v.valid_from, v.valid_to, v.possible_from, v.possible_to,
       v.short_description, v.long_description, v.action_code, v.add_date,
       v.action_effective_date, v.termination_date, v.release_id, v.source
FROM codeset.modifier_version v
JOIN (SELECT w.modifier, pg_catalog.max(w.release_id) AS release_id
      FROM codeset.modifier_version w GROUP BY w.modifier) latest
  ON latest.modifier = v.modifier AND latest.release_id = v.release_id;
COMMENT ON VIEW codeset.modifier_history IS 'each modifier''s current effective-dated history';

-- Shipped rows come back with CREATE EXTENSION; pg_dump keeps the user's.
SELECT pg_catalog.pg_extension_config_dump('codeset.release', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.code_version', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.modifier_version', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.release_id_seq', '');

GRANT SELECT ON codeset.release, codeset.code_version, codeset.modifier_version,
    codeset.code_history, codeset.modifier_history TO PUBLIC;

--------------------------------------------------------------------------
-- Release files as rows (C; pure parsing, so IMMUTABLE)
--------------------------------------------------------------------------

CREATE FUNCTION codeset.hcpcs_file_entries(content bytea, file_name text,
                                           encoding text DEFAULT 'WIN1252')
RETURNS TABLE (line_no integer, kind text, code text, long_description text,
               short_description text, pricing_indicators text[], multiple_pricing text,
               coverage_code text, asc_group text, betos text, type_of_service text[],
               xrefs text[], lab_cert text[], proc_note text, anesthesia_base_units text,
               add_date date, action_effective_date date, termination_date date,
               action_code text)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 8000;
COMMENT ON FUNCTION codeset.hcpcs_file_entries(bytea, text, text) IS
    'the codes and modifiers of a CMS alpha-numeric HCPCS file, one row each; raises 22P04 naming the line of the first problem';

CREATE FUNCTION codeset.code_list_entries(content bytea, file_name text,
                                          code_column integer DEFAULT 1,
                                          description_column integer DEFAULT 0,
                                          encoding text DEFAULT 'UTF8')
RETURNS TABLE (line_no integer, code @extschema@.medcode, description text)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10000;
COMMENT ON FUNCTION codeset.code_list_entries(bytea, text, integer, integer, text) IS
    'the codes of a CSV code list (a header line is detected); raises 22P04 naming the line of the first problem';

--------------------------------------------------------------------------
-- Loaders
--------------------------------------------------------------------------

CREATE TYPE codeset.load_summary AS (
    release_id       integer,
    code_system      text,
    file_name        text,
    effective        date,
    status           text,
    codes_added      integer,
    codes_changed    integer,
    codes_terminated integer,
    codes_unchanged  integer,
    rows_skipped     integer
);
COMMENT ON TYPE codeset.load_summary IS
    'what a load did; status is loaded, already loaded (same file) or not applied: older than loaded';

-- The attributes that make a new period when they change: not the action
-- code and its dates, which every release restates.
CREATE FUNCTION codeset.comparable(a codeset.code_attrs) RETURNS codeset.code_attrs
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ROW(a.short_description, a.long_description, NULL, a.add_date, NULL, NULL,
               a.coverage_code, a.betos, a.type_of_service, a.pricing_indicators,
               a.multiple_pricing, a.xrefs, a.asc_group, a.lab_cert, a.proc_note,
               a.anesthesia_base_units)::codeset.code_attrs;
COMMENT ON FUNCTION codeset.comparable(codeset.code_attrs) IS
    'internal: the attributes whose change starts a new period (all but the action code and its dates)';

-- A period's attributes once a code list gives its short description: the
-- list says nothing of the long description, so it is not carried over.
CREATE FUNCTION codeset.with_list_description(a codeset.code_attrs, short_description text)
    RETURNS codeset.code_attrs
    LANGUAGE sql IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE  -- a NULL description is a value here
    RETURN ROW(with_list_description.short_description, NULL, a.action_code, a.add_date,
               a.action_effective_date, a.termination_date, a.coverage_code, a.betos,
               a.type_of_service, a.pricing_indicators, a.multiple_pricing, a.xrefs,
               a.asc_group, a.lab_cert, a.proc_note, a.anesthesia_base_units)::codeset.code_attrs;
COMMENT ON FUNCTION codeset.with_list_description(codeset.code_attrs, text) IS
    'internal: the attributes with a code list''s short description and no long description';

-- The loaders' shared core.  Reads the temp table pg_temp.codeset_incoming
-- (kind, key, family, line_no, starts, ends, attrs, has_attrs, action_code)
-- and the current history of every covered family; writes a new version of
-- each code the release changes.  Returns the counts.
--
-- mode 'file': a CMS HCPCS file, whose records carry their own dates.
-- mode 'list': a complete list of the codes in force on p_effective.
-- A code of a covered family that is in force but missing from the release
-- ends the day before p_effective when the previous release covering its
-- family is at most a quarter older; otherwise the sources leave open when
-- it ended, and possible_to records that.  Likewise a new code of a list
-- starts on p_effective, or somewhere after the previous release when that
-- is more than a quarter older (possible_from).
CREATE FUNCTION codeset.apply_release(p_release integer, p_mode text, p_effective date,
                                      p_covers text[], p_source text,
                                      OUT added integer, OUT changed integer,
                                      OUT terminated integer, OUT unchanged integer)
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    CREATE TEMP TABLE codeset_current AS
    SELECT 'code'::text AS kind, h.code::text AS key, @extschema@.code_family(h.code) AS family,
           h.period, h.valid_from, h.valid_to, h.possible_from, h.possible_to,
           ROW(h.short_description, h.long_description, h.action_code, h.add_date,
               h.action_effective_date, h.termination_date, h.coverage_code, h.betos,
               h.type_of_service, h.pricing_indicators, h.multiple_pricing, h.xrefs,
               h.asc_group, h.lab_cert, h.proc_note, h.anesthesia_base_units)::codeset.code_attrs AS attrs
    FROM codeset.code_history h
    WHERE @extschema@.code_family(h.code) = ANY (p_covers)
    UNION ALL
    SELECT 'modifier', m.modifier, 'modifier', m.period, m.valid_from, m.valid_to,
           m.possible_from, m.possible_to,
           ROW(m.short_description, m.long_description, m.action_code, m.add_date,
               m.action_effective_date, m.termination_date, m.coverage_code, m.betos,
               m.type_of_service, m.pricing_indicators, m.multiple_pricing, m.xrefs,
               m.asc_group, m.lab_cert, m.proc_note, m.anesthesia_base_units)::codeset.code_attrs
    FROM codeset.modifier_version m
    WHERE 'modifier' = ANY (p_covers)
      AND m.release_id = (SELECT max(w.release_id) FROM codeset.modifier_version w
                          WHERE w.modifier = m.modifier);

    -- The previous release covering each family, and whether a gap
    -- (more than a quarter) separates it from this one.
    CREATE TEMP TABLE codeset_prev AS
    SELECT f.family, max(r.effective) AS prev,
           max(r.effective) IS NULL OR p_effective - max(r.effective) > 92 AS gap
    FROM unnest(p_covers) AS f(family)
    LEFT JOIN codeset.release r
           ON f.family = ANY (r.covers) AND r.effective <= p_effective AND r.release_id <> p_release
    GROUP BY f.family;

    -- One row per key the release touches or ends: the last period L of
    -- its current history and the incoming record i, and what to do.
    CREATE TEMP TABLE codeset_decision AS
    WITH last AS (
        SELECT DISTINCT ON (kind, key) * FROM codeset_current ORDER BY kind, key, period DESC
    )
    SELECT coalesce(i.kind, l.kind) AS kind, coalesce(i.key, l.key) AS key,
           coalesce(i.family, l.family) AS family,
           l.period AS last_period, l.valid_from AS l_from, l.valid_to AS l_to,
           l.possible_from AS l_pfrom, l.possible_to AS l_pto, l.attrs AS l_attrs,
           i.line_no, i.starts, i.ends, i.attrs AS i_attrs, i.has_attrs, i.action_code,
           p.prev, p.gap,
           NULL::text AS verdict,
           -- the new last period (modify), and an appended period (append)
           NULL::date AS m_to, NULL::date AS m_pto, NULL::codeset.code_attrs AS m_attrs,
           false AS do_modify,
           NULL::date AS a_from, NULL::date AS a_to, NULL::date AS a_pfrom,
           NULL::codeset.code_attrs AS a_attrs, false AS do_append
    FROM pg_temp.codeset_incoming i
    FULL JOIN last l ON l.kind = i.kind AND l.key = i.key
    JOIN codeset_prev p ON p.family = coalesce(i.family, l.family);

    IF p_mode = 'file' THEN
        -- A new code: its period runs from its add date (a reactivated one
        -- from the action date; before that, the sources do not say).
        UPDATE codeset_decision SET verdict = 'added', do_append = true,
               a_from = CASE WHEN action_code = 'R' AND starts > (i_attrs).add_date THEN starts
                             ELSE (i_attrs).add_date END,
               a_pfrom = CASE WHEN action_code = 'R' AND starts > (i_attrs).add_date
                              THEN (i_attrs).add_date END,
               a_to = ends, a_attrs = i_attrs
        WHERE line_no IS NOT NULL AND last_period IS NULL;

        -- Same attributes: only the end may move.
        UPDATE codeset_decision SET verdict = 'unchanged'
        WHERE verdict IS NULL AND line_no IS NOT NULL
          AND NOT codeset.comparable(i_attrs) IS DISTINCT FROM codeset.comparable(l_attrs)
          AND NOT ends IS DISTINCT FROM l_to AND l_pto IS NULL;
        -- ... back after it ended: the new period is the record's own (its
        -- action code and dates, not the ended period's)
        UPDATE codeset_decision SET verdict = 'changed', do_append = true,
               a_from = starts, a_to = NULL, a_attrs = i_attrs
        WHERE verdict IS NULL AND line_no IS NOT NULL
          AND NOT codeset.comparable(i_attrs) IS DISTINCT FROM codeset.comparable(l_attrs)
          AND l_to IS NOT NULL AND ends IS NULL AND starts > l_to + 1;
        UPDATE codeset_decision
           SET verdict = CASE WHEN ends IS NOT NULL AND (l_to IS NULL OR l_pto IS NOT NULL)
                              THEN 'terminated' ELSE 'changed' END,
               do_modify = true, m_to = ends, m_pto = NULL, m_attrs = i_attrs
        WHERE verdict IS NULL AND line_no IS NOT NULL
          AND NOT codeset.comparable(i_attrs) IS DISTINCT FROM codeset.comparable(l_attrs);

        -- New attributes from the action date: a new period after the last
        -- (the last ends the day before), or the last rewritten when the
        -- action date does not fall after its start or the code ends before
        -- it (a discontinuation takes effect the day after the last day).
        UPDATE codeset_decision
           SET verdict = CASE WHEN ends IS NOT NULL AND l_to IS NULL THEN 'terminated' ELSE 'changed' END,
               do_append = true, a_from = starts, a_to = ends, a_attrs = i_attrs,
               do_modify = (l_to IS NULL OR l_to >= starts - 1),
               m_to = starts - 1, m_pto = NULL, m_attrs = l_attrs
        WHERE verdict IS NULL AND line_no IS NOT NULL AND starts > l_from
          AND (ends IS NULL OR ends >= starts);
        UPDATE codeset_decision
           SET verdict = CASE WHEN ends IS NOT NULL AND (l_to IS NULL OR l_pto IS NOT NULL)
                              THEN 'terminated' ELSE 'changed' END,
               do_modify = true, m_to = ends, m_pto = NULL, m_attrs = i_attrs
        WHERE verdict IS NULL AND line_no IS NOT NULL;
    ELSE
        -- A code new to the list, or back after it ended.
        UPDATE codeset_decision SET verdict = 'added', do_append = true,
               a_from = p_effective, a_to = NULL,
               a_pfrom = CASE WHEN gap THEN greatest(coalesce(prev + 1, '-infinity'::date),
                                                     coalesce(l_to + 1, '-infinity'::date)) END,
               -- back after it ended: the ended period's action code and
               -- its dates (a termination date, say) are not the new one's;
               -- comparable() keeps all but those
               a_attrs = CASE WHEN l_attrs IS NULL THEN i_attrs
                              WHEN has_attrs THEN codeset.with_list_description(codeset.comparable(l_attrs),
                                                                                (i_attrs).short_description)
                              ELSE codeset.comparable(l_attrs) END
        WHERE line_no IS NOT NULL AND (last_period IS NULL OR l_to < p_effective);
        UPDATE codeset_decision SET a_pfrom = NULL WHERE verdict = 'added' AND a_pfrom >= a_from;

        -- In force and listed: only a new short description changes it.
        UPDATE codeset_decision SET verdict = 'unchanged'
        WHERE verdict IS NULL AND line_no IS NOT NULL
          AND (NOT has_attrs OR NOT (i_attrs).short_description IS DISTINCT FROM (l_attrs).short_description);
        UPDATE codeset_decision
           SET verdict = 'changed',
               m_attrs = l_attrs, m_to = p_effective - 1, m_pto = NULL, do_modify = l_from < p_effective,
               do_append = true, a_from = greatest(l_from, p_effective), a_to = l_to,
               -- the list says nothing of the long description: not carried over
               a_attrs = codeset.with_list_description(l_attrs, (i_attrs).short_description)
        WHERE verdict IS NULL AND line_no IS NOT NULL;
        -- When the period starts on p_effective it is replaced, not split.
        UPDATE codeset_decision SET a_pfrom = l_pfrom WHERE verdict = 'changed' AND NOT do_modify;
    END IF;

    -- In force on p_effective but missing from the release: it ended.
    UPDATE codeset_decision
       SET verdict = 'terminated', do_modify = true, m_attrs = l_attrs,
           m_to = CASE WHEN gap THEN greatest(coalesce(prev, l_from), l_from) ELSE p_effective - 1 END,
           m_pto = CASE WHEN gap AND p_effective - 1 > greatest(coalesce(prev, l_from), l_from)
                        THEN p_effective - 1 END
    WHERE line_no IS NULL AND l_from < p_effective
      AND (l_to IS NULL OR l_to >= p_effective);
    UPDATE codeset_decision SET verdict = 'untouched' WHERE verdict IS NULL;

    -- A period that would end before it starts is a contradiction in the file.
    PERFORM 1 FROM codeset_decision
    WHERE (do_append AND a_to < a_from);
    IF FOUND THEN
        DECLARE r record;
        BEGIN
            SELECT d.*, rl.file_name INTO r FROM codeset_decision d, codeset.release rl
            WHERE d.do_append AND d.a_to < d.a_from AND rl.release_id = p_release
            ORDER BY d.line_no LIMIT 1;
            RAISE EXCEPTION 'invalid release file "%", line %: % "%" ends on % before it starts on %',
                r.file_name, r.line_no, r.kind, r.key, r.a_to, r.a_from
                USING ERRCODE = 'bad_copy_file_format', HINT = 'Nothing was loaded.';
        END;
    END IF;

    -- The new versions: earlier periods unchanged, the last one as decided,
    -- then the appended one.
    CREATE TEMP TABLE codeset_out AS
    SELECT kind, key, row_number() OVER (PARTITION BY kind, key ORDER BY valid_from, ord) AS period,
           valid_from, valid_to, possible_from, possible_to, attrs
    FROM (
        SELECT c.kind, c.key, c.valid_from, c.valid_to, c.possible_from, c.possible_to, c.attrs, 0 AS ord
        FROM codeset_current c JOIN codeset_decision d USING (kind, key)
        WHERE d.verdict IN ('added', 'changed', 'terminated')
          AND (c.period < d.last_period OR (c.period = d.last_period AND NOT d.do_modify AND
                                            NOT (d.verdict = 'changed' AND d.a_from <= d.l_from)))
        UNION ALL
        SELECT d.kind, d.key, d.l_from, d.m_to, d.l_pfrom, d.m_pto, d.m_attrs, 1
        FROM codeset_decision d WHERE d.do_modify AND d.verdict IN ('changed', 'terminated', 'added')
        UNION ALL
        SELECT d.kind, d.key, d.a_from, d.a_to, d.a_pfrom, NULL, d.a_attrs, 2
        FROM codeset_decision d WHERE d.do_append
    ) s;

    INSERT INTO codeset.code_version
    SELECT o.key::@extschema@.medcode, p_release, o.period, o.valid_from, o.valid_to,
           o.possible_from, o.possible_to, (o.attrs).*, p_source
    FROM codeset_out o WHERE o.kind = 'code';
    INSERT INTO codeset.modifier_version
    SELECT o.key, p_release, o.period, o.valid_from, o.valid_to,
           o.possible_from, o.possible_to, (o.attrs).*, p_source
    FROM codeset_out o WHERE o.kind = 'modifier';

    SELECT count(*) FILTER (WHERE verdict = 'added'), count(*) FILTER (WHERE verdict = 'changed'),
           count(*) FILTER (WHERE verdict = 'terminated'), count(*) FILTER (WHERE verdict = 'unchanged')
      INTO added, changed, terminated, unchanged
    FROM codeset_decision;

    DROP TABLE codeset_current, codeset_prev, codeset_decision, codeset_out;
    -- Sessions' validity caches read the tables again after this commits.
    PERFORM codeset.invalidate_cache();
END
$$;
COMMENT ON FUNCTION codeset.apply_release(integer, text, date, text[], text) IS
    'internal: merges pg_temp.codeset_incoming into the code history as release p_release';

-- Who may read a file on the server: superuser or pg_read_server_files, as
-- for COPY FROM a file (checked in C; see src/server_file.c).
CREATE FUNCTION codeset.read_server_file(path text) RETURNS bytea
    AS 'MODULE_PATHNAME', 'codeset_read_server_file' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION codeset.read_server_file(text) IS
    'internal: a server file''s bytes, for superusers and members of pg_read_server_files';

-- One load at a time.  Every loader takes this lock before it reads what is
-- loaded, so that under READ COMMITTED a second load waits for the first to
-- commit and then builds on it (readers, which take ACCESS SHARE, are not
-- blocked); under SERIALIZABLE the second fails with 40001, to be retried.
-- Under REPEATABLE READ the transaction's snapshot could predate a release
-- that committed while it waited, and nothing would notice: loads refuse to
-- run there.  CREATE EXTENSION's own loads need neither (its tables are new).
CREATE FUNCTION codeset.lock_for_load() RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF codeset.in_extension_script() THEN
        RETURN;
    END IF;
    IF current_setting('transaction_isolation') = 'repeatable read' THEN
        RAISE EXCEPTION 'codeset loads cannot run in a REPEATABLE READ transaction'
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = 'Its snapshot may predate a release another session committed, which the load must build on.',
                  HINT = 'Load in a READ COMMITTED (the default) or SERIALIZABLE transaction.';
    END IF;
    LOCK TABLE codeset.release IN SHARE ROW EXCLUSIVE MODE;
END $$;
COMMENT ON FUNCTION codeset.lock_for_load() IS
    'internal: the lock every loader takes first, so that loads run one at a time';

CREATE FUNCTION codeset.load_hcpcs_data(content bytea, file_name text, effective date DEFAULT NULL,
                                        encoding text DEFAULT 'WIN1252')
RETURNS codeset.load_summary
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sha     bytea;
    v_covers  text[] := codeset.system_families('HCPCS') || '{modifier}'::text[];
    v_source  text := CASE WHEN codeset.in_extension_script() THEN 'codeset' ELSE 'user' END;
    v_eff     date;
    v_newest  date;
    v_release integer;
    v_skipped integer;
    r         record;
    c         record;
BEGIN
    IF content IS NULL OR file_name IS NULL OR encoding IS NULL THEN
        RAISE EXCEPTION 'content, file_name and encoding must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM codeset.lock_for_load();
    v_sha := sha256(content);
    SELECT * INTO r FROM codeset.release
    WHERE content_sha256 = v_sha AND release.file_kind = 'hcpcs file' ORDER BY release_id LIMIT 1;
    IF FOUND THEN
        RETURN ROW(r.release_id, 'HCPCS'::text, file_name, r.effective, 'already loaded'::text, 0, 0, 0, 0, 0);
    END IF;

    CREATE TEMP TABLE codeset_file AS
    SELECT * FROM codeset.hcpcs_file_entries(content, file_name, encoding) e;

    SELECT f.line_no, f.code INTO r FROM codeset_file f
    WHERE f.kind = 'code' AND NOT @extschema@.is_medcode(f.code) ORDER BY f.line_no LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'invalid HCPCS file "%", line %: "%" is not a procedure code', file_name, r.line_no, r.code
            USING ERRCODE = 'bad_copy_file_format', HINT = 'Nothing was loaded.';
    END IF;
    SELECT a.line_no, a.kind, a.code, b.line_no AS first_line INTO r
    FROM codeset_file a JOIN codeset_file b ON b.kind = a.kind AND b.code = a.code AND b.line_no < a.line_no
    ORDER BY a.line_no LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'invalid HCPCS file "%", line %: % "%" appears a second time (first on line %)',
            file_name, r.line_no, r.kind, r.code, r.first_line
            USING ERRCODE = 'bad_copy_file_format', HINT = 'Nothing was loaded.';
    END IF;

    -- The release date: as given, else the date most actions in the file take effect.
    v_eff := coalesce(effective,
                      (SELECT mode() WITHIN GROUP (ORDER BY f.action_effective_date) FROM codeset_file f
                       WHERE f.action_code <> 'N' AND f.action_effective_date IS NOT NULL),
                      (SELECT max(f.add_date) FROM codeset_file f));

    -- An older release than one already applied changes no answer.
    SELECT max(rl.effective) INTO v_newest FROM codeset.release rl WHERE rl.covers && v_covers;
    IF v_newest = v_eff THEN
        SELECT rl.release_id, rl.file_name INTO r FROM codeset.release rl
        WHERE rl.covers && v_covers AND rl.effective = v_eff ORDER BY rl.release_id DESC LIMIT 1;
        RAISE EXCEPTION 'a different release for these codes effective on % is loaded already (release %, "%")',
            v_eff, r.release_id, r.file_name
            USING ERRCODE = 'unique_violation',
                  HINT = 'A corrected file replaces codes from its own effective date on: load it with a later effective date (the effective argument).';
    END IF;
    IF v_newest > v_eff THEN
        RAISE NOTICE 'HCPCS file "%" (effective %) is older than the newest release loaded (effective %): nothing applied',
            file_name, v_eff, v_newest;
        DROP TABLE codeset_file;
        RETURN ROW(NULL::integer, 'HCPCS'::text, file_name, v_eff, 'not applied: older than loaded'::text, 0, 0, 0, 0, 0);
    END IF;

    CREATE TEMP TABLE codeset_incoming AS
    SELECT s.kind, s.code AS key, s.family, s.line_no,
           coalesce(s.action_effective_date, s.add_date) AS starts, s.termination_date AS ends,
           ROW(s.short_description, s.long_description, s.action_code, s.add_date,
               s.action_effective_date, s.termination_date, s.coverage_code, s.betos,
               s.type_of_service, s.pricing_indicators, s.multiple_pricing, s.xrefs, s.asc_group,
               s.lab_cert, s.proc_note, s.anesthesia_base_units)::codeset.code_attrs AS attrs,
           true AS has_attrs, s.action_code
    FROM (SELECT f.*, CASE WHEN f.kind = 'code' THEN @extschema@.code_family(f.code::@extschema@.medcode)
                           ELSE 'modifier' END AS family
          FROM codeset_file f) s
    WHERE s.family = ANY (v_covers);
    -- CPT and CDT rows (CMS files may carry some) are not Level II: skipped.
    v_skipped := (SELECT count(*) FROM codeset_file) - (SELECT count(*) FROM codeset_incoming);

    INSERT INTO codeset.release (code_system, file_kind, file_name, effective, covers, content_sha256,
                                 source, codes_added, codes_changed, codes_terminated, codes_unchanged,
                                 rows_skipped)
    VALUES ('HCPCS', 'hcpcs file', file_name, v_eff, v_covers, v_sha, v_source, 0, 0, 0, 0, v_skipped)
    RETURNING release_id INTO v_release;

    c := codeset.apply_release(v_release, 'file', v_eff, v_covers, v_source);
    UPDATE codeset.release SET codes_added = c.added, codes_changed = c.changed,
           codes_terminated = c.terminated, codes_unchanged = c.unchanged
    WHERE release_id = v_release;
    DROP TABLE codeset_file, codeset_incoming;
    RETURN ROW(v_release, 'HCPCS'::text, file_name, v_eff, 'loaded'::text, c.added, c.changed, c.terminated,
               c.unchanged, v_skipped);
END
$$;
COMMENT ON FUNCTION codeset.load_hcpcs_data(bytea, text, date, text) IS
    'load a CMS alpha-numeric HCPCS file given as bytes (e.g. from a staging table); one transaction';

CREATE FUNCTION codeset.load_hcpcs_file(path text, effective date DEFAULT NULL)
RETURNS codeset.load_summary
    LANGUAGE sql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN codeset.load_hcpcs_data(codeset.read_server_file(path), path, effective, 'WIN1252');
COMMENT ON FUNCTION codeset.load_hcpcs_file(text, date) IS
    'load a CMS alpha-numeric HCPCS file from the server''s file system (superuser or pg_read_server_files)';

CREATE FUNCTION codeset.load_code_list_data(content bytea, file_name text, code_system text, effective date,
                                       covers text[] DEFAULT NULL, code_column integer DEFAULT 1,
                                       description_column integer DEFAULT 0,
                                       encoding text DEFAULT 'UTF8')
RETURNS codeset.load_summary
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sha     bytea;
    v_covers  text[];
    v_source  text := CASE WHEN codeset.in_extension_script() THEN 'codeset' ELSE 'user' END;
    v_newest  date;
    v_release integer;
    v_skipped integer;
    r         record;
    c         record;
BEGIN
    IF content IS NULL OR file_name IS NULL OR code_system IS NULL OR effective IS NULL
       OR code_column IS NULL OR description_column IS NULL OR encoding IS NULL THEN
        RAISE EXCEPTION 'only covers may be null in a call of codeset.load_code_list_data'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF code_system NOT IN ('CPT', 'HCPCS', 'CDT') THEN
        RAISE EXCEPTION 'unknown code system "%"', code_system
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Use CPT, HCPCS or CDT.';
    END IF;
    -- A set of families: the same families in another order or repeated
    -- are the same release
    v_covers := ARRAY(SELECT DISTINCT f COLLATE "C" FROM unnest(coalesce(covers, codeset.system_families(code_system))) f
                      ORDER BY 1);
    IF cardinality(v_covers) = 0 THEN
        RAISE EXCEPTION 'covers is empty: a list must be complete for at least one family'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Leave covers NULL for all the families of %s (%s).', code_system,
                                codeset.system_families(code_system));
    END IF;
    SELECT f INTO r FROM unnest(v_covers) f WHERE f <> ALL (codeset.system_families(code_system)) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'covers names "%", which is no family of %', r.f, code_system
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('The families of %s are %s.', code_system, codeset.system_families(code_system));
    END IF;

    PERFORM codeset.lock_for_load();
    v_sha := sha256(content);
    SELECT * INTO r FROM codeset.release rl
    WHERE rl.content_sha256 = v_sha AND rl.file_kind = 'code list' AND rl.code_system = load_code_list_data.code_system
      AND rl.effective = load_code_list_data.effective AND rl.covers = v_covers
    ORDER BY rl.release_id LIMIT 1;
    IF FOUND THEN
        RETURN ROW(r.release_id, code_system, file_name, effective, 'already loaded'::text, 0, 0, 0, 0, 0);
    END IF;
    SELECT max(rl.effective) INTO v_newest FROM codeset.release rl WHERE rl.covers && v_covers;
    IF v_newest = effective THEN
        SELECT rl.release_id, rl.file_name INTO r FROM codeset.release rl
        WHERE rl.covers && v_covers AND rl.effective = load_code_list_data.effective
        ORDER BY rl.release_id DESC LIMIT 1;
        RAISE EXCEPTION 'a different release for these codes effective on % is loaded already (release %, "%")',
            effective, r.release_id, r.file_name
            USING ERRCODE = 'unique_violation',
                  HINT = 'A corrected list replaces codes from its own effective date on: load it with a later effective date.';
    END IF;
    IF v_newest > effective THEN
        RAISE NOTICE 'code list "%" (effective %) is older than the newest release loaded for its families (effective %): nothing applied',
            file_name, effective, v_newest;
        RETURN ROW(NULL::integer, code_system, file_name, effective, 'not applied: older than loaded'::text, 0, 0, 0, 0, 0);
    END IF;

    CREATE TEMP TABLE codeset_list AS
    SELECT e.line_no, e.code, e.description, @extschema@.code_family(e.code) AS family
    FROM codeset.code_list_entries(content, file_name, code_column, description_column, encoding) e;

    SELECT a.line_no, a.code, b.line_no AS first_line INTO r
    FROM codeset_list a JOIN codeset_list b ON b.code OPERATOR(@extschema@.=) a.code AND b.line_no < a.line_no
    ORDER BY a.line_no LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'invalid code list "%", line %: code "%" appears a second time (first on line %)',
            file_name, r.line_no, r.code, r.first_line
            USING ERRCODE = 'bad_copy_file_format', HINT = 'Nothing was loaded.';
    END IF;

    CREATE TEMP TABLE codeset_incoming AS
    SELECT 'code'::text AS kind, l.code::text AS key, l.family, l.line_no,
           effective AS starts, NULL::date AS ends,
           ROW(l.description, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL, NULL, NULL)::codeset.code_attrs AS attrs,
           description_column > 0 AS has_attrs, NULL::text AS action_code
    FROM codeset_list l
    WHERE l.family = ANY (v_covers);
    -- Codes of other families (CPT rows in a HCPCS list, say) are skipped.
    v_skipped := (SELECT count(*) FROM codeset_list) - (SELECT count(*) FROM codeset_incoming);

    INSERT INTO codeset.release (code_system, file_kind, file_name, effective, covers, content_sha256,
                                 source, codes_added, codes_changed, codes_terminated, codes_unchanged,
                                 rows_skipped)
    VALUES (code_system, 'code list', file_name, effective, v_covers, v_sha, v_source, 0, 0, 0, 0, v_skipped)
    RETURNING release_id INTO v_release;

    c := codeset.apply_release(v_release, 'list', effective, v_covers, v_source);
    UPDATE codeset.release SET codes_added = c.added, codes_changed = c.changed,
           codes_terminated = c.terminated, codes_unchanged = c.unchanged
    WHERE release_id = v_release;
    DROP TABLE codeset_list, codeset_incoming;
    RETURN ROW(v_release, code_system, file_name, effective, 'loaded'::text, c.added, c.changed,
               c.terminated, c.unchanged, v_skipped);
END
$$;
COMMENT ON FUNCTION codeset.load_code_list_data(bytea, text, text, date, text[], integer, integer, text) IS
    'load a CSV list of the codes of a system in force on a date, given as bytes; one transaction';

CREATE FUNCTION codeset.load_code_list(path text, code_system text, effective date,
                                       covers text[] DEFAULT NULL, code_column integer DEFAULT 1,
                                       description_column integer DEFAULT 0)
RETURNS codeset.load_summary
    LANGUAGE sql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN codeset.load_code_list_data(codeset.read_server_file(path), path, code_system, effective, covers,
                                  code_column, description_column, 'UTF8');
COMMENT ON FUNCTION codeset.load_code_list(text, text, date, text[], integer, integer) IS
    'load a CSV code list from the server''s file system (superuser or pg_read_server_files)';

-- For a table owner without server file access: \copy the file into a
-- staging table, one line a row, and pass the lines in order.
CREATE FUNCTION codeset.load_hcpcs_lines(lines text[], file_name text, effective date DEFAULT NULL)
RETURNS codeset.load_summary
    LANGUAGE sql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN codeset.load_hcpcs_data(pg_catalog.convert_to(pg_catalog.array_to_string(lines, E'\n', ''), 'UTF8'), file_name,
                                   effective, 'UTF8');
COMMENT ON FUNCTION codeset.load_hcpcs_lines(text[], text, date) IS
    'load a CMS alpha-numeric HCPCS file given as its lines in order (from a \copy staging table)';

CREATE FUNCTION codeset.load_code_list_lines(lines text[], file_name text, code_system text,
                                             effective date, covers text[] DEFAULT NULL,
                                             code_column integer DEFAULT 1,
                                             description_column integer DEFAULT 0)
RETURNS codeset.load_summary
    LANGUAGE sql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN codeset.load_code_list_data(pg_catalog.convert_to(pg_catalog.array_to_string(lines, E'\n', ''), 'UTF8'), file_name,
                                       code_system, effective, covers, code_column,
                                       description_column, 'UTF8');
COMMENT ON FUNCTION codeset.load_code_list_lines(text[], text, text, date, text[], integer, integer) IS
    'load a CSV code list given as its lines in order (from a \copy staging table)';

--------------------------------------------------------------------------
-- Validity on the date of service (C, from a per-backend cache)
--------------------------------------------------------------------------

CREATE FUNCTION codeset.medcode_slot(@extschema@.medcode) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.medcode_slot(@extschema@.medcode) IS
    'internal: a code''s index in the validity cache';
CREATE FUNCTION codeset.modifier_slot(text) RETURNS integer
    AS 'MODULE_PATHNAME', 'codeset_modifier_slot' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.modifier_slot(text) IS
    'internal: a modifier''s index in the validity cache';

CREATE FUNCTION codeset.invalidate_cache() RETURNS void
    AS 'MODULE_PATHNAME', 'codeset_invalidate_cache' LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION codeset.invalidate_cache() IS
    'make every session read the code tables again once this transaction commits (the loaders call it)';
-- Forcing every session to rebuild is for those who load, not for everyone.
REVOKE EXECUTE ON FUNCTION codeset.invalidate_cache() FROM PUBLIC;

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

CREATE FUNCTION @extschema@.invalid_reason(text, date DEFAULT CURRENT_DATE) RETURNS text
    AS 'MODULE_PATHNAME', 'text_invalid_reason' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.invalid_reason(text, date) IS
    'NULL when valid, else malformed, not loaded, unknown, not yet effective, terminated or undetermined';

CREATE FUNCTION @extschema@.invalid_reason(@extschema@.medcode, date DEFAULT CURRENT_DATE) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_invalid_reason' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.invalid_reason(@extschema@.medcode, date) IS
    'NULL when valid, else not loaded, unknown, not yet effective, terminated or undetermined';

CREATE FUNCTION @extschema@.valid_modifier(text, date DEFAULT CURRENT_DATE) RETURNS boolean
    AS 'MODULE_PATHNAME', 'modifier_valid_on' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.valid_modifier(text, date) IS
    'true when the two-character HCPCS modifier is in force on the date; NULL for CPT (numeric) modifiers, which no CMS file carries';

CREATE TYPE @extschema@.parsed_claim_line AS (code @extschema@.medcode, modifiers text[]);
COMMENT ON TYPE @extschema@.parsed_claim_line IS 'a procedure code and its modifiers, from parse_claim_line()';

CREATE FUNCTION @extschema@.parse_claim_line(text) RETURNS @extschema@.parsed_claim_line
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.parse_claim_line(text) IS
    'split "99213-25", "99213:25", "J1100 JW", "J1100-JW-59" into the code and up to four modifiers; NULL for other text';

--------------------------------------------------------------------------
-- Descriptions and history (SQL: read once per question, not per row)
--------------------------------------------------------------------------

CREATE FUNCTION @extschema@.describe(code @extschema@.medcode, on_date date DEFAULT CURRENT_DATE)
RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    -- the period in force on the date, else the latest that began before it
    SELECT h.short_description FROM codeset.code_history h
    WHERE h.code OPERATOR(@extschema@.=) describe.code AND h.valid_from <= describe.on_date
    ORDER BY (h.valid_to IS NULL OR h.valid_to >= describe.on_date) DESC, h.valid_from DESC
    LIMIT 1;
END;
COMMENT ON FUNCTION @extschema@.describe(@extschema@.medcode, date) IS
    'the short description in force on the date (else the last one before it); NULL for a code with no loaded description';

CREATE FUNCTION @extschema@.lookup(code @extschema@.medcode)
RETURNS TABLE (code @extschema@.medcode, period smallint, valid_from date, valid_to date,
               possible_from date, possible_to date, short_description text,
               long_description text, action_code text, add_date date,
               action_effective_date date, termination_date date, coverage_code text,
               betos text, xrefs text[], release_id integer, file_name text)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 3
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT h.code, h.period, h.valid_from, h.valid_to, h.possible_from, h.possible_to,
           h.short_description, h.long_description, h.action_code, h.add_date,
           h.action_effective_date, h.termination_date, h.coverage_code, h.betos, h.xrefs,
           h.release_id, r.file_name
    FROM codeset.code_history h JOIN codeset.release r ON r.release_id = h.release_id
    WHERE h.code OPERATOR(@extschema@.=) lookup.code
    ORDER BY h.period;
END;
COMMENT ON FUNCTION @extschema@.lookup(@extschema@.medcode) IS
    'a code''s history: one row per period, with descriptions, dates, action code, BETOS, coverage and cross-references';

CREATE FUNCTION @extschema@.code_status(input text, on_date date DEFAULT CURRENT_DATE)
RETURNS TABLE (code @extschema@.medcode, valid boolean, reason text, detail text,
               last_day date, replaced_by @extschema@.medcode[])
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 1
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH q AS (
        SELECT @extschema@.to_medcode(code_status.input) AS code,
               @extschema@.invalid_reason(code_status.input, code_status.on_date) AS reason
    ), last_period AS (
        SELECT h.* FROM q, codeset.code_history h
        WHERE h.code OPERATOR(@extschema@.=) q.code AND h.valid_from <= code_status.on_date
        ORDER BY h.valid_from DESC LIMIT 1
    ), first_period AS (
        SELECT h.* FROM q, codeset.code_history h
        WHERE h.code OPERATOR(@extschema@.=) q.code ORDER BY h.valid_from LIMIT 1
    )
    SELECT q.code,
           CASE WHEN q.reason IS NULL THEN true
                WHEN q.reason IN ('not loaded', 'undetermined') THEN NULL ELSE false END,
           q.reason,
           CASE q.reason
             WHEN 'malformed' THEN
               'not a procedure code: ' || coalesce(
                   (SELECT CASE WHEN code_status.input ~ '^\s*$' THEN 'the text is empty'
                                WHEN pg_catalog.length(pg_catalog.btrim(code_status.input, E' \t\n\r\f\v')) <> 5
                                  THEN pg_catalog.format('a code has 5 characters, this text has %s',
                                                         pg_catalog.length(pg_catalog.btrim(code_status.input, E' \t\n\r\f\v')))
                                ELSE 'a code is five digits, four digits and a letter A F M T U, or a letter A-V (not I, O) and four digits' END),
                   '')
             WHEN 'not loaded' THEN
               pg_catalog.format('no release covering %s codes (family %s) is loaded', @extschema@.code_system(q.code),
                      @extschema@.code_family(q.code))
             WHEN 'unknown' THEN 'the loaded code tables do not know this code'
             WHEN 'not yet effective' THEN
               pg_catalog.format('in force from %s', (SELECT f.valid_from FROM first_period f))
             WHEN 'terminated' THEN
               pg_catalog.format('terminated: last day %s', (SELECT l.valid_to FROM last_period l))
             WHEN 'undetermined' THEN
               'the loaded releases do not say whether the code was in force on this date'
           END,
           (SELECT l.valid_to FROM last_period l),
           (SELECT pg_catalog.array_agg(@extschema@.to_medcode(x)) FILTER (WHERE @extschema@.is_medcode(x))
            FROM last_period l, pg_catalog.unnest(l.xrefs) x)
    FROM q;
END;
COMMENT ON FUNCTION @extschema@.code_status(text, date) IS
    'why a code is or is not valid on a date: reason keyword, a sentence, its last day, and CMS''s replacement codes';

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
    'planner support: turns code <@ set into btree index conditions';
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

-- codes(set [, date]): the codes of the set the code tables know (in force on the date)
CREATE FUNCTION @extschema@.codes(codes @extschema@.medcodeset) RETURNS SETOF @extschema@.medcode
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT DISTINCT h.code FROM codeset.code_history h
    WHERE h.code OPERATOR(@extschema@.<@) codes.codes ORDER BY h.code;
END;
COMMENT ON FUNCTION @extschema@.codes(@extschema@.medcodeset) IS
    'the codes of the set that the code tables know, like a FHIR ValueSet $expand';
CREATE FUNCTION @extschema@.codes(codes @extschema@.medcodeset, on_date date) RETURNS SETOF @extschema@.medcode
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT DISTINCT h.code FROM codeset.code_history h
    WHERE h.code OPERATOR(@extschema@.<@) codes.codes AND @extschema@.valid(h.code, codes.on_date)
    ORDER BY h.code;
END;
COMMENT ON FUNCTION @extschema@.codes(@extschema@.medcodeset, date) IS
    'the codes of the set in force on the date';

-- Named sets
CREATE TABLE codeset.code_set (
    name        text PRIMARY KEY,
    description text NOT NULL,
    codes       @extschema@.medcodeset NOT NULL,
    source      text NOT NULL DEFAULT 'user' CHECK (source IN ('codeset', 'user')),
    -- The cpt: and hcpcs: names are the shipped sets': a user's row under
    -- one would collide with the shipped row a restore makes again
    CONSTRAINT code_set_user_names CHECK (source = 'codeset' OR name !~ '^(cpt|hcpcs):')
);
COMMENT ON TABLE codeset.code_set IS
    'named code sets: the shipped CPT and HCPCS sections (source codeset) and the user''s own';
SELECT pg_catalog.pg_extension_config_dump('codeset.code_set', 'WHERE source = ''user''');
GRANT SELECT ON codeset.code_set TO PUBLIC;

CREATE FUNCTION @extschema@.in_set(@extschema@.medcode, text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'medcode_in_named_set' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.in_set(@extschema@.medcode, text) IS
    'the code is in the named set of codeset.code_set; an unknown name is an error naming the nearest';

-- The shipped sets: the sections of DOMAIN.md as ranges, named after them
-- (section names, no AMA text); they agree with code_section().
INSERT INTO codeset.code_set (name, description, codes, source) VALUES
    ('cpt:anesthesia', 'Anesthesia', '{00100-01999, 99100-99140}', 'codeset'),
    ('cpt:surgery', 'Surgery', '{10004-69990}', 'codeset'),
    ('cpt:radiology', 'Radiology', '{70010-79999}', 'codeset'),
    ('cpt:pathology-laboratory', 'Pathology and Laboratory', '{80047-89398, 0000M-9999M, 0000U-9999U}', 'codeset'),
    ('cpt:medicine', 'Medicine', '{90281-99099, 99141-99199, 99500-99607, 0000A-9999A}', 'codeset'),
    ('cpt:evaluation-management', 'Evaluation and Management', '{99202-99499}', 'codeset'),
    ('cpt:category-ii', 'CPT Category II (performance measurement)', '{0000F-9999F}', 'codeset'),
    ('cpt:category-iii', 'CPT Category III (emerging technology)', '{0000T-9999T}', 'codeset');
INSERT INTO codeset.code_set (name, description, codes, source)
SELECT 'hcpcs:' || l, @extschema@.code_section((l || '0000')::@extschema@.medcode),
       (pg_catalog.format('{%s0000-%s9999}', l, l))::@extschema@.medcodeset, 'codeset'
FROM pg_catalog.unnest('{A,B,C,D,E,G,H,J,K,L,M,P,Q,R,S,T,U,V}'::text[]) AS l;

--------------------------------------------------------------------------
-- The shipped data: public CMS files (data/SOURCES.md), loaded by the same
-- loaders users call.  Their rows are marked source = 'codeset'.
--------------------------------------------------------------------------

SELECT codeset.load_hcpcs_file(codeset.shipped_data_dir() || '/hcpcs_anweb/' || f, e::date)
FROM (VALUES ('HCPC2017_CONTR_ANWEB.txt', '2017-01-01'),
             ('HCPC2018_CONTR_ANWEB_disc.txt', '2018-01-01'),
             ('HCPC2019_CONTR_ANWEB.txt', '2019-01-01'),
             ('HCPC2020_ANWEB_w_disclaimer.txt', '2020-01-01')) AS files(f, e)
ORDER BY e;

-- OPPS Addendum B lists the Level II codes Medicare pays under OPPS: not the
-- state Medicaid (H, T) and private-payer (S) codes, nor CDT (D).  Each
-- quarter is complete for the other letters only.
SELECT codeset.load_code_list(
           codeset.shipped_data_dir() || '/opps_addendum_b_level2/opps_addendum_b_' || q || '_level2.csv',
           'HCPCS', e::date, '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4)
FROM (VALUES ('2023q1', '2023-01-01'), ('2023q2', '2023-04-01'), ('2023q3', '2023-07-01'),
             ('2023q4', '2023-10-01'), ('2024q1', '2024-01-01'), ('2024q2', '2024-04-01'),
             ('2024q3', '2024-07-01'), ('2024q4', '2024-10-01'), ('2025q1', '2025-01-01'),
             ('2025q2', '2025-04-01'), ('2025q3', '2025-07-01'), ('2025q4', '2025-10-01'),
             ('2026q1', '2026-01-01'), ('2026q2', '2026-04-01')) AS quarters(q, e)
ORDER BY e;
