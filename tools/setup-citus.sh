#!/usr/bin/env bash
# tools/setup-citus.sh [TARBALL]
#
# Builds Citus 12.1.12, a test dependency only (test/citus.sh), from the
# source tarball beside the checkout (../shared/vendor/citus-12.1.12.tar.gz,
# see the README there) and installs it into Debian 12's PostgreSQL 15.
# Run as root.  Nothing of Citus goes into codeset or its packages.
#
# The tarball is checked against the SHA-256 the vendor README gives.  Its
# build dependencies are Debian packages (installed here when missing);
# without libkrb5-dev the build stops at gssapi/gssapi.h.
#
# Reuse: a successful install writes /opt/codeset-pg/citus-build-stamp (the
# tarball's SHA-256 and the pg_config it was built with); when the stamp
# matches and citus.so is in place the script says so and does nothing.  A
# build takes about 2.5 minutes on 2 cores, in a temporary directory under
# /var/tmp, deleted when the script ends.
set -euo pipefail
umask 022

say() { echo "setup-citus: $*"; }
die() { echo "setup-citus: error: $*" >&2; exit 1; }

cd "$(dirname "$0")/.."
tarball=${1:-../shared/vendor/citus-12.1.12.tar.gz}
sha256=a344da15513601e718a268d907e1c86e43a69eb243398b929f65a4580723f552
pg_config=/usr/lib/postgresql/15/bin/pg_config
stamp=/opt/codeset-pg/citus-build-stamp

[ "$(id -u)" -eq 0 ] || die "run as root (it installs into $($pg_config --pkglibdir))"
[ -f "$tarball" ] || die "no $tarball"
echo "$sha256  $tarball" | sha256sum -c --quiet - || die "$tarball is not the tarball the vendor README names (SHA-256 differs)"

want="citus-12.1.12 $sha256 $pg_config"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$($pg_config --pkglibdir)/citus.so" ]; then
    say "Citus 12.1.12 is installed in $($pg_config --pkglibdir) (stamp $stamp): nothing to do"
    exit 0
fi

packages=(libkrb5-dev liblz4-dev libzstd-dev libssl-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

build=$(mktemp -d /var/tmp/codeset-citus.XXXXXX)
trap 'rm -rf "$build"' EXIT
say "building Citus 12.1.12 in $build (about 2.5 minutes)"
tar -C "$build" -xzf "$tarball"
(
    cd "$build/citus-12.1.12"
    ./configure PG_CONFIG="$pg_config" --without-libcurl >"$build/configure.log" 2>&1 ||
        { tail -20 "$build/configure.log" >&2; exit 1; }
    make -j"$(nproc)" >"$build/make.log" 2>&1 || { tail -40 "$build/make.log" >&2; exit 1; }
    make install >>"$build/make.log" 2>&1 || { tail -20 "$build/make.log" >&2; exit 1; }
)
mkdir -p "$(dirname "$stamp")"
echo "$want" >"$stamp"
say "installed Citus 12.1.12 into $($pg_config --pkglibdir)"
