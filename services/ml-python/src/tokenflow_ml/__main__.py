"""`python -m tokenflow_ml [--reload]`: serve on ML_HOST:ML_PORT (127.0.0.1:8001 by default)."""

from __future__ import annotations

import argparse

import uvicorn

from tokenflow_ml.config import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    args = parser.parse_args()
    settings = get_settings()
    settings.apply_environment()
    uvicorn.run(
        "tokenflow_ml.main:app_factory",
        factory=True,
        host=settings.host,
        port=settings.port,
        reload=args.reload,
        log_level=settings.log_level,
        access_log=False,  # our middleware writes one JSON line per request
    )


if __name__ == "__main__":
    main()
