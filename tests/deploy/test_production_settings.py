"""Production settings come from the environment (docs/settings.md#kpiboard_https): with
KPIBOARD_HTTPS=true, a strong secret key and the allowed host set, Django's own deployment
check passes; with the development key it does not (so the check is real). HTTPS redirects,
HSTS, the proxy's header, secure cookies and the trusted CSRF origins follow the settings."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

SRC = Path(__file__).resolve().parents[2] / "src"


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("KPIBOARD_")
           # the browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright
           and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env["DJANGO_SETTINGS_MODULE"] = "kpiboard.settings"
    env["KPIBOARD_DATA_DIR"] = str(tmp_path / "var")
    env.update(settings)
    return env


def check_deploy(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment(tmp_path, **settings), cwd=tmp_path, capture_output=True, text=True,
        timeout=120)


PRODUCTION = {"KPIBOARD_ALLOWED_HOSTS": "kpi.example.gov.uk", "KPIBOARD_HTTPS": "true"}


def test_the_deployment_check_passes_with_the_documented_production_settings(
        tmp_path: Path) -> None:
    done = check_deploy(tmp_path, KPIBOARD_SECRET_KEY=secrets.token_urlsafe(50), **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_the_deployment_check_fails_with_the_development_key(tmp_path: Path) -> None:
    done = check_deploy(tmp_path, **PRODUCTION)
    assert done.returncode != 0
    assert "security.W009" in done.stderr


def test_the_deployment_check_fails_without_https(tmp_path: Path) -> None:
    done = check_deploy(tmp_path, KPIBOARD_SECRET_KEY=secrets.token_urlsafe(50),
                        KPIBOARD_ALLOWED_HOSTS="kpi.example.gov.uk")
    assert done.returncode != 0
    for warning in ("W004", "W008", "W012", "W016"):  # the four the issue found
        assert f"security.{warning}" in done.stderr


SHOW = """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "X_FRAME_OPTIONS"]}))
"""


def settings_with(tmp_path: Path, **settings: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + SHOW],
                          env=environment(tmp_path, **settings), cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_https_settings(tmp_path: Path) -> None:
    off = settings_with(tmp_path)
    assert off["SECURE_SSL_REDIRECT"] is False and off["SECURE_HSTS_SECONDS"] == 0
    assert off["SESSION_COOKIE_SECURE"] is False and off["CSRF_TRUSTED_ORIGINS"] == []
    assert off["SESSION_COOKIE_HTTPONLY"] is True and off["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert off["X_FRAME_OPTIONS"] == "DENY"

    on = settings_with(tmp_path, KPIBOARD_HTTPS="TRUE",
                       KPIBOARD_ALLOWED_HOSTS="kpi.example.gov.uk, .council.gov.uk")
    assert on["SECURE_SSL_REDIRECT"] is True
    assert on["SECURE_HSTS_SECONDS"] == 31536000
    assert on["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and on["SECURE_HSTS_PRELOAD"] is True
    assert on["SESSION_COOKIE_SECURE"] is True and on["CSRF_COOKIE_SECURE"] is True
    assert on["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert on["CSRF_TRUSTED_ORIGINS"] == ["https://kpi.example.gov.uk",
                                          "https://*.council.gov.uk"]

    tuned = settings_with(tmp_path, KPIBOARD_HTTPS="1", KPIBOARD_HSTS_SECONDS="300",
                          KPIBOARD_HSTS_PRELOAD="false", KPIBOARD_HSTS_INCLUDE_SUBDOMAINS="no",
                          KPIBOARD_CSRF_TRUSTED_ORIGINS="https://a.example, https://b.example")
    assert tuned["SECURE_HSTS_SECONDS"] == 300
    assert tuned["SECURE_HSTS_PRELOAD"] is False
    assert tuned["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert tuned["CSRF_TRUSTED_ORIGINS"] == ["https://a.example", "https://b.example"]


def test_a_mistyped_switch_is_refused(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                          env=environment(tmp_path, KPIBOARD_HTTPS="ture"), cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "KPIBOARD_HTTPS='ture': use true or false" in done.stderr


HTTPS_ON = {"SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
            "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
            "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True}


@pytest.mark.django_db
def test_behind_the_proxy_https_is_required_but_the_health_check_is_not() -> None:
    with override_settings(**HTTPS_ON):
        client = Client()
        plain = client.get("/sign-in/")
        assert plain.status_code == 301
        assert plain["Location"] == "https://testserver/sign-in/"
        # the container's health check, over plain HTTP from inside
        health = client.get("/healthz")
        assert health.status_code == 200
        assert "Strict-Transport-Security" not in health.headers
        proxied = client.get("/sign-in/", HTTP_X_FORWARDED_PROTO="https")
        assert proxied.status_code == 200
        assert proxied["Strict-Transport-Security"] == \
            "max-age=31536000; includeSubDomains; preload"
        cookie = proxied.cookies["csrftoken"]
        assert cookie["secure"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_every_response_has_the_security_headers(client: Client) -> None:
    response = client.get("/sign-in/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1)
                  for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_when_safe(client: Client) -> None:
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")["X-Request-ID"] == "abc-123"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="a\nb")["X-Request-ID"] != "a\nb"


@pytest.mark.django_db
@pytest.mark.parametrize(("origin", "accepted"), [
    ("https://kpi.example.gov.uk", True), ("https://elsewhere.example", False)])
def test_forms_work_behind_the_tls_proxy(origin: str, accepted: bool) -> None:
    """The issue: behind a TLS proxy every form got 403. With KPIBOARD_HTTPS the proxy's
    X-Forwarded-Proto makes the request secure and the site's own origin is trusted."""
    proxy = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_HOST": "kpi.example.gov.uk"}
    with override_settings(**HTTPS_ON, ALLOWED_HOSTS=["kpi.example.gov.uk"],
                           CSRF_TRUSTED_ORIGINS=["https://kpi.example.gov.uk"]):
        client = Client(enforce_csrf_checks=True)
        form = client.get("/sign-in/", **proxy)
        assert form.status_code == 200
        token = form.cookies["csrftoken"].value
        sent = client.post("/sign-in/", {"username": "nobody", "password": "wrong",
                                         "csrfmiddlewaretoken": token},
                           HTTP_ORIGIN=origin, HTTP_REFERER=f"{origin}/sign-in/", **proxy)
        assert (sent.status_code != 403) is accepted, sent.status_code
