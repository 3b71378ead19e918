#!/usr/bin/env bash
# TAP: every older version of codeset, installed and then updated with
# ALTER EXTENSION codeset UPDATE, must equal a fresh install of the current
# version: the same objects with the same marks, bodies and comments, and the same
# answers.
# Runs against the server in PG* (tools/test.sh runs it in pg_virtualenv),
# with the extension installed (make install puts every script in place).
set -euo pipefail
# answers that do not depend on the calendar (test/stale_warning.sh tests the warning)
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off"
cd "$(dirname "$0")/.."
current=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" codeset.control)
older=$(ls sql/codeset--*.sql | sed -n 's|^sql/codeset--\([0-9.]*\)\.sql$|\1|p' | grep -vx "$current" | sort -V || true)
if [ -z "$older" ]; then
    echo "1..0 # SKIP only version $current exists: no upgrade path to test yet"
    exit 0
fi
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# What a user adds: a CPT list, a newer CMS quarter (a small synthetic
# file: it ends every Level II code it leaves out), a user set
user_data() {
    q -d "$1" <<'SQL'
SET client_min_messages = warning;
SELECT status FROM codeset.load_code_list_data(convert_to(E'code,description\n99213,\n99214,\n0001U,\n', 'UTF8'),
                                               'cpt-2026.csv', 'CPT', '2026-01-01', NULL, 1, 0);
SELECT status FROM codeset.load_hcpcs_data(convert_to(
    rpad('J1100' || '00100' || '3' || rpad('Injection, dexamethasone sodium phosphate, 1mg', 80)
         || rpad('Dexamethasone sodium phos', 28), 268) || '19990101' || '20260701' || '        ' || 'N' || repeat(' ', 27)
    || E'\n' ||
    rpad('Q9999' || '00100' || '3' || rpad('A synthetic new code', 80) || rpad('Synthetic new code', 28), 268)
         || '20260701' || '20260701' || '        ' || 'A' || repeat(' ', 27)
    || E'\n' ||
    rpad('   LT' || '00100' || '7' || rpad('Left side', 80) || rpad('Left side', 28), 268)
         || '19840101' || '19970101' || '        ' || 'N' || repeat(' ', 27), 'UTF8'), 'HCPC2026_JUL_synthetic.txt', '2026-07-01');
INSERT INTO codeset.code_set (name, description, codes) VALUES ('my-office', 'Office visits', '{99211-99215}');
SQL
}

# The answers a user asks for, over the user's data and the shipped tables
user_answers() {
    q -d "$1" <<'SQL'
SELECT string_agg(concat_ws(' ', c, d, valid(c, d), invalid_reason(c, d), describe(c::medcode, d)), E'\n' ORDER BY c, d)
FROM unnest('{99213,99215,0001U,J1100,Q9999,E0110,G0438,H2038}'::text[]) c,
     unnest('{2025-06-01,2026-02-01,2026-08-01,2027-01-01}'::date[]) d;
SELECT valid_modifier('LT', '2026-08-01'), valid_modifier('RT', '2026-08-01'), in_set('99213', 'my-office');
SELECT string_agg(concat_ws(' ', code_system, file_kind, file_name, effective, source), E'\n' ORDER BY file_name)
FROM codeset.release WHERE source = 'user';
SQL
}

# The user's releases with their ids, and the versions each wrote
releases_with_ids="SELECT string_agg(concat_ws(' ', r.release_id, r.file_name, r.loaded_generation,
                                               (SELECT count(*) FROM codeset.code_version v WHERE v.release_id = r.release_id)),
                                     ', ' ORDER BY r.release_id)
                   FROM codeset.release r WHERE r.source = 'user'"

# What a database with codeset looks like: objects and their marks, and answers
describe() {
    q -d "$1" <<'SQL'
SELECT pg_describe_object(d.classid, d.objid, 0) || ' ' ||
       coalesce((SELECT format('%s %s %s %s %s %s %s %s', p.provolatile, p.proisstrict, p.proparallel, p.proacl,
                               p.prosecdef, p.proleakproof, p.proconfig, pg_get_function_result(p.oid))
                 FROM pg_proc p WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid), '') || ' ' ||
       -- the bodies too: an upgrade script that forgets a change of a part shows here
       coalesce((SELECT md5(pg_get_functiondef(p.oid)) FROM pg_proc p
                 WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid AND p.prokind IN ('f', 'p')), '') ||
       coalesce((SELECT md5(pg_get_viewdef(c.oid)) FROM pg_class c
                 WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid AND c.relkind = 'v'), '') || ' ' ||
       coalesce((SELECT md5(x.description) FROM pg_description x
                 WHERE x.classoid = d.classid AND x.objoid = d.objid AND x.objsubid = 0), 'no comment')
FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'codeset'
WHERE d.deptype = 'e' ORDER BY 1;
SELECT c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
FROM pg_constraint c JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.conrelid
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'codeset' AND d.deptype = 'e'
ORDER BY 1;
SELECT valid('J1100'), valid('J0610', '2023-05-01'), invalid_reason('B0000'), describe('E0110'),
       '{99202-99215, G0438}'::medcodeset @> '99213'::medcode, code_section('99213'),
       (SELECT count(*) FROM codeset.code_history), (SELECT count(*) FROM codeset.code_set);
SQL
}

n=0
plan=$(( $(echo "$older" | wc -w) * 7 ))
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

    # With user data: a 1.0 database that loaded the user's files, updated,
    # answers as a fresh 1.1 that loaded the same files
    db=codeset_user_from_${v//./_}
    dropdb --if-exists "$db" >/dev/null 2>&1; createdb "$db"
    n=$((n + 1))
    if q -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION codeset VERSION '$v'" >/dev/null &&
       user_data "$db" >/dev/null 2>/tmp/upgrade.err &&
       q -d "$db" -c "SET client_min_messages = warning" -c "ALTER EXTENSION codeset UPDATE" 2>>/tmp/upgrade.err; then
        echo "ok $n - $v with user releases and sets updates to $current"
    else
        echo "not ok $n - $v with user releases and sets updates to $current"; sed 's/^/# /' /tmp/upgrade.err
    fi
    dropdb --if-exists codeset_user_fresh >/dev/null 2>&1; createdb codeset_user_fresh
    q -d codeset_user_fresh -c "SET client_min_messages = warning" -c "CREATE EXTENSION codeset" >/dev/null
    user_data codeset_user_fresh >/dev/null
    n=$((n + 1))
    if [ "$(q -d "$db" -At -c "SELECT count(*) FROM codeset.release WHERE source = 'user'")" = 2 ] &&
       [ "$(q -d "$db" -At -c "SELECT count(*) FROM codeset.code_set WHERE source = 'user'")" = 1 ]; then
        echo "ok $n - $v updated keeps the user's 2 releases and their set"
    else
        echo "not ok $n - $v updated lost user releases or sets"
    fi
    n=$((n + 1))
    fresh_answers=$(user_answers codeset_user_fresh)
    updated_answers=$(user_answers "$db")
    if [ "$fresh_answers" = "$updated_answers" ]; then
        echo "ok $n - $v updated answers as a fresh $current given the same files"
    else
        echo "not ok $n - $v updated answers differ from a fresh $current given the same files"
        diff <(echo "$fresh_answers") <(echo "$updated_answers") | sed 's/^/# /' | head -40
    fi
    # The updated database dumps and restores into a fresh one whole: its
    # user releases (1.0's ids) collide with no shipped release
    n=$((n + 1))
    dropdb --if-exists codeset_user_restored >/dev/null 2>&1; createdb codeset_user_restored
    if pg_dump -Fc -f /tmp/upgrade.dump "$db" &&
       pg_restore --exit-on-error -d codeset_user_restored /tmp/upgrade.dump 2>/tmp/upgrade.err &&
       [ "$(user_answers codeset_user_restored)" = "$updated_answers" ] &&
       [ "$(q -d codeset_user_restored -c "$releases_with_ids")" = "$(q -d "$db" -c "$releases_with_ids")" ]; then
        echo "ok $n - $v updated, dumped and restored into a fresh $current keeps every release and answer"
    else
        echo "not ok $n - $v updated, dumped and restored differs"; sed 's/^/# /' /tmp/upgrade.err | head -10
    fi
    dropdb "$db"; dropdb codeset_user_fresh; dropdb codeset_user_restored

    # A role that loaded under 1.0's documented table grants loads under
    # the current version through the loaders' EXECUTE grant, and keeps no
    # write privilege on the history's tables
    db=codeset_grants_from_${v//./_}
    dropdb --if-exists "$db" >/dev/null 2>&1; createdb "$db"
    q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS codeset_old_loader" -c "CREATE ROLE codeset_old_loader"
    n=$((n + 1))
    got=$(q -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION codeset VERSION '$v'" \
            -c "GRANT INSERT, UPDATE ON codeset.release TO codeset_old_loader" \
            -c "GRANT INSERT ON codeset.code_version, codeset.modifier_version TO codeset_old_loader" \
            -c "GRANT USAGE ON SEQUENCE codeset.release_id_seq TO codeset_old_loader" \
            -c "ALTER EXTENSION codeset UPDATE" \
            -c "SELECT has_table_privilege('codeset_old_loader', 'codeset.release', 'INSERT, UPDATE')
                    OR has_table_privilege('codeset_old_loader', 'codeset.code_version', 'INSERT')
                    OR has_sequence_privilege('codeset_old_loader', 'codeset.release_id_seq', 'USAGE')" \
            -c "SET ROLE codeset_old_loader" \
            -c "SELECT status FROM codeset.load_code_list_lines(ARRAY['code', '99213'], 'cpt.csv', 'CPT', '2030-01-01')" \
            -c "SELECT loaded_by FROM codeset.release WHERE file_name = 'cpt.csv'" 2>&1 | paste -sd' ')
    if [ "$got" = "f loaded codeset_old_loader" ]; then
        echo "ok $n - $v's loader grants become the loaders' EXECUTE grant: the role loads and writes no table"
    else
        echo "not ok $n - $v's loader grants after the update: $got"
    fi
    dropdb "$db"; q -d postgres -c "DROP ROLE codeset_old_loader"
done
dropdb codeset_fresh
