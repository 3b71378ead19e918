#!/usr/bin/env bash
# TAP: `make dist`, the PGXN release zip.  Runs make dist with its output in a
# temporary directory (make dist itself writes nothing into the checkout),
# unzips it, and checks the layout PGXN wants and META.json against the PGXN
# Meta Spec (https://pgxn.org/spec/): one top directory NAME-VERSION/, the
# required keys, semantic versions, the files "provides" names present, and
# no build products.  Needs git, python3, unzip and pg_config; no server.
cd "$(dirname "$0")/../.."
top=$PWD
start=$(date +%s)
if [ -x /usr/lib/postgresql/15/bin/pg_config ]; then pg_config=/usr/lib/postgresql/15/bin/pg_config
else pg_config=$(command -v pg_config); fi
for tool in git python3 unzip; do
    command -v $tool >/dev/null || { echo "1..0 # SKIP $tool is not installed"; exit 0; }
done
if [ -z "$pg_config" ]; then echo "1..0 # SKIP no pg_config"; exit 0; fi
if ! git rev-parse --verify -q HEAD >/dev/null; then echo "1..0 # SKIP not a git checkout"; exit 0; fi

echo "1..10"
n=0 status=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; status=1; }
diag() { sed 's/^/# /'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

version=$(python3 -c 'import json; print(json.load(open("META.json"))["version"])')
zip=$tmp/out/codeset-$version.zip
mkdir "$tmp/out"
if make -s dist PG_CONFIG="$pg_config" DIST_DIR="$tmp/out" >"$tmp/make.log" 2>&1 && [ -f "$zip" ] &&
   [ "$(ls "$tmp/out")" = "codeset-$version.zip" ]; then
    ok "make dist writes codeset-$version.zip (META.json's version)"
else
    not_ok "make dist writes codeset-$version.zip"; diag <"$tmp/make.log"; ls "$tmp/out" | diag
    echo "Bail out! no zip"; exit 1
fi

unzip -Z1 "$zip" >"$tmp/list"
mkdir "$tmp/x" && unzip -q "$zip" -d "$tmp/x"
tops=$(sed 's|/.*||' "$tmp/list" | sort -u)
if [ "$tops" = "codeset-$version" ] && [ "$(ls -A "$tmp/x")" = "codeset-$version" ]; then
    ok "every entry is under the one top directory codeset-$version/ ($(grep -vc '/$' "$tmp/list") files)"
else not_ok "top directories: $(echo $tops)"; fi
dir=$tmp/x/codeset-$version

# META.json in the zip: parses, the spec's required keys, semantic versions,
# provides' files in the zip.  One line per check: "ok|not ok<TAB>text".
python3 - "$dir" "$version" >"$tmp/meta" 2>&1 <<'EOF'
import json, os, re, sys
dir, version = sys.argv[1], sys.argv[2]
def report(good, text):
    print(("ok" if good else "not ok") + "\t" + text)
try:
    meta = json.load(open(os.path.join(dir, "META.json")))
    report(isinstance(meta, dict), "META.json in the zip parses as a JSON object")
except Exception as e:
    report(False, "META.json in the zip parses as JSON: %s" % e)
    sys.exit(0)
required = ["name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"]
absent = [k for k in required if k not in meta or meta[k] in ("", [], {}, None)]
report(not absent, "META.json has the required keys %s" % ", ".join(required)
       + ("" if not absent else " (absent or empty: %s)" % ", ".join(absent)))
report(meta.get("name") == "codeset" and meta.get("version") == version,
       "name %r, version %r match the zip's name" % (meta.get("name"), meta.get("version")))
semver = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+)?$")
versions = {"version": meta.get("version"), "meta-spec.version": (meta.get("meta-spec") or {}).get("version")}
for ext, p in (meta.get("provides") or {}).items():
    versions["provides.%s.version" % ext] = p.get("version")
bad = ["%s=%r" % (k, v) for k, v in versions.items() if not isinstance(v, str) or not semver.match(v)]
report(not bad, "semantic versions (x.y.z): " + ", ".join("%s %s" % (k, v) for k, v in versions.items())
       + ("" if not bad else "; not semver: " + ", ".join(bad)))
codeset = (meta.get("provides") or {}).get("codeset") or {}
for key in ("file", "docfile"):
    path = codeset.get(key)
    report(bool(path) and os.path.isfile(os.path.join(dir, path)),
           "provides.codeset.%s %s is in the zip" % (key, path))
# The install script is the one for the control file's default_version.
control = open(os.path.join(dir, "codeset.control")).read()
m = re.search(r"^default_version\s*=\s*'([^']*)'", control, re.M)
want = "sql/codeset--%s.sql" % (m.group(1) if m else "?")
path = codeset.get("file") or ""
head = open(os.path.join(dir, path)).read(4096) if os.path.isfile(os.path.join(dir, path)) else ""
report(path == want and "CREATE" in head.upper(),
       "provides.codeset.file is %s, the install script of codeset.control's default_version" % want)
EOF
while IFS=$'\t' read -r verdict text; do
    case $verdict in
        ok) ok "$text" ;;
        "not ok") not_ok "$text" ;;
        *) not_ok "META.json check: $verdict $text" ;;
    esac
done <"$tmp/meta"

products=$(grep -E '\.(o|so|bc|zip|deb)$|(^|/)results/|regression\.(diffs|out)$|(^|/)\.git/|(^|/)debian/(\.debhelper|files$|postgresql-[0-9]+-codeset/)' "$tmp/list" | head -5)
if [ -z "$products" ]; then ok "no build products (*.o, *.so, *.bc, results/, regression.*, .git/)"
else not_ok "build products in the zip: $(echo $products)"; fi

[ "$n" -eq 10 ] || { echo "not ok $((n + 1)) - ran $n checks, planned 10"; status=1; }
echo "# test/unit/pgxn_dist.sh: $(( $(date +%s) - start ))s"
exit $status
