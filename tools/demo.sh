#!/usr/bin/env bash
# Builds and installs codeset, then runs demo/demo.sql in a throwaway
# cluster (Debian 12, as root).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/setup-debian.sh
export PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
make -s
make -s install
pg_virtualenv -t -v 15 psql -X -v ON_ERROR_STOP=1 -f demo/demo.sql
