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


SETTINGS = """from kpiboard.settings import *  # noqa: F403
ROOT_URLCONF = "failing_urls"
"""
URLS = """from django.urls import include, path


def boom(request):
    raise RuntimeError("boom under gunicorn")


urlpatterns = [path("boom/", boom), path("", include("kpiboard.urls"))]
handler500 = "kpiboard.web.views.server_error"
"""


def test_kpiboard_serve_logs_a_server_error_with_its_traceback(tmp_path: Path) -> None:
    """Under gunicorn (`kpiboard serve`), as in production: the error and its traceback on
    standard error with the request id, which the access log's line for the request ends
    with."""
    import socket
    import time
    import urllib.error
    import urllib.request

    (tmp_path / "failing_settings.py").write_text(SETTINGS)
    (tmp_path / "failing_urls.py").write_text(URLS)
    src = Path(__file__).resolve().parents[2] / "src"
    env = {k: v for k, v in os.environ.items() if k != "KPIBOARD_DEBUG"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               DJANGO_SETTINGS_MODULE="failing_settings",
               PYTHONPATH=os.pathsep.join([str(tmp_path), str(src)]))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kpiboard = str(Path(sys.executable).parent / "kpiboard")
    out, err = (tmp_path / "stdout.log").open("w+"), (tmp_path / "stderr.log").open("w+")
    server = subprocess.Popen([kpiboard, "serve", "--port", str(port), "--workers", "1"],
                              cwd=tmp_path, env=env, stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "stderr.log").read_text()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/boom/",
                                             headers={"X-Request-ID": "gunicorn-check-1"})
            try:
                urllib.request.urlopen(request, timeout=10)
            except urllib.error.HTTPError as error:
                assert error.code == 500
                assert error.headers["X-Request-ID"] == "gunicorn-check-1"
                assert "gunicorn-check-1" in error.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer in 120 s"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
    stderr = (tmp_path / "stderr.log").read_text()
    stdout = (tmp_path / "stdout.log").read_text()
    assert "ERROR django.request [gunicorn-check-1]: Internal Server Error: /boom/" in stderr
    assert "Traceback (most recent call last)" in stderr
    assert "RuntimeError: boom under gunicorn" in stderr
    assert re.search(r'"GET /boom/ HTTP/1.1" 500 .* request_id=gunicorn-check-1$', stdout,
                     re.M), stdout
