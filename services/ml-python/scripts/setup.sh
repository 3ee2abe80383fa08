#!/usr/bin/env bash
# Idempotent bootstrap of the ML service: pinned uv, project venv, locked deps, CPU torch,
# and the offline tokenizer data (tiktoken cl100k_base, nltk punkt_tab). Quick when all is in place.
set -euo pipefail
UV_VERSION="0.13.9"
TORCH_VERSION="2.13.0"
TIKTOKEN_NPM="tiktoken@1.0.22"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
export UV_PYTHON_DOWNLOADS=never
PY="${PYTHON:-python3}"

log() { echo "[ml-python setup] $*"; }

# 1. uv: the one on PATH when it is the pinned version, else a private copy from PyPI.
if command -v uv >/dev/null 2>&1 && [ "$(uv --version 2>/dev/null | cut -d' ' -f2)" = "$UV_VERSION" ]; then
  UV="$(command -v uv)"
else
  UV="$here/.tools/uv-venv/bin/uv"
  if [ ! -x "$UV" ] || [ "$("$UV" --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    log "installing uv $UV_VERSION into .tools/"
    rm -rf "$here/.tools/uv-venv"
    "$PY" -m venv "$here/.tools/uv-venv"
    "$here/.tools/uv-venv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
fi

# 2. Project venv with pip seeded (torch is installed with pip, see step 4).
if [ ! -x "$here/.venv/bin/pip" ]; then
  log "creating .venv"
  rm -rf "$here/.venv"
  "$UV" venv --quiet --seed --python "$PY" "$here/.venv"
fi

# 3. Locked dependencies; --inexact keeps the pip-installed torch.
"$UV" sync --quiet --frozen --inexact

# 4. CPU torch with pip (uv would pick PyPI's CUDA build). Elsewhere set
#    PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu to get the CPU build.
if ! ls -d "$here"/.venv/lib/python3*/site-packages/torch-"$TORCH_VERSION"*.dist-info >/dev/null 2>&1; then
  log "installing torch==$TORCH_VERSION with pip"
  "$here/.venv/bin/python" -m pip install --quiet --disable-pip-version-check "torch==$TORCH_VERSION"
fi

# 5. Offline data for tiktoken and nltk, built from package registries only.
if ! "$here/.venv/bin/python" -m tokenflow_ml.offline_data check >/dev/null 2>&1; then
  src=""
  root_copy="$here/../../node_modules/tiktoken/encoders/cl100k_base.json"
  if [ -f "$root_copy" ]; then
    src="$root_copy"
  else
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    log "fetching $TIKTOKEN_NPM from the npm registry"
    (cd "$tmp" && npm pack --silent "$TIKTOKEN_NPM" >/dev/null && tar xzf tiktoken-*.tgz)
    src="$tmp/package/encoders/cl100k_base.json"
  fi
  "$here/.venv/bin/python" -m tokenflow_ml.offline_data build --tiktoken-json "$src"
fi
log "ready"
