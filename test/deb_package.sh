#!/usr/bin/env bash
# TAP: the Debian package (debian/).  Run as root on Debian 12:
#
#   1. builds postgresql-15-codeset with `dpkg-buildpackage -us -uc -b` from a
#      copy of this checkout in a temporary directory (never in place),
#   2. checks the .deb holds what `make install` installs, at Debian's paths,
#   3. runs lintian on the .deb and the .changes (any E: fails),
#   4. installs the .deb with dpkg -i, creates the extension in a throwaway
#      cluster (initdb as postgres in a temporary directory, unix socket
#      only, its own port) and checks the headline answers,
#   5. removes the package (dpkg -r) and puts back what was there before.
#
# NOTE: installing the .deb overwrites the very files `make install` puts
# into /usr/lib/postgresql/15/lib (codeset.so, bitcode/codeset*) and
# /usr/share/postgresql/15 (extension/codeset*, codeset_data/) and
# /usr/share/doc/postgresql-doc-15/extension.  That is accepted here: the
# package is built from this same checkout, at the same version.  Before
# dpkg -i the test saves every one of those files that exists; after dpkg -r
# it puts exactly those back (byte for byte, checked), so what `make install`
# had installed is installed again and nothing else is reinstalled.  If a
# server of someone else's has codeset loaded meanwhile, it sees the
# package's files for the few seconds the package is installed.
#
# Needs dpkg-dev, debhelper, postgresql-server-dev-all and lintian (and
# build-essential, postgresql-15): the test installs the missing ones with
# apt-get, as tools/setup-debian.sh does.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
start=$(date +%s)
pg=/usr/lib/postgresql/15/bin
pkg=postgresql-15-codeset

if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP needs root (dpkg -i)"; exit 0; fi
if [ ! -f debian/control ]; then echo "1..0 # SKIP no debian/ directory"; exit 0; fi

# One run at a time: two runs would install and remove the same files.
exec 9>/run/lock/codeset-deb-package.lock
if ! flock -n 9; then echo "Bail out! another test/deb_package.sh is running"; exit 1; fi
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    echo "Bail out! $pkg is already installed; this test would remove it (dpkg -r $pkg first)"
    exit 1
fi

echo "1..14"
n=0 status=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; status=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
diag() { sed 's/^/# /'; }

tmp=$(mktemp -d /tmp/codeset-deb.XXXXXX)
installed=false server=false
cleanup() {
    if $server; then runuser -u postgres -- "$pg/pg_ctl" -D "$tmp/pg/data" -m immediate -w stop >/dev/null 2>&1; fi
    if $installed; then
        dpkg -r "$pkg" >/dev/null 2>&1
        [ -s "$tmp/saved.tar" ] && tar -C / -xpf "$tmp/saved.tar"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# --- build dependencies (installed only when missing)
need=(build-essential dpkg-dev debhelper postgresql-server-dev-all lintian postgresql-15)
missing=()
for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "# installing ${missing[*]}"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; } \
        >"$tmp/apt.log" 2>&1 || tail -20 "$tmp/apt.log" | diag
fi
missing=()
for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
check "build dependencies installed (${need[*]})" test ${#missing[@]} -eq 0

# --- 1. build from a copy of the working tree (build products and any
# earlier in-place debian build left out)
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
arch=$(dpkg --print-architecture)
deb=$tmp/${pkg}_${version}_$arch.deb
changes=$tmp/codeset_${version}_$arch.changes
mkdir "$tmp/src"
tar --exclude=./.git --exclude=./results --exclude=./log --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
    --exclude=./regression.diffs --exclude=./regression.out \
    --exclude=./debian/.debhelper --exclude="./debian/postgresql-*-codeset" --exclude=./debian/files \
    --exclude='./debian/*.substvars' --exclude=./debian/debhelper-build-stamp -cf - . | tar -C "$tmp/src" -xf -
t0=$(date +%s)
(cd "$tmp/src" && dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1
rc=$?
echo "# dpkg-buildpackage: $(( $(date +%s) - t0 ))s"
if [ $rc -eq 0 ] && [ -f "$deb" ]; then ok "dpkg-buildpackage -us -uc -b builds $(basename "$deb")"
else not_ok "dpkg-buildpackage -us -uc -b builds $(basename "$deb") (exit $rc)"; tail -30 "$tmp/build.log" | diag
     echo "Bail out! no package to test"; exit 1; fi

# --- 2. what make install installs, at Debian's PostgreSQL 15 paths
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/contents"
extver=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" codeset.control)
expected=(/usr/lib/postgresql/15/lib/codeset.so /usr/lib/postgresql/15/lib/bitcode/codeset.index.bc
          /usr/share/postgresql/15/extension/codeset.control
          "/usr/share/postgresql/15/extension/codeset--$extver.sql")
for f in sql/codeset--*.sql; do expected+=("/usr/share/postgresql/15/extension/${f#sql/}"); done
for f in data/hcpcs_anweb/*ANWEB*.txt data/opps_addendum_b_level2/*.csv; do
    expected+=("/usr/share/postgresql/15/codeset_data/${f#data/}"); done
missing=()
for f in "${expected[@]}"; do grep -qxF "$f" "$tmp/contents" || missing+=("$f"); done
for f in doc/codeset.md doc/guarantees.md; do   # dh_compress gzips docs
    grep -qE "^/usr/share/doc/postgresql-doc-15/extension/${f#doc/}(\.gz)?$" "$tmp/contents" || missing+=("$f"); done
if [ ${#missing[@]} -eq 0 ]; then ok "the .deb holds the .so, control file, install scripts, docs and $(ls data/hcpcs_anweb/*ANWEB*.txt data/opps_addendum_b_level2/*.csv | wc -l) data files"
else not_ok "the .deb lacks ${missing[*]}"; fi
depends=$(dpkg-deb -f "$deb" Depends)
check "Depends: $depends" grep -qE '(^|, )postgresql-15( |,|$)' <<<"$depends"

# --- 3. lintian: no errors (warnings and infos are listed as comments)
lintian -I --pedantic "$deb" "$changes" >"$tmp/lintian.out" 2>&1
grep -E '^[EWIPX]: ' "$tmp/lintian.out" | diag
if grep -q '^E: ' "$tmp/lintian.out"; then not_ok "lintian reports errors"; else ok "lintian: no errors"; fi

# --- 4. install it; a throwaway cluster
# Save what is there now (make install's files, if any) before dpkg -i
# overwrites it; cleanup() puts it back after dpkg -r.
: >"$tmp/saved.list"
while read -r f; do
    [ -f "$f" ] && [ ! -L "$f" ] && printf '%s\n' "${f#/}" >>"$tmp/saved.list"
done < <(grep -v '/$' "$tmp/contents")
if [ -s "$tmp/saved.list" ]; then
    tar -C / -cpf "$tmp/saved.tar" -T "$tmp/saved.list"
    (cd / && xargs -d '\n' sha256sum <"$tmp/saved.list") >"$tmp/saved.sha256"
fi
echo "# $(wc -l <"$tmp/saved.list") of the package's files were already installed (make install); saved"

chmod 711 "$tmp"   # postgres reaches its own directory $tmp/pg, nothing else
mkdir -p "$tmp/pg" && chown postgres: "$tmp/pg" && chmod 700 "$tmp/pg"
runuser -u postgres -- "$pg/initdb" -D "$tmp/pg/data" -A trust -U postgres --no-sync >"$tmp/initdb.log" 2>&1 ||
    { echo "initdb failed:"; tail -5 "$tmp/initdb.log"; } | diag

installed=true
if dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 &&
   dpkg-query -W -f='${Status} ${Version}' "$pkg" | grep -qx "install ok installed $version"; then
    ok "dpkg -i installs $pkg $version"
else not_ok "dpkg -i $(basename "$deb")"; diag <"$tmp/dpkg.log"; fi

port=$((5600 + $$ % 100))
runuser -u postgres -- "$pg/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/log" -w -t 60 \
    -o "-c listen_addresses= -k $tmp/pg -p $port -c fsync=off" start >/dev/null 2>&1 && server=true
$server || { echo "the server did not start:"; tail -5 "$tmp/pg/log" 2>&1; } | diag
# Answers only: warnings (e.g. that today lies past the shipped data) are not
# part of them; errors are.
q() { runuser -u postgres -- "$pg/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$tmp/pg" -p "$port" -U postgres -d postgres \
          -c 'SET client_min_messages = error' "$@" 2>&1; }

out=$(q -c 'CREATE EXTENSION codeset' -c "SELECT extversion FROM pg_extension WHERE extname = 'codeset'")
if [ "$out" = "$extver" ]; then ok "CREATE EXTENSION codeset (version $extver) loads the shipped data"
else not_ok "CREATE EXTENSION codeset"; diag <<<"$out"; fi
answer() {  # answer WHAT EXPECTED SQL
    local got; got=$(q -c "$3")
    if [ "$got" = "$2" ]; then ok "$1"; else not_ok "$1"; printf 'expected: %s\ngot: %s\n' "$2" "$got" | diag; fi
}
answer "valid('J1100'::medcode)" t "SELECT valid('J1100'::medcode)"
answer "code_system('99213') is CPT, code_system('J1100') is HCPCS" "CPT|HCPCS" \
    "SELECT code_system('99213'), code_system('J1100')"
got=$(q -c 'SELECT count(*) FROM codeset.code_history')
if [[ $got =~ ^[0-9]+$ ]] && [ "$got" -gt 1000 ]; then ok "codeset.code_history has $got rows"
else not_ok "codeset.code_history has rows"; diag <<<"$got"; fi
answer "NOT valid(code, date_of_service) over a claims table: the unknown code and the code terminated since (C9034, 2018-10-01 to 2018-12-31)" "2|B0000|unknown
3|C9034|terminated" "
    CREATE TEMP TABLE claims (id int, code text, date_of_service date);
    INSERT INTO claims VALUES (1, 'J1100', '2024-06-01'), (2, 'B0000', '2024-06-01'),
        (3, 'C9034', '2024-06-01'), (4, '99213', '2024-06-01'), (5, 'C9034', '2018-11-01');
    SELECT id, code, invalid_reason(code, date_of_service) FROM claims
     WHERE NOT valid(code, date_of_service) ORDER BY id"
answer "NOT valid(code) (today) over the same codes" "B0000
C9034" "
    CREATE TEMP TABLE claims (code medcode);
    INSERT INTO claims VALUES ('J1100'), ('B0000'), ('C9034'), ('99213');
    SELECT code FROM claims WHERE NOT valid(code) ORDER BY code"

if $server; then runuser -u postgres -- "$pg/pg_ctl" -D "$tmp/pg/data" -w stop >/dev/null 2>&1 && server=false; fi

# --- 5. remove the package, put back what was there
dpkg -r "$pkg" >"$tmp/dpkg-r.log" 2>&1
rc=$?
left=$(grep -v '/$' "$tmp/contents" | while read -r f; do [ -e "$f" ] && echo "$f"; done | head -3)
if [ $rc -eq 0 ] && ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' && [ -z "$left" ]; then
    ok "dpkg -r $pkg removes its files"
else not_ok "dpkg -r $pkg (exit $rc; left: $left)"; diag <"$tmp/dpkg-r.log"; fi
installed=false
if [ -s "$tmp/saved.list" ]; then
    tar -C / -xpf "$tmp/saved.tar"
    if (cd / && sha256sum --quiet -c "$tmp/saved.sha256") >/dev/null 2>&1; then
        ok "the $(wc -l <"$tmp/saved.list") files make install had installed are back, byte for byte"
    else not_ok "restoring the files make install had installed"; fi
else
    ok "nothing was installed before: nothing to put back"
fi

echo "# test/deb_package.sh: $(( $(date +%s) - start ))s"
exit $status
