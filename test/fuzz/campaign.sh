#!/usr/bin/env bash
# The long fuzzing campaign: every libFuzzer target for SECONDS each (default
# 600), two at a time (one per core), and a record of what ran in
# test/fuzz/CAMPAIGN.md.  Stops at the first crash, leak or UB report.
#   bash test/fuzz/campaign.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
make -s test/fuzz/fuzz_medcode test/fuzz/fuzz_hcpcs_file test/fuzz/fuzz_code_list \
    test/fuzz/fuzz_claim_line test/fuzz/fuzz_medcodeset
out=$(mktemp -d)
run() {	# target, max input length
    FUZZ_MAX_LEN=$2 bash test/fuzz/run.sh "test/fuzz/$1" "$seconds" > "$out/$1.log" 2>&1
}
status=0
run fuzz_medcode 64 & a=$!; run fuzz_hcpcs_file 4096 & b=$!
wait $a || status=1; wait $b || status=1
run fuzz_code_list 1024 & a=$!; run fuzz_claim_line 64 & b=$!
wait $a || status=1; wait $b || status=1
run fuzz_medcodeset 256 || status=1
{
    echo "# Fuzzing campaign"
    echo
    echo "Run on $(date -u '+%Y-%m-%d %H:%M UTC') by \`bash test/fuzz/campaign.sh $seconds\`:"
    echo "libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer (clang $(clang --version | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -1)),"
    echo "$seconds s per target, $(nproc) cores, two targets at a time."
    echo
    echo "| target | parser | result |"
    echo "|---|---|---|"
    for t in fuzz_medcode fuzz_hcpcs_file fuzz_code_list fuzz_claim_line fuzz_medcodeset; do
        case $t in
            fuzz_medcode) what="medcode text (src/medcode_parse.c)" ;;
            fuzz_hcpcs_file) what="CMS fixed-width HCPCS file (src/hcpcs_file.c)" ;;
            fuzz_code_list) what="code-list CSV (src/csv_reader.c)" ;;
            fuzz_claim_line) what="claim line (src/claim_line.c)" ;;
            fuzz_medcodeset) what="code-set literal and set algebra (src/medcodeset_parse.c)" ;;
        esac
        line=$(grep -E "^fuzz $t:" "$out/$t.log" || echo "FAILED: see the log")
        echo "| $t | $what | ${line#fuzz $t: } |"
    done
    echo
    [ $status = 0 ] && echo "No crash, leak or undefined behaviour." || echo "A target FAILED."
} > test/fuzz/CAMPAIGN.md
cat test/fuzz/CAMPAIGN.md
for t in "$out"/*.log; do grep -q "^fuzz " "$t" || { echo "== $t"; tail -30 "$t"; }; done
rm -rf "$out"
exit $status
