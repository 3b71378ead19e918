#!/usr/bin/env bash
# TAP: while one session loads ten CPT releases, four others run valid()
# over a claims table in a loop (pgbench, bounded in time).  No errors;
# every query sees the state after some whole release, never a mix; a
# session never sees an older state after a newer one; after the last
# commit every session sees the newest data.
# Runs against the server in PG* (tools/test.sh runs it in pg_virtualenv).
set -euo pipefail
# answers that do not depend on the calendar (test/stale_warning.sh tests the warning)
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off"
db=codeset_concurrency
work=$(mktemp -d)
trap 'rm -rf "$work"; dropdb --if-exists $db >/dev/null 2>&1' EXIT
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d $db "$@"; }

echo "1..8"
dropdb --if-exists $db >/dev/null 2>&1
createdb $db
q <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION codeset;
-- 60 codes, 100 claims each; release k lists the first 6k of them
CREATE TABLE claims AS SELECT (99200 + 1 + g % 60)::text AS code FROM generate_series(0, 5999) g;
-- the counts a reader may see: before any release (NULL, not loaded: 0), after release k: 600k
CREATE TABLE allowed AS SELECT 600 * k AS n FROM generate_series(0, 10) k;
CREATE FUNCTION inconsistent(n bigint, prev bigint) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reader saw % codes valid after having seen %', n, prev;
END $$;
SQL

cat > "$work/reader.sql" <<'SQL'
SELECT count(*) FILTER (WHERE valid(code, '2040-01-01')) AS n FROM claims \gset
SELECT CASE WHEN :n IN (SELECT n FROM allowed) AND :n >= :prev THEN 1
            ELSE inconsistent(:n, :prev) END AS consistent;
\set prev :n
SQL

loader() {
    for k in $(seq 1 10); do
        codes=$(seq 99201 $((99200 + 6 * k)) | paste -sd, - | sed 's/,/\\n/g')
        eff=$(date -d "2030-01-01 + $(( 3 * (k - 1) )) months" +%F)
        q -c "BEGIN" \
          -c "SELECT status FROM codeset.load_code_list_data(convert_to(E'code\\n$codes\\n', 'UTF8'), 'cpt-$k.csv', 'CPT', '$eff')" \
          -c "SELECT pg_sleep(0.2)" -c "COMMIT" >/dev/null
        sleep 0.3
    done
}

loader & loader_pid=$!
pgbench -n -c 4 -T 8 -D prev=0 -f "$work/reader.sql" $db >"$work/pgbench.out" 2>&1 && bench_ok=1 || bench_ok=0
wait $loader_pid && loader_ok=1 || loader_ok=0

[ "$loader_ok" = 1 ] && echo "ok 1 - ten releases loaded while readers ran" || echo "not ok 1 - the loader failed"
if [ "$bench_ok" = 1 ] && ! grep -q "aborted\|ERROR" "$work/pgbench.out"; then
    echo "ok 2 - four readers, no errors, every answer a whole release's and never older than the last"
else
    echo "not ok 2 - readers saw a mix or failed"; sed 's/^/# /' "$work/pgbench.out"
fi
tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.out")
[ "${tx:-0}" -gt 100 ] && echo "ok 3 - the readers ran $tx queries" || echo "not ok 3 - only ${tx:-0} reader queries"
n=$(q -c "SELECT count(*) FILTER (WHERE valid(code, '2040-01-01')) FROM claims")
[ "$n" = 6000 ] && echo "ok 4 - a new session sees the last release" || echo "not ok 4 - saw $n"
n=$(q -c "SELECT count(*) FROM codeset.release WHERE code_system = 'CPT'")
[ "$n" = 10 ] && echo "ok 5 - ten CPT releases in the log" || echo "not ok 5 - $n CPT releases"

# A SERIALIZABLE load whose snapshot predates a READ COMMITTED load's
# commit: it must not build on the stale snapshot (found by review: it
# committed, and the history lost the first list).  It fails with 40001;
# retried, it builds on the first.
q -c "SET client_min_messages = warning" -c "DROP EXTENSION codeset" -c "CREATE EXTENSION codeset"
list() { echo "SELECT status FROM codeset.load_code_list_data(convert_to(E'code\\n$2\\n', 'UTF8'), '$1', 'CPT', '$3')"; }
q -c "BEGIN" -c "$(list cpt-a.csv '99213\n99214' 2030-01-01)" -c "SELECT pg_sleep(2)" -c "COMMIT" >/dev/null &
first=$!
sleep 0.5
psql -X -q -At -d $db -v VERBOSITY=verbose -c "BEGIN ISOLATION LEVEL SERIALIZABLE" -c "SELECT 1" \
     -c "$(list cpt-b.csv '99213' 2030-04-01)" -c "COMMIT" >"$work/second.out" 2>&1 || true
wait $first
if grep -q "40001" "$work/second.out"; then
    echo "ok 6 - a SERIALIZABLE load whose snapshot predates another load's commit fails with 40001"
else
    echo "not ok 6 - the stale SERIALIZABLE load did not fail with 40001"; sed 's/^/# /' "$work/second.out"
fi
q -c "BEGIN ISOLATION LEVEL SERIALIZABLE" -c "$(list cpt-b.csv '99213' 2030-04-01)" -c "COMMIT" >/dev/null
got=$(q -c "SELECT concat_ws(' ', valid('99213', '2030-02-01'), valid('99214', '2030-02-01'), valid('99214', '2030-05-01'))")
[ "$got" = "t t f" ] && echo "ok 7 - retried, it builds on the first list: the history has both" \
    || echo "not ok 7 - after the retry: $got (want t t f)"

# A statement running across DROP EXTENSION and CREATE EXTENSION: its
# snapshot sees none of the new tables' rows.  It must fail, not answer NULL
# for every later row (found by review: 99,999 rows valid, then 200,000 NULL).
q -c "CREATE TABLE other_table (x int)" -c "CREATE FUNCTION pause_then_lock(g int) RETURNS boolean LANGUAGE plpgsql AS \$\$
BEGIN
    IF g = 1000 THEN
        -- long enough for DROP and CREATE EXTENSION (about 5 s under load)
        -- to commit meanwhile
        PERFORM pg_sleep(15);
        -- a first lock on another table takes in the invalidations mid-statement
        EXECUTE 'SELECT count(*) FROM other_table';
    END IF;
    RETURN true;
END \$\$"
psql -X -q -At -d $db -v VERBOSITY=verbose -c "SELECT valid('J1100')" \
     -c "SELECT count(*) FILTER (WHERE valid(c)), count(*) FILTER (WHERE valid(c) IS NULL)
         FROM (SELECT 'J1100'::text AS c, g FROM generate_series(1, 200000) g) s WHERE pause_then_lock(g)" \
     >"$work/across.out" 2>&1 &
long=$!
sleep 1
q -c "SET client_min_messages = warning" -c "DROP EXTENSION codeset" -c "CREATE EXTENSION codeset"
wait $long || true
if grep -q "40001" "$work/across.out" && ! grep -q "^[0-9]*|[0-9]*$" "$work/across.out"; then
    echo "ok 8 - a statement running across DROP and CREATE EXTENSION fails with 40001 instead of answering NULL"
else
    echo "not ok 8 - a statement across DROP and CREATE EXTENSION did not fail"; sed 's/^/# /' "$work/across.out"
fi
