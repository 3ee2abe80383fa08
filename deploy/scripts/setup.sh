#!/usr/bin/env bash
# Makes sure Debian's redis-server and haproxy are installed for the stack and its tests. Does
# nothing when both are there; otherwise installs the missing ones with apt-get (as root, or with
# sudo).
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
# Debian puts haproxy in /usr/sbin, which a non-root PATH often lacks.
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "[deploy setup] redis-server and haproxy present"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "[deploy setup] ${missing[*]} missing and this user cannot install them: run 'apt-get install -y ${missing[*]}' as root" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "[deploy setup] installing ${missing[*]} with apt-get"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
