#!/usr/bin/env bash
# Installs the Debian packages a package's real-stack tests need, only those missing:
#   apt-ensure.sh <label> <package>=<path> ...
# A package counts as present when its <path> (a file, or a glob) exists. Runs apt-get as root,
# or through sudo; says what to run when neither is possible.
set -euo pipefail
label=$1
shift
missing=()
for spec in "$@"; do
  package=${spec%%=*}
  path=${spec#*=}
  # The glob is meant to expand here: a path such as /usr/lib/postgresql/*/bin/postgres.
  # shellcheck disable=SC2086
  compgen -G $path >/dev/null || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "[$label setup] present: ${*%%=*}"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "[$label setup] ${missing[*]} missing and this user cannot install them: run 'apt-get install -y ${missing[*]}' as root" >&2
    exit 1
  fi
  sudo="sudo"
fi
echo "[$label setup] installing ${missing[*]} with apt-get"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
