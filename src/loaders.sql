-- src/loaders.sql: The loaders: a CMS HCPCS file or a code list into the code tables, one transaction each.
-- A part of the install script: the Makefile concatenates the parts
-- (CODESET_SQL_PARTS) into sql/codeset--$(EXTVERSION).sql.

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
