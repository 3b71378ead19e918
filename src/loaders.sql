-- src/loaders.sql: the loaders: a CMS HCPCS file or a code list into the
-- release log and its entries, the history derived again; one transaction each.
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

--------------------------------------------------------------------------
-- Loaders
--------------------------------------------------------------------------

-- The loaders' entry points run with jit = off: their statements each run
-- once, over estimates of the whole entries table, and compiling them took
-- 30 to 80 ms a statement, a second or more of CREATE EXTENSION, for nothing.

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
    'what a load did; status is loaded, replaced (a corrected file for the same date and families: release_id is the new one) or already loaded (the same file)';

-- One load at a time.  Every loader takes this lock before it reads what is
-- loaded, so that under READ COMMITTED a second load waits for the first to
-- commit and then builds on it (readers, which take ACCESS SHARE, are not
-- blocked).  A SERIALIZABLE transaction's snapshot may predate a load that
-- committed while it waited for the lock (SSI sees no conflict unless both
-- loads were SERIALIZABLE): every load also updates the one row of
-- codeset.load_counter, and PostgreSQL refuses, with 40001, to update a row
-- whose newest version the snapshot does not see.  Under REPEATABLE READ
-- loads refuse to run.  CREATE EXTENSION's own loads need neither (its
-- tables are new).
CREATE TABLE codeset.load_counter (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    loads bigint NOT NULL
);
INSERT INTO codeset.load_counter (loads) VALUES (0);
COMMENT ON TABLE codeset.load_counter IS
    'internal: one row every load and unload updates, so that a load whose snapshot predates another''s commit fails with 40001';

CREATE FUNCTION codeset.lock_for_load() RETURNS void
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

-- The id of the next release: a shipped one (while the extension script
-- runs) from the range below zero, a user's from release_id_seq.
CREATE FUNCTION codeset.next_release_id() RETURNS integer
    LANGUAGE sql VOLATILE PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN pg_catalog.nextval(CASE WHEN codeset.in_extension_script() THEN 'codeset.shipped_release_id_seq'
                                   ELSE 'codeset.release_id_seq' END::regclass);
COMMENT ON FUNCTION codeset.next_release_id() IS
    'internal: the next release id: below zero for a shipped release, from release_id_seq for a user''s';

-- The loaders' shared skeleton, in three steps: start_load (the lock, and
-- the same file loaded already?), add_release (the release row, under the
-- id its entries were written with; a corrected
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

CREATE FUNCTION codeset.load_hcpcs_data(content bytea, file_name text, effective date DEFAULT NULL,
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

CREATE FUNCTION codeset.load_hcpcs_file(path text, effective date DEFAULT NULL,
                                        encoding text DEFAULT 'WIN1252')
RETURNS codeset.load_summary
    LANGUAGE sql VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
    SET search_path = pg_catalog, pg_temp
    RETURN codeset.load_hcpcs_data(codeset.read_server_file(path), path, effective, encoding);
COMMENT ON FUNCTION codeset.load_hcpcs_file(text, date, text) IS
    'load a CMS alpha-numeric HCPCS file from the server''s file system (superuser or pg_read_server_files)';

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

-- For a loader without server file access: \copy the file into a
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

-- Who may load: the loaders that write run as the tables' owner (SECURITY
-- DEFINER), so that no other role needs, or may have, any privilege on the
-- tables but SELECT: a role allowed to write them could change in place a
-- release the history is derived from.  The owner lets a role load with
--   GRANT EXECUTE ON FUNCTION codeset.load_hcpcs_data, codeset.load_code_list_data,
--       codeset.unload_release TO loader;
-- (the _file and _lines forms call these; reading a server file is checked
-- against the caller).  The internal steps are the owner's alone.
REVOKE EXECUTE ON FUNCTION codeset.load_hcpcs_data(bytea, text, date, text),
    codeset.load_code_list_data(bytea, text, text, date, text[], integer, integer, text, text, integer, text[]),
    codeset.unload_release(integer),
    codeset.lock_for_load(), codeset.start_load(bytea, text, text, date, text[]), codeset.next_release_id(),
    codeset.add_release(integer, text, text, text, date, text[], bytea, integer),
    codeset.finish_load(integer, integer), codeset.derive_history(text[], integer, text),
    codeset.same_content(integer, text, text, date, text[]),
    codeset.refresh_counts(text[], date) FROM PUBLIC;
