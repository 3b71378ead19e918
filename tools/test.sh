#!/usr/bin/env bash
# Runs every codeset test on a Debian 12 machine, as root: installs what it
# needs, builds and installs the extension, runs the C unit tests and the
# fuzz targets briefly, then pg_regress and pg_prove in a throwaway cluster
# (pg_virtualenv; the server runs as postgres, never as root), the Debian
# package, and a Citus cluster against one node (test/citus.sh, which builds
# Citus 12.1.12 from ../shared/vendor once, or skips).  Then, on each
# newer PostgreSQL, built from Debian's source packages by
# tools/setup-postgres.sh (a build already there is reused), the parts that
# depend on the server version: the build, pg_regress and pgTAP, in a
# throwaway server of that build (tools/with-postgres.sh).
#
#   PG_VERSIONS="15 18"     the versions to run (15: everything; 17 too once
#                           Debian's mirror serves its source: README, "Versions")
#   FUZZ_SECONDS=20         seconds per fuzz target (0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

versions=${PG_VERSIONS:-15 18}
for v in $versions; do
    case $v in 15|17|18) ;; *) echo "test.sh: PostgreSQL $v is not one codeset is tested on (15, 17, 18)" >&2; exit 2 ;; esac
done
bash tools/setup-debian.sh
# Answers that do not depend on the calendar: the WARNING about families
# behind it is off, but in test/stale_warning.sh
export PGOPTIONS="${PGOPTIONS:-} -c codeset.stale_warning=off"

if [ -d ../shared/data ]; then
    have_shared_data=true
else
    have_shared_data=false
    echo "NOTE: ../shared/data is not beside this checkout: the tests on the real CMS files are skipped"
fi
count_tap() { sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$1" | tail -1; }
count_regress() { sed -n 's/^ *All \([0-9]*\) tests passed.*/\1/p' "$1"; }
total=0

# A newer PostgreSQL: build a copy of the tree against it (objects are per
# version), install there, then run pg_regress and pgTAP from this checkout
# (the tests read ../shared beside it) against a throwaway server.
run_version() {
    local v=$1 prefix=/opt/codeset-pg/$1 build
    echo "== PostgreSQL $v: build (tools/setup-postgres.sh $v), pg_regress, pgTAP"
    bash tools/setup-postgres.sh "$v"
    build=$(mktemp -d)
    tar --exclude=./.git --exclude=./results --exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - . |
        tar -C "$build" -xf -
    make -s -C "$build" clean PG_CONFIG="$prefix/bin/pg_config" >/dev/null
    make -s -C "$build" PG_CONFIG="$prefix/bin/pg_config"
    make -s -C "$build" install PG_CONFIG="$prefix/bin/pg_config"
    rm -rf "$build"
    tools/with-postgres.sh "$prefix" -o max_prepared_transactions=4 -- bash -c "
        set -eo pipefail
        if ! make -s installcheck PG_CONFIG=$prefix/bin/pg_config 2>&1 | tee $log/regress-$v; then
            cat regression.diffs; exit 1; fi
        pg_prove --set have_shared_data=$have_shared_data test/pgtap/*.sql 2>&1 | tee $log/pgtap-$v
    "
    total=$((total + $(count_regress "$log/regress-$v") + $(count_tap "$log/pgtap-$v")))
}

case " $versions " in *" 15 "*) ;; *)
    for v in $versions; do run_version "$v"; done
    echo "tests: $total passed, 0 failed (PostgreSQL $versions)"
    exit 0 ;;
esac

export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config

make -s
make -s install

echo "== C unit tests of the pure-C parsers"
make -s unit 2>&1 | tee "$log/unit"

fuzz_seconds=${FUZZ_SECONDS:-20}
if [ "$fuzz_seconds" -gt 0 ]; then
    echo "== fuzzing each parser for ${fuzz_seconds}s"
    make -s fuzz FUZZ_SECONDS="$fuzz_seconds"
fi

echo "== PostgreSQL 15: pg_regress and pgTAP in a throwaway cluster"
pg_virtualenv -t -v 15 -o max_prepared_transactions=4 bash -c "
    set -eo pipefail
    if ! make -s installcheck 2>&1 | tee $log/regress; then cat regression.diffs; exit 1; fi
    pg_prove --set have_shared_data=$have_shared_data test/pgtap/*.sql 2>&1 | tee $log/pgtap
    prove test/dump_restore.sh test/concurrency.sh test/upgrade.sh test/pg_upgrade.sh test/two_phase.sh test/stale_warning.sh test/render_xlsx.sh 2>&1 | tee $log/shell
"

echo "== PostgreSQL 15 with shared_preload_libraries = 'codeset': the cache in shared memory"
tools/with-postgres.sh /usr/lib/postgresql/15 -o shared_preload_libraries=codeset -- \
    prove test/shared_cache.sh 2>&1 | tee "$log/shared"
shared=$(count_tap "$log/shared")

echo "== valgrind memcheck over every C entry point"
prove test/memcheck.sh 2>&1 | tee "$log/memcheck"

echo "== benchmark smoke run (100k rows; checks answers, times nothing)"
bash bench/run.sh --smoke 2>&1 | grep -E "bench smoke|ERROR" | tee "$log/smoke"
grep -q "bench smoke: every answer checked" "$log/smoke"
smoke=$(grep -c "bench smoke ok" "$log/smoke")

echo "== the Debian package: dpkg-buildpackage, lintian, install, CREATE EXTENSION"
prove test/deb_package.sh 2>&1 | tee "$log/deb"
deb=$(count_tap "$log/deb")

echo "== Citus 12.1.12: a coordinator and three workers against one node (builds Citus once; ../shared/vendor)"
prove test/citus.sh 2>&1 | tee "$log/citus"
citus=$(count_tap "$log/citus")

for v in $versions; do [ "$v" = 15 ] || run_version "$v"; done

# One closing line over every runner (each has already failed the script
# if any of its tests failed).
unit=$(count_tap "$log/unit")
pgtap=$(count_tap "$log/pgtap")
shell=$(count_tap "$log/shell")
memcheck=$(count_tap "$log/memcheck")
regress=$(count_regress "$log/regress")
echo "tests: $((unit + regress + pgtap + shell + shared + memcheck + smoke + deb + citus + total)) passed, 0 failed (PostgreSQL $versions)"
