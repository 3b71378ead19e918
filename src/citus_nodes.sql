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
