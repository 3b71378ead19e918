-- The Citus functions on a node without Citus (test/citus.sh runs them on
-- a cluster): the tables are their own copies, loads are not refused, the
-- fingerprint follows the releases, and what needs a coordinator says so.
SET client_min_messages = warning;
SELECT codeset.citus_role() IS NULL AS off_citus;
SELECT bool_and(codeset.local_table(t) = t) AS tables_are_their_own_copies,
       count(*) AS tables
FROM unnest(codeset.replicated_tables()) t;
SELECT codeset.local_table('pg_class') AS any_table;
-- the fingerprint: a SHA-256, the same for the same releases and sets
SELECT length(codeset.release_fingerprint()) AS hex_digits,
       codeset.release_fingerprint() = codeset.release_fingerprint() AS stable;
CREATE TEMP TABLE fp AS SELECT codeset.release_fingerprint() AS before;
SELECT status FROM codeset.load_code_list_lines(ARRAY['code', '99213'], 'cpt-fingerprint.csv', 'CPT', '2026-01-01');
SELECT codeset.release_fingerprint() <> before AS a_load_changes_it FROM fp;
INSERT INTO codeset.code_set (name, description, codes) VALUES ('fp:set', 'a set', '{J1100}');
UPDATE fp SET before = codeset.release_fingerprint();
DELETE FROM codeset.code_set WHERE name = 'fp:set';
SELECT codeset.release_fingerprint() <> before AS a_code_set_changes_it FROM fp;
SELECT (codeset.unload_release((SELECT max(release_id) FROM codeset.release))).status;
-- what needs a coordinator
\set VERBOSITY default
SELECT * FROM codeset.nodes_out_of_step();
SELECT codeset.distribute_on_citus();
SELECT count(*) AS workers_behind FROM codeset.workers_behind();
