#!/usr/bin/env bash
# TAP: CREATE EXTENSION, ALTER EXTENSION UPDATE and a load warn when a
# covered family is more than two quarters behind today, and only then.
# The answer depends on the calendar, so each check compares the WARNING
# with what codeset.stale_families() says today; sql/17_raw_text.sql tests
# the rule itself with fixed dates.  Runs against the server in PG*, with
# the warning on whatever PGOPTIONS the caller set.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS=
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
db=codeset_stale_warning
trap 'dropdb --if-exists $db >/dev/null 2>&1' EXIT
dropdb --if-exists $db >/dev/null 2>&1; createdb $db
echo "1..5"

# warned "what" stderr-file: ok when the file has the WARNING exactly when
# some family is stale today, naming each stale family
warned() {
    local stale list
    stale=$(q -d $db -c "SELECT count(*) FROM codeset.stale_families()")
    list=$(q -d $db -c "SELECT string_agg(family, ', ' ORDER BY family) FROM codeset.stale_families()")
    if [ "$stale" -gt 0 ]; then
        local named=true
        for f in $(echo "$list" | tr -d ,); do grep -q "[ :,]$f[ ,(]" "$2" || named=false; done
        if grep -q "WARNING:  codeset: the code tables of these families are more than two quarters behind $(date +%F)" "$2" &&
           $named; then
            echo "ok $3 - $1 warns of the $stale families stale today ($list)"
        else
            echo "not ok $3 - $1 should warn of $list"; sed 's/^/# /' "$2"
        fi
    elif grep -q WARNING "$2"; then
        echo "not ok $3 - $1 warns although no family is stale today"; sed 's/^/# /' "$2"
    else
        echo "ok $3 - $1 does not warn: no family is stale today"
    fi
}

q -d $db -c "CREATE EXTENSION codeset" 2>/tmp/stale.err
warned "CREATE EXTENSION" /tmp/stale.err 1
q -d $db -c "SELECT status FROM codeset.load_code_list_data(convert_to(E'code\n99213\n', 'UTF8'), 'cpt-2026.csv', 'CPT', '2026-01-01')" \
    >/dev/null 2>/tmp/stale.err
warned "a load" /tmp/stale.err 2
q -d $db -c "DROP EXTENSION codeset" -c "CREATE EXTENSION codeset VERSION '1.0'" 2>/dev/null
q -d $db -c "ALTER EXTENSION codeset UPDATE" 2>/tmp/stale.err
warned "ALTER EXTENSION UPDATE" /tmp/stale.err 3
# as on a day when every family is behind: the warning names them all
out=$(q -d $db -c "SET codeset.stale_warning = on" -c "SELECT codeset.warn_if_stale('2040-01-01')" 2>&1)
all=$(q -d $db -c "SELECT count(*) = (SELECT count(*) FROM codeset.coverage) FROM codeset.stale_families('2040-01-01')")
named=true
for f in $(q -d $db -c "SELECT family FROM codeset.coverage"); do
    case "$out" in *" $f"[,\ ]*) ;; *) named=false ;; esac
done
[ "$all" = t ] && $named && case "$out" in *"WARNING:  codeset: "*" behind 2040-01-01: "*) true ;; *) false ;; esac \
    && echo "ok 4 - in 2040 every family is stale, and the warning names each" \
    || { echo "not ok 4 - the warning for 2040 misses a family"; echo "$out" | sed 's/^/# /'; }
out=$(PGOPTIONS="-c codeset.stale_warning=off" q -d $db -c "SELECT codeset.warn_if_stale('2040-01-01')" 2>&1)
[ -z "$out" ] && echo "ok 5 - codeset.stale_warning = off silences it" || echo "not ok 5 - still warns: $out"
