#!/usr/bin/env bash
# TAP: every older version of codeset, installed and then updated with
# ALTER EXTENSION codeset UPDATE, must equal a fresh install of the current
# version: the same objects with the same marks, and the same answers.
# Runs against the server in PG* (tools/test.sh runs it in pg_virtualenv),
# with the extension installed (make install puts every script in place).
set -euo pipefail
cd "$(dirname "$0")/.."
current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" codeset.control)
older=$(ls sql/codeset--*.sql | sed -n 's|^sql/codeset--\([0-9.]*\)\.sql$|\1|p' | grep -vx "$current" | sort -V || true)
if [ -z "$older" ]; then
    echo "1..0 # SKIP only version $current exists: no upgrade path to test yet"
    exit 0
fi
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# What a database with codeset looks like: objects and their marks, and answers
describe() {
    q -d "$1" <<'SQL'
SELECT pg_describe_object(d.classid, d.objid, 0) || ' ' ||
       coalesce((SELECT format('%s %s %s %s %s %s %s', p.provolatile, p.proisstrict, p.proparallel,
                               p.prosecdef, p.proleakproof, p.proconfig, pg_get_function_result(p.oid))
                 FROM pg_proc p WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid), '')
FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'codeset'
WHERE d.deptype = 'e' ORDER BY 1;
SELECT valid('J1100'), valid('J0610', '2023-05-01'), invalid_reason('B0000'), describe('E0110'),
       '{99202-99215, G0438}'::medcodeset @> '99213'::medcode, code_section('99213'),
       (SELECT count(*) FROM codeset.code_history), (SELECT count(*) FROM codeset.code_set);
SQL
}

n=0
plan=$(( $(echo "$older" | wc -w) * 2 ))
echo "1..$plan"
dropdb --if-exists codeset_fresh >/dev/null 2>&1
createdb codeset_fresh
q -d codeset_fresh -c "SET client_min_messages = warning" -c "CREATE EXTENSION codeset"
fresh=$(describe codeset_fresh)
for v in $older; do
    db=codeset_from_${v//./_}
    dropdb --if-exists "$db" >/dev/null 2>&1
    createdb "$db"
    n=$((n + 1))
    if q -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION codeset VERSION '$v'" \
         -c "ALTER EXTENSION codeset UPDATE" 2>/tmp/upgrade.err; then
        echo "ok $n - $v installs and updates to $current"
    else
        echo "not ok $n - $v installs and updates to $current"; sed 's/^/# /' /tmp/upgrade.err
    fi
    n=$((n + 1))
    updated=$(describe "$db")
    if [ "$updated" = "$fresh" ]; then
        echo "ok $n - $v updated equals a fresh $current: objects, marks and answers"
    else
        echo "not ok $n - $v updated differs from a fresh $current"
        diff <(echo "$fresh") <(echo "$updated") | sed 's/^/# /' | head -40
    fi
    dropdb "$db"
done
dropdb codeset_fresh
