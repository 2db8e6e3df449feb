#!/usr/bin/env python3
"""The container's health check: GET http://127.0.0.1:8000/healthz, as the first of
KPIBOARD_ALLOWED_HOSTS (kpiboard answers only to those). Exit status 0 when kpiboard answers
{"status": "ok"}, 1 otherwise. Used by the Dockerfile's HEALTHCHECK (docs/deploy.md).

    kpiboard-healthcheck [BASE_URL]     (default http://127.0.0.1:8000)"""

from __future__ import annotations

import json
import os
import sys
import urllib.request


def main(argv: list[str]) -> int:
    base = argv[0].rstrip("/") if argv else "http://127.0.0.1:8000"
    hosts = [h.strip() for h in os.environ.get("KPIBOARD_ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h and h != "*"), "localhost").lstrip(".")
    request = urllib.request.Request(f"{base}/healthz", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            ok = json.load(response).get("status") == "ok"
    except (OSError, ValueError) as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
