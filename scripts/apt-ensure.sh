#!/usr/bin/env bash
# Installs the Debian packages a package's real-stack tests need, only those missing:
#   apt-ensure.sh <label> <package>=<path> ...
# A package counts as present when its <path> (a file, or a glob) exists. Runs apt-get as root,
# or through sudo; says what to run when neither is possible.
set -euo pipefail
label=$1
shift
# Sets `missing` to the packages whose path is absent; exits when there are none.
exit_if_present() {
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
}
exit_if_present "$@"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "[$label setup] ${missing[*]} missing and this user cannot install them: run 'apt-get install -y ${missing[*]}' as root" >&2
    exit 1
  fi
  sudo="sudo"
fi
# turbo runs the packages' setups side by side and apt-get takes its locks without waiting: one
# setup at a time holds this lock, and what another installed meanwhile is not installed again.
exec 9>"${TMPDIR:-/tmp}/tokenflow-apt-ensure.lock"
flock 9
exit_if_present "$@"
echo "[$label setup] installing ${missing[*]} with apt-get"
# Another apt client (unattended upgrades) may hold apt's own locks: wait for it, not fail.
$sudo apt-get -o DPkg::Lock::Timeout=600 update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
  --no-install-recommends "${missing[@]}"
