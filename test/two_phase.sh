#!/usr/bin/env bash
# TAP: every change codeset makes can be two-phase committed (PREPARE
# TRANSACTION, as Citus does on its workers): CREATE, ALTER and DROP
# EXTENSION, each kind of load, an unload.  None may touch a temporary
# object.  A prepared load rolled back leaves the tables as they were.
# Runs against the server in PG* (tools/test.sh runs it in pg_virtualenv
# with max_prepared_transactions set).
set -euo pipefail
# answers that do not depend on the calendar (test/stale_warning.sh tests the warning)
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off"
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
if [ "$(q -d postgres -c 'SHOW max_prepared_transactions')" = 0 ]; then
    echo "1..0 # SKIP max_prepared_transactions is 0 on this server: prepared transactions are off"
    exit 0
fi
db=codeset_two_phase
trap 'q -d postgres -c "ROLLBACK PREPARED '"'"'codeset_t'"'"'" >/dev/null 2>&1 || true; dropdb --if-exists $db >/dev/null 2>&1' EXIT
dropdb --if-exists $db >/dev/null 2>&1; createdb $db
echo "1..7"
n=0
# prepared "what" "SQL" [expected answer after COMMIT PREPARED] [check SQL]
prepared() {
    n=$((n + 1))
    if q -d $db -c "SET client_min_messages = warning" -c "BEGIN" -c "$2" -c "PREPARE TRANSACTION 'codeset_t'" \
         >/dev/null 2>/tmp/two_phase.err &&
       q -d $db -c "COMMIT PREPARED 'codeset_t'" 2>>/tmp/two_phase.err &&
       { [ -z "${4:-}" ] || [ "$(q -d $db -c "$4")" = "$3" ]; }; then
        echo "ok $n - $1 is two-phase committed"
    else
        echo "not ok $n - $1 is two-phase committed"; sed 's/^/# /' /tmp/two_phase.err
        [ -n "${4:-}" ] && q -d $db -c "$4" 2>&1 | sed 's/^/# got: /'
    fi
}
prepared "CREATE EXTENSION codeset" "CREATE EXTENSION codeset" t "SELECT valid('J1100')"
prepared "a code list load" \
    "SELECT codeset.load_code_list_data(convert_to(E'code\n99213\n99214\n', 'UTF8'), 'cpt-2026.csv', 'CPT', '2026-01-01')" \
    t "SELECT valid('99214', '2026-02-01')"
prepared "a CMS file load" \
    "SELECT codeset.load_hcpcs_lines(ARRAY[rpad('Q9990' || '00100' || '3' || rpad('A synthetic new code', 80) || rpad('Synthetic new code', 28), 268) || '20260701' || '20260701' || '        ' || 'A' || repeat(' ', 27)], 'HCPC2026_JUL_synthetic.txt', '2026-07-01')" \
    "t|f" "SELECT valid('Q9990', '2026-08-01'), valid('J1100', '2026-08-01')"
prepared "an unload" \
    "SELECT codeset.unload_release((SELECT max(release_id) FROM codeset.release))" \
    "f|t" "SELECT valid('Q9990', '2026-08-01'), valid('J1100', '2026-08-01')"

n=$((n + 1))
before=$(q -d $db -c "SELECT md5(string_agg(r::text, '|' ORDER BY r.release_id)) FROM codeset.release r")
if q -d $db -c "SET client_min_messages = warning" -c "BEGIN" \
     -c "SELECT codeset.load_code_list_data(convert_to(E'code\n99215\n', 'UTF8'), 'cpt-2027.csv', 'CPT', '2027-01-01')" \
     -c "PREPARE TRANSACTION 'codeset_t'" >/dev/null && q -d $db -c "ROLLBACK PREPARED 'codeset_t'" &&
   [ "$(q -d $db -c "SELECT md5(string_agg(r::text, '|' ORDER BY r.release_id)) FROM codeset.release r")" = "$before" ] &&
   [ "$(q -d $db -c "SELECT valid('99215', '2027-02-01') IS FALSE AND valid('99213', '2027-02-01')")" = t ]; then
    echo "ok $n - a prepared load rolled back leaves the release log and the answers as they were"
else
    echo "not ok $n - a prepared load rolled back changed something"
fi
prepared "DROP EXTENSION codeset" "DROP EXTENSION codeset" 0 \
    "SELECT count(*) FROM pg_extension WHERE extname = 'codeset'"
# 1.0's install script, as released, loads through temporary tables; its
# update to the current version does not
q -d $db -c "SET client_min_messages = warning" -c "CREATE EXTENSION codeset VERSION '1.0'"
prepared "ALTER EXTENSION codeset UPDATE from 1.0" "ALTER EXTENSION codeset UPDATE" t \
    "SELECT extversion <> '1.0' AND valid('J1100') FROM pg_extension WHERE extname = 'codeset'"
