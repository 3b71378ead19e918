-- src/code_lookup.sql: Descriptions and history (SQL: read once per question, not per row).
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

--------------------------------------------------------------------------
-- Descriptions and history (SQL: read once per question, not per row)
--------------------------------------------------------------------------

-- The functions here that read the tables may run inside a Citus shard
-- query on a worker, where Citus refuses a query of its reference tables
-- unless told it is safe: it is, each answers from this node's own copy
-- (doc/citus.md).  Off Citus the setting is an unused placeholder.

-- In C (descriptions.c), from a per-backend copy of the history's short
-- descriptions that follows the validity cache: once per row over a claims
-- table, as valid() is
CREATE FUNCTION @extschema@.describe(code @extschema@.medcode, on_date date DEFAULT CURRENT_DATE)
RETURNS text
    AS 'MODULE_PATHNAME', 'medcode_describe'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.describe(@extschema@.medcode, date) IS
    'the short description in force on the date (else the last one before it); NULL for a code with no loaded description';

-- On raw text columns, as valid(text) is: NULL for text that is not a code
CREATE FUNCTION @extschema@.describe(code text, on_date date DEFAULT CURRENT_DATE)
RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN @extschema@.describe(@extschema@.to_medcode(code), on_date);
COMMENT ON FUNCTION @extschema@.describe(text, date) IS
    'describe() on raw text: NULL for text that is not a code, never an error';

CREATE FUNCTION @extschema@.lookup(code @extschema@.medcode)
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

CREATE FUNCTION @extschema@.code_status(input text, on_date date DEFAULT CURRENT_DATE)
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

-- The families whose newest release is more than two quarters behind a
-- date (today by default).  CMS publishes Level II every quarter, so a
-- Level II family three quarters behind has missed two releases; CPT and
-- CDT lists are annual and speak for their year, so they count from its
-- last quarter.
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

-- The WARNING CREATE EXTENSION, ALTER EXTENSION UPDATE and the loaders give
-- when a family is stale; SET codeset.stale_warning = off silences it.
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
