-- The catalog audit: every function of codeset with its volatility,
-- STRICT, PARALLEL, SECURITY and LEAKPROOF marks, and whether it pins its
-- search_path.  The expected output is the reviewed list: a change to any
-- mark shows up here.
SELECT p.oid::regprocedure AS function,
       CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
       CASE WHEN p.proisstrict THEN 'strict' ELSE 'called on null' END AS nulls,
       CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel,
       CASE WHEN p.prosecdef THEN 'definer' ELSE 'invoker' END AS security,
       p.proleakproof AS leakproof,
       l.lanname AS language,
       coalesce(array_to_string(p.proconfig, ','), '') AS config
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'codeset'
JOIN pg_language l ON l.oid = p.prolang
ORDER BY p.pronamespace::regnamespace::text, p.proname, p.oid::regprocedure::text;

-- No SQL or PL/pgSQL function runs with the caller's search_path.
SELECT p.oid::regprocedure AS unpinned
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'codeset'
JOIN pg_language l ON l.oid = p.prolang
WHERE l.lanname IN ('sql', 'plpgsql')
  AND NOT coalesce(array_to_string(p.proconfig, ',') LIKE '%search_path=%', false)
  AND p.prosqlbody IS NULL;

-- Every function and type has a comment.
SELECT p.oid::regprocedure AS uncommented
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'codeset'
WHERE obj_description(p.oid, 'pg_proc') IS NULL;

-- Tables: readable by everyone, changed only by their owner.
SELECT c.oid::regclass AS relation, c.relkind,
       has_table_privilege('public', c.oid, 'SELECT') AS public_select,
       has_table_privilege('public', c.oid, 'INSERT,UPDATE,DELETE,TRUNCATE') AS public_write
FROM pg_class c
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'codeset'
WHERE c.relkind IN ('r', 'v')
ORDER BY 1;

-- The tables whose user rows pg_dump keeps, and how it picks them.
SELECT cfg::regclass AS config_table, cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u(cfg, cond)
WHERE e.extname = 'codeset' ORDER BY 1;

-- SECURITY DEFINER functions (the three loaders that write): each pins its
-- search_path, and PUBLIC may not call it (the owner grants EXECUTE); and
-- PUBLIC may call none of the internal steps they run
SELECT p.oid::regprocedure AS definer_function, p.proconfig IS NOT NULL AS pinned_search_path,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'codeset'
WHERE p.prosecdef ORDER BY 1;
SELECT p.oid::regprocedure AS internal_step, has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
FROM pg_proc p
WHERE p.oid IN ('codeset.lock_for_load()'::regprocedure, 'codeset.next_release_id()'::regprocedure,
                'codeset.start_load(bytea, text, text, date, text[])'::regprocedure,
                'codeset.add_release(integer, text, text, text, date, text[], bytea, integer)'::regprocedure,
                'codeset.same_content(integer, text, text, date, text[])'::regprocedure,
                'codeset.finish_load(integer, integer)'::regprocedure,
                'codeset.derive_history(text[], integer, text)'::regprocedure,
                'codeset.refresh_counts(text[], date)'::regprocedure)
ORDER BY 1;

-- The loaders' per-row helper inlines (a SQL function call per row made
-- CREATE EXTENSION a quarter of a second slower): the plan shows its body,
-- not a call of it
EXPLAIN (VERBOSE, COSTS OFF)
SELECT codeset.period_hash(ROW(e.short_description, e.long_description, e.action_code, e.add_date,
           e.action_effective_date, e.termination_date, e.coverage_code, e.betos, e.type_of_service,
           e.pricing_indicators, e.multiple_pricing, e.xrefs, e.asc_group, e.lab_cert, e.proc_note,
           e.anesthesia_base_units)::codeset.code_attrs)
FROM codeset.release_entry e;
-- ... and gives the hash the loaders stored
SELECT count(*) AS entries_whose_hash_differs FROM codeset.release_entry e
WHERE e.has_attrs AND e.release_id IN (SELECT release_id FROM codeset.release WHERE file_kind = 'hcpcs file')
  AND e.attrs_hash <> codeset.period_hash(ROW(e.short_description, e.long_description, e.action_code, e.add_date,
           e.action_effective_date, e.termination_date, e.coverage_code, e.betos, e.type_of_service,
           e.pricing_indicators, e.multiple_pricing, e.xrefs, e.asc_group, e.lab_cert, e.proc_note,
           e.anesthesia_base_units)::codeset.code_attrs);
