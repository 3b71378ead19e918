-- src/history.sql: the code and modifier history, derived from every active
-- release whatever the order they were loaded in (history_derive.c), and
-- what each source says where they disagree.
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

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
