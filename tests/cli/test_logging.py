"""A server error is never silent: it is logged to standard error with its traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SCRIPT = textwrap.dedent("""
    import os
    os.environ["DJANGO_SETTINGS_MODULE"] = "kpiboard.settings"
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    import kpiboard.core.views as views

    def healthz(request):
        raise RuntimeError("boom in the view")

    views.healthz = healthz  # before the URLconf is first imported
    from django.test import Client
    response = Client(raise_request_exception=False).get("/healthz", HTTP_HOST="127.0.0.1")
    print("status", response.status_code)
""")


def test_a_server_error_is_logged_with_its_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env.pop("KPIBOARD_DEBUG", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert "status 500" in done.stdout, done.stderr
    assert "ERROR django.request: Internal Server Error: /healthz" in done.stderr
    assert "Traceback (most recent call last)" in done.stderr
    assert "RuntimeError: boom in the view" in done.stderr
