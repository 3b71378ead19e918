#!/usr/bin/env bash
# codeset benchmark: codeset against what users write today, ratios from one run.
#
#   bash bench/run.sh                 10M-row claims table, every figure, and the
#                                     per-row targets at 1M too (the scale table), ~12 min
#   bash bench/run.sh --rows 1000000  fewer rows
#   bash bench/run.sh --scale 1000000,50000000
#                                     the other sizes of the scale table (the default
#                                     is 1000000 when --rows is larger; 50M adds ~25 min)
#   bash bench/run.sh --smoke         100k rows: checks every answer, times nothing
#   bash bench/run.sh --no-callgrind  skip the instruction counts
#
# Builds and installs codeset, starts a throwaway PostgreSQL 15 cluster of its
# own (as user postgres, in a temp dir, on a private socket), then for each
# size of the scale table builds the synthetic claims table (bench/claims.sql)
# in a database of its own and times the per-row scans (bench/per_row.sql);
# then builds it at --rows and runs bench/queries.sql, which times
# everything and prints the targets and the scale table.
# Results go to stdout and, for a full run, to bench/last-run.md.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

rows=10000000
smoke=0
callgrind=1
scale=
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows=$2; shift 2 ;;
        --smoke) smoke=1; rows=100000; callgrind=0; shift ;;
        --no-callgrind) callgrind=0; shift ;;
        --scale) scale=$2; shift 2 ;;
        *) echo "usage: bash bench/run.sh [--rows N] [--scale N,N...] [--smoke] [--no-callgrind]" >&2; exit 2 ;;
    esac
done
if [ -z "$scale" ] && [ "$rows" -gt 1000000 ]; then
    scale=1000000
fi
for n in ${scale//,/ }; do
    case "$n" in
        *[!0-9]*|'') echo "bench: --scale takes row counts separated by commas, not '$scale'" >&2; exit 2 ;;
    esac
done

bash tools/setup-debian.sh
if [ "$callgrind" = 1 ] && ! command -v valgrind >/dev/null; then
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends valgrind
fi
export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
# the stale-data WARNING is not part of what is timed
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off"
bindir=$($PG_CONFIG --bindir)
make -s
make -s install

work=$(mktemp -d /tmp/codeset-bench.XXXXXX)
chown postgres "$work"
chmod 755 "$work"
port=$((20000 + RANDOM % 20000))
as_pg() { su postgres -s /bin/bash -c "$*"; }
cleanup() {
    as_pg "$bindir/pg_ctl -D $work/data -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

as_pg "$bindir/initdb -D $work/data -U postgres -A trust --no-sync" >/dev/null
server_opts="-p $port -k $work -c listen_addresses='' \
    -c shared_buffers=2GB -c work_mem=64MB -c max_parallel_workers_per_gather=2 -c jit=off \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
as_pg "$bindir/pg_ctl -D $work/data -l $work/log -w start -o \"$server_opts\"" >/dev/null
psql_bench() { psql -X -q -h "$work" -p "$port" -U postgres -v ON_ERROR_STOP=1 "$@"; }

# CREATE EXTENSION with the shipped data, timed in a database of its own
psql_bench -d postgres -c "CREATE DATABASE ext_timing" -c "CREATE DATABASE bench"
t0=$(date +%s%N)
psql_bench -d ext_timing -c "CREATE EXTENSION codeset"
create_ext_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

# The scale table: the per-row scans at each other size, each in a database
# of its own, dropped afterwards; their medians go to scale_N.csv
scale_files=/dev/null
if [ "$smoke" = 0 ]; then
    for n in ${scale//,/ }; do
        [ "$n" = "$rows" ] && continue
        scale_files="$scale_files $work/scale_$n.csv"
        echo "== the scale table: building the claims table at $n rows"
        psql_bench -d postgres -c "CREATE DATABASE bench_scale"
        psql_bench -d bench_scale -c "CREATE EXTENSION codeset"
        psql_bench -d bench_scale -v rows="$n" -f bench/claims.sql >/dev/null
        echo "== the scale table: the per-row scans at $n rows"
        psql_bench -d bench_scale -v rows="$n" -v scale_out="$work/scale_$n.csv" \
            -f bench/timing.sql -f bench/per_row.sql
        psql_bench -d postgres -c "DROP DATABASE bench_scale"
    done
fi

psql_bench -d bench -c "CREATE EXTENSION codeset"
echo "== building the claims table: $rows rows"
psql_bench -d bench -v rows="$rows" -f bench/claims.sql

if [ "$smoke" = 1 ]; then
    psql_bench -d bench -f bench/smoke.sql
    echo "bench smoke: every answer checked"
    exit 0
fi

# The first valid() of a new session, which reads the cache's image (or
# builds the cache from the tables): the median over 20 new sessions of its
# time, after one code_system() call has loaded the library
first_call_ms() {
    for _ in $(seq 20); do
        psql_bench -d bench -c '\timing on' -c "SELECT code_system('J1100'::medcode)" -c "$1" |
            sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
    done | sort -n | awk '{ t[NR] = $1 } END { printf "%.3f", (t[10] + t[11]) / 2 }'
}
echo "== the first call of 20 new sessions, and pgbench -C (a connection per transaction)"
first_image_ms=$(first_call_ms "SELECT valid('J1100'::medcode, date '2024-01-01')")
first_plain_ms=$(first_call_ms "SELECT code_kind('J1100'::medcode)")
psql_bench -d bench -c "ALTER TABLE codeset.validity_image RENAME TO validity_image_aside"
first_tables_ms=$(first_call_ms "SELECT valid('J1100'::medcode, date '2024-01-01')")
psql_bench -d bench -c "ALTER TABLE codeset.validity_image_aside RENAME TO validity_image"
printf 'SELECT 1;\n' > "$work/select1.sql"
printf '\\set n random(1, 4)\nSELECT valid((ARRAY[%s])[:n]::medcode, date %s);\n' \
    "'J1100', '99213', 'E0110', 'B0000'" "'2024-01-01'" > "$work/valid.sql"
printf '\\set n random(1, 4)\nSELECT code_kind((ARRAY[%s])[:n]::medcode), date %s;\n' \
    "'J1100', '99213', 'E0110', 'B0000'" "'2024-01-01'" > "$work/kind.sql"
# Connection-per-transaction rates, side by side: three rounds of each
# script in turn (5 s each), the median round of each
tps_rounds() {	# the scripts; prints each one's median, in order
    local f r
    for r in 1 2 3; do
        for f in "$@"; do
            printf '%s %s\n' "$f" "$("$bindir/pgbench" -h "$work" -p "$port" -U postgres -n -C -c 1 -T 5 -f "$work/$f.sql" bench 2>/dev/null |
                sed -n 's/^tps = \([0-9.]*\) .*/\1/p')"
        done
    done | sort -k1,1 -k2,2n | awk '{ v[$1] = v[$1] " " $2 } END { for (k in v) print k, v[k] }' |
        while read -r name a b c; do echo "$name $b"; done
}
tps_of() { sed -n "s/^$1 //p" "$work/tps"; }
tps_rounds select1 valid > "$work/tps"
tps_select1=$(tps_of select1)
tps_valid=$(tps_of valid)
# The same with shared_preload_libraries = 'codeset': the library is loaded
# before a connection comes, and the cache is in shared memory
# (validity_shared.c), filled once by the first session; then back to the
# server every other figure is measured on
as_pg "$bindir/pg_ctl -D $work/data -l $work/log -w restart -o \"$server_opts -c shared_preload_libraries=codeset\"" >/dev/null
psql_bench -d bench -c "SELECT valid('J1100'::medcode, date '2024-01-01')" >/dev/null
first_shared_ms=$(first_call_ms "SELECT valid('J1100'::medcode, date '2024-01-01')")
tps_rounds select1 kind valid > "$work/tps"
tps_select1_shared=$(tps_of select1)
tps_kind_shared=$(tps_of kind)
tps_valid_shared=$(tps_of valid)
cache_bytes_shared=$(psql_bench -d bench -At -c "SELECT valid('J1100'::medcode, date '2024-01-01')" \
    -c "SELECT codeset.cache_size()" | tail -1)
as_pg "$bindir/pg_ctl -D $work/data -l $work/log -w restart -o \"$server_opts\"" >/dev/null

out=$(mktemp)
psql_bench -d bench -v rows="$rows" -v create_ext_ms="$create_ext_ms" \
    -v first_image_ms="$first_image_ms" -v first_tables_ms="$first_tables_ms" -v first_plain_ms="$first_plain_ms" \
    -v tps_select1="$tps_select1" -v tps_valid="$tps_valid" \
    -v first_shared_ms="$first_shared_ms" -v tps_select1_shared="$tps_select1_shared" \
    -v tps_valid_shared="$tps_valid_shared" -v cache_bytes_shared="$cache_bytes_shared" \
    -v tps_kind_shared="$tps_kind_shared" -v scale_cat="cat $scale_files" \
    -f bench/queries.sql | tee "$out"

if [ "$callgrind" = 1 ]; then
    echo
    echo "== instruction counts (valgrind --tool=callgrind, single-user backend, 200,000 rows)"
    psql_bench -d bench -c "CREATE TABLE claims_small AS SELECT * FROM claims LIMIT 200000" -c "VACUUM ANALYZE claims_small"
    as_pg "$bindir/pg_ctl -D $work/data -w stop" >/dev/null
    # Instructions of one run of a query: (warm-up + query twice) minus
    # (warm-up + query once), so start-up, catalog and cache loading cancel.
    run_ir() {	# $1: name, then the statements
        local name=$1; shift
        printf '%s\n' "$@" > "$work/$name.sql"
        chown postgres "$work/$name.sql"
        as_pg "valgrind --tool=callgrind --callgrind-out-file=$work/$name.cg $bindir/postgres --single \
            -D $work/data -c shared_buffers=256MB -c max_parallel_workers_per_gather=0 bench < $work/$name.sql" \
            >/dev/null 2>&1
        callgrind_annotate "$work/$name.cg" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) (100.0%) *PROGRAM TOTALS.*/\1/p' | tr -d ,
    }
    warm="SELECT valid('J1100'), count(*) FROM claims_small WHERE NOT valid(code, dos) AND NOT valid(code_text)"
    count_ir() {	# $1: name, $2: the query
        local once twice
        once=$(run_ir "$1.once" "$warm" "$2")
        twice=$(run_ir "$1" "$warm" "$2" "$2")
        echo $((twice - once))
    }
    # Freeze the table here, where no other session holds back the horizon
    # (the server's autovacuum may have, under the VACUUM above): every page
    # all-visible, so no run pays per-tuple visibility checks the others do not.
    run_ir prime "VACUUM (FREEZE, ANALYZE) claims_small" >/dev/null
    if ! echo "SELECT relallvisible = relpages AS frozen FROM pg_class WHERE relname = 'claims_small'" |
            as_pg "$bindir/postgres --single -D $work/data bench" 2>/dev/null | grep -q 'frozen = "t"'; then
        echo "bench: claims_small is not all-visible after VACUUM FREEZE; instruction counts would not compare" >&2
        exit 1
    fi
    base=$(count_ir base "SELECT count(*) FROM claims_small WHERE code_text IS NULL")
    vtext=$(count_ir vtext "SELECT count(*) FROM claims_small WHERE NOT valid(code_text)")
    vdos=$(count_ir vdos "SELECT count(*) FROM claims_small WHERE NOT valid(code, dos)")
    {
        echo "| query | instructions per row above the bare scan |"
        echo "|---|---:|"
        echo "| \`NOT valid(code_text)\` | $(( (vtext - base) / 200000 )) |"
        echo "| \`NOT valid(code, dos)\` | $(( (vdos - base) / 200000 )) |"
        echo
        echo "codeset's own functions in the \`NOT valid(code_text)\` run (self cost; the query ran twice, plus a warm-up):"
        echo '```'
        callgrind_annotate --inclusive=no "$work/vtext.cg" 2>/dev/null | grep -E '^ *[0-9,]+ \(.*codeset\.so' | head -8
        echo '```'
        echo "codeset's own functions in the \`NOT valid(code, dos)\` run:"
        echo '```'
        callgrind_annotate --inclusive=no "$work/vdos.cg" 2>/dev/null | grep -E '^ *[0-9,]+ \(.*codeset\.so' | head -8
        echo '```'
    } | tee -a "$out"
fi

{
    echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC'): $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB," \
         "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), PostgreSQL $($bindir/postgres --version | awk '{print $3}'), $rows rows."
    echo
    cat "$out"
} > bench/last-run.md
rm -f "$out"
echo
echo "written to bench/last-run.md"
