#!/usr/bin/env bash
# Makes sure the Debian servers the server's tests start for real are installed: PostgreSQL
# (test/postgres-server.ts) and Redis (test/redis-server.ts). Installs only what is missing.
set -euo pipefail
missing=()
if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then missing+=(postgresql); fi
if ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "[server setup] postgresql and redis-server present"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "[server setup] ${missing[*]} missing and this user cannot install them: run 'apt-get install -y ${missing[*]}' as root" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "[server setup] installing ${missing[*]} with apt-get"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
