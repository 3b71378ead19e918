#!/usr/bin/env bash
# Installs the Debian 12 packages codeset builds and tests with.  Run as root;
# does nothing when every package is already there.
set -euo pipefail

packages=(
    make gcc
    postgresql-15 postgresql-common postgresql-server-dev-15
    postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
    clang libclang-rt-14-dev valgrind
    python3-openpyxl
    build-essential dpkg-dev debhelper postgresql-server-dev-all lintian unzip
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "setup-debian: missing packages: ${missing[*]}; run as root to install them" >&2
    exit 1
fi
echo "setup-debian: installing ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
