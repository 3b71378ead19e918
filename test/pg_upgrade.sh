#!/usr/bin/env bash
# TAP: pg_upgrade of a database that uses codeset (a medcode column with its
# index, a user CPT list and CMS file, a user set) gives a database with the
# same rows and the same answers.  In binary-upgrade mode pg_dump creates the
# extension's members one by one in dependency order, so a member that needs
# an operator class it does not depend on (a GROUP BY, DISTINCT or ORDER BY
# on a medcode in a view or a parsed SQL body) fails the upgrade.
# Starts its own two clusters on loopback sockets as the postgres user
# (PG_CONFIG's major version, old and new the same until the newer versions
# build in the test command).
set -euo pipefail
# answers that do not depend on the calendar (test/stale_warning.sh tests the warning)
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off"
cd "$(dirname "$0")/.."
bindir=$("${PG_CONFIG:-pg_config}" --bindir)
work=$(mktemp -d)
chmod 755 "$work"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
cleanup() {
    for d in old new; do
        [ -f "$work/$d/postmaster.pid" ] && as_pg "$bindir/pg_ctl" -D "$work/$d" -m immediate stop >/dev/null 2>&1
    done
    rm -rf "$work"
}
trap cleanup EXIT
port_old=55431
port_new=55432
start() { as_pg "$bindir/pg_ctl" -D "$work/$1" -w -l "$work/$1.log" \
              -o "-p $2 -k $work -c listen_addresses=''" start >/dev/null; }
stop() { as_pg "$bindir/pg_ctl" -D "$work/$1" -w stop >/dev/null; }
q() { as_pg psql -X -q -At -v ON_ERROR_STOP=1 -h "$work" "$@"; }

echo "1..4"
for d in old new; do
    as_pg "$bindir/initdb" -D "$work/$d" -A trust -U postgres >/dev/null
done
start old $port_old
q -p $port_old -d postgres -c "CREATE DATABASE claims_db" >/dev/null
q -p $port_old -d claims_db <<'SQL' >/dev/null
SET client_min_messages = warning;
CREATE EXTENSION codeset;
CREATE TABLE claims (id int PRIMARY KEY, code medcode NOT NULL, dos date NOT NULL, allowed medcodeset);
INSERT INTO claims
SELECT g, c.code, date '2017-01-01' + (g * 7 % 3600), CASE WHEN g % 5 = 0 THEN '{99202-99215, G0438}'::medcodeset END
FROM generate_series(1, 3000) g
JOIN (SELECT row_number() OVER () AS i, code FROM codeset.code_history WHERE period = 1) c ON c.i = 1 + g * 13 % 7000;
INSERT INTO claims VALUES (3001, '99213', '2026-02-01', '{}'), (3002, '0001U', '2026-02-01', NULL);
CREATE INDEX claims_code ON claims (code);
SELECT codeset.load_code_list_data(convert_to(E'code\n99213\n99214\n0001U\n', 'UTF8'), 'cpt-2026.csv', 'CPT', '2026-01-01');
INSERT INTO codeset.code_set (name, description, codes) VALUES ('telehealth', 'Telehealth', '{G0438, G0439, 99421-99423}');
SQL

fingerprint() {
    q -p "$1" -d claims_db <<'SQL'
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
    SELECT 'claims ' || c::text AS x FROM claims c
    UNION ALL SELECT 'release ' || (r.release_id, r.file_name, r.effective, r.covers, r.source,
                                     r.superseded_by, r.unloaded_at, r.loaded_generation)::text FROM codeset.release r
    UNION ALL SELECT 'history ' || h::text FROM codeset.code_history h
    UNION ALL SELECT 'modifier ' || m::text FROM codeset.modifier_history m
    UNION ALL SELECT 'set ' || s::text FROM codeset.code_set s
    UNION ALL SELECT 'codes ' || pg_catalog.array_agg(c ORDER BY c)::text FROM codes('{99202-99215}') c
    UNION ALL SELECT 'answer ' || (id, valid(code, dos), invalid_reason(code, dos), code <@ allowed,
                                    in_set(code, 'telehealth'))::text FROM claims) t;
SQL
}
before=$(fingerprint $port_old)
stop old

if (cd "$work" && as_pg "$bindir/pg_upgrade" -b "$bindir" -B "$bindir" -d "$work/old" -D "$work/new" \
        -p $port_old -P $port_new -s "$work" >"$work/pg_upgrade.out" 2>&1); then
    echo "ok 1 - pg_upgrade of a database with codeset succeeds"
else
    echo "not ok 1 - pg_upgrade of a database with codeset succeeds"
    grep -h -B2 -A3 -i "error\|fatal" "$work/pg_upgrade.out" "$work"/new/pg_upgrade_output.d/*/log/*.log 2>/dev/null \
        | head -30 | sed 's/^/# /'
    echo "not ok 2 - # SKIP no upgraded cluster"
    echo "not ok 3 - # SKIP no upgraded cluster"
    echo "not ok 4 - # SKIP no upgraded cluster"
    exit 0
fi
start new $port_new
after=$(fingerprint $port_new)
[ "$before" = "$after" ] && echo "ok 2 - rows, releases, history, sets and answers are the same after the upgrade" \
    || echo "not ok 2 - the upgraded database differs ($before vs $after)"
plan=$(q -p $port_new -d claims_db -c "SET enable_seqscan = off" \
         -c "EXPLAIN (COSTS OFF) SELECT * FROM claims WHERE code <@ '{99202-99215}'")
case "$plan" in *claims_code*) echo "ok 3 - the btree on the medcode column survives and is used" ;;
                *) echo "not ok 3 - plan: $plan" ;; esac
status=$(q -p $port_new -d claims_db -c "SET client_min_messages = warning" \
           -c "SELECT status FROM codeset.load_code_list_data(convert_to(E'code\n99213\n99215\n', 'UTF8'), 'cpt-2027.csv', 'CPT', '2027-01-01')" \
           -c "SELECT valid('99214', '2027-02-01') IS FALSE AND valid('99215', '2027-02-01')")
[ "$status" = "$(printf 'loaded\nt')" ] && echo "ok 4 - the upgraded database loads the next release" \
    || echo "not ok 4 - a load after the upgrade: $status"
stop new
