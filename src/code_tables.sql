-- src/code_tables.sql: the code tables: the release log with each release's
-- content, the code and modifier history derived from them, its versions.
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

-- Release ids: a user's from release_id_seq (1, 2, ...), which pg_dump
-- keeps; the shipped releases' from their own range below zero, which no
-- user id can reach.  CREATE EXTENSION makes the shipped rows again on a
-- restore, and a later version may ship more of them: were the two drawn
-- from one sequence, a restored user release would collide with a shipped
-- one.
CREATE SEQUENCE codeset.release_id_seq;
CREATE SEQUENCE codeset.shipped_release_id_seq MINVALUE -1000000 MAXVALUE -1 START -1000000;

CREATE TABLE codeset.release (
    release_id       integer PRIMARY KEY DEFAULT pg_catalog.nextval('codeset.release_id_seq'),
    code_system      text NOT NULL CHECK (code_system IN ('CPT', 'HCPCS', 'CDT')),
    file_kind        text NOT NULL CHECK (file_kind IN ('hcpcs file', 'code list')),
    file_name        text NOT NULL,
    effective        date NOT NULL,
    covers           text[] NOT NULL,
    content_sha256   bytea NOT NULL,
    loaded_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    loaded_by        name NOT NULL DEFAULT codeset.calling_role(),
    source           text NOT NULL CHECK (source IN ('codeset', 'user')),
    codes_added      integer NOT NULL,
    codes_changed    integer NOT NULL,
    codes_terminated integer NOT NULL,
    codes_unchanged  integer NOT NULL,
    rows_skipped     integer NOT NULL,
    -- 1.1: a release is active until a corrected file replaces it or it is unloaded
    superseded_by    integer,
    unloaded_at      timestamptz,
    loaded_generation integer
);
ALTER SEQUENCE codeset.release_id_seq OWNED BY codeset.release.release_id;
COMMENT ON TABLE codeset.release IS
    'one row per release file loaded: which file, effective when, what it changed; superseded or unloaded releases stay in the log';
COMMENT ON COLUMN codeset.release.superseded_by IS
    'the release of a corrected file for the same date and families that replaced this one';
COMMENT ON COLUMN codeset.release.unloaded_at IS 'when codeset.unload_release() took this release out';
COMMENT ON COLUMN codeset.release.loaded_generation IS
    'the change of the history (codeset.history_event) its load made: the history as known at this release';

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

-- What each release says: one row per code or modifier it lists, as read
-- from its file.  The history is derived from these rows of all active
-- releases, so it does not depend on the order releases were loaded in.
-- No foreign key to codeset.release: only the loaders write here, and a
-- check per row would cost CREATE EXTENSION a second.
CREATE TABLE codeset.release_entry (
    release_id integer NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('code', 'modifier')),
    key        text NOT NULL,
    family     text NOT NULL,
    line_no    integer NOT NULL,
    has_attrs  boolean NOT NULL,
    LIKE codeset.code_attrs,
    source     text NOT NULL CHECK (source IN ('codeset', 'user')),
    -- what the derivation compares: the attributes that make a new period
    -- when they change (codeset.period_hash; a list's entry: its short
    -- description), and the short description
    attrs_hash bigint NOT NULL,
    short_hash bigint NOT NULL,
    PRIMARY KEY (release_id, kind, key)
);
COMMENT ON TABLE codeset.release_entry IS
    'each release''s content: the codes and modifiers its file lists, with their attributes';

-- The attributes whose change starts a new period: all but the action code,
-- its dates and the cross-references, which newer records restate and
-- correct (a period shows those of the record that dates it).  Not STRICT,
-- so that the loader's INSERT inlines it rather than calling a SQL function
-- per row (its argument there is a row constructor, never null).
CREATE FUNCTION codeset.period_hash(a codeset.code_attrs) RETURNS bigint
    LANGUAGE sql STABLE CALLED ON NULL INPUT PARALLEL SAFE
    RETURN pg_catalog.hashtextextended(ROW(a.short_description, a.long_description, a.coverage_code,
               a.betos, a.type_of_service, a.pricing_indicators, a.multiple_pricing,
               a.asc_group, a.lab_cert, a.proc_note, a.anesthesia_base_units)::text, 0);
COMMENT ON FUNCTION codeset.period_hash(codeset.code_attrs) IS
    'internal: a hash of the attributes whose change starts a new period (not the action code, its dates, the cross-references)';

-- Each change of the history: the shipped releases installed, a release
-- loaded (or a corrected file that replaced one), or a release unloaded.
-- Versions of the history carry the generation that wrote them.
CREATE SEQUENCE codeset.history_generation_seq;
CREATE TABLE codeset.history_event (
    generation integer PRIMARY KEY DEFAULT pg_catalog.nextval('codeset.history_generation_seq'),
    release_id integer,
    action     text NOT NULL CHECK (action IN ('install', 'load', 'unload')),
    at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    by         name NOT NULL DEFAULT codeset.calling_role(),
    source     text NOT NULL CHECK (source IN ('codeset', 'user'))
);
ALTER SEQUENCE codeset.history_generation_seq OWNED BY codeset.history_event.generation;
COMMENT ON TABLE codeset.history_event IS
    'each change of the derived history: the shipped releases installed, a release loaded or unloaded, in order';

-- No table here has a foreign key to another: only the loaders write them,
-- and pg_restore -j loads them at once, in any order (a key in force would
-- refuse the versions of user releases not restored yet).
--
-- Every version of every code's history, never deleted: a change of the
-- history writes the whole period list again of each code it changes,
-- under its generation.  The current history of a code is its version of
-- the greatest generation (view codeset.code_history); a version whose only
-- row is period 0 says the code has no period (its sources were unloaded).
-- release_id names the release whose entry gave the period's attributes.
CREATE TABLE codeset.code_version (
    code                  @extschema@.medcode NOT NULL,
    release_id            integer NOT NULL,
    period                smallint NOT NULL,
    valid_from            date NOT NULL,
    valid_to              date,
    possible_from         date,
    possible_to           date,
    LIKE codeset.code_attrs,
    source                text NOT NULL CHECK (source IN ('codeset', 'user')),
    generation            integer NOT NULL,
    PRIMARY KEY (code, generation, period),
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
COMMENT ON COLUMN codeset.code_version.generation IS
    'the change of the history (codeset.history_event) that wrote this version';

CREATE TABLE codeset.modifier_version (
    modifier              text NOT NULL CHECK (modifier ~ '^[A-Z0-9]{2}$'),
    release_id            integer NOT NULL,
    period                smallint NOT NULL,
    valid_from            date NOT NULL,
    valid_to              date,
    possible_from         date,
    possible_to           date,
    LIKE codeset.code_attrs,
    source                text NOT NULL CHECK (source IN ('codeset', 'user')),
    generation            integer NOT NULL,
    PRIMARY KEY (modifier, generation, period),
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (possible_from IS NULL OR possible_from < valid_from),
    CHECK (possible_to IS NULL OR (valid_to IS NOT NULL AND possible_to > valid_to))
);
COMMENT ON TABLE codeset.modifier_version IS
    'every version of each HCPCS modifier''s effective-dated history; rows are never deleted';

-- The version of the greatest generation: an anti-join on the explicit
-- operator, not a GROUP BY, which would need medcode's operator class when
-- pg_upgrade's dump creates this view, before the operator classes.
CREATE VIEW codeset.code_history AS
SELECT v.code, v.period, v.valid_from, v.valid_to, v.possible_from, v.possible_to,
       v.short_description, v.long_description, v.action_code, v.add_date,
       v.action_effective_date, v.termination_date, v.coverage_code, v.betos,
       v.type_of_service, v.pricing_indicators, v.multiple_pricing, v.xrefs, v.asc_group,
       v.lab_cert, v.proc_note, v.anesthesia_base_units, v.release_id, v.source
FROM codeset.code_version v
WHERE v.period > 0
  AND NOT EXISTS (SELECT FROM codeset.code_version w
                  WHERE w.code OPERATOR(@extschema@.=) v.code AND w.generation > v.generation);
COMMENT ON VIEW codeset.code_history IS 'each code''s current effective-dated history, one row per period';

CREATE VIEW codeset.modifier_history AS
SELECT v.modifier, v.period, v.valid_from, v.valid_to, v.possible_from, v.possible_to,
       v.short_description, v.long_description, v.action_code, v.add_date,
       v.action_effective_date, v.termination_date, v.release_id, v.source
FROM codeset.modifier_version v
JOIN (SELECT w.modifier, pg_catalog.max(w.generation) AS generation
      FROM codeset.modifier_version w GROUP BY w.modifier) latest
  ON latest.modifier = v.modifier AND latest.generation = v.generation
WHERE v.period > 0;
COMMENT ON VIEW codeset.modifier_history IS 'each modifier''s current effective-dated history';

-- Shipped rows come back with CREATE EXTENSION; pg_dump keeps the user's.
SELECT pg_catalog.pg_extension_config_dump('codeset.release', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.release_entry', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.history_event', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.code_version', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.modifier_version', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.release_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('codeset.history_generation_seq', '');

GRANT SELECT ON codeset.release, codeset.release_entry, codeset.history_event,
    codeset.code_version, codeset.modifier_version,
    codeset.code_history, codeset.modifier_history TO PUBLIC;
