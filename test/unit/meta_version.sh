#!/usr/bin/env bash
# TAP: META.json, the control file and the install scripts agree on the version.
cd "$(dirname "$0")/../.."
echo "1..3"
control=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" codeset.control)
meta=$(python3 -c 'import json; print(json.load(open("META.json"))["provides"]["codeset"]["version"])' 2>/dev/null ||
       sed -n 's/.*"version": *"\([0-9.]*\)".*/\1/p' META.json | head -1)
file=$(sed -n 's/.*"file": *"\([^"]*\)".*/\1/p' META.json)
status=0
if [ "$meta" = "$control.0" ] || [ "$meta" = "$control" ]; then echo "ok 1 - META.json version $meta matches default_version $control"
else echo "not ok 1 - META.json version $meta does not match default_version $control"; status=1; fi
if [ -f "sql/codeset--$control.sql" ]; then echo "ok 2 - sql/codeset--$control.sql exists"
else echo "not ok 2 - no install script sql/codeset--$control.sql"; status=1; fi
if [ "$file" = "sql/codeset--$control.sql" ]; then echo "ok 3 - META.json provides file $file"
else echo "not ok 3 - META.json provides file '$file', expected sql/codeset--$control.sql"; status=1; fi
exit $status
