"""`python -m tokenflow_ml [--reload]`: serve on ML_HOST:ML_PORT (127.0.0.1:8001 by default)."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from tokenflow_ml.config import MissingInternalToken, get_settings

# Only the package's own sources: watching the whole service folder (its .venv included) is what
# made the reloader busy while idle.
RELOAD_DIR = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    args = parser.parse_args()
    settings = get_settings()
    try:
        settings.check_auth()  # before uvicorn starts: one clear line, not a traceback
    except MissingInternalToken as exc:
        parser.exit(2, f"tokenflow-ml: {exc}\n")
    settings.apply_environment()
    uvicorn.run(
        "tokenflow_ml.main:app_factory",
        factory=True,
        host=settings.host,
        port=settings.port,
        reload=args.reload,
        reload_dirs=[str(RELOAD_DIR)] if args.reload else None,
        log_level=settings.log_level,
        access_log=False,  # our middleware writes one JSON line per request
    )


if __name__ == "__main__":
    main()
