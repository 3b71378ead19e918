-- src/code_tables.sql: The code tables: release log, code and modifier versions, the history views.
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

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
