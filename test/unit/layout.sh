#!/usr/bin/env bash
# TAP: the README's table of src/ names every file there and no other, and
# the Makefile's install-script parts are exactly the src/*.sql files, so
# neither can go stale.
cd "$(dirname "$0")/../.."
echo "1..3"
status=0
listed=$(sed -n 's/^| `\(src\/[^`]*\.[a-z]*\)` |.*/\1/p' README.md | sort)
present=$(ls src/*.c src/*.h src/*.sql | sort)
if [ "$listed" = "$present" ]; then echo "ok 1 - README's src/ table names every file in src/"
else
    echo "not ok 1 - README's src/ table and src/ differ (< README, > src/)"; status=1
    diff <(echo "$listed") <(echo "$present") | grep '^[<>]' | sed 's/^/# /'
fi
parts=$(make -s -f - print-parts <<'MK' 2>/dev/null | tr ' ' '\n' | grep . | sort
include Makefile
print-parts: ; @echo $(CODESET_SQL_PARTS)
MK
)
if [ "$parts" = "$(ls src/*.sql | sort)" ]; then echo "ok 2 - CODESET_SQL_PARTS is every src/*.sql"
else echo "not ok 2 - CODESET_SQL_PARTS and src/*.sql differ"; status=1
    diff <(echo "$parts") <(ls src/*.sql | sort) | grep '^[<>]' | sed 's/^/# /'
fi
# sql/ holds the pg_regress tests and the install and upgrade scripts only.
other=$(ls sql | grep -Ev '^[0-9]{2}_[a-z0-9_]+\.sql$|^codeset--[0-9.]+(--[0-9.]+)?\.sql$' || true)
if [ -z "$other" ]; then echo "ok 3 - sql/ holds only tests and install/upgrade scripts"
else echo "not ok 3 - sql/ holds other files: $other"; status=1; fi
exit $status
