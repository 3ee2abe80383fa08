#!/usr/bin/env bash
# Runs the pinned uv: one on PATH if it is the pinned version, else the copy setup.sh bootstrapped.
set -euo pipefail
UV_VERSION="0.13.9"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export UV_PYTHON_DOWNLOADS=never
if command -v uv >/dev/null 2>&1 && [ "$(uv --version 2>/dev/null | cut -d' ' -f2)" = "$UV_VERSION" ]; then
  exec uv "$@"
fi
if [ -x "$here/.tools/uv-venv/bin/uv" ]; then
  exec "$here/.tools/uv-venv/bin/uv" "$@"
fi
echo "uv $UV_VERSION not found: run 'pnpm --filter @tokenflow/ml-python setup' (scripts/setup.sh) first" >&2
exit 127
