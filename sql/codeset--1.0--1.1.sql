/* codeset--1.0--1.1.sql: ALTER EXTENSION codeset UPDATE from 1.0 to 1.1 */

\echo Use "ALTER EXTENSION codeset UPDATE TO '1.1'" to load this file. \quit

-- 1.1 keeps every release's content and derives the history from all of
-- them, whatever the order they were loaded in (doc/codeset.md, "History").
-- This script changes the tables, reads each user release's content back
-- from the history 1.0 wrote for it, loads 1.1's shipped files in place of
-- 1.0's and derives the history again.  User releases, user sets and the
-- release log survive.

-- A section holds every code it ever held: E/M begins at 99201 (a CPT code
-- until 2021-01-01), as code_section() now says.
UPDATE codeset.code_set SET codes = '{99201-99499}'
WHERE name = 'cpt:evaluation-management' AND source = 'codeset';

-- The release log: corrections and unloads, and the generation of each load
ALTER TABLE codeset.release ADD COLUMN superseded_by integer, ADD COLUMN unloaded_at timestamptz,
    ADD COLUMN loaded_generation integer;
COMMENT ON TABLE codeset.release IS
    'one row per release file loaded: which file, effective when, what it changed; superseded or unloaded releases stay in the log';
COMMENT ON COLUMN codeset.release.superseded_by IS
    'the release of a corrected file for the same date and families that replaced this one';
COMMENT ON COLUMN codeset.release.unloaded_at IS 'when codeset.unload_release() took this release out';
COMMENT ON COLUMN codeset.release.loaded_generation IS
    'the change of the history (codeset.history_event) its load made: the history as known at this release';

-- The loaders run as the tables' owner and record who called them
CREATE FUNCTION codeset.calling_role() RETURNS name
    AS 'MODULE_PATHNAME', 'codeset_calling_role' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.calling_role() IS
    'the role that called, outside any SECURITY DEFINER function: who loaded a release';
ALTER TABLE codeset.release ALTER COLUMN loaded_by SET DEFAULT codeset.calling_role();

-- A load whose snapshot predates another's commit fails with 40001
CREATE TABLE codeset.load_counter (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    loads bigint NOT NULL
);
INSERT INTO codeset.load_counter (loads) VALUES (0);
COMMENT ON TABLE codeset.load_counter IS
    'internal: one row every load and unload updates, so that a load whose snapshot predates another''s commit fails with 40001';
CREATE OR REPLACE FUNCTION codeset.lock_for_load() RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF codeset.in_extension_script() THEN
        RETURN;
    END IF;
    PERFORM codeset.check_load_node();
    IF current_setting('transaction_isolation') = 'repeatable read' THEN
        RAISE EXCEPTION 'codeset loads cannot run in a REPEATABLE READ transaction'
            USING ERRCODE = 'invalid_transaction_state',
                  DETAIL = 'Its snapshot may predate a release another session committed, which the load must build on.',
                  HINT = 'Load in a READ COMMITTED (the default) or SERIALIZABLE transaction.';
    END IF;
    LOCK TABLE codeset.release IN SHARE ROW EXCLUSIVE MODE;
    BEGIN
        UPDATE codeset.load_counter SET loads = loads + 1;
    EXCEPTION WHEN serialization_failure THEN
        RAISE EXCEPTION 'another codeset load committed after this transaction''s snapshot was taken'
            USING ERRCODE = 'serialization_failure',
                  DETAIL = 'A load must build on every release committed before it.',
                  HINT = 'Retry the transaction.';
    END;
END $$;
COMMENT ON FUNCTION codeset.lock_for_load() IS
    'internal: the lock every loader takes first, so that loads run one at a time';

-- Shipped releases draw their ids from a range below zero that no user id
-- can reach, so that a restore (which makes the shipped rows again) or a
-- later version (which ships more) never collides with a user's release;
-- 1.0's user releases keep their ids
CREATE SEQUENCE codeset.shipped_release_id_seq MINVALUE -1000000 MAXVALUE -1 START -1000000;
-- The id of the next release: a shipped one (while the extension script
-- runs) from the range below zero, a user's from release_id_seq.
CREATE FUNCTION codeset.next_release_id() RETURNS integer
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN pg_catalog.nextval(CASE WHEN codeset.in_extension_script() THEN 'codeset.shipped_release_id_seq'
                                   ELSE 'codeset.release_id_seq' END::regclass);
COMMENT ON FUNCTION codeset.next_release_id() IS
    'internal: the next release id: below zero for a shipped release, from release_id_seq for a user''s';

-- The validity cache no longer asks SQL for slots; the loaders' 1.0 core goes
DROP FUNCTION codeset.medcode_slot(@extschema@.medcode);
DROP FUNCTION codeset.modifier_slot(text);
DROP FUNCTION codeset.apply_release(integer, text, date, text[], text);
DROP FUNCTION codeset.comparable(codeset.code_attrs);
DROP FUNCTION codeset.with_list_description(codeset.code_attrs, text);

-- The validity cache as one value: each derivation of the history stores
-- it, and a new session reads it instead of building it from the tables
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
-- correct (a period shows those of the record that dates it).
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


-- No foreign keys among the tables: pg_restore -j loads them at once
ALTER TABLE codeset.code_version DROP CONSTRAINT code_version_release_id_fkey;
ALTER TABLE codeset.modifier_version DROP CONSTRAINT modifier_version_release_id_fkey;

-- Versions carry the generation that wrote them (1.0's were per release)
ALTER TABLE codeset.code_version ADD COLUMN generation integer;
UPDATE codeset.code_version SET generation = release_id;
ALTER TABLE codeset.code_version ALTER COLUMN generation SET NOT NULL,
    DROP CONSTRAINT code_version_pkey, ADD PRIMARY KEY (code, generation, period);
ALTER TABLE codeset.modifier_version ADD COLUMN generation integer;
UPDATE codeset.modifier_version SET generation = release_id;
ALTER TABLE codeset.modifier_version ALTER COLUMN generation SET NOT NULL,
    DROP CONSTRAINT modifier_version_pkey, ADD PRIMARY KEY (modifier, generation, period);
COMMENT ON COLUMN codeset.code_version.generation IS
    'the change of the history (codeset.history_event) that wrote this version';


CREATE OR REPLACE VIEW codeset.code_history AS
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

CREATE OR REPLACE VIEW codeset.modifier_history AS
SELECT v.modifier, v.period, v.valid_from, v.valid_to, v.possible_from, v.possible_to,
       v.short_description, v.long_description, v.action_code, v.add_date,
       v.action_effective_date, v.termination_date, v.release_id, v.source
FROM codeset.modifier_version v
JOIN (SELECT w.modifier, pg_catalog.max(w.generation) AS generation
      FROM codeset.modifier_version w GROUP BY w.modifier) latest
  ON latest.modifier = v.modifier AND latest.generation = v.generation
WHERE v.period > 0;
COMMENT ON VIEW codeset.modifier_history IS 'each modifier''s current effective-dated history';


SELECT pg_catalog.pg_extension_config_dump('codeset.release_entry', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.history_event', 'WHERE source = ''user''');
SELECT pg_catalog.pg_extension_config_dump('codeset.history_generation_seq', '');
GRANT SELECT ON codeset.release_entry, codeset.history_event TO PUBLIC;


-- codes(set [, date]): the codes of the set the code tables know (in force on the date),
-- one row each (every code's periods are numbered from 1).  The bodies are
-- strings, parsed when called: a parsed body's ORDER BY would need medcode's
-- operator class when pg_upgrade's dump creates the function, before it.
CREATE OR REPLACE FUNCTION @extschema@.codes(codes @extschema@.medcodeset) RETURNS SETOF @extschema@.medcode
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT h.code FROM codeset.code_history h
    WHERE h.period = 1 AND h.code OPERATOR(@extschema@.<@) codes.codes ORDER BY h.code
$$;
COMMENT ON FUNCTION @extschema@.codes(@extschema@.medcodeset) IS
    'the codes of the set that the code tables know, like a FHIR ValueSet $expand';
CREATE OR REPLACE FUNCTION @extschema@.codes(codes @extschema@.medcodeset, on_date date) RETURNS SETOF @extschema@.medcode
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

-- The release file readers refuse a code listed twice (the loaders asked SQL)
COMMENT ON FUNCTION codeset.hcpcs_file_entries(bytea, text, text) IS
    'the codes and modifiers of a CMS alpha-numeric HCPCS file, one row each; raises 22P04 naming the line of the first problem (a code listed twice among them)';
-- Code lists read tab-separated text too, and a filter column's value:
-- the list loaders and their file forms take a delimiter, an encoding and
-- a row filter (their signatures change; they are dropped and made again)
DROP FUNCTION codeset.load_code_list(text, text, date, text[], integer, integer);
DROP FUNCTION codeset.load_code_list_lines(text[], text, text, date, text[], integer, integer);
DROP FUNCTION codeset.load_hcpcs_file(text, date);
DROP FUNCTION codeset.load_code_list_data(bytea, text, text, date, text[], integer, integer, text);
DROP FUNCTION codeset.code_list_entries(bytea, text, integer, integer, text);
CREATE FUNCTION codeset.code_list_entries(content bytea, file_name text,
                                          code_column integer DEFAULT 1,
                                          description_column integer DEFAULT 0,
                                          encoding text DEFAULT 'UTF8',
                                          delimiter text DEFAULT ',',
                                          filter_column integer DEFAULT 0)
RETURNS TABLE (line_no integer, code @extschema@.medcode, description text, filter_value text)
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10000;
COMMENT ON FUNCTION codeset.code_list_entries(bytea, text, integer, integer, text, text, integer) IS
    'the codes of a CSV (or tab-separated) code list, a header line detected, with the filter column''s value; raises 22P04 naming the line of the first problem (a code listed twice among them)';

-- describe() in C, from a per-backend copy of the descriptions (it queried
-- the history at each call)
CREATE OR REPLACE FUNCTION @extschema@.describe(code @extschema@.medcode, on_date date DEFAULT CURRENT_DATE)
RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_describe'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.describe(@extschema@.medcode, date) IS
    'the short description in force on the date (else the last one before it); NULL for a code with no loaded description';

-- Raw text and service timestamps: describe(), code_system() and in_set()
-- on text, valid() on timestamps; invalid_reason() gives a missing date its
-- own reason; code_status() says why text is no code as the input error does

CREATE FUNCTION @extschema@.describe(code text, on_date date DEFAULT CURRENT_DATE)
RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN @extschema@.describe(@extschema@.to_medcode(code), on_date);
COMMENT ON FUNCTION @extschema@.describe(text, date) IS
    'describe() on raw text: NULL for text that is not a code, never an error';

CREATE FUNCTION @extschema@.code_system(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN @extschema@.code_system(@extschema@.to_medcode($1));
COMMENT ON FUNCTION @extschema@.code_system(text) IS
    'code_system() on raw text: NULL for text that is not a code, never an error';

CREATE FUNCTION @extschema@.in_set(text, text) RETURNS boolean
    AS 'MODULE_PATHNAME', 'text_in_named_set' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.in_set(text, text) IS
    'in_set() on raw text: false for text that is not a code; an unknown name is an error';

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

CREATE FUNCTION codeset.malformed_detail(text) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_malformed_detail' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.malformed_detail(text) IS
    'why the text is not a code, as the input error''s detail says it; NULL for a well-formed code';

CREATE OR REPLACE FUNCTION @extschema@.invalid_reason(text, date DEFAULT CURRENT_DATE) RETURNS text
    AS 'MODULE_PATHNAME', 'text_invalid_reason' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.invalid_reason(text, date) IS
    'NULL when valid, else no code, malformed, no date, not loaded, unknown, not yet effective, terminated or undetermined';

CREATE OR REPLACE FUNCTION @extschema@.invalid_reason(@extschema@.medcode, date DEFAULT CURRENT_DATE) RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_invalid_reason' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.invalid_reason(@extschema@.medcode, date) IS
    'NULL when valid, else no code, no date, not loaded, unknown, not yet effective, terminated or undetermined';

-- 1.1: reads the tables inside a Citus shard query too (doc/citus.md)
CREATE OR REPLACE FUNCTION @extschema@.lookup(code @extschema@.medcode)
RETURNS TABLE (code @extschema@.medcode, period smallint, valid_from date, valid_to date,
               possible_from date, possible_to date, short_description text,
               long_description text, action_code text, add_date date,
               action_effective_date date, termination_date date, coverage_code text,
               betos text, xrefs text[], release_id integer, file_name text)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 3
    SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on
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

CREATE OR REPLACE FUNCTION @extschema@.code_status(input text, on_date date DEFAULT CURRENT_DATE)
RETURNS TABLE (code @extschema@.medcode, valid boolean, reason text, detail text,
               last_day date, replaced_by @extschema@.medcode[])
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 1
    SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on
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
             -- the input function's own detail (for 99213-25: a modifier)
             WHEN 'malformed' THEN codeset.malformed_detail(code_status.input)
             WHEN 'not loaded' THEN
               -- the system a loader takes for the family: D codes are CDT's
               pg_catalog.format('no release covering %s codes (family %s) is loaded',
                      CASE WHEN @extschema@.code_kind(q.code) = 'dental' THEN 'CDT' ELSE @extschema@.code_system(q.code) END,
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

-- What claim feeds do to codes, undone where only one reading is possible,
-- and said: Unicode spaces (a no-break space from a spreadsheet), case,
-- modifiers written with the code, and leading zeros an integer column lost
-- (restored only when the result is a code the tables know).  Never a
-- guess: otherwise the code is NULL and reason says why.
CREATE TYPE codeset.repaired_code AS (code @extschema@.medcode, modifiers text[], repairs text[],
                                      reason text);
COMMENT ON TYPE codeset.repaired_code IS
    'what medcode_repair() made of claim text: the code, its modifiers, the repairs made, or why none could be';

CREATE FUNCTION @extschema@.medcode_repair(input text) RETURNS codeset.repaired_code
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- no-break, figure, thin, zero-width and ideographic spaces, the BOM
    unicode_spaces constant text := '[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]';
    t       text := input;
    repairs text[] := '{}';
    line    @extschema@.parsed_claim_line;
    padded  text;
BEGIN
    IF t ~ unicode_spaces THEN
        t := regexp_replace(t, unicode_spaces, ' ', 'g');
        repairs := repairs || 'removed Unicode spaces'::text;
    END IF;
    IF t <> btrim(t, E' \t\n\r\f\v') THEN
        t := btrim(t, E' \t\n\r\f\v');
        repairs := repairs || 'trimmed'::text;
    END IF;
    IF t <> upper(t) THEN
        t := upper(t);
        repairs := repairs || 'upper-cased'::text;
    END IF;
    IF t ~ '^[0-9]{1,4}$' THEN
        -- a number whose leading zeros an integer column dropped: only a
        -- code the tables know is a repair; anything else would be a guess
        padded := lpad(t, 5, '0');
        IF EXISTS (SELECT FROM codeset.code_history h WHERE h.code OPERATOR(@extschema@.=) padded::@extschema@.medcode) THEN
            RETURN ROW(padded::@extschema@.medcode, '{}'::text[], repairs || 'restored leading zeros'::text, NULL::text);
        END IF;
        RETURN ROW(NULL::@extschema@.medcode, NULL::text[], repairs,
                   format('"%s" may be %s with its leading zeros lost, but the loaded code tables do not know %s',
                          t, padded, padded));
    END IF;
    line := @extschema@.parse_claim_line(t);
    IF line.code IS NULL THEN
        RETURN ROW(NULL::@extschema@.medcode, NULL::text[], repairs, codeset.malformed_detail(t));
    END IF;
    IF cardinality(line.modifiers) > 0 THEN
        repairs := repairs || 'split off modifiers'::text;
    END IF;
    RETURN ROW(line.code, line.modifiers, repairs, NULL::text);
END
$$;
COMMENT ON FUNCTION @extschema@.medcode_repair(text) IS
    'the code in claim text, with what was repaired (Unicode spaces, case, modifiers, lost leading zeros of a known code), or NULL and why';

-- Partition pruning reads code <@ set: the planner writes a list of codes
-- as code = ANY, any other set as its bounds and this recheck
CREATE FUNCTION @extschema@.medcodeset_recheck_support(internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.medcodeset_recheck_support(internal) IS
    'planner support: the selectivity of medcode_in_set_recheck() beside its bounds';
CREATE FUNCTION @extschema@.medcode_in_set_recheck(@extschema@.medcode, @extschema@.medcodeset) RETURNS boolean
    AS 'MODULE_PATHNAME', 'medcode_in_set' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
    SUPPORT @extschema@.medcodeset_recheck_support;
COMMENT ON FUNCTION @extschema@.medcode_in_set_recheck(@extschema@.medcode, @extschema@.medcodeset) IS
    'code <@ set where bounds already test the set''s first and last code (as the planner writes it)';
COMMENT ON FUNCTION @extschema@.medcodeset_support(internal) IS
    'planner support: turns code <@ set into btree index conditions and clauses partition pruning reads';

-- How far the loaded releases reach, per family: a user can see that H, S
-- and T codes were last covered by the October 2025 CMS file, and whether a
-- date of service lies past what any release says.  After its newest
-- release a family answers as that release left it (valid() stays a
-- boolean); a release speaks for its quarter, so current_through is the
-- last day of the newest release's quarter.
CREATE VIEW codeset.coverage AS
SELECT c.family,
       CASE WHEN c.family = ANY (codeset.system_families('CPT')) THEN 'CPT'
            WHEN c.family = ANY (codeset.system_families('CDT')) THEN 'CDT' ELSE 'HCPCS' END AS code_system,
       c.first_release, c.last_release, c.releases, c.sources,
       -- CMS files date each code from its add date; complete lists speak
       -- from the first one on
       CASE WHEN 'hcpcs file' = ANY (c.sources) THEN '-infinity'::date ELSE c.first_release END AS exact_from,
       (pg_catalog.date_trunc('quarter', c.last_release) + interval '3 months - 1 day')::date AS current_through
FROM (SELECT f AS family, pg_catalog.min(r.effective) AS first_release,
             pg_catalog.max(r.effective) AS last_release, pg_catalog.count(*) AS releases,
             pg_catalog.array_agg(DISTINCT r.file_kind ORDER BY r.file_kind) AS sources
      FROM codeset.release r, pg_catalog.unnest(r.covers) f
      WHERE r.superseded_by IS NULL AND r.unloaded_at IS NULL
      GROUP BY f) c;
COMMENT ON VIEW codeset.coverage IS
    'per family: the first and newest active release, their kinds, from when the history is exact, and the last day the newest release speaks for';
GRANT SELECT ON codeset.coverage TO PUBLIC;

-- Freshness: the families more than two quarters behind a date, and the
-- WARNING CREATE EXTENSION, this update and the loaders give for them
CREATE FUNCTION codeset.stale_families(on_date date DEFAULT CURRENT_DATE)
RETURNS TABLE (family text, last_release date, quarters_behind integer)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT c.family, c.last_release, q.behind
    FROM codeset.coverage c,
         LATERAL (SELECT CASE WHEN c.code_system = 'HCPCS' THEN c.last_release
                              ELSE (pg_catalog.date_trunc('year', c.last_release) + interval '9 months')::date
                         END AS speaks_until) r,
         LATERAL (SELECT ((pg_catalog.date_part('year', stale_families.on_date) * 4
                           + pg_catalog.date_part('quarter', stale_families.on_date))
                          - (pg_catalog.date_part('year', r.speaks_until) * 4
                             + pg_catalog.date_part('quarter', r.speaks_until)))::integer AS behind) q
    WHERE q.behind > 2
    ORDER BY c.last_release, c.family;
END;
COMMENT ON FUNCTION codeset.stale_families(date) IS
    'the families whose newest loaded release is more than two quarters before the date (today by default)';
CREATE FUNCTION codeset.warn_if_stale(on_date date DEFAULT CURRENT_DATE) RETURNS void
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    families text;
BEGIN
    IF pg_catalog.current_setting('codeset.stale_warning', true) = 'off' THEN
        RETURN;
    END IF;
    SELECT pg_catalog.string_agg(g.list || ' (newest release ' || pg_catalog.to_char(g.last_release, 'YYYY-MM-DD') || ')', '; '
                                 ORDER BY g.last_release)
      INTO families
    FROM (SELECT s.last_release, pg_catalog.string_agg(s.family, ', ' ORDER BY s.family) AS list
          FROM codeset.stale_families(on_date) s GROUP BY s.last_release) g;
    IF families IS NULL THEN
        RETURN;
    END IF;
    RAISE WARNING 'codeset: the code tables of these families are more than two quarters behind %: %',
        pg_catalog.to_char(on_date, 'YYYY-MM-DD'), families
        USING DETAIL = 'valid() answers a date past a family''s newest release as that release left it; '
                       'codeset.coverage shows how far each family reaches.',
              HINT = 'Load the newer CMS HCPCS files with codeset.load_hcpcs_file(), or '
                     'SET codeset.stale_warning = off to silence this.';
END
$$;
COMMENT ON FUNCTION codeset.warn_if_stale(date) IS
    'internal: the WARNING that names the families more than two quarters behind the date, unless codeset.stale_warning is off';

CREATE FUNCTION @extschema@.past_data(code @extschema@.medcode, on_date date) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on
BEGIN ATOMIC
    SELECT past_data.on_date > c.current_through FROM codeset.coverage c
    WHERE c.family = @extschema@.code_family(past_data.code);
END;
COMMENT ON FUNCTION @extschema@.past_data(@extschema@.medcode, date) IS
    'the date lies past the quarter of the newest release covering the code''s family (its answer is that release''s, which a newer one may change); NULL when no release covers it';

-- The families each kind of list covers by default (one table, in
-- medcode_classify.c, for C and SQL).
CREATE OR REPLACE FUNCTION codeset.system_families(code_system text) RETURNS text[]
    AS 'MODULE_PATHNAME', 'codeset_system_families' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.system_families(text) IS
    'the code families of a system: CPT (the six Level I shapes), HCPCS (Level II letters but D), CDT (D)';

-- The history, derived from every release (src/history.sql)
CREATE FUNCTION codeset.derived_periods(families text[])
RETURNS TABLE (kind text, key text, period integer, valid_from date, valid_to date,
               possible_from date, possible_to date, record_release integer,
               list_release integer, dates_release integer)
    AS 'MODULE_PATHNAME', 'codeset_derived_periods' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 20000;
COMMENT ON FUNCTION codeset.derived_periods(text[]) IS
    'internal: each code''s periods derived from the active releases of the families, and the releases that give their attributes';

CREATE FUNCTION codeset.source_conflicts(families text[])
RETURNS TABLE (kind text, key text, date_from date, date_to date, record_release integer,
               record_says text, snapshot_release integer, snapshot_says text)
    AS 'MODULE_PATHNAME', 'codeset_source_conflicts' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION codeset.source_conflicts(text[]) IS
    'the days on which a CMS HCPCS record overrides what the releases'' lists imply';

-- Where the sources disagree, and which one the history follows: a CMS
-- record's dates win over what a snapshot (presence in a complete list)
-- implies.
CREATE VIEW codeset.source_disagreement AS
SELECT c.kind, c.key, c.date_from, c.date_to,
       c.record_release, rr.file_name AS record_file, c.record_says,
       c.snapshot_release, sr.file_name AS snapshot_file, c.snapshot_says,
       'record' AS followed
FROM codeset.source_conflicts(
         ARRAY(SELECT DISTINCT f FROM codeset.release r, pg_catalog.unnest(r.covers) f
               WHERE r.superseded_by IS NULL AND r.unloaded_at IS NULL)) c
JOIN codeset.release rr ON rr.release_id = c.record_release
JOIN codeset.release sr ON sr.release_id = c.snapshot_release;
COMMENT ON VIEW codeset.source_disagreement IS
    'days on which a CMS record and a release''s list disagree about a code: what each says; the history follows the record';
GRANT SELECT ON codeset.source_disagreement TO PUBLIC;

-- Derives the history of the families again from all active releases and
-- writes, under p_generation, a new version of each code and modifier whose
-- periods changed (period 0 alone for one that no longer has any).
-- Returns how many codes and modifiers got a new version, and how many of
-- those had none before.
CREATE FUNCTION codeset.derive_history(p_families text[], p_generation integer, p_source text,
                                       OUT changed integer, OUT added integer)
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    -- the entries of every release, sorted by code, fit in memory
    SET work_mem = '64MB'
AS $$
BEGIN
    -- One statement, no temporary table (a load must be able to PREPARE
    -- TRANSACTION, as on a Citus cluster).  Its parts read the tables as
    -- they were before it; none reads what another writes.
    WITH derived AS MATERIALIZED (
        -- A period's descriptive attributes come from one record (and a
        -- list's short description); its action code, dates and
        -- cross-references from the record that dates its days.
        SELECT d.kind, d.key, d.period, d.valid_from, d.valid_to, d.possible_from, d.possible_to,
               coalesce(d.list_release, d.record_release) AS release_id,
               ROW(CASE WHEN d.list_release IS NOT NULL THEN le.short_description ELSE re.short_description END,
                   CASE WHEN d.list_release IS NULL THEN re.long_description END,
                   coalesce(de.action_code, re.action_code), coalesce(de.add_date, re.add_date),
                   coalesce(de.action_effective_date, re.action_effective_date),
                   CASE WHEN de.key IS NOT NULL THEN de.termination_date ELSE re.termination_date END,
                   re.coverage_code, re.betos, re.type_of_service, re.pricing_indicators,
                   re.multiple_pricing, CASE WHEN de.key IS NOT NULL THEN de.xrefs ELSE re.xrefs END,
                   re.asc_group, re.lab_cert, re.proc_note, re.anesthesia_base_units)::codeset.code_attrs AS attrs
        FROM codeset.derived_periods(p_families) d
        LEFT JOIN codeset.release_entry re
               ON re.release_id = d.record_release AND re.kind = d.kind AND re.key = d.key
        LEFT JOIN codeset.release_entry le
               ON le.release_id = d.list_release AND le.kind = d.kind AND le.key = d.key
        LEFT JOIN codeset.release_entry de
               ON de.release_id = d.dates_release AND de.kind = d.kind AND de.key = d.key
    ), now AS MATERIALIZED (
        -- the current history of the same families, to compare with
        SELECT 'code'::text AS kind, h.code::text AS key, h.period::integer AS period, h.valid_from,
               h.valid_to, h.possible_from, h.possible_to, h.release_id,
               ROW(h.short_description, h.long_description, h.action_code, h.add_date,
                   h.action_effective_date, h.termination_date, h.coverage_code, h.betos,
                   h.type_of_service, h.pricing_indicators, h.multiple_pricing, h.xrefs,
                   h.asc_group, h.lab_cert, h.proc_note, h.anesthesia_base_units)::codeset.code_attrs AS attrs
        FROM codeset.code_history h
        WHERE @extschema@.code_family(h.code) = ANY (p_families)
        UNION ALL
        SELECT 'modifier', v.modifier, v.period, v.valid_from, v.valid_to, v.possible_from, v.possible_to,
               v.release_id,
               ROW(v.short_description, v.long_description, v.action_code, v.add_date,
                   v.action_effective_date, v.termination_date, v.coverage_code, v.betos,
                   v.type_of_service, v.pricing_indicators, v.multiple_pricing, v.xrefs,
                   v.asc_group, v.lab_cert, v.proc_note, v.anesthesia_base_units)::codeset.code_attrs
        FROM codeset.modifier_version v
        WHERE 'modifier' = ANY (p_families) AND v.period > 0
          AND v.generation = (SELECT max(w.generation) FROM codeset.modifier_version w
                              WHERE w.modifier = v.modifier)
    ), a AS (
        SELECT kind, key, string_agg(ROW(period, valid_from, valid_to, possible_from, possible_to,
                                          release_id, attrs)::text, ';' ORDER BY period) AS sig
        FROM derived GROUP BY kind, key
    ), b AS (
        SELECT kind, key, string_agg(ROW(period, valid_from, valid_to, possible_from, possible_to,
                                          release_id, attrs)::text, ';' ORDER BY period) AS sig
        FROM now GROUP BY kind, key
    ), changed_keys AS MATERIALIZED (
        SELECT coalesce(a.kind, b.kind) AS kind, coalesce(a.key, b.key) AS key,
               a.key IS NOT NULL AS derived, b.key IS NULL AS is_new
        FROM a FULL JOIN b ON a.kind = b.kind AND a.key = b.key
        WHERE a.sig IS DISTINCT FROM b.sig
    ), new_code_versions AS (
        INSERT INTO codeset.code_version
        SELECT d.key::@extschema@.medcode, d.release_id, d.period, d.valid_from, d.valid_to,
               d.possible_from, d.possible_to, (d.attrs).*, p_source, p_generation
        FROM derived d JOIN changed_keys c USING (kind, key)
        WHERE d.kind = 'code'
    ), new_modifier_versions AS (
        INSERT INTO codeset.modifier_version
        SELECT d.key, d.release_id, d.period, d.valid_from, d.valid_to,
               d.possible_from, d.possible_to, (d.attrs).*, p_source, p_generation
        FROM derived d JOIN changed_keys c USING (kind, key)
        WHERE d.kind = 'modifier'
    ), code_tombstones AS (
        -- no period left: a version of period 0 alone, naming its last release
        INSERT INTO codeset.code_version (code, release_id, period, valid_from, valid_to, source, generation)
        SELECT c.key::@extschema@.medcode, max(n.release_id), 0, '-infinity', '-infinity', p_source, p_generation
        FROM changed_keys c JOIN now n USING (kind, key)
        WHERE NOT c.derived AND c.kind = 'code' GROUP BY c.key
    ), modifier_tombstones AS (
        INSERT INTO codeset.modifier_version (modifier, release_id, period, valid_from, valid_to, source, generation)
        SELECT c.key, max(n.release_id), 0, '-infinity', '-infinity', p_source, p_generation
        FROM changed_keys c JOIN now n USING (kind, key)
        WHERE NOT c.derived AND c.kind = 'modifier' GROUP BY c.key
    )
    SELECT count(*), count(*) FILTER (WHERE is_new) INTO changed, added FROM changed_keys;
    -- Sessions' validity caches read the tables again after this commits,
    -- from the image stored here
    PERFORM codeset.invalidate_cache();
    PERFORM codeset.store_validity_image();
END
$$;
COMMENT ON FUNCTION codeset.derive_history(text[], integer, text) IS
    'internal: derives the history of the families from every active release; writes a version of each code it changes';

-- What a release changed, in the words of CMS's transaction report.  For a
-- CMS HCPCS file, each record whose action code is not N (no maintenance):
-- CMS states the change itself.  For a code list, the difference from the
-- release before it of the same families: codes new to it (ADD), codes it
-- no longer lists (Discontinued), a new short description.  Old values are
-- those of the release before it (previous_release; of two on one date, the
-- list), whatever the order they were loaded in.
CREATE FUNCTION codeset.release_changes(release_id integer)
RETURNS TABLE (kind text, key text, change text, action_effective_date date,
               old_short_description text, new_short_description text,
               old_long_description text, new_long_description text,
               old_termination_date date, new_termination_date date, previous_release integer)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    WITH r AS (
        SELECT rl.* FROM codeset.release rl WHERE rl.release_id = release_changes.release_id
    ), prev AS (
        SELECT f AS family,
               (SELECT p.release_id FROM codeset.release p
                WHERE f = ANY (p.covers) AND p.effective < r.effective
                  AND p.superseded_by IS NULL AND p.unloaded_at IS NULL
                  -- a CMS file's old values are those of the CMS file before it
                  AND (r.file_kind = 'code list' OR p.file_kind = 'hcpcs file')
                ORDER BY p.effective DESC, p.file_kind = 'code list' DESC, p.content_sha256 LIMIT 1) AS release_id
        FROM r, pg_catalog.unnest(r.covers) f
    ), cur AS (
        SELECT e.* FROM codeset.release_entry e WHERE e.release_id = release_changes.release_id
    ), old AS (
        -- one scan of each release before (families mostly share one)
        SELECT e.*, p.release_id AS prev_release
        FROM codeset.release_entry e
        JOIN prev p ON p.release_id = e.release_id AND p.family = e.family
        WHERE e.release_id = ANY (ARRAY(SELECT DISTINCT q.release_id FROM prev q))
    ), j AS (
        SELECT coalesce(c.kind, o.kind) AS kind, coalesce(c.key, o.key) AS key,
               c.key IS NOT NULL AS listed, o.key IS NOT NULL AS was_listed,
               c.action_code, c.action_effective_date,
               c.has_attrs AS has_attrs, o.has_attrs AS had_attrs,
               o.short_description AS old_short, c.short_description AS new_short,
               o.long_description AS old_long, c.long_description AS new_long,
               o.termination_date AS old_term, c.termination_date AS new_term,
               coalesce(o.prev_release, (SELECT p.release_id FROM prev p WHERE p.family = c.family)) AS prev_release
        FROM cur c FULL JOIN old o ON o.kind = c.kind AND o.key = c.key
    )
    SELECT j.kind, j.key,
           CASE WHEN r.file_kind = 'hcpcs file' THEN
                    CASE j.action_code
                        WHEN 'A' THEN 'ADD'
                        WHEN 'B' THEN 'Coverage and Long Description Change'
                        WHEN 'C' THEN 'Long Description Change'
                        WHEN 'D' THEN 'Discontinued'
                        WHEN 'F' THEN 'Coverage Change'
                        WHEN 'P' THEN 'Payment Change'
                        WHEN 'R' THEN 'Re-activated'
                        WHEN 'S' THEN 'Short Description Change'
                        WHEN 'T' THEN 'Misc Change (TOS, BETOS)'
                        ELSE 'Change (action code ' || j.action_code || ')' END
                WHEN NOT j.was_listed THEN 'ADD'
                WHEN NOT j.listed THEN 'Discontinued'
                ELSE 'Short Description Change' END,
           j.action_effective_date,
           j.old_short, CASE WHEN j.listed THEN j.new_short END,
           j.old_long, CASE WHEN j.listed THEN j.new_long END,
           j.old_term, j.new_term, j.prev_release
    FROM j, r
    WHERE CASE WHEN r.file_kind = 'hcpcs file' THEN j.listed AND j.action_code <> 'N'
               ELSE NOT j.was_listed OR NOT j.listed
                    OR (j.has_attrs AND j.had_attrs AND j.old_short IS DISTINCT FROM j.new_short) END
    ORDER BY j.kind, j.key;
END;
COMMENT ON FUNCTION codeset.release_changes(integer) IS
    'each code and modifier a release added, discontinued, reactivated or changed, in the words of CMS''s transaction report, with old and new values';

-- A release's counts in codeset.release: of a CMS file, by its records'
-- action codes (CMS's own statement of what changed); of a list, from
-- release_changes().
CREATE FUNCTION codeset.change_counts(p_release integer, OUT added integer, OUT changed integer,
                                      OUT terminated integer, OUT unchanged integer)
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (SELECT rl.file_kind FROM codeset.release rl WHERE rl.release_id = p_release) = 'hcpcs file' THEN
        SELECT count(*) FILTER (WHERE e.action_code IN ('A', 'R')),
               count(*) FILTER (WHERE e.action_code NOT IN ('A', 'R', 'D', 'N')),
               count(*) FILTER (WHERE e.action_code = 'D'),
               count(*) FILTER (WHERE e.action_code = 'N')
          INTO added, changed, terminated, unchanged
        FROM codeset.release_entry e WHERE e.release_id = p_release;
        RETURN;
    END IF;
    SELECT count(*) FILTER (WHERE c.change = 'ADD'),
           count(*) FILTER (WHERE c.change = 'Short Description Change'),
           count(*) FILTER (WHERE c.change = 'Discontinued')
      INTO added, changed, terminated
    FROM codeset.release_changes(p_release) c;
    unchanged := (SELECT count(*) FROM codeset.release_entry e WHERE e.release_id = p_release)
                 - added - changed;
END
$$;
COMMENT ON FUNCTION codeset.change_counts(integer) IS
    'internal: how many codes a release added, changed, discontinued and left unchanged';

-- A list's counts compare it with the release before it: after a load or an
-- unload at p_after, the next releases of the same families count again.
CREATE FUNCTION codeset.refresh_counts(p_covers text[], p_after date) RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    c record;
BEGIN
    FOR r IN
        WITH fam AS (
            SELECT rl.release_id, rl.file_kind, rl.effective, f FROM codeset.release rl, unnest(rl.covers) f
            WHERE f = ANY (p_covers) AND rl.effective > p_after
              AND rl.superseded_by IS NULL AND rl.unloaded_at IS NULL
        )
        SELECT DISTINCT a.release_id FROM fam a
        WHERE a.file_kind = 'code list'
          AND a.effective = (SELECT min(b.effective) FROM fam b WHERE b.f = a.f)
    LOOP
        c := codeset.change_counts(r.release_id);
        UPDATE codeset.release rl
           SET codes_added = c.added, codes_changed = c.changed, codes_terminated = c.terminated,
               codes_unchanged = c.unchanged
        WHERE rl.release_id = r.release_id;
    END LOOP;
END
$$;
COMMENT ON FUNCTION codeset.refresh_counts(text[], date) IS
    'internal: counts again the lists that follow a release loaded or unloaded behind them';

-- CREATE EXTENSION loads the shipped releases, then derives their history
-- once: one generation for all of them.
CREATE FUNCTION codeset.install_history() RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    SET jit = off
AS $$
DECLARE
    g integer;
    r record;
    c record;
BEGIN
    INSERT INTO codeset.history_event (release_id, action, source) VALUES (NULL, 'install', 'codeset')
    RETURNING generation INTO g;
    -- the tables are new: without statistics the derivation's plans are poor
    ANALYZE codeset.release, codeset.release_entry;
    PERFORM codeset.derive_history(ARRAY(SELECT DISTINCT f FROM codeset.release rl, unnest(rl.covers) f),
                                   g, 'codeset');
    FOR r IN SELECT rl.release_id FROM codeset.release rl WHERE rl.loaded_generation IS NULL LOOP
        c := codeset.change_counts(r.release_id);
        UPDATE codeset.release rl
           SET codes_added = c.added, codes_changed = c.changed, codes_terminated = c.terminated,
               codes_unchanged = c.unchanged, loaded_generation = g
        WHERE rl.release_id = r.release_id;
    END LOOP;
END
$$;
COMMENT ON FUNCTION codeset.install_history() IS
    'internal: derives the history of the shipped releases once, at CREATE EXTENSION';
REVOKE EXECUTE ON FUNCTION codeset.install_history() FROM PUBLIC;

-- The loaders' shared skeleton, in three steps: start_load (the lock, and
-- the same file loaded already?), add_release (the release row; a corrected
-- file for the same date and families replaces the one loaded), then, once
-- the entries are in codeset.release_entry, finish_load (the history
-- derived again, the counts).  CREATE EXTENSION derives once, at the end.
CREATE FUNCTION codeset.start_load(p_sha bytea, p_kind text, p_system text, p_effective date,
                                   p_covers text[])
RETURNS codeset.release
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r codeset.release;
BEGIN
    PERFORM codeset.lock_for_load();
    SELECT * INTO r FROM codeset.release rl
    WHERE rl.content_sha256 = p_sha AND rl.file_kind = p_kind AND rl.code_system = p_system
      AND (p_effective IS NULL OR rl.effective = p_effective)
      AND (p_covers IS NULL OR rl.covers = p_covers)
      AND rl.superseded_by IS NULL AND rl.unloaded_at IS NULL
    ORDER BY rl.release_id LIMIT 1;
    RETURN r;   -- all NULL when not loaded
END
$$;
COMMENT ON FUNCTION codeset.start_load(bytea, text, text, date, text[]) IS
    'internal: takes the loaders'' lock; the active release of the same file, if it is loaded already';

-- The same file is judged by what it says, not by its bytes: a file saved
-- with other line ends, or passed as lines through \copy, lists the same
-- codes with the same attributes.  The active release of the same kind,
-- system, date and families whose entries are those of p_new, if any.
CREATE FUNCTION codeset.same_content(p_new integer, p_kind text, p_system text, p_effective date,
                                     p_covers text[]) RETURNS integer
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
    SELECT r.release_id FROM codeset.release r
    WHERE r.file_kind = p_kind AND r.code_system = p_system AND r.effective = p_effective
      AND r.covers = p_covers AND r.superseded_by IS NULL AND r.unloaded_at IS NULL
      AND r.release_id <> p_new
      AND (SELECT count(*) FROM codeset.release_entry o WHERE o.release_id = r.release_id)
          = (SELECT count(*) FROM codeset.release_entry n WHERE n.release_id = p_new)
      -- (release, kind, key) is a key: as many entries, none missing, is the same
      AND NOT EXISTS (
          SELECT n.kind, n.key, n.family, n.has_attrs, n.attrs_hash, n.short_hash, n.action_code,
                 n.add_date, n.action_effective_date, n.termination_date, n.xrefs
          FROM codeset.release_entry n WHERE n.release_id = p_new
          EXCEPT
          SELECT o.kind, o.key, o.family, o.has_attrs, o.attrs_hash, o.short_hash, o.action_code,
                 o.add_date, o.action_effective_date, o.termination_date, o.xrefs
          FROM codeset.release_entry o WHERE o.release_id = r.release_id)
    ORDER BY r.release_id LIMIT 1;
END;
COMMENT ON FUNCTION codeset.same_content(integer, text, text, date, text[]) IS
    'internal: the active release of the same kind, system, date and families that lists what release p_new lists, if any';

CREATE FUNCTION codeset.add_release(p_release integer, p_system text, p_kind text, p_file_name text,
                                    p_effective date, p_covers text[], p_sha bytea, p_skipped integer,
                                    OUT release_id integer, OUT replaced integer)
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO codeset.release (release_id, code_system, file_kind, file_name, effective, covers,
                                 content_sha256, source, codes_added, codes_changed, codes_terminated,
                                 codes_unchanged, rows_skipped)
    VALUES (p_release, p_system, p_kind, p_file_name, p_effective, p_covers, p_sha,
            CASE WHEN codeset.in_extension_script() THEN 'codeset' ELSE 'user' END, 0, 0, 0, 0, p_skipped)
    RETURNING codeset.release.release_id INTO add_release.release_id;
    -- A corrected file (CMS re-posts a quarter as _v2 ... _v4) replaces the
    -- release of the same kind, date and families; the log keeps both.
    UPDATE codeset.release rl SET superseded_by = add_release.release_id
    WHERE rl.file_kind = p_kind AND rl.code_system = p_system AND rl.effective = p_effective
      AND rl.covers = p_covers AND rl.release_id <> add_release.release_id
      AND rl.superseded_by IS NULL AND rl.unloaded_at IS NULL
    RETURNING rl.release_id INTO replaced;
END
$$;
COMMENT ON FUNCTION codeset.add_release(integer, text, text, text, date, text[], bytea, integer) IS
    'internal: the release row of a load; marks the release it replaces (same kind, date and families) superseded';

CREATE FUNCTION codeset.finish_load(p_release integer, p_replaced integer)
RETURNS codeset.load_summary
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r codeset.release;
    g integer;
    c record;
BEGIN
    SELECT * INTO r FROM codeset.release rl WHERE rl.release_id = p_release;
    IF codeset.in_extension_script() THEN
        -- the install script derives the history once, after its last load
        RETURN ROW(p_release, r.code_system, r.file_name, r.effective, 'loaded'::text, 0, 0, 0, 0,
                   r.rows_skipped);
    END IF;
    INSERT INTO codeset.history_event (release_id, action, source)
    VALUES (p_release, 'load', r.source) RETURNING generation INTO g;
    PERFORM codeset.derive_history(r.covers, g, r.source);
    c := codeset.change_counts(p_release);
    UPDATE codeset.release rl
       SET codes_added = c.added, codes_changed = c.changed, codes_terminated = c.terminated,
           codes_unchanged = c.unchanged, loaded_generation = g
    WHERE rl.release_id = p_release;
    PERFORM codeset.refresh_counts(r.covers, r.effective);
    PERFORM codeset.warn_if_stale(CURRENT_DATE);
    RETURN ROW(p_release, r.code_system, r.file_name, r.effective,
               CASE WHEN p_replaced IS NULL THEN 'loaded' ELSE 'replaced' END,
               c.added, c.changed, c.terminated, c.unchanged, r.rows_skipped);
END
$$;
COMMENT ON FUNCTION codeset.finish_load(integer, integer) IS
    'internal: derives the history again with the new release and records what it changed';

CREATE OR REPLACE FUNCTION codeset.load_hcpcs_data(content bytea, file_name text, effective date DEFAULT NULL,
                                        encoding text DEFAULT 'WIN1252')
RETURNS codeset.load_summary
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET jit = off
AS $$
DECLARE
    v_sha       bytea;
    v_covers    text[] := codeset.system_families('HCPCS') || '{modifier}'::text[];
    v_id        integer;
    v_eff       date;
    v_skipped   integer;
    v_bad_code  text;
    v_bad_dates text;
    v_new       record;
    r           record;
BEGIN
    IF content IS NULL OR file_name IS NULL OR encoding IS NULL THEN
        RAISE EXCEPTION 'content, file_name and encoding must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    v_sha := sha256(content);
    r := codeset.start_load(v_sha, 'hcpcs file', 'HCPCS', NULL, NULL);
    IF r.release_id IS NOT NULL THEN
        RETURN ROW(r.release_id, 'HCPCS'::text, file_name, r.effective, 'already loaded'::text, 0, 0, 0, 0, 0);
    END IF;

    -- One statement, no temporary table (a load must be able to PREPARE
    -- TRANSACTION, as on a Citus cluster): the entries of the families the
    -- file covers go in under the id the release row gets next, and what the
    -- checks and the release row need is read from the same parse.  A
    -- failed check raises, and the entries go with the transaction.  (The
    -- entries are written whatever the main query reads of them.)
    -- hcpcs_file_entries() has refused a code listed twice.
    v_id := codeset.next_release_id();
    WITH f AS MATERIALIZED (
        SELECT e.*, CASE WHEN e.kind = 'code' AND @extschema@.is_medcode(e.code)
                         THEN @extschema@.code_family(e.code::@extschema@.medcode)
                         WHEN e.kind = 'modifier' THEN 'modifier' END AS family
        FROM codeset.hcpcs_file_entries(content, file_name, encoding) e
    ), kept AS (
        INSERT INTO codeset.release_entry
        SELECT v_id, f.kind, f.code, f.family, f.line_no, true,
               f.short_description, f.long_description, f.action_code, f.add_date,
               f.action_effective_date, f.termination_date, f.coverage_code, f.betos,
               f.type_of_service, f.pricing_indicators, f.multiple_pricing, f.xrefs, f.asc_group,
               f.lab_cert, f.proc_note, f.anesthesia_base_units,
               CASE WHEN codeset.in_extension_script() THEN 'codeset' ELSE 'user' END,
               codeset.period_hash(ROW(f.short_description, f.long_description, f.action_code, f.add_date,
                   f.action_effective_date, f.termination_date, f.coverage_code, f.betos,
                   f.type_of_service, f.pricing_indicators, f.multiple_pricing, f.xrefs, f.asc_group,
                   f.lab_cert, f.proc_note, f.anesthesia_base_units)::codeset.code_attrs),
               hashtextextended(coalesce(f.short_description, ''), 0)
        FROM f WHERE f.family = ANY (v_covers)
        RETURNING 1
    )
    SELECT (array_agg(format('line %s: "%s" is not a procedure code', f.line_no, f.code) ORDER BY f.line_no)
                FILTER (WHERE f.kind = 'code' AND f.family IS NULL))[1],
           (array_agg(format('line %s: %s "%s" ends on %s before it starts on %s',
                             f.line_no, f.kind, f.code, f.termination_date, f.add_date) ORDER BY f.line_no)
                FILTER (WHERE f.termination_date < f.add_date))[1],
           -- the release date: as given, else the date most actions in the
           -- file take effect
           coalesce(effective,
                    mode() WITHIN GROUP (ORDER BY f.action_effective_date)
                        FILTER (WHERE f.action_code <> 'N' AND f.action_effective_date IS NOT NULL),
                    max(f.add_date)),
           -- CPT and CDT rows (CMS files may carry some) are not Level II: skipped
           count(*) FILTER (WHERE NOT f.family = ANY (v_covers))
      INTO v_bad_code, v_bad_dates, v_eff, v_skipped
    FROM f;
    IF v_bad_code IS NOT NULL OR v_bad_dates IS NOT NULL THEN
        RAISE EXCEPTION 'invalid HCPCS file "%", %', file_name, coalesce(v_bad_code, v_bad_dates)
            USING ERRCODE = 'bad_copy_file_format', HINT = 'Nothing was loaded.';
    END IF;
    IF v_eff IS NULL THEN
        RAISE EXCEPTION 'cannot tell the release date of HCPCS file "%"', file_name
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'No record of the file has an add date or the date of an action other than N.',
                  HINT = 'Give the date the file takes effect (the effective argument). Nothing was loaded.';
    END IF;

    -- The same content as a loaded release (other bytes): nothing changes
    SELECT rl.* INTO r FROM codeset.release rl
    WHERE rl.release_id = codeset.same_content(v_id, 'hcpcs file', 'HCPCS', v_eff, v_covers);
    IF r.release_id IS NOT NULL THEN
        DELETE FROM codeset.release_entry e WHERE e.release_id = v_id;
        RETURN ROW(r.release_id, 'HCPCS'::text, file_name, r.effective, 'already loaded'::text, 0, 0, 0, 0, 0);
    END IF;
    v_new := codeset.add_release(v_id, 'HCPCS', 'hcpcs file', file_name, v_eff, v_covers, v_sha, v_skipped);
    RETURN codeset.finish_load(v_new.release_id, v_new.replaced);
END
$$;
COMMENT ON FUNCTION codeset.load_hcpcs_data(bytea, text, date, text) IS
    'load a CMS alpha-numeric HCPCS file given as bytes (e.g. from a staging table); one transaction';

CREATE FUNCTION codeset.load_code_list_data(content bytea, file_name text, code_system text, effective date,
                                       covers text[] DEFAULT NULL, code_column integer DEFAULT 1,
                                       description_column integer DEFAULT 0,
                                       encoding text DEFAULT 'UTF8', delimiter text DEFAULT ',',
                                       filter_column integer DEFAULT 0, filter_values text[] DEFAULT NULL)
RETURNS codeset.load_summary
    LANGUAGE plpgsql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET jit = off
AS $$
DECLARE
    v_sha     bytea;
    v_covers  text[];
    v_id      integer;
    v_skipped integer;
    v_new     record;
    r         record;
BEGIN
    IF content IS NULL OR file_name IS NULL OR code_system IS NULL OR effective IS NULL
       OR code_column IS NULL OR description_column IS NULL OR encoding IS NULL OR delimiter IS NULL
       OR filter_column IS NULL THEN
        RAISE EXCEPTION 'only covers and filter_values may be null in a call of codeset.load_code_list_data'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF (filter_column = 0) <> (filter_values IS NULL) THEN
        RAISE EXCEPTION 'filter_column and filter_values go together'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give both (the rows whose filter_column holds one of filter_values are loaded), or neither.';
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

    v_sha := sha256(content);
    -- No shortcut by bytes: the same bytes read with other columns, another
    -- delimiter or another filter are another list.  Whether it is loaded
    -- already is judged by its content, once read (below).
    PERFORM codeset.start_load(NULL, 'code list', code_system, effective, v_covers);

    -- One statement, no temporary table, as in load_hcpcs_data; every code
    -- is a medcode and none is listed twice (code_list_entries() refuses
    -- the file otherwise).  Codes of other families (CPT rows in a HCPCS
    -- list, say) are skipped.
    v_id := codeset.next_release_id();
    WITH l AS MATERIALIZED (
        SELECT e.line_no, e.code, e.description, @extschema@.code_family(e.code) AS family,
               -- a filter keeps the rows whose filter column holds one of its values
               (filter_values IS NULL OR e.filter_value = ANY (filter_values)) AS wanted
        FROM codeset.code_list_entries(content, file_name, code_column, description_column, encoding,
                                       delimiter, filter_column) e
    ), kept AS (
        INSERT INTO codeset.release_entry (release_id, kind, key, family, line_no, has_attrs,
                                           short_description, source, attrs_hash, short_hash)
        SELECT v_id, 'code', l.code::text, l.family, l.line_no, description_column > 0,
               l.description, CASE WHEN codeset.in_extension_script() THEN 'codeset' ELSE 'user' END,
               -- a list's entry has no attributes but its short description
               hashtextextended(coalesce(l.description, ''), 0), hashtextextended(coalesce(l.description, ''), 0)
        FROM l WHERE l.family = ANY (v_covers) AND l.wanted
        RETURNING 1
    )
    SELECT count(*) FILTER (WHERE NOT (l.family = ANY (v_covers) AND l.wanted)) INTO v_skipped FROM l;

    -- The same content as a loaded release (other bytes): nothing changes
    SELECT rl.* INTO r FROM codeset.release rl
    WHERE rl.release_id = codeset.same_content(v_id, 'code list', load_code_list_data.code_system,
                                               load_code_list_data.effective, v_covers);
    IF r.release_id IS NOT NULL THEN
        DELETE FROM codeset.release_entry e WHERE e.release_id = v_id;
        RETURN ROW(r.release_id, code_system, file_name, effective, 'already loaded'::text, 0, 0, 0, 0, 0);
    END IF;
    v_new := codeset.add_release(v_id, code_system, 'code list', file_name, effective, v_covers, v_sha, v_skipped);
    RETURN codeset.finish_load(v_new.release_id, v_new.replaced);
END
$$;
COMMENT ON FUNCTION codeset.load_code_list_data(bytea, text, text, date, text[], integer, integer, text, text, integer, text[]) IS
    'load a CSV (or tab-separated) list of the codes of a system in force on a date, given as bytes, optionally only its rows with given values in a column; one transaction';

CREATE FUNCTION codeset.load_code_list(path text, code_system text, effective date,
                                       covers text[] DEFAULT NULL, code_column integer DEFAULT 1,
                                       description_column integer DEFAULT 0,
                                       encoding text DEFAULT 'UTF8', delimiter text DEFAULT ',',
                                       filter_column integer DEFAULT 0, filter_values text[] DEFAULT NULL)
RETURNS codeset.load_summary
    LANGUAGE sql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN codeset.load_code_list_data(codeset.read_server_file(path), path, code_system, effective, covers,
                                  code_column, description_column, encoding, delimiter,
                                  filter_column, filter_values);
COMMENT ON FUNCTION codeset.load_code_list(text, text, date, text[], integer, integer, text, text, integer, text[]) IS
    'load a CSV (or tab-separated) code list from the server''s file system (superuser or pg_read_server_files)';


CREATE FUNCTION codeset.load_code_list_lines(lines text[], file_name text, code_system text,
                                             effective date, covers text[] DEFAULT NULL,
                                             code_column integer DEFAULT 1,
                                             description_column integer DEFAULT 0,
                                             delimiter text DEFAULT ',', filter_column integer DEFAULT 0,
                                             filter_values text[] DEFAULT NULL)
RETURNS codeset.load_summary
    LANGUAGE sql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN codeset.load_code_list_data(pg_catalog.convert_to(pg_catalog.array_to_string(lines, E'\n', ''), 'UTF8'), file_name,
                                       code_system, effective, covers, code_column,
                                       description_column, 'UTF8', delimiter, filter_column, filter_values);
COMMENT ON FUNCTION codeset.load_code_list_lines(text[], text, text, date, text[], integer, integer, text, integer, text[]) IS
    'load a CSV (or tab-separated) code list given as its lines in order (from a \copy staging table)';


CREATE FUNCTION codeset.load_hcpcs_file(path text, effective date DEFAULT NULL,
                                        encoding text DEFAULT 'WIN1252')
RETURNS codeset.load_summary
    LANGUAGE sql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN codeset.load_hcpcs_data(codeset.read_server_file(path), path, effective, encoding);
COMMENT ON FUNCTION codeset.load_hcpcs_file(text, date, text) IS
    'load a CMS alpha-numeric HCPCS file from the server''s file system (superuser or pg_read_server_files)';

-- Takes a release out: the history becomes exactly what it would be had
-- the release never been loaded (a release it replaced is active again).
-- The release log keeps it, with unloaded_at set.
CREATE FUNCTION codeset.unload_release(release_id integer)
RETURNS codeset.load_summary
    LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET jit = off
AS $$
DECLARE
    r codeset.release;
    g integer;
BEGIN
    PERFORM codeset.lock_for_load();
    SELECT * INTO r FROM codeset.release rl WHERE rl.release_id = unload_release.release_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no release % is loaded', unload_release.release_id
            USING ERRCODE = 'no_data_found', HINT = 'The releases are listed in codeset.release.';
    END IF;
    IF r.unloaded_at IS NOT NULL OR r.superseded_by IS NOT NULL THEN
        RAISE EXCEPTION 'release % ("%") is not active: %', r.release_id, r.file_name,
            CASE WHEN r.unloaded_at IS NOT NULL THEN format('it was unloaded at %s', r.unloaded_at)
                 ELSE format('release %s replaced it', r.superseded_by) END
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE codeset.release rl SET unloaded_at = pg_catalog.now() WHERE rl.release_id = r.release_id;
    UPDATE codeset.release rl SET superseded_by = NULL WHERE rl.superseded_by = r.release_id;
    INSERT INTO codeset.history_event (release_id, action, source)
    VALUES (r.release_id, 'unload', CASE WHEN codeset.in_extension_script() THEN 'codeset' ELSE 'user' END)
    RETURNING generation INTO g;
    PERFORM codeset.derive_history(r.covers, g, CASE WHEN codeset.in_extension_script() THEN 'codeset' ELSE 'user' END);
    PERFORM codeset.refresh_counts(r.covers, r.effective);
    RETURN ROW(r.release_id, r.code_system, r.file_name, r.effective, 'unloaded'::text, 0, 0, 0, 0, 0);
END
$$;
COMMENT ON FUNCTION codeset.unload_release(integer) IS
    'take a release out: the history is derived again as if it had never been loaded; one transaction';

COMMENT ON TYPE codeset.load_summary IS
    'what a load did; status is loaded, replaced (a corrected file for the same date and families: release_id is the new one) or already loaded (the same file)';

-- The generation a release's load made; an error for a release never loaded
CREATE FUNCTION codeset.generation_of(release_id integer) RETURNS integer
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on
AS $$
DECLARE
    g integer;
BEGIN
    SELECT r.loaded_generation INTO g FROM codeset.release r WHERE r.release_id = generation_of.release_id;
    IF g IS NULL THEN
        RAISE EXCEPTION 'no release % was loaded', generation_of.release_id
            USING ERRCODE = 'no_data_found', HINT = 'The releases are listed in codeset.release.';
    END IF;
    RETURN g;
END
$$;
COMMENT ON FUNCTION codeset.generation_of(integer) IS
    'the change of the history a release''s load made (codeset.history_event); an error for a release never loaded';

-- As known at a release: the history as the tables stood once that release
-- was loaded (its generation), before any later load corrected it: the
-- answer a claim got when it was adjudicated.
CREATE FUNCTION codeset.history_as_of(code @extschema@.medcode, as_of_release integer)
RETURNS SETOF codeset.code_version
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 3
    SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on
BEGIN ATOMIC
    SELECT v.* FROM codeset.code_version v
    WHERE v.code OPERATOR(@extschema@.=) history_as_of.code AND v.period > 0
      AND v.generation = (SELECT pg_catalog.max(w.generation) FROM codeset.code_version w
                          WHERE w.code OPERATOR(@extschema@.=) history_as_of.code
                            AND w.generation <= codeset.generation_of(history_as_of.as_of_release))
    ORDER BY v.period;
END;
COMMENT ON FUNCTION codeset.history_as_of(@extschema@.medcode, integer) IS
    'a code''s periods as the code tables stood once the release was loaded';

CREATE FUNCTION @extschema@.lookup(code @extschema@.medcode, as_of_release integer)
RETURNS TABLE (code @extschema@.medcode, period smallint, valid_from date, valid_to date,
               possible_from date, possible_to date, short_description text,
               long_description text, action_code text, add_date date,
               action_effective_date date, termination_date date, coverage_code text,
               betos text, xrefs text[], release_id integer, file_name text)
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 3
    SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on
BEGIN ATOMIC
    SELECT h.code, h.period, h.valid_from, h.valid_to, h.possible_from, h.possible_to,
           h.short_description, h.long_description, h.action_code, h.add_date,
           h.action_effective_date, h.termination_date, h.coverage_code, h.betos, h.xrefs,
           h.release_id, r.file_name
    FROM codeset.history_as_of(lookup.code, lookup.as_of_release) h
    JOIN codeset.release r ON r.release_id = h.release_id
    ORDER BY h.period;
END;
COMMENT ON FUNCTION @extschema@.lookup(@extschema@.medcode, integer) IS
    'a code''s history as known at a release: as the tables stood once it was loaded';

CREATE FUNCTION @extschema@.code_status(input text, on_date date, as_of_release integer)
RETURNS TABLE (code @extschema@.medcode, valid boolean, reason text, detail text,
               last_day date, replaced_by @extschema@.medcode[])
    LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 1
    SET search_path = pg_catalog, pg_temp
    SET citus.allow_nested_distributed_execution = on
BEGIN ATOMIC
    WITH q AS (
        SELECT @extschema@.to_medcode(code_status.input) AS code
    ), h AS (
        SELECT v.* FROM q, codeset.history_as_of(q.code, code_status.as_of_release) v
    ), s AS (
        SELECT q.code,
               CASE WHEN q.code IS NULL THEN 'malformed'
                    WHEN NOT EXISTS (SELECT 1 FROM codeset.release r
                                     WHERE @extschema@.code_family(q.code) = ANY (r.covers)
                                       AND r.loaded_generation <= codeset.generation_of(code_status.as_of_release))
                      THEN 'not loaded'
                    WHEN NOT EXISTS (SELECT 1 FROM h) THEN 'unknown'
                    WHEN EXISTS (SELECT 1 FROM h WHERE code_status.on_date BETWEEN h.valid_from
                                 AND coalesce(h.valid_to, 'infinity')) THEN NULL
                    WHEN EXISTS (SELECT 1 FROM h
                                 WHERE code_status.on_date BETWEEN coalesce(h.possible_from, h.valid_from)
                                       AND coalesce(h.possible_to, h.valid_to, 'infinity')) THEN 'undetermined'
                    WHEN code_status.on_date < (SELECT pg_catalog.min(h.valid_from) FROM h) THEN 'not yet effective'
                    ELSE 'terminated' END AS reason
        FROM q
    ), last_period AS (
        SELECT h.* FROM h WHERE h.valid_from <= code_status.on_date ORDER BY h.valid_from DESC LIMIT 1
    )
    SELECT s.code,
           CASE WHEN s.reason IS NULL THEN true
                WHEN s.reason IN ('not loaded', 'undetermined') THEN NULL ELSE false END,
           s.reason,
           CASE s.reason
             WHEN 'malformed' THEN codeset.malformed_detail(code_status.input)
             WHEN 'not loaded' THEN pg_catalog.format('no release covering %s codes (family %s) was loaded by release %s',
                                                      CASE WHEN @extschema@.code_kind(s.code) = 'dental' THEN 'CDT'
                                                           ELSE @extschema@.code_system(s.code) END,
                                                      @extschema@.code_family(s.code),
                                                      code_status.as_of_release)
             WHEN 'unknown' THEN pg_catalog.format('the code tables as of release %s did not know this code',
                                                   code_status.as_of_release)
             WHEN 'not yet effective' THEN pg_catalog.format('in force from %s', (SELECT pg_catalog.min(h.valid_from) FROM h))
             WHEN 'terminated' THEN pg_catalog.format('terminated: last day %s', (SELECT l.valid_to FROM last_period l))
             WHEN 'undetermined' THEN 'the releases loaded by then did not say whether the code was in force on this date'
           END,
           (SELECT l.valid_to FROM last_period l),
           (SELECT pg_catalog.array_agg(@extschema@.to_medcode(x)) FILTER (WHERE @extschema@.is_medcode(x))
            FROM last_period l, pg_catalog.unnest(l.xrefs) x)
    FROM s;
END;
COMMENT ON FUNCTION @extschema@.code_status(text, date, integer) IS
    'code_status() as known at a release: the answer as the code tables stood once it was loaded';

--------------------------------------------------------------------------
-- The data
--------------------------------------------------------------------------

-- 1.0 kept no release's content: each user release's entries are read back
-- from the version of the history it wrote.  A code list listed the codes
-- of its families in force on its date; a CMS file, those and every code
-- its load changed, with the attributes of the period in force on its date
-- (else the last before it).
WITH user_release AS (
    SELECT r.* FROM codeset.release r WHERE r.source = 'user'
), as_of AS (
    -- each code's version as that release left it
    SELECT u.release_id AS for_release, u.file_kind, u.effective, v.*
    FROM user_release u
    JOIN LATERAL (
        SELECT w.code, pg_catalog.max(w.release_id) AS version
        FROM codeset.code_version w
        WHERE w.release_id <= u.release_id AND @extschema@.code_family(w.code) = ANY (u.covers)
        GROUP BY w.code) latest ON true
    JOIN LATERAL (
        SELECT p.*, p.release_id = u.release_id AS changed_here
        FROM codeset.code_version p
        WHERE p.code OPERATOR(@extschema@.=) latest.code AND p.release_id = latest.version
          AND p.valid_from <= u.effective
        ORDER BY p.valid_from DESC LIMIT 1) v ON true
)
INSERT INTO codeset.release_entry
SELECT a.for_release, 'code', a.code::text, @extschema@.code_family(a.code), 0,
       a.file_kind = 'hcpcs file' OR a.short_description IS NOT NULL,
       a.short_description, a.long_description, a.action_code, a.add_date,
       a.action_effective_date,
       coalesce(a.termination_date, CASE WHEN a.file_kind = 'hcpcs file' THEN a.valid_to END),
       a.coverage_code, a.betos, a.type_of_service, a.pricing_indicators, a.multiple_pricing,
       a.xrefs, a.asc_group, a.lab_cert, a.proc_note, a.anesthesia_base_units, 'user',
       codeset.period_hash(ROW(a.short_description, a.long_description, a.action_code, a.add_date,
           a.action_effective_date, a.termination_date, a.coverage_code, a.betos, a.type_of_service,
           a.pricing_indicators, a.multiple_pricing, a.xrefs, a.asc_group, a.lab_cert, a.proc_note,
           a.anesthesia_base_units)::codeset.code_attrs),
       pg_catalog.hashtextextended(coalesce(a.short_description, ''), 0)
FROM as_of a
WHERE (a.valid_to IS NULL OR a.valid_to >= a.effective)
   OR (a.file_kind = 'hcpcs file' AND a.changed_here);

-- The same for modifiers, which only CMS files carry
WITH user_release AS (
    SELECT r.* FROM codeset.release r WHERE r.source = 'user' AND 'modifier' = ANY (r.covers)
), as_of AS (
    SELECT u.release_id AS for_release, u.effective, v.*
    FROM user_release u
    JOIN LATERAL (
        SELECT w.modifier, pg_catalog.max(w.release_id) AS version
        FROM codeset.modifier_version w WHERE w.release_id <= u.release_id
        GROUP BY w.modifier) latest ON true
    JOIN LATERAL (
        SELECT p.*, p.release_id = u.release_id AS changed_here
        FROM codeset.modifier_version p
        WHERE p.modifier = latest.modifier AND p.release_id = latest.version
          AND p.valid_from <= u.effective
        ORDER BY p.valid_from DESC LIMIT 1) v ON true
)
INSERT INTO codeset.release_entry
SELECT a.for_release, 'modifier', a.modifier, 'modifier', 0, true,
       a.short_description, a.long_description, a.action_code, a.add_date,
       a.action_effective_date, coalesce(a.termination_date, a.valid_to),
       a.coverage_code, a.betos, a.type_of_service, a.pricing_indicators, a.multiple_pricing,
       a.xrefs, a.asc_group, a.lab_cert, a.proc_note, a.anesthesia_base_units, 'user',
       codeset.period_hash(ROW(a.short_description, a.long_description, a.action_code, a.add_date,
           a.action_effective_date, a.termination_date, a.coverage_code, a.betos, a.type_of_service,
           a.pricing_indicators, a.multiple_pricing, a.xrefs, a.asc_group, a.lab_cert, a.proc_note,
           a.anesthesia_base_units)::codeset.code_attrs),
       pg_catalog.hashtextextended(coalesce(a.short_description, ''), 0)
FROM as_of a
WHERE a.valid_to IS NULL OR a.valid_to >= a.effective OR a.changed_here;

-- 1.0's versions go (the history is derived again below), and with them
-- 1.0's shipped releases: 1.1 ships more files, loaded in their place.
DELETE FROM codeset.code_version;
DELETE FROM codeset.modifier_version;
DELETE FROM codeset.release WHERE source = 'codeset';
SELECT pg_catalog.setval('codeset.release_id_seq',
                         coalesce((SELECT pg_catalog.max(release_id) FROM codeset.release), 0) + 1, false);

-- CMS's HCPCS Level II files: the 2017-2020 annual files as CMS published
-- them, and the 2020 Q2-Q4 and 2025 Q4 quarterly files rendered from CMS's
-- spreadsheets (tools/render-hcpcs-xlsx.py).
SELECT codeset.load_hcpcs_file(codeset.shipped_data_dir() || '/hcpcs_anweb/' || f, e::date)
FROM (VALUES ('HCPC2017_CONTR_ANWEB.txt', '2017-01-01'),
             ('HCPC2018_CONTR_ANWEB_disc.txt', '2018-01-01'),
             ('HCPC2019_CONTR_ANWEB.txt', '2019-01-01'),
             ('HCPC2020_ANWEB_w_disclaimer.txt', '2020-01-01'),
             ('HCPC2020_APR_ANWEB.txt', '2020-04-01'),
             ('HCPC2020_JUL_ANWEB.txt', '2020-07-01'),
             ('HCPC2020_OCT_ANWEB.txt', '2020-10-01'),
             ('HCPC2025_OCT_ANWEB_v4.txt', '2025-10-01')) AS files(f, e)
ORDER BY e;

-- OPPS Addendum B lists the Level II codes Medicare pays under OPPS: not the
-- state Medicaid (H, T) and private-payer (S) codes, nor CDT (D).  Each
-- quarter is complete for the other letters only.
SELECT codeset.load_code_list(
           codeset.shipped_data_dir() || '/opps_addendum_b_level2/opps_addendum_b_' || q || '_level2.csv',
           'HCPCS', e::date, '{A,B,C,E,F,G,J,K,L,M,N,P,Q,R,U,V}', 1, 4)
FROM (VALUES ('2019q1', '2019-01-01'), ('2020q1', '2020-01-01'), ('2020q2', '2020-04-01'),
             ('2021q1', '2021-01-01'), ('2021q2', '2021-04-01'), ('2021q4', '2021-10-01'),
             ('2022q1', '2022-01-01'), ('2022q2', '2022-04-01'), ('2022q3', '2022-07-01'),
             ('2022q4', '2022-10-01'),
             ('2023q1', '2023-01-01'), ('2023q2', '2023-04-01'), ('2023q3', '2023-07-01'),
             ('2023q4', '2023-10-01'), ('2024q1', '2024-01-01'), ('2024q2', '2024-04-01'),
             ('2024q3', '2024-07-01'), ('2024q4', '2024-10-01'), ('2025q1', '2025-01-01'),
             ('2025q2', '2025-04-01'), ('2025q3', '2025-07-01'), ('2025q4', '2025-10-01'),
             ('2026q1', '2026-01-01'), ('2026q2', '2026-04-01')) AS quarters(q, e)
ORDER BY e;


-- Who may load: 1.0 let a role load by writing the tables, which also let
-- it change a release in place; 1.1's loaders run as the owner.  A role
-- that could write the release log may now call the loaders instead, and
-- no role but the owner keeps any privilege on the history's tables but
-- SELECT (codeset.code_set, the user's sets, keeps its grants).
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN
        SELECT DISTINCT a.grantee::regrole AS role
        FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
        WHERE c.oid = 'codeset.release'::regclass AND a.privilege_type = 'INSERT'
          AND a.grantee <> c.relowner AND a.grantee <> 0
    LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION codeset.load_hcpcs_data(bytea, text, date, text), '
                                  'codeset.load_code_list_data(bytea, text, text, date, text[], integer, integer, text, text, integer, text[]), '
                                  'codeset.unload_release(integer) TO %s', g.role);
    END LOOP;
    FOR g IN
        SELECT DISTINCT c.oid::regclass AS rel, c.relkind, a.privilege_type,
               CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS role
        FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a
        WHERE c.oid IN ('codeset.release'::regclass, 'codeset.release_entry'::regclass,
                        'codeset.history_event'::regclass, 'codeset.code_version'::regclass,
                        'codeset.modifier_version'::regclass, 'codeset.release_id_seq'::regclass,
                        'codeset.history_generation_seq'::regclass)
          AND a.grantee <> c.relowner AND a.privilege_type <> 'SELECT'
    LOOP
        EXECUTE pg_catalog.format('REVOKE %s ON %s %s FROM %s', g.privilege_type,
                                  CASE WHEN g.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, g.rel, g.role);
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION codeset.load_hcpcs_data(bytea, text, date, text),
    codeset.load_code_list_data(bytea, text, text, date, text[], integer, integer, text, text, integer, text[]),
    codeset.unload_release(integer),
    codeset.lock_for_load(), codeset.start_load(bytea, text, text, date, text[]), codeset.next_release_id(),
    codeset.add_release(integer, text, text, text, date, text[], bytea, integer),
    codeset.finish_load(integer, integer), codeset.derive_history(text[], integer, text),
    codeset.same_content(integer, text, text, date, text[]),
    codeset.refresh_counts(text[], date) FROM PUBLIC;

-- As on a fresh 1.1 with the user's files loaded after it: the shipped
-- history first (one generation, kept out of dumps as shipped), then the
-- user's releases (a generation of theirs, which pg_dump keeps)
UPDATE codeset.release SET unloaded_at = 'infinity' WHERE source = 'user';
SELECT codeset.install_history();
UPDATE codeset.release SET unloaded_at = NULL, loaded_generation = NULL WHERE source = 'user';
DO $$
DECLARE
    g integer;
BEGIN
    IF EXISTS (SELECT 1 FROM codeset.release WHERE source = 'user') THEN
        INSERT INTO codeset.history_event (release_id, action, source)
        VALUES ((SELECT max(release_id) FROM codeset.release WHERE source = 'user'), 'load', 'user')
        RETURNING generation INTO g;
        PERFORM codeset.derive_history(ARRAY(SELECT DISTINCT f FROM codeset.release r, pg_catalog.unnest(r.covers) f), g, 'user');
        UPDATE codeset.release SET loaded_generation = g WHERE source = 'user';
    END IF;
END
$$;

-- Running on a Citus cluster (citus_nodes.c, doc/citus.md).  codeset's
-- tables become reference tables: every node holds a full copy, and a load
-- on the coordinator writes every copy in its own distributed transaction
-- (two-phase committed), so a failed load leaves every node as it was.
-- Nothing here needs Citus to be installed: its functions are called
-- through EXECUTE, when it is.

CREATE FUNCTION codeset.local_table(regclass) RETURNS regclass
    AS 'MODULE_PATHNAME', 'codeset_local_table' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION codeset.local_table(regclass) IS
    'the table holding this node''s rows of a codeset table: itself, or on Citus the local copy of a reference table (NULL when this node holds none)';

-- The tables every node must hold the same rows of (the views read them).
-- A string body: parsed at install, its regclass constants would be bound
-- before pg_upgrade's dump has made the tables.
CREATE FUNCTION codeset.replicated_tables() RETURNS regclass[]
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$SELECT '{codeset.release, codeset.release_entry, codeset.history_event, codeset.code_version,
                  codeset.modifier_version, codeset.load_counter, codeset.validity_image, codeset.code_set}'::pg_catalog.regclass[]$$;
COMMENT ON FUNCTION codeset.replicated_tables() IS
    'internal: codeset''s tables, which a Citus cluster holds as reference tables';

-- 'coordinator', 'worker', or NULL off a Citus cluster (Citus not in this
-- database, or no node added yet)
CREATE FUNCTION codeset.citus_role() RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    coordinator boolean;
    group_id integer;
BEGIN
    IF pg_catalog.to_regproc('pg_catalog.citus_is_coordinator') IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
    IF coordinator THEN
        RETURN 'coordinator';
    END IF;
    EXECUTE 'SELECT groupid FROM pg_catalog.pg_dist_local_group' INTO group_id;
    RETURN CASE WHEN group_id > 0 THEN 'worker' END;
END $$;
COMMENT ON FUNCTION codeset.citus_role() IS
    'this node''s part in a Citus cluster: coordinator, worker, or NULL off one';

-- The workers that have another version of codeset than this node (a node
-- without codeset gets this one's, as Citus creates it there first)
CREATE FUNCTION codeset.workers_behind()
RETURNS TABLE (node_name text, node_port integer, version text)
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF codeset.citus_role() IS NULL THEN
        RETURN;                 -- no workers
    END IF;
    RETURN QUERY EXECUTE
        $q$SELECT r.nodename, r.nodeport, CASE WHEN r.success THEN r.result ELSE 'unreachable: ' || r.result END
           FROM pg_catalog.run_command_on_workers(
                    'SELECT extversion FROM pg_catalog.pg_extension WHERE extname = ''codeset''') r
           WHERE NOT r.success OR (r.result <> '' AND r.result IS DISTINCT FROM $1)
           ORDER BY r.nodename, r.nodeport$q$
        USING (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'codeset');
END $$;
COMMENT ON FUNCTION codeset.workers_behind() IS
    'internal: the Citus workers whose codeset version differs from this node''s';
REVOKE EXECUTE ON FUNCTION codeset.workers_behind() FROM PUBLIC;

CREATE FUNCTION codeset.distribute_on_citus() RETURNS SETOF regclass
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t regclass;
    behind text;
BEGIN
    IF codeset.citus_role() IS DISTINCT FROM 'coordinator' THEN
        RAISE EXCEPTION 'codeset.distribute_on_citus() runs on a Citus coordinator'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('This node is %s.',
                                             coalesce('a Citus ' || codeset.citus_role(), 'not part of a Citus cluster')),
                  HINT = 'Add the workers with citus_add_node() on the coordinator, and call it there.';
    END IF;
    SELECT pg_catalog.string_agg(pg_catalog.format('%s:%s has %s', node_name, node_port, version), ', ')
      INTO behind FROM codeset.workers_behind();
    IF behind IS NOT NULL THEN
        RAISE EXCEPTION 'codeset''s tables cannot be distributed while workers have another version of codeset'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('This node has %s; %s.',
                                             (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'codeset'), behind),
                  HINT = 'Run ALTER EXTENSION codeset UPDATE on each of those workers, then call this again.';
    END IF;
    FOREACH t IN ARRAY codeset.replicated_tables() LOOP
        CONTINUE WHEN codeset.local_table(t) IS DISTINCT FROM t;   -- distributed already
        PERFORM pg_catalog.set_config('client_min_messages', 'warning', true);
        EXECUTE 'SELECT pg_catalog.create_reference_table($1)' USING t;
        -- the rows now live in the copies; the coordinator's own table is a shell
        EXECUTE 'SELECT pg_catalog.truncate_local_data_after_distributing_table($1)' USING t;
        RETURN NEXT t;
    END LOOP;
END $$;
COMMENT ON FUNCTION codeset.distribute_on_citus() IS
    'makes codeset''s tables Citus reference tables, copied to every node; CREATE EXTENSION on a coordinator does it';
REVOKE EXECUTE ON FUNCTION codeset.distribute_on_citus() FROM PUBLIC;

-- Called last by the install and upgrade scripts: on a coordinator, Citus
-- creates the extension on the workers as the first table is distributed.
-- An update whose workers are not yet updated leaves the tables as they are.
CREATE FUNCTION codeset.distribute_if_coordinator() RETURNS void
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF codeset.citus_role() IS DISTINCT FROM 'coordinator' THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM codeset.workers_behind()) THEN
        RAISE WARNING 'codeset''s tables are not distributed: some workers have another version of codeset'
            USING DETAIL = 'Loads are refused on this cluster until they are.',
                  HINT = 'When every worker has it (Citus updates them after this command if it propagates it; else run ALTER EXTENSION codeset UPDATE on each), run SELECT codeset.distribute_on_citus(); here.';
        RETURN;
    END IF;
    PERFORM codeset.distribute_on_citus();
END $$;
COMMENT ON FUNCTION codeset.distribute_if_coordinator() IS
    'internal: makes codeset''s tables reference tables when the extension is created on a Citus coordinator';
REVOKE EXECUTE ON FUNCTION codeset.distribute_if_coordinator() FROM PUBLIC;

-- Loads write every node's copy from the coordinator; anywhere else they
-- would fork the nodes' histories (each node has its own id sequences).
CREATE FUNCTION codeset.check_load_node() RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    role text := codeset.citus_role();
    distributed boolean := codeset.local_table('codeset.release') IS DISTINCT FROM 'codeset.release'::regclass;
BEGIN
    IF role = 'worker' THEN
        RAISE EXCEPTION 'codeset loads run on the Citus coordinator, not on a worker'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A load on the coordinator writes every node''s copy of the code tables in one distributed transaction.',
                  HINT = 'Connect to the coordinator and load there.';
    ELSIF role = 'coordinator' AND NOT distributed THEN
        RAISE EXCEPTION 'codeset''s tables are not yet distributed on this Citus cluster'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'A load now would reach the coordinator only; the workers would keep answering from their own tables.',
                  HINT = 'Run SELECT codeset.distribute_on_citus(); first (CREATE EXTENSION does it when the workers are added before it).';
    END IF;
END $$;
COMMENT ON FUNCTION codeset.check_load_node() IS
    'internal: refuses a load that would not reach every node of a Citus cluster';

CREATE FUNCTION codeset.release_fingerprint() RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    releases regclass := codeset.local_table('codeset.release');
    sets regclass := codeset.local_table('codeset.code_set');
    result text;
BEGIN
    IF releases IS NULL OR sets IS NULL THEN
        -- no copy here: a coordinator answers from the workers' copies, any
        -- other node has none to answer from (Citus has yet to copy them)
        IF codeset.citus_role() IS DISTINCT FROM 'coordinator' THEN
            RETURN NULL;
        END IF;
        releases := 'codeset.release';
        sets := 'codeset.code_set';
    END IF;
    EXECUTE pg_catalog.format(
        'SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
                    coalesce((SELECT pg_catalog.string_agg(pg_catalog.concat_ws(%L, release_id, code_system, file_kind,
                                   effective, covers, pg_catalog.encode(content_sha256, %L), superseded_by,
                                   unloaded_at IS NOT NULL), %L ORDER BY release_id) FROM %s), %L)
                    || %L ||
                    coalesce((SELECT pg_catalog.string_agg(name || %L || codes::text, %L ORDER BY name COLLATE "C")
                              FROM %s), %L), %L)), %L)',
        '|', 'hex', E'\n', releases, '', E'\n--\n', '|', E'\n', sets, '', 'UTF8', 'hex')
    INTO result;
    RETURN result;
END $$;
COMMENT ON FUNCTION codeset.release_fingerprint() IS
    'a SHA-256 of the releases this node holds (ids, families, dates, file checksums, status) and its code sets: equal on nodes whose tables agree; NULL on a Citus worker that holds no copy yet';

CREATE FUNCTION codeset.nodes_out_of_step()
RETURNS TABLE (node_name text, node_port integer, fingerprint text, coordinator_fingerprint text, error text)
    LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    mine text := codeset.release_fingerprint();
BEGIN
    IF codeset.citus_role() IS DISTINCT FROM 'coordinator' THEN
        RAISE EXCEPTION 'codeset.nodes_out_of_step() runs on a Citus coordinator'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'On any node, SELECT codeset.release_fingerprint() gives its own.';
    END IF;
    RETURN QUERY EXECUTE
        'SELECT n.nodename::text, n.nodeport, CASE WHEN r.success THEN r.result END, $1,
                CASE WHEN NOT r.success THEN r.result END
         FROM pg_catalog.run_command_on_all_nodes(''SELECT codeset.release_fingerprint()'') r
         JOIN pg_catalog.pg_dist_node n ON n.nodeid = r.nodeid
         WHERE NOT r.success OR r.result IS DISTINCT FROM $1
         ORDER BY n.nodeid'
        USING mine;
END $$;
COMMENT ON FUNCTION codeset.nodes_out_of_step() IS
    'on a Citus coordinator: the nodes whose release_fingerprint() differs from the coordinator''s, or that did not answer';

-- on a Citus coordinator, every node's copy of the tables from here on
SELECT codeset.distribute_if_coordinator();

-- say so when the data are behind the calendar
SELECT codeset.warn_if_stale(CURRENT_DATE);
