#!/usr/bin/env bash
# TAP: codeset on a Citus cluster (doc/citus.md) gives the answers one node
# gives.  Builds Citus 12.1.12 from ../shared/vendor (tools/setup-citus.sh;
# skips, saying so, when the tarball is not there), then starts a
# coordinator and two workers on loopback ports, as postgres, in a temp
# directory, and a third worker later.  The single node to compare with is
# a database of the coordinator's server without Citus in it: every step
# (install, claims, loads, upgrade) is done to both, and their answers and
# release fingerprints must be equal.  Run as root.
#
#   CITUS_PORT=55740   the coordinator's port; the workers take the next three
set -euo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off -c client_min_messages=warning"
tarball=../shared/vendor/citus-12.1.12.tar.gz
if [ ! -f "$tarball" ]; then
    echo "1..0 # SKIP $tarball is not beside this checkout: no Citus to build"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "1..0 # SKIP needs root: it installs Citus and starts its servers as postgres"
    exit 0
fi
bash tools/setup-citus.sh "$tarball" | sed 's/^/# /'

bin=/usr/lib/postgresql/15/bin
base=${CITUS_PORT:-55740}
coord=$base w1=$((base + 1)) w2=$((base + 2)) w3=$((base + 3))
dir=$(mktemp -d /tmp/codeset-citus.XXXXXX)
chown postgres: "$dir"
stop_all() {
    for p in $coord $w1 $w2 $w3; do
        [ -d "$dir/$p" ] && su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir/$p -m immediate -w stop" >/dev/null 2>&1
    done
    rm -rf "$dir"
}
trap stop_all EXIT
start() {
    su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir/$1 -l $dir/$1.log -w -o '-p $1 -k $dir \
        -c listen_addresses=127.0.0.1 -c shared_preload_libraries=citus -c max_prepared_transactions=20 \
        -c wal_level=logical -c fsync=off' start" >/dev/null
}
node() {
    su postgres -s /bin/sh -c "$bin/initdb -D $dir/$1 -A trust -U postgres --no-sync" >/dev/null
    start "$1"
    q "$1" -c "CREATE EXTENSION citus"
}
# q PORT [psql options] : postgres database of that node; s: the single node
q() { local p=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -h "$dir" -p "$p" -U postgres -d postgres "$@"; }
s() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$dir" -p "$coord" -U postgres -d single "$@"; }

n=0
ok() {  # ok CONDITION-EXIT-STATUS "what" [diagnostics]
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; [ -n "${3:-}" ] && echo "$3" | sed 's/^/# /'; fi
}
same() {  # same "what" EXPECTED GOT
    [ "$2" = "$3" ]; ok $? "$1" "expected: $2
got:      $3"
}

for p in $coord $w1 $w2; do node $p; done
q $coord -c "SELECT citus_set_coordinator_host('127.0.0.1', $coord)" \
         -c "SELECT citus_add_node('127.0.0.1', $w1)" -c "SELECT citus_add_node('127.0.0.1', $w2)" >/dev/null
q $coord -c "CREATE DATABASE single"
echo "1..16"
set +e   # each check reports its own failure

# 1-3: one CREATE EXTENSION on the coordinator
t0=$(date +%s)
q $coord -c "CREATE EXTENSION codeset" 2>"$dir/err"; ok $? "CREATE EXTENSION codeset on the coordinator" "$(cat "$dir/err")"
echo "# CREATE EXTENSION on the cluster took $(($(date +%s) - t0)) s"
s -c "CREATE EXTENSION codeset"
distributed="SELECT e.extversion || ' ' || bool_and(codeset.local_table(t) <> t)
             FROM pg_extension e, unnest(codeset.replicated_tables()) t WHERE e.extname = 'codeset' GROUP BY e.extversion"
same "every node has codeset 1.1, its tables Citus reference tables with a copy on the node" \
    "1.1 true 1.1 true 1.1 true" "$(for p in $coord $w1 $w2; do q $p -c "$distributed"; done | xargs)"
fingerprints() { for p in "$@"; do q $p -c "SELECT codeset.release_fingerprint()"; done | xargs; }
single=$(s -c "SELECT codeset.release_fingerprint()")
same "every node's release_fingerprint() is the single node's" "$single $single $single" "$(fingerprints $coord $w1 $w2)"

# The same claims on both: a distributed table on medcode, a co-located
# one, a reference table and a distributed one with medcodeset columns
schema="
CREATE TABLE claims (claim_id bigint, code medcode, dos date, modifier text);
CREATE TABLE code_notes (code medcode, note text);
CREATE TABLE policies (policy_id integer PRIMARY KEY, covered medcodeset);
CREATE TABLE bundles (bundle_id integer, codes medcodeset);"
fill="
INSERT INTO claims
SELECT g, c.codes[1 + (g * 7919) % pg_catalog.array_length(c.codes, 1)],
       date '2017-01-01' + (g * 37) % 3650, (ARRAY['LT', 'RT', '25', 'GT', 'ZZ'])[1 + g % 5]
FROM generate_series(1, 20000) g,
     (SELECT array_agg(code ORDER BY code) || '{99213,Q9990,D0120,J9999,0001U}'::medcode[] AS codes
      FROM (SELECT DISTINCT code FROM codeset.code_history WHERE code::text ~ '^[AEGJKLQ]') d) c;
INSERT INTO code_notes SELECT code, 'note on ' || code FROM (SELECT DISTINCT code FROM claims) d WHERE code::text LIKE 'J%';
INSERT INTO policies VALUES (1, '{J0000-J9999}'), (2, '{A0000-A9999,E0100-E0999}'), (3, '{99213,Q9990}');
INSERT INTO bundles VALUES (1, '{J1100,J1110}'), (2, '{E0100-E0999}'), (3, '{G0008,Q9990}');"
s <<<"$schema$fill"
q $coord -c "$schema" \
    -c "SELECT create_distributed_table('claims', 'code')" \
    -c "SELECT create_distributed_table('code_notes', 'code', colocate_with => 'claims')" \
    -c "SELECT create_reference_table('policies')" \
    -c "SELECT create_distributed_table('bundles', 'bundle_id')" -c "$fill" >/dev/null 2>"$dir/err"
ok $? "medcode as a distribution column, medcodeset in distributed and reference tables" "$(cat "$dir/err")"

# Every answer codeset gives per row, over the claims, and the joins; the
# SQL functions that query the tables (past_data, code_status, lookup) on
# every 20th claim
answers="
SELECT md5(string_agg(line, E'\n' ORDER BY line)) FROM (
  SELECT concat_ws('|', claim_id, code, dos, valid(code, dos), invalid_reason(code, dos), valid(code),
                   code <@ '{J0000-J0999,J1100,E0100-E0999,99213}'::medcodeset, in_set(code, 'hcpcs:J'),
                   describe(code, dos), valid_modifier(modifier, dos)) AS line
  FROM claims) a;
SELECT count(*), count(*) FILTER (WHERE valid(c.code, c.dos)) FROM claims c JOIN code_notes n USING (code);
SELECT string_agg(policy_id || ':' || k, ',' ORDER BY policy_id) FROM (
  SELECT p.policy_id, count(*) AS k FROM claims c JOIN policies p ON c.code <@ p.covered
  WHERE NOT valid(c.code, c.dos) GROUP BY p.policy_id) x;
SELECT string_agg(bundle_id || ':' || ('J1100'::medcode <@ codes) || ':' || ('E0110'::medcode <@ codes), ',' ORDER BY bundle_id) FROM bundles;
SELECT md5(string_agg(line, E'\n' ORDER BY line)) FROM (
  SELECT concat_ws('|', claim_id, past_data(code, dos), code_status(code::text, dos), lookup(code)) AS line
  FROM claims WHERE claim_id % 20 = 0) a;"
same "the cluster's answers are the single node's, the SQL functions' too" "$(s <<<"$answers" | xargs)" "$(q $coord <<<"$answers" | xargs)"

# 6-7: the per-row functions run in the shard queries, on the workers
task=$(q $coord -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT claim_id FROM claims
    WHERE NOT valid(code, dos) AND invalid_reason(code, dos) IS NOT NULL AND in_set(code, 'hcpcs:J')
      AND code <@ '{J0000-J0999,J1100,J1110}'::medcodeset" | grep 'Query:')
echo "$task" | grep -q "valid(code, dos)" && echo "$task" | grep -q "invalid_reason(code, dos)" &&
    echo "$task" | grep -q "in_set(code, 'hcpcs:J'" && echo "$task" | grep -q "medcode_in_set_recheck(code"
ok $? "valid(), invalid_reason(), in_set() and <@ run inside the shard queries" "$task"
task=$(q $coord -c "EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM claims c JOIN code_notes n USING (code)
    WHERE valid(c.code, c.dos)" | grep -E 'Query:|Task Count')
echo "$task" | grep -q "Task Count: 32" && echo "$task" | grep -q "JOIN public.code_notes_"
ok $? "a join on a medcode column of co-located tables runs on the workers" "$task"

# 8-10: loads on the coordinator reach every node in their transaction, and
# the workers' caches follow: no invalidation reaches another node, and the
# workers' backends serving one coordinator session (Citus's pooled
# connections) live as long as it does.  The CMS file is a real one: the shipped October 2025 file,
# unloaded, then loaded as a user's release.
loads="
SELECT (codeset.unload_release((SELECT release_id FROM codeset.release WHERE file_name LIKE '%HCPC2025_OCT_ANWEB_v4.txt'))).status;
SELECT status FROM codeset.load_hcpcs_file(codeset.shipped_data_dir() || '/hcpcs_anweb/HCPC2025_OCT_ANWEB_v4.txt', '2025-10-01');
SELECT status FROM codeset.load_hcpcs_lines(ARRAY[rpad('Q9990' || '00100' || '3' || rpad('A synthetic new code', 80)
    || rpad('Synthetic new code', 28), 268) || '20240701' || '20240701' || '        ' || 'A' || repeat(' ', 27)],
    'HCPC2024_JUL_synthetic.txt', '2024-07-01');
SELECT status FROM codeset.load_code_list_data(convert_to(E'code\n99213\n0001U\n', 'UTF8'), 'cpt-2024.csv', 'CPT', '2024-01-01');
INSERT INTO codeset.code_set (name, description, codes) VALUES ('claims:watch', 'codes under review', '{J1100,Q9990,99213}');"
answers_after="$answers
SELECT count(*) FILTER (WHERE in_set(code, 'claims:watch')) FROM claims;"
# one session: its connections to the workers (and their caches) are
# Citus's pool, used before, by and after the loads
printf '%s\n' "$answers" "SELECT 'loads:';" "$loads" "SELECT 'after:';" "$answers_after" | q $coord >"$dir/out" 2>"$dir/err"
same "the loads on the coordinator succeed" "loads: unloaded loaded loaded loaded" \
    "$(sed -n '/^loads:/,/^after:/p' "$dir/out" | grep -v after: | xargs)$(cat "$dir/err")"
s <<<"$loads" >/dev/null
single=$(s -c "SELECT codeset.release_fingerprint()")
same "after them, every node's release_fingerprint() is the single node's" "$single $single $single" "$(fingerprints $coord $w1 $w2)"
same "and every answer too, in the session that warmed the workers' caches: each follows the loads" \
    "$(s <<<"$answers_after" | xargs)" "$(sed '1,/^after:/d' "$dir/out" | xargs)"

# 11-12: a failed load leaves every node as it was
before=$(fingerprints $coord $w1 $w2)
failed=0
q $coord -c "BEGIN" -c "SELECT codeset.load_code_list_data(convert_to(E'code\n99214\n', 'UTF8'), 'cpt-2025.csv', 'CPT', '2025-01-01')" \
    -c "SELECT 1 / 0" -c "COMMIT" >/dev/null 2>&1 && failed=1
su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir/$w2 -m fast -w stop" >/dev/null
q $coord -c "SELECT codeset.load_code_list_data(convert_to(E'code\n99215\n', 'UTF8'), 'cpt-2025b.csv', 'CPT', '2025-01-01')" \
    >/dev/null 2>"$dir/err" && failed=1
start $w2
[ $failed -eq 0 ] && [ "$(fingerprints $coord $w1 $w2)" = "$before" ]
ok $? "a load rolled back, or failing with a worker down, leaves every node as it was" "$(cat "$dir/err")"
q $w1 -c "SELECT codeset.load_code_list_data(convert_to(E'code\n99215\n', 'UTF8'), 'cpt-w.csv', 'CPT', '2025-01-01')" \
    >/dev/null 2>"$dir/err"
[ $? -ne 0 ] && grep -q "codeset loads run on the Citus coordinator, not on a worker" "$dir/err" && grep -q "HINT:" "$dir/err"
ok $? "a load on a worker is refused, with a hint" "$(cat "$dir/err")"

# 13-14: a node added later gets the same tables (Citus copies reference
# tables to it when told to, or when it rebalances); until then
# nodes_out_of_step() lists it
node $w3
q $coord -c "SELECT citus_add_node('127.0.0.1', $w3)" >/dev/null
same "nodes_out_of_step() lists a node added but not yet given the tables" \
    "127.0.0.1|$w3||$single|" "$(q $coord -c "SELECT * FROM codeset.nodes_out_of_step()")"
q $coord -c "SET client_min_messages = warning" -c "SELECT replicate_reference_tables()" \
    -c "SELECT rebalance_table_shards(shard_transfer_mode => 'block_writes')" >/dev/null
[ -z "$(q $coord -c "SELECT * FROM codeset.nodes_out_of_step()")" ] &&
    [ "$(q $w3 -c "SELECT codeset.release_fingerprint()")" = "$single" ] &&
    [ "$(q $coord -c "SELECT count(*) > 0 FROM citus_shards WHERE table_name = 'claims'::regclass AND nodeport = $w3")" = t ] &&
    [ "$(s <<<"$answers_after" | xargs)" = "$(q $coord <<<"$answers_after" | xargs)" ]
ok $? "after replicate_reference_tables() and a rebalance, the new node agrees and answers for its shards"

# 15: DROP EXTENSION reaches every node: the shards of codeset's tables are
# in its schema, so it needs CASCADE, as with any table of codeset's types
q $coord -c "DROP TABLE claims, code_notes, policies, bundles" -c "DROP EXTENSION codeset CASCADE" 2>"$dir/err"
same "DROP EXTENSION codeset CASCADE removes it, and Citus's metadata of its tables, from every node" "0|0 0|0 0|0 0|0" \
    "$(for p in $coord $w1 $w2 $w3; do q $p -c "SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = 'codeset'),
        (SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::text LIKE 'codeset.%')"; done | xargs)$(cat "$dir/err")"

# 16: 1.0 could only be installed node by node (its loads used temporary
# objects, which Citus cannot two-phase commit); ALTER EXTENSION UPDATE on
# the coordinator updates every node (Citus propagates it once a
# distributed table uses codeset's types), and distribute_on_citus() then
# makes the tables reference tables, the coordinator's rows on every node.
v10="SET citus.enable_ddl_propagation = off; SET client_min_messages = error; CREATE EXTENSION codeset VERSION '1.0';"
for p in $coord $w1 $w2 $w3; do q $p -c "$v10"; done
user_release="SELECT codeset.load_code_list_data(convert_to(E'code\n99213\n99214\n', 'UTF8'), 'cpt-2026.csv', 'CPT', '2026-01-01')"
q $coord -c "$user_release" -c "CREATE TABLE claims (code medcode, dos date)" -c "SELECT create_distributed_table('claims', 'code')" >/dev/null
s -c "DROP EXTENSION codeset CASCADE" -c "SET client_min_messages = error" -c "CREATE EXTENSION codeset VERSION '1.0'" \
  -c "$user_release" -c "ALTER EXTENSION codeset UPDATE" >/dev/null
q $coord -c "ALTER EXTENSION codeset UPDATE" 2>"$dir/err"
# until the tables are distributed, a load would reach the coordinator only
q $coord -c "SELECT codeset.load_code_list_data(convert_to(E'code\n99215\n', 'UTF8'), 'cpt-x.csv', 'CPT', '2026-01-01')" \
    >/dev/null 2>"$dir/refused"
grep -q "codeset's tables are not yet distributed on this Citus cluster" "$dir/refused" ||
    echo "# (a load before distribute_on_citus() was not refused: $(cat "$dir/refused"))"
refused=$(grep -c "HINT:  Run SELECT codeset.distribute_on_citus(); first" "$dir/refused")
q $coord -c "SELECT codeset.distribute_on_citus()" >/dev/null 2>>"$dir/err"
single=$(s -c "SELECT codeset.release_fingerprint()")
same "1.0 on each node: after ALTER EXTENSION UPDATE loads are refused; distribute_on_citus() gives every node the single node's releases" \
    "refused 1 1.1 true 1.1 true 1.1 true 1.1 true $single $single $single $single" \
    "refused $refused $(for p in $coord $w1 $w2 $w3; do q $p -c "$distributed"; done | xargs) $(fingerprints $coord $w1 $w2 $w3)"
grep -q "WARNING:  codeset's tables are not distributed" "$dir/err" || echo "# (no WARNING from the update: $(cat "$dir/err"))"
