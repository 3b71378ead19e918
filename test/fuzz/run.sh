#!/usr/bin/env bash
# Run one libFuzzer target for a fixed time on a scratch copy of its seed corpus.
#
#   bash test/fuzz/run.sh <target-binary> <seconds> [extra libFuzzer flags...]
#
# The seeds live in test/fuzz/corpus/<name>, <name> being the binary's base
# name (fuzz_medcode -> test/fuzz/corpus/fuzz_medcode).  They are copied to a
# temporary working corpus, so the repository is never modified; inputs the
# fuzzer finds go there too and are thrown away on success.
#
# Prints "fuzz <name>: N executions in S s" from libFuzzer's final stats and
# exits non-zero on a crash, leak, timeout or invariant failure; the working
# directory (log, crash-* reproducers) is then kept and its path printed.
# Reproduce a crash with: <target-binary> <crash-file>
#
# Environment: FUZZ_MAX_LEN (default 64), FUZZ_KEEP=1 keeps the working
# directory even on success.
set -euo pipefail

if [ $# -lt 2 ]; then
	echo "usage: bash $0 <target-binary> <seconds> [extra libFuzzer flags...]" >&2
	exit 2
fi

target=$1
seconds=$2
shift 2

case $seconds in
	'' | *[!0-9]*)
		echo "run.sh: seconds must be a whole number, got '$seconds'" >&2
		exit 2
		;;
esac
if [ ! -x "$target" ]; then
	echo "run.sh: $target is not an executable fuzz target (build it first)" >&2
	exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target_abs=$(cd "$(dirname "$target")" && pwd)/$(basename "$target")
name=$(basename "$target")
seeds=$root/test/fuzz/corpus/$name
max_len=${FUZZ_MAX_LEN:-64}

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
mkdir -p "$work/corpus" "$work/artifacts"
if [ -d "$seeds" ]; then
	cp -R "$seeds/." "$work/corpus/"
else
	echo "run.sh: no seed corpus at $seeds; starting empty" >&2
fi
n_seeds=$(find "$work/corpus" -type f | wc -l)
log=$work/fuzz.log

set +e
(
	cd "$work" &&
	"$target_abs" -max_total_time="$seconds" -max_len="$max_len" -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" "$@" "$work/corpus"
) >"$log" 2>&1
rc=$?
set -e

execs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
elapsed=$(sed -n 's/^Done [0-9][0-9]* runs in \([0-9][0-9]*\) second.*/\1/p' "$log" | tail -n 1)
n_corpus=$(find "$work/corpus" -type f | wc -l)

if [ "$rc" -ne 0 ] || [ -z "$execs" ]; then
	echo "fuzz $name: FAILED (exit $rc) after ${execs:-?} executions" >&2
	grep -E '^(==[0-9]+==|SUMMARY|fuzz_|.*invariant failed|.*runtime error)' "$log" | head -n 20 >&2 || true
	tail -n 30 "$log" >&2
	find "$work/artifacts" -type f -exec echo "run.sh: reproducer {}" \; >&2 || true
	echo "run.sh: log and artifacts kept in $work" >&2
	[ "$rc" -ne 0 ] && exit "$rc"
	exit 1
fi

echo "fuzz $name: $execs executions in ${elapsed:-$seconds} s (corpus $n_seeds seeds -> $n_corpus inputs)"
if [ "${FUZZ_KEEP:-0}" = 1 ]; then
	echo "run.sh: working directory kept in $work"
else
	rm -rf "$work"
fi
