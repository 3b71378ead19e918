#!/usr/bin/env bash
# tools/setup-postgres.sh VERSION   (VERSION: 17 or 18)
#
# Builds a PostgreSQL VERSION server plus pgTAP from Debian's own source
# packages into /opt/codeset-pg/VERSION (bin/pg_config, bin/initdb, bin/pg_ctl,
# bin/psql, the contrib modules, and pgTAP), for building and testing codeset
# against a PostgreSQL other than Debian 12's 15.  Run as root.
#
# Where the sources come from: tools/apt/sources.list, the project's own apt
# source list (deb-src lines only), read through a private apt configuration:
# the machine's own source lists, preferences and package lists are never read
# or written.  17 is taken from trixie (and trixie-security), 18 from sid;
# pgTAP from the same suites, since that is the pgTAP Debian builds against
# that PostgreSQL.  The highest version of each in those suites is used.
#
# Signatures: every line of tools/apt/sources.list is signed-by Debian 12's
# debian-archive-keyring (/usr/share/keyrings/debian-archive-keyring.gpg).
# Checked with gpgv: the 2023.3+deb12u2 keyring holds the trixie archive,
# security and release keys, and it verifies trixie's, trixie-security's and
# sid's InRelease files (each is signed by both the 12/bookworm and the
# 13/trixie automatic keys).  apt refuses an index whose signature does not
# verify, and apt-get update runs with --error-on=any, so any failed index
# stops the script.  Every downloaded file is then checked here too against
# the SHA256 that the signed Sources index gives for it.  (Valid-Until, the
# freshness check, follows the machine's apt configuration: this workplace's
# mirror serves an already-expired sid InRelease and its apt.conf.d turns the
# check off; forcing it on would make sid unusable here.)
#
# What is built: the pristine upstream tarball of each source package
# (dpkg-source -x --skip-patches).  Debian's PostgreSQL patches are packaging
# for /usr/lib/postgresql/N (50-per-version-dirs.patch hard-codes
# pkglibdir=/usr/lib/postgresql/N/lib, 51-default-sockets-in-var moves the
# socket to /var/run/postgresql), which is wrong for a build under /opt.  When
# the mirror lacks a package's .dsc or Debian tarball (this workplace's mirror
# does for pgtap) the verified orig tarball is unpacked directly, which gives
# the same tree.
#
# Reuse: a successful build ends by writing /opt/codeset-pg/VERSION/
# codeset-build-stamp (the source package versions and the configure options;
# the upstream tarballs' SHA256 as comments).  When that stamp matches what the project's cached
# apt lists name, the script says so and does nothing (no network).  A prefix
# without a matching stamp (a half-finished or older build) is removed and
# built again from scratch.  Set CODESET_PG_REFRESH=1 to refresh the apt lists
# first, so a newer Debian upload is picked up.
#
# Cache (kept between runs; delete it at will): /var/cache/codeset-pg, or
# $CODESET_PG_CACHE: apt/ holds the private apt lists and apt caches,
# src/VERSION/ the downloaded source packages last used for VERSION (older
# ones are removed), about 23 MB per version.  The build tree is a temporary directory under /var/tmp, deleted
# when the script ends, whether or not the build succeeded.
set -euo pipefail
umask 022

say() { echo "setup-postgres: $*"; }
die() { echo "setup-postgres: error: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 VERSION   (17 or 18)"
version=$1
case "$version" in
    17) suites=(trixie trixie-security) ;;
    18) suites=(sid) ;;
    *) die "unsupported PostgreSQL version '$version' (17 or 18)" ;;
esac
[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and writes /opt/codeset-pg)"

here=$(cd "$(dirname "$0")" && pwd)
sources_list=$here/apt/sources.list
[ -f "$sources_list" ] || die "missing $sources_list"
prefix=/opt/codeset-pg/$version
stamp=$prefix/codeset-build-stamp
cache=${CODESET_PG_CACHE:-/var/cache/codeset-pg}
src_pkgs=("postgresql-$version" pgtap)

# Configure options.  ICU is left out (libicu-dev is a large dependency and
# codeset compares with COLLATE "C"; the default libc locale provider serves
# pg_regress); readline (for psql), zlib (pg_dump -Fc compression) and lz4
# (TOAST compression, as Debian's own packages build it; the tests use it)
# stay in, all small -dev packages.  No docs, NLS, SSL, LLVM JIT or cassert.
# CODESET_PG_CONFIGURE_EXTRA adds options (e.g. "--enable-debug
# --enable-cassert"); they are part of the stamp, so changing them rebuilds.
configure_opts=(--prefix="$prefix" --without-icu --with-lz4)
# shellcheck disable=SC2206
[ -n "${CODESET_PG_CONFIGURE_EXTRA:-}" ] && configure_opts+=(${CODESET_PG_CONFIGURE_EXTRA})
# Bump when the way the build is made changes, so existing builds are redone.
recipe=1

mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" \
         "$cache/apt/sources.list.d" "$cache/apt/preferences.d" "$cache/src"
# One run at a time: the apt lists and the source cache are shared.
exec 9>"$cache/lock"
if ! flock -n 9; then
    say "waiting for another setup-postgres run to finish"
    flock 9
fi

# The private apt configuration.  apt.conf.d is still read (proxies and the
# like); everything that says what to fetch, and where state goes, is ours.
# The sources.list.d and preferences.d given here stay empty.
: >"$cache/apt/status"
apt_opts=(
    -o "Dir::Etc::SourceList=$sources_list"
    -o "Dir::Etc::SourceParts=$cache/apt/sources.list.d"
    -o "Dir::Etc::Preferences=$cache/apt/preferences"
    -o "Dir::Etc::PreferencesParts=$cache/apt/preferences.d"
    -o "Dir::State::Lists=$cache/apt/lists"
    -o "Dir::State::status=$cache/apt/status"
    -o "Dir::Cache=$cache/apt/cache"
    -o "Dir::Cache::pkgcache=pkgcache.bin"
    -o "Dir::Cache::srcpkgcache=srcpkgcache.bin"
    -o "Acquire::AllowInsecureRepositories=false"
    -o "Acquire::AllowDowngradeToInsecureRepositories=false"
)

apt_update() {
    say "refreshing the project's apt lists (tools/apt/sources.list)"
    local log=$cache/apt/update.log
    if ! apt-get "${apt_opts[@]}" --error-on=any -q update >"$log" 2>&1; then
        cat "$log" >&2
        die "apt-get update of the project's sources failed"
    fi
}

have_lists() { compgen -G "$cache/apt/lists/*_Sources*" >/dev/null; }

# resolve: sets ver[PKG] to the highest version of each source package in
# this PostgreSQL version's suites, from the lists at hand.
declare -A ver
resolve() {
    local line pkg v loc suite s
    ver=()
    while IFS= read -r line; do
        pkg=$(awk -F' [|] ' '{gsub(/ /, "", $1); print $1}' <<<"$line")
        v=$(awk -F' [|] ' '{gsub(/ /, "", $2); print $2}' <<<"$line")
        loc=$(awk -F' [|] ' '{print $3}' <<<"$line")
        suite=${loc#* }; suite=${suite%%/*}
        for s in "${suites[@]}"; do
            [ "$suite" = "$s" ] || continue
            if [ -z "${ver[$pkg]:-}" ] || dpkg --compare-versions "$v" gt "${ver[$pkg]}"; then
                ver[$pkg]=$v
            fi
        done
    done < <(apt-cache "${apt_opts[@]}" madison "${src_pkgs[@]}" 2>/dev/null || true)
    for pkg in "${src_pkgs[@]}"; do
        [ -n "${ver[$pkg]:-}" ] || return 1
    done
}

# The stamp's lines that must match (its # lines are only informative).
stamp_text() {
    local pkg
    echo "recipe $recipe"
    for pkg in "${src_pkgs[@]}"; do
        echo "$pkg ${ver[$pkg]}"
    done
    echo "configure ${configure_opts[*]}"
}

is_built() {
    [ -f "$stamp" ] && [ -x "$prefix/bin/pg_config" ] && [ -x "$prefix/bin/postgres" ] &&
        [ -f "$("$prefix/bin/pg_config" --sharedir)/extension/pgtap.control" ] &&
        [ "$(grep -v '^#' "$stamp")" = "$(stamp_text)" ]
}

finish() {
    say "$prefix/bin/pg_config --version: $("$prefix/bin/pg_config" --version)"
}

# -- reuse -------------------------------------------------------------------
if [ -f "$stamp" ]; then
    if [ "${CODESET_PG_REFRESH:-0}" = 1 ] || ! have_lists; then
        apt_update
    fi
    if resolve && is_built; then
        say "$prefix already holds postgresql-$version ${ver[postgresql-$version]} with pgtap ${ver[pgtap]}; nothing to do"
        finish
        exit 0
    fi
fi

# -- build dependencies (Debian 12's own repositories) -------------------------
# bison and flex: PostgreSQL 17+ tarballs ship no generated parsers.
build_deps=(
    gcc libc6-dev make bison flex perl
    libreadline-dev zlib1g-dev liblz4-dev pkg-config
    dpkg-dev bzip2 xz-utils patch debian-archive-keyring
)
missing=()
for p in "${build_deps[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    # (waiting for the dpkg lock rather than failing while another install runs)
    apt-get -o DPkg::Lock::Timeout=600 update
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi

# -- sources -----------------------------------------------------------------
apt_update
resolve || die "the project's apt lists name no ${src_pkgs[*]} in ${suites[*]}"
if is_built; then
    say "$prefix already holds postgresql-$version ${ver[postgresql-$version]} with pgtap ${ver[pgtap]}; nothing to do"
    finish
    exit 0
fi
say "building postgresql-$version ${ver[postgresql-$version]} and pgtap ${ver[pgtap]} (Debian source packages from ${suites[*]}) into $prefix"

# fetch PKG: downloads PKG's source package into $cache/src/VERSION/PKG
# (keeping only that version there), checks every file against the signed index's SHA256,
# and prints the path of the .dsc, or of the orig tarball when the mirror has
# no .dsc or Debian tarball.
fetch() {
    local pkg=$1 dir=$cache/src/$version/$1 uris name sha dsc="" orig="" f nmissing=0
    mkdir -p "$dir"
    # Owned by _apt, so apt downloads into it inside its sandbox.
    id _apt >/dev/null 2>&1 && chown _apt "$dir"
    uris=$(apt-get "${apt_opts[@]}" source --print-uris -qq "$pkg=${ver[$pkg]}")
    [ -n "$uris" ] || die "apt names no files for $pkg ${ver[$pkg]}"
    for f in "$dir"/*; do
        [ -e "$f" ] || continue
        grep -qF " $(basename "$f") " <<<"$uris" || rm -f "$f"
    done
    if ! (cd "$dir" && apt-get "${apt_opts[@]}" -q source --download-only "$pkg=${ver[$pkg]}") \
            >"$dir.log" 2>&1; then
        { grep -E '^(E|W):' "$dir.log" || cat "$dir.log"; } | sed 's/^/setup-postgres: apt-get source: /' >&2
    fi
    while read -r _ name _ sha; do
        sha=${sha#SHA256:}
        if [ ! -f "$dir/$name" ]; then
            say "warning: the mirror did not give $name" >&2
            nmissing=$((nmissing + 1))
            continue
        fi
        echo "$sha  $dir/$name" | sha256sum --quiet -c - >&2 ||
            { rm -f "$dir/$name"; die "$name does not match the signed index's SHA256"; }
        case "$name" in
            *.dsc) dsc=$dir/$name ;;
            *.orig.tar.*) orig=$dir/$name ;;
        esac
    done <<<"$uris"
    [ -n "$orig" ] || die "could not download the upstream tarball of $pkg ${ver[$pkg]}"
    if [ -n "$dsc" ] && [ "$nmissing" -eq 0 ]; then
        echo "$dsc"
    else
        say "warning: $pkg ${ver[$pkg]}: building from its verified upstream tarball alone" >&2
        echo "$orig"
    fi
}

# unpack FILE DEST: a .dsc through dpkg-source (pristine upstream, Debian's
# patches not applied), an orig tarball through tar.
unpack() {
    local file=$1 dest=$2
    case "$file" in
        *.dsc) dpkg-source -x --skip-patches "$file" "$dest" ;;
        *) mkdir -p "$dest" && tar -xf "$file" -C "$dest" --strip-components=1 ;;
    esac
}

pg_src=$(fetch "postgresql-$version")
tap_src=$(fetch pgtap)

build=$(mktemp -d /var/tmp/codeset-pg-build.XXXXXX)
trap 'rm -rf "$build"' EXIT

# step NAME CMD...: runs CMD with its output in a log, shown on failure.
step() {
    local name=$1; shift
    if ! "$@" >"$build/$name.log" 2>&1; then
        tail -n 60 "$build/$name.log" >&2
        die "$name failed (the last lines of its log are above)"
    fi
}

# (dpkg-source's "Can't check signature" is about the uploader's signature on
# the .dsc, which would need the debian-keyring package; the .dsc is already
# authenticated by the signed index's SHA256.)
say "unpacking"
step unpack-postgresql unpack "$pg_src" "$build/postgresql"
step unpack-pgtap unpack "$tap_src" "$build/pgtap"

# From scratch: nothing of an earlier or half-finished build stays.
rm -rf "$prefix"

cd "$build/postgresql"
say "configure ${configure_opts[*]}"
step configure ./configure "${configure_opts[@]}"
say "make -j2 (server, client programs, contrib)"
step make make -j2
step make-contrib make -j2 -C contrib
say "make install"
step install make install
step install-contrib make -C contrib install

cd "$build/pgtap"
say "pgTAP: make install"
step pgtap make PG_CONFIG="$prefix/bin/pg_config"
step pgtap-install make PG_CONFIG="$prefix/bin/pg_config" install

{
    echo "# written by tools/setup-postgres.sh at the end of a successful build, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# built from: $(basename "$pg_src") $(basename "$tap_src")"
    (cd "$cache/src/$version" && sha256sum postgresql-"$version"/*.orig.tar.* pgtap/*.orig.tar.*) | sed 's/^/# sha256 /'
    stamp_text
} >"$stamp.tmp"
mv "$stamp.tmp" "$stamp"
say "done"
finish
