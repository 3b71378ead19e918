#!/usr/bin/env bash
# Checks the HCPCS files rendered from CMS's xlsx (data/hcpcs_anweb,
# data/SOURCES.md) against their sources.  TAP for prove:
#
#   bash test/render_xlsx.sh        (from anywhere; needs ../shared/data)
#
# For each of the four quarters:
#   - the xlsx in ../shared/data has the sha256 data/SOURCES.md gives;
#   - tools/render-hcpcs-xlsx.py renders it again to the same bytes as the
#     committed data/hcpcs_anweb/*.txt;
#   - the committed file has the sha256 data/SOURCES.md gives;
#   - the HCPCS reader (src/hcpcs_file.c, through test/render_xlsx_dump.c)
#     reads it to the end, and its fields of every code equal those of the
#     independent CSV conversion in ../shared/data/hcpcs_level2/csv.
# Skips (1..0 # SKIP) without ../shared/data, python3-openpyxl or a C compiler.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=$root/../shared/data
python=/usr/bin/python3
cc=${CC:-cc}

if [ ! -d "$shared/hcpcs_level2/xlsx" ] || [ ! -d "$shared/hcpcs_level2/csv" ]; then
	echo "1..0 # SKIP ../shared/data (the CMS xlsx and CSV files) not found next to the repository"
	exit 0
fi
if ! "$python" -c 'import openpyxl' 2>/dev/null; then
	echo "1..0 # SKIP python3-openpyxl not installed (tools/setup-debian.sh installs it)"
	exit 0
fi
if ! command -v "$cc" >/dev/null; then
	echo "1..0 # SKIP no C compiler ($cc) to build the reader"
	exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cc" -std=c99 -O1 -Wall -Wextra -Werror -I"$root/src" -o "$tmp/dump" \
	"$root/test/render_xlsx_dump.c" "$root/src/hcpcs_file.c" "$root/src/interrupt_poll.c"

exec "$python" - "$root" "$shared" "$tmp" <<'PY'
import csv
import hashlib
import os
import re
import subprocess
import sys

root, shared, tmp = sys.argv[1:]
quarters = [
    ("HCPC2020_APR_ANWEB", "2020q2"),
    ("HCPC2020_JUL_ANWEB", "2020q3"),
    ("HCPC2020_OCT_ANWEB", "2020q4"),
    ("HCPC2025_OCT_ANWEB_v4", "2025q4"),
]
n = 0
failed = 0


def ok(cond, name):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", n, name))
    sys.stdout.flush()
    return cond


def diag(msg):
    for line in str(msg).splitlines():
        print("# " + line)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# data/SOURCES.md's row of each rendered file: the xlsx's sha256 first, the
# rendered file's last.
sources = open(os.path.join(root, "data", "SOURCES.md"), encoding="utf-8").read()
listed = {}
for line in sources.splitlines():
    m = re.match(r"\| `([^`]+\.txt)` \|", line)
    hexes = re.findall(r"`([0-9a-f]{64})`", line)
    if m and len(hexes) == 2:
        listed[m.group(1)] = hexes

for name, quarter in quarters:
    xlsx = os.path.join(shared, "hcpcs_level2", "xlsx", name + ".xlsx")
    txt = os.path.join(root, "data", "hcpcs_anweb", name + ".txt")
    want = listed.get(name + ".txt")
    if not ok(want is not None, "%s: data/SOURCES.md lists it with both checksums" % name):
        want = ("", "")
    ok(os.path.exists(xlsx) and sha256(xlsx) == want[0],
       "%s.xlsx: sha256 as data/SOURCES.md gives" % name)

    again = os.path.join(tmp, name + ".txt")
    p = subprocess.run([os.path.join(root, "tools", "render-hcpcs-xlsx.py"), xlsx, again],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    same = p.returncode == 0 and os.path.exists(txt) and \
        open(again, "rb").read() == open(txt, "rb").read()
    if not ok(same, "%s: rendering the xlsx again gives the committed bytes" % name):
        diag(p.stderr)
    ok(os.path.exists(txt) and sha256(txt) == want[1],
       "%s.txt: sha256 as data/SOURCES.md gives" % name)

    p = subprocess.run([os.path.join(tmp, "dump"), txt],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if not ok(p.returncode == 0, "%s: the reader reads it to the end" % name):
        diag(p.stderr)
        continue
    got = {}
    for line in p.stdout.splitlines():
        fields = line.split("\t")
        got[fields[0]] = fields
    with open(os.path.join(shared, "hcpcs_level2", "csv", "hcpcs_level2_%s.csv" % quarter),
              newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    want_codes = {r[0]: r for r in rows}
    ok(sorted(got) == sorted(want_codes) and len(got) == len(rows),
       "%s: the same %d codes as hcpcs_level2_%s.csv" % (name, len(rows), quarter))
    diffs = []
    for code, r in want_codes.items():
        g = got.get(code)
        if g is None:
            continue
        for col, a, b in zip(header, g, r):
            if a != b:
                diffs.append("%s %s: reader %r, CSV %r" % (code, col, a[:60], b[:60]))
        if len(g) != len(r):
            diffs.append("%s: %d fields, CSV %d" % (code, len(g), len(r)))
    if not ok(not diffs, "%s: every field of every code as in hcpcs_level2_%s.csv" % (name, quarter)):
        diag("%d differences; the first ones:" % len(diffs))
        diag("\n".join(diffs[:10]))

print("1..%d" % n)
sys.exit(1 if failed else 0)
PY
