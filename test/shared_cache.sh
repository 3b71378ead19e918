#!/usr/bin/env bash
# TAP: the validity cache in shared memory (validity_shared.c), on a server
# with shared_preload_libraries = 'codeset' (tools/test.sh starts one with
# tools/with-postgres.sh; skipped on a server without it).  A session's
# cache points at a slot another filled, answers as a cache built from the
# tables does, follows loads, and a slot a session still reads is never
# refilled: with both slots held, a session keeps its own copy.
set -euo pipefail
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off"
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
if ! q -d postgres -c "SHOW shared_preload_libraries" | grep -qw codeset; then
    echo "1..0 # SKIP shared_preload_libraries does not name codeset on this server"
    exit 0
fi
db=codeset_shared
dropdb --if-exists $db >/dev/null 2>&1; createdb $db
q -d $db -c "CREATE EXTENSION codeset"
echo "1..7"
n=0
same() {  # same "what" EXPECTED GOT
    n=$((n + 1))
    if [ "$2" = "$3" ]; then echo "ok $n - $1"; else
        echo "not ok $n - $1"; printf '# expected: %s\n# got:      %s\n' "$2" "$3"; fi
}
# a load of a synthetic Level II code, valid from a date after every
# shipped file, in a session of its own: bash $loader CODE YYYYMMDD
loader=$(mktemp)
trap 'rm -f $loader; dropdb --if-exists $db >/dev/null 2>&1' EXIT
cat >"$loader" <<EOF
psql -X -q -At -v ON_ERROR_STOP=1 -d $db -c "SELECT status FROM codeset.load_hcpcs_lines(ARRAY[rpad('\$1' || '00100' || '3' ||
    rpad('A synthetic new code', 80) || rpad('Synthetic new code', 28), 268) || '\$2' || '\$2' || '        ' ||
    'A' || repeat(' ', 27)], 'HCPC_synthetic_\$1.txt', to_date('\$2', 'YYYYMMDD'))" >/dev/null
EOF
load() { bash "$loader" "$@"; }

q -d $db -c "SELECT valid('J1100')" >/dev/null   # fills a slot
same "a new session's cache is the shared one, with under 256 kB of its own" "shared|t" \
    "$(q -d $db -c "SELECT codeset.cache_built_from(), codeset.cache_size() < 262144")"

answers="SELECT md5(string_agg(concat_ws('|', c, d, valid(c, d), invalid_reason(c, d), valid(c)), ',' ORDER BY c, d))
         FROM (SELECT DISTINCT code AS c FROM codeset.code_history) a,
              (VALUES (date '2016-06-15'), ('2018-02-01'), ('2020-03-31'), ('2020-04-01'), ('2022-07-01'),
                      ('2025-09-30'), ('2025-10-01'), ('2026-06-01'), ('infinity')) v(d);
         SELECT md5(string_agg(concat_ws('|', m, valid_modifier(m, date '2024-01-01')), ',' ORDER BY m))
         FROM (SELECT DISTINCT modifier AS m FROM codeset.modifier_history) a"
shared_answers=$(q -d $db <<<"$answers" | xargs)
# without the image table a session can tell no state: it builds its own from the tables
q -d $db -c "ALTER TABLE codeset.validity_image RENAME TO validity_image_aside"
same "its answers are those of a cache built from the tables" "tables $shared_answers" \
    "$(printf '%s\n' "SELECT codeset.cache_built_from();" "$answers" | q -d $db | xargs)"
q -d $db -c "ALTER TABLE codeset.validity_image_aside RENAME TO validity_image"

# an open session, across a load another session commits
same "after a load, an open session's next transaction and a new session answer from the new state" \
    "f t shared t shared" \
    "$(q -d $db -c "SELECT valid('Q0001', '2026-07-15')" -c "\\! bash $loader Q0001 20260701" \
        -c "SELECT valid('Q0001', '2026-07-15')" -c "SELECT codeset.cache_built_from()" | xargs) $(q -d $db -c "SELECT valid('Q0001', '2026-07-15'), codeset.cache_built_from()" | tr '|' ' ')"

# Two states held by open sessions: A (a transaction snapshot) and B; a
# third state has no free slot
q -d $db -c "BEGIN ISOLATION LEVEL REPEATABLE READ" -c "SELECT valid('Q0002', '2026-08-15')" \
    -c "SELECT pg_sleep(20)" -c "SELECT valid('Q0002', '2026-08-15'), codeset.cache_built_from()" -c "COMMIT" >/tmp/shared_cache_a.$$ &
a=$!
sleep 2; load Q0002 20260801
q -d $db -c "SELECT valid('Q0002', '2026-08-15')" -c "SELECT pg_sleep(12)" >/dev/null &
b=$!
sleep 2; load Q0003 20260901
same "with both slots read by open sessions, a new one keeps its own copy, with the newest answers" \
    "t|t|image" "$(q -d $db -c "SELECT valid('Q0002', '2026-08-15'), valid('Q0003', '2026-09-15'), codeset.cache_built_from()")"
wait $b
wait $a
same "the session under a transaction snapshot kept the answers of its state" "f|shared" "$(tail -1 /tmp/shared_cache_a.$$)"
rm -f /tmp/shared_cache_a.$$
same "once they end, their slots are filled again: a new session shares the newest state" \
    "t|shared" "$(q -d $db -c "SELECT valid('Q0003', '2026-09-15'), codeset.cache_built_from()")"

# parallel workers read the shared slot too
q -d $db -c "CREATE TABLE claims AS SELECT (ARRAY['J1100','E0110','Q0003','J9999','99213'])[1 + g % 5]::medcode AS code,
    date '2017-01-01' + g % 3650 AS dos FROM generate_series(1, 200000) g" -c "ANALYZE claims"
count="SELECT count(*) FILTER (WHERE valid(code, dos)) || ':' || count(*) FILTER (WHERE NOT valid(code, dos)) FROM claims"
same "parallel workers answer as one backend" "$(q -d $db -c "SET max_parallel_workers_per_gather = 0" -c "$count")" \
    "$(q -d $db -c "SET parallel_setup_cost = 0" -c "SET parallel_tuple_cost = 0" -c "SET min_parallel_table_scan_size = 0" \
        -c "SET max_parallel_workers_per_gather = 2" -c "$count")"
