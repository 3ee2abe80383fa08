"""Writes the app's OpenAPI document to services/ml-python/openapi.json (the TS client's source)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tokenflow_ml.config import SERVICE_ROOT, Settings
from tokenflow_ml.main import create_app

OPENAPI_PATH = SERVICE_ROOT / "openapi.json"


def render() -> str:
    # Default settings, no env: the document must not depend on the machine that exports it
    # (nor on a token: the app is only built, never served).
    app = create_app(Settings(_env_file=None, allow_anonymous=True))  # type: ignore[call-arg]
    return json.dumps(app.openapi(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OPENAPI_PATH
    target.write_text(render())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
