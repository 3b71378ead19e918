#!/usr/bin/env bash
# TAP: valgrind memcheck over every C entry point of codeset, in a
# single-user backend of a throwaway cluster.  Debian's server is not built
# with USE_VALGRIND, so PostgreSQL's own allocator hides errors inside
# palloc'd chunks and a few of its own (uninitialized bytes written to WAL
# and to files) are reported; this test fails on any error whose stack
# passes through codeset.so.  Needs root (runs the server as postgres).
set -euo pipefail
# answers that do not depend on the calendar (test/stale_warning.sh tests the warning)
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off"
cd "$(dirname "$0")/.."
bindir=$(${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config} --bindir)
work=$(mktemp -d /tmp/codeset-memcheck.XXXXXX)
trap 'rm -rf "$work"' EXIT
chown postgres "$work"
su postgres -s /bin/bash -c "$bindir/initdb -D $work/data -A trust --no-sync" >/dev/null

# One statement a line (single-user mode)
cat > "$work/q.sql" <<'SQL'
CREATE EXTENSION codeset;
SELECT count(*) FROM (SELECT to_medcode(lpad(g::text, 5, '0')), is_medcode(g::text), valid(lpad(g::text, 5, '0')), valid(lpad(g::text, 5, '0'), date '2020-01-01') FROM generate_series(1, 3000) g) s;
SELECT count(*) FROM (SELECT code_system(c), code_kind(c), code_section(c), cpt_category(c), code_family(c), c::text, medcode_send(c) FROM (SELECT ('J' || lpad(g::text, 4, '0'))::medcode AS c FROM generate_series(0, 9999, 7) g) x) s;
SELECT valid('J1100'), valid('J0610', '2023-05-01'), invalid_reason('B0000'), invalid_reason('J110'), describe('E0110'), valid_modifier('LT'), valid_modifier('25');
SELECT (parse_claim_line('J1100-JW-59')).*, parse_claim_line('99213-2X');
SELECT (parse_claim_line('J1100JW59')).*, parse_claim_line('9921325X'), 'J1100JW'::text::medcode IS NULL;
SELECT (medcode_repair(E' j1100jw\u00a0')).*, (medcode_repair('100')).reason;
SELECT in_set('j1100 ', 'hcpcs:J'), in_set('J110', 'hcpcs:J'), invalid_reason('J1100', NULL), invalid_reason('J1100'::medcode, NULL), codeset.malformed_detail('99213-25'), codeset.calling_role();
SELECT '{99202-99215, G0438, G0439, J0100-J9999}'::medcodeset + '{99216}' - '{99210}' * '{99200-99299}', '{99213}'::medcodeset < '{G0438}', medcodeset_hash('{99213}'), medcodeset_send('{99213,J1100}');
SELECT count(*) FROM (SELECT code FROM codeset.code_history WHERE code <@ '{A0001,A0003,A0005,A0007,A0009,A0011,A0013,A0015,J0100-J9999}') s;
SELECT count(*) FROM codes('{J0100-J9999}', '2024-01-01');
SELECT count(describe(code, '2019-01-01')), count(describe(code)) FROM codeset.code_history;
SELECT in_set('99213', 'cpt:evaluation-management'), code_count('{J0100-J9999}'), medcodeset('G0439', 'G0438');
SELECT medcodeset_agg(code), medcodeset_union_agg(medcodeset(code)) FROM codeset.code_history WHERE code <@ '{J0100-J0200}';
SELECT * FROM code_status('C9034', '2019-06-01');
SELECT count(*) FROM codeset.hcpcs_file_entries(codeset.read_server_file(codeset.shipped_data_dir() || '/hcpcs_anweb/HCPC2020_ANWEB_w_disclaimer.txt'), 'x.txt');
SELECT codeset.load_code_list_data(convert_to(E'code,desc\n99213,Office\n"99214","x"\n', 'UTF8'), 'cpt.csv', 'CPT', '2027-01-01', NULL, 1, 2);
SELECT valid('99213', '2027-06-01'), codeset.cache_size(), describe('99213', '2027-06-01');
SELECT count(*) FROM codeset.source_disagreement;
SELECT count(*) FROM codeset.release_changes((SELECT release_id FROM codeset.release WHERE file_name LIKE '%HCPC2025_OCT%'));
SELECT (codeset.unload_release((SELECT max(release_id) FROM codeset.release))).status, valid('99213', '2027-06-01');
SELECT '9921'::medcode;
SELECT '{99215-99202}'::medcodeset;
SELECT in_set('99213', 'no such set');
SELECT codeset.load_hcpcs_data(convert_to('not a file', 'UTF8'), 'bad.txt');
SELECT code_count(('{' || repeat('99213, J1100, 0042T, 00100-00200, ', 1000) || '99214}')::medcodeset);
SELECT in_set('99213', repeat('x', 100));
SELECT octet_length(codeset.read_server_file('/proc/self/status')) > 0;
SELECT codeset.read_server_file('/dev/null');
CREATE CAST (bytea AS medcodeset) WITHOUT FUNCTION;
SELECT code_count('\x01010101'::bytea::medcodeset);
SQL
chown postgres "$work/q.sql"
su postgres -s /bin/bash -c "valgrind --tool=memcheck --error-limit=no --num-callers=30 --log-file=$work/memcheck.log \
    $bindir/postgres --single -D $work/data -c max_parallel_workers_per_gather=0 postgres < $work/q.sql" \
    > "$work/out.txt" 2>&1 || true

echo "1..3"
grep -q "ERROR SUMMARY" "$work/memcheck.log" && echo "ok 1 - the backend ran under memcheck to the end" \
    || { echo "not ok 1 - memcheck did not finish"; tail -20 "$work/out.txt" | sed 's/^/# /'; }
statements=$(grep -c 'backend>' "$work/out.txt" || true)
[ "$statements" -ge 18 ] && echo "ok 2 - all $statements statements ran" || echo "not ok 2 - only $statements statements ran"
# memcheck errors are blocks from "==pid== <Kind>" to a blank "==pid== " line
ours=$(awk '/^==[0-9]+== [A-Z]/{inblk=1; blk=""} inblk{blk=blk "\n" $0} /^==[0-9]+== $/{if (inblk && blk ~ /codeset\.so/) n++; inblk=0} END{print n+0}' "$work/memcheck.log")
if [ "$ours" = 0 ]; then
    echo "ok 3 - no memcheck error passes through codeset.so"
else
    echo "not ok 3 - $ours memcheck errors pass through codeset.so"
    grep -A25 'codeset.so' "$work/memcheck.log" | head -60 | sed 's/^/# /'
fi
echo "# $(grep 'ERROR SUMMARY' "$work/memcheck.log" | sed 's/^==[0-9]*== //') (PostgreSQL's own, outside codeset)"
