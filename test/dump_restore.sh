#!/usr/bin/env bash
# TAP: pg_dump and pg_restore of a database that uses codeset: medcode and
# medcodeset columns with indexes, a user-loaded CPT list, a user code set.
# Everything comes back, and the same questions get the same answers.
# Runs against the server in PG* (tools/test.sh runs it in pg_virtualenv).
set -euo pipefail
# answers that do not depend on the calendar (test/stale_warning.sh tests the warning)
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off"
work=$(mktemp -d)
trap 'rm -rf "$work"; dropdb --if-exists codeset_dump_src >/dev/null 2>&1; dropdb --if-exists codeset_dump_dst >/dev/null 2>&1; dropdb --if-exists codeset_dump_plain >/dev/null 2>&1; dropdb --if-exists codeset_dump_par >/dev/null 2>&1' EXIT
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

echo "1..11"
dropdb --if-exists codeset_dump_src >/dev/null 2>&1
createdb codeset_dump_src
q -d codeset_dump_src <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION codeset;
CREATE TABLE claims (id int PRIMARY KEY, code medcode, code_text text, dos date, allowed medcodeset);
INSERT INTO claims
SELECT g, h.code, lower(h.code::text), date '2017-01-01' + (g % 3400), CASE WHEN g % 7 = 0 THEN '{99202-99215, G0438}'::medcodeset END
FROM generate_series(1, 5000) g
JOIN (SELECT row_number() OVER (ORDER BY code) AS i, code FROM (SELECT DISTINCT code FROM codeset.code_history) d) h
  ON h.i = 1 + g % 8000;
INSERT INTO claims VALUES (5001, '99213', '99213', '2027-02-01', '{}'), (5002, '0001U', '0001u', '2027-02-01', NULL);
CREATE INDEX claims_code ON claims (code);
CREATE INDEX claims_allowed ON claims USING hash (allowed);
DO $$ BEGIN
    PERFORM codeset.load_code_list_data(convert_to(E'code\n99213\n99214\n0001U\n', 'UTF8'), 'cpt-2027.csv', 'CPT', '2027-01-01');
    -- a newer CMS quarter (small and synthetic: it ends every Level II code
    -- and modifier it leaves out, so its load writes many versions)
    PERFORM codeset.load_hcpcs_data(convert_to(
        rpad('J1100' || '00100' || '3' || rpad('Injection, dexamethasone sodium phosphate, 1mg', 80)
             || rpad('Dexamethasone sodium phos', 28), 268) || '19990101' || '20270101' || '        ' || 'N' || repeat(' ', 27)
        || E'\n' ||
        rpad('   LT' || '00100' || '7' || rpad('Left side', 80) || rpad('Left side', 28), 268)
             || '19840101' || '19970101' || '        ' || 'N' || repeat(' ', 27), 'UTF8'), 'HCPC2027_JAN_synthetic.txt', '2027-01-01');
END $$;
INSERT INTO codeset.code_set (name, description, codes) VALUES ('telehealth', 'Telehealth', '{G0438, G0439, 99421-99423}');
SQL

fingerprint() {
    q -d "$1" <<'SQL'
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
    SELECT 'claims ' || c::text AS x FROM claims c
    UNION ALL SELECT 'release ' || (r.release_id, r.code_system, r.file_kind, r.effective, r.covers, r.content_sha256, r.source,
                                     r.codes_added, r.codes_changed, r.codes_terminated, r.codes_unchanged)::text FROM codeset.release r
    UNION ALL SELECT 'version ' || v::text FROM codeset.code_version v
    UNION ALL SELECT 'modifier ' || m::text FROM codeset.modifier_version m
    UNION ALL SELECT 'set ' || s::text FROM codeset.code_set s
    UNION ALL SELECT 'answer ' || (id, valid(code, dos), valid(code_text, dos), invalid_reason(code_text, dos),
                                    code <@ allowed, in_set(code, 'telehealth'))::text FROM claims) t;
SQL
}
before=$(fingerprint codeset_dump_src)

pg_dump -Fc -f "$work/src.dump" codeset_dump_src && echo "ok 1 - pg_dump -Fc" || echo "not ok 1 - pg_dump -Fc"
createdb codeset_dump_dst
if pg_restore --exit-on-error -d codeset_dump_dst "$work/src.dump" 2>"$work/restore.err"; then
    echo "ok 2 - pg_restore without errors"
else
    echo "not ok 2 - pg_restore without errors"; sed 's/^/# /' "$work/restore.err"
fi
after=$(fingerprint codeset_dump_dst)
[ "$before" = "$after" ] && echo "ok 3 - tables, user releases, user CPT rows, user sets and answers come back" \
    || echo "not ok 3 - restored database differs ($before vs $after)"
n=$(q -d codeset_dump_dst -c "SELECT count(*) FROM codeset.release WHERE source = 'user'")
[ "$n" = 2 ] && echo "ok 4 - the user's releases are restored once" || echo "not ok 4 - user releases: $n"
n=$(q -d codeset_dump_dst -c "SELECT count(*) FROM codeset.code_version WHERE source = 'codeset'")
m=$(q -d codeset_dump_src -c "SELECT count(*) FROM codeset.code_version WHERE source = 'codeset'")
[ "$n" = "$m" ] && echo "ok 5 - shipped rows come from CREATE EXTENSION, not duplicated" || echo "not ok 5 - shipped rows $m before, $n after"
plan=$(q -d codeset_dump_dst -c "SET enable_seqscan = off" -c "EXPLAIN (COSTS OFF) SELECT * FROM claims WHERE code <@ '{99202-99215}'")
case "$plan" in *claims_code*) echo "ok 6 - the btree on the medcode column is restored and used" ;; *) echo "not ok 6 - plan: $plan" ;; esac
next=$(q -d codeset_dump_dst -c "SELECT nextval('codeset.release_id_seq') > (SELECT max(release_id) FROM codeset.release)
                                          AND (SELECT max(release_id) FROM codeset.release WHERE source = 'codeset') < 0")
[ "$next" = t ] && echo "ok 7 - the release sequence continues after the restored releases; shipped ids stay below zero" \
    || echo "not ok 7 - nextval or the shipped ids collide with restored releases"

pg_dump -f "$work/src.sql" codeset_dump_src
createdb codeset_dump_plain
psql -X -q -v ON_ERROR_STOP=1 -d codeset_dump_plain -f "$work/src.sql" >/dev/null 2>"$work/plain.err" || true
after=$(fingerprint codeset_dump_plain)
[ "$before" = "$after" ] && echo "ok 8 - a plain-format dump restores the same" || { echo "not ok 8 - plain restore differs"; sed 's/^/# /' "$work/plain.err"; }

# A parallel restore loads the extension's tables in any order, at once:
# nothing may depend on the order (no foreign keys among them).
for i in 1 2; do
    dropdb --if-exists codeset_dump_par >/dev/null 2>&1; createdb codeset_dump_par
    n=$((8 + i))
    if pg_restore -j 2 -d codeset_dump_par "$work/src.dump" 2>"$work/par.err" &&
       [ "$(fingerprint codeset_dump_par)" = "$before" ]; then
        echo "ok $n - pg_restore -j 2 (run $i) restores everything, user versions included"
    else
        echo "not ok $n - pg_restore -j 2 (run $i) differs or failed"; sed 's/^/# /' "$work/par.err" | head -10
    fi
done
# The restored image of the validity cache is of the restored releases: a
# new session reads it instead of building the cache from the tables
from=$(q -d codeset_dump_dst -c "SELECT codeset.cache_built_from()")
[ "$from" = image ] && echo "ok 11 - after the restore a new session's cache comes from the restored image" \
    || echo "not ok 11 - after the restore the cache was built from $from"
