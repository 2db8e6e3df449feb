"""A server error is never silent: it is logged to standard error with its traceback and the
request's id, which the response carries (X-Request-ID) and the error page shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent("""
    import os, sys
    os.environ["DJANGO_SETTINGS_MODULE"] = "kpiboard.settings"
    import django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    import kpiboard.core.views as views

    def healthz(request):
        import logging
        logging.getLogger("kpiboard.test").warning("about to fail")
        raise RuntimeError("boom in the view")

    views.healthz = healthz  # before the URLconf is first imported
    from django.test import Client
    headers = {"HTTP_X_REQUEST_ID": sys.argv[1]} if len(sys.argv) > 1 else {}
    response = Client(raise_request_exception=False).get("/healthz", HTTP_HOST="127.0.0.1",
                                                         **headers)
    print("status", response.status_code)
    print("header", response.headers.get("X-Request-ID"))
    print("page", response.content.decode())
""")


def fail_a_request(tmp_path: Path, *request_id: str) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env.pop("KPIBOARD_DEBUG", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT, *request_id], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert "status 500" in done.stdout, done.stderr
    return done.stdout, done.stderr


def test_a_server_error_is_logged_with_its_traceback_and_request_id(tmp_path: Path) -> None:
    stdout, stderr = fail_a_request(tmp_path, "proxy-7f3a.42")
    assert "header proxy-7f3a.42" in stdout
    assert "ERROR django.request [proxy-7f3a.42]: Internal Server Error: /healthz" in stderr
    assert "WARNING kpiboard.test [proxy-7f3a.42]: about to fail" in stderr
    assert "Traceback (most recent call last)" in stderr
    assert "RuntimeError: boom in the view" in stderr
    # the page tells the person what to quote
    assert "quote this reference: <strong class=\"kb-request-id\">proxy-7f3a.42</strong>" \
        in stdout


@pytest.mark.parametrize("sent", [None, "bad id with spaces", "x" * 65, "<script>"])
def test_an_unsafe_or_missing_request_id_is_replaced(tmp_path: Path, sent: str | None) -> None:
    stdout, stderr = fail_a_request(tmp_path, *([sent] if sent else []))
    made = re.search(r"^header ([0-9a-f]{32})$", stdout, re.M)
    assert made, stdout
    assert f"ERROR django.request [{made[1]}]: Internal Server Error" in stderr
    assert "Traceback (most recent call last)" in stderr
    assert made[1] in stdout.split("page", 1)[1]
    if sent:
        assert sent not in stderr
