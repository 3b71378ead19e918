#!/usr/bin/env bash
# Runs every codeset test on a Debian 12 machine, as root: installs what it
# needs, builds and installs the extension, runs the C unit tests and the
# fuzz targets briefly, then pg_regress and pg_prove in a throwaway cluster
# (pg_virtualenv; the server runs as postgres, never as root).
#
#   FUZZ_SECONDS=20  seconds per fuzz target (0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

bash tools/setup-debian.sh
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

if [ -d ../shared/data ]; then
    have_shared_data=true
else
    have_shared_data=false
    echo "NOTE: ../shared/data is not beside this checkout: the tests on the real CMS files are skipped"
fi

echo "== pg_regress and pgTAP in a throwaway cluster"
pg_virtualenv -t -v 15 -o max_prepared_transactions=4 bash -c "
    set -eo pipefail
    if ! make -s installcheck 2>&1 | tee $log/regress; then cat regression.diffs; exit 1; fi
    pg_prove --set have_shared_data=$have_shared_data test/pgtap/*.sql 2>&1 | tee $log/pgtap
    prove test/dump_restore.sh test/concurrency.sh test/upgrade.sh test/pg_upgrade.sh test/two_phase.sh test/render_xlsx.sh 2>&1 | tee $log/shell
"

echo "== valgrind memcheck over every C entry point"
prove test/memcheck.sh 2>&1 | tee "$log/memcheck"

echo "== benchmark smoke run (100k rows; checks answers, times nothing)"
bash bench/run.sh --smoke 2>&1 | grep -E "bench smoke|ERROR" | tee "$log/smoke"
grep -q "bench smoke: every answer checked" "$log/smoke"
smoke=$(grep -c "bench smoke ok" "$log/smoke")

# One closing line over every runner (each has already failed the script
# if any of its tests failed).
count_tap() { sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$1" | tail -1; }
unit=$(count_tap "$log/unit")
pgtap=$(count_tap "$log/pgtap")
shell=$(count_tap "$log/shell")
memcheck=$(count_tap "$log/memcheck")
regress=$(sed -n 's/^ *All \([0-9]*\) tests passed.*/\1/p' "$log/regress")
echo "tests: $((unit + regress + pgtap + shell + memcheck + smoke)) passed, 0 failed"
