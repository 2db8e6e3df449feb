"""The container image and the compose file (docs/deploy.md): the image runs as an
unprivileged user with a health check, the compose file has PostgreSQL, Redis, the web
application and the worker, wired with documented settings. The image itself is built where
a Docker engine answers (`docker info`); elsewhere that test is skipped and says why."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "compose.yaml"
HEALTHCHECK = ROOT / "deploy" / "healthcheck.py"
SETTINGS_DOC = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
# Settings the compose file may set before docs/settings.md documents them (none).
PENDING_MERGE: set[str] = set()


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), as (INSTRUCTION, rest)."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def test_the_image_runs_as_an_unprivileged_user() -> None:
    users = [rest for word, rest in final_stage() if word == "USER"]
    assert users, "the final stage has no USER: it would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert any(word == "RUN" and "useradd" in rest and user in rest
               for word, rest in final_stage())


def test_the_image_has_a_health_check_and_serves_with_gunicorn() -> None:
    stage = final_stage()
    assert stage[0][1].startswith("python:3.11-slim-bookworm")
    checks = [rest for word, rest in stage if word == "HEALTHCHECK"]
    assert len(checks) == 1 and "kpiboard-healthcheck" in checks[0]
    assert any(word == "COPY" and "deploy/healthcheck.py" in rest for word, rest in stage)
    cmd = [rest for word, rest in stage if word == "CMD"][-1]
    assert '"kpiboard", "serve"' in cmd and '"0.0.0.0"' in cmd
    assert any(word == "VOLUME" and "/srv/kpiboard/var" in rest for word, rest in stage)
    assert any(word == "RUN" and "collectstatic" in rest for word, rest in stage)
    assert any(word == "EXPOSE" and rest == "8000" for word, rest in stage)


def test_the_image_installs_the_debian_packages_weasyprint_needs() -> None:
    run_script = (ROOT / "run").read_text(encoding="utf-8")
    debs = set(re.search(r'^DEBS="([^"]*)"', run_script, re.M)[1].split())  # type: ignore[index]
    test_only = {"poppler-utils", "chromium"}
    installed = " ".join(rest for word, rest in final_stage() if word == "RUN")
    for package in (debs - test_only) | {"libpango-1.0-0", "libpangoft2-1.0-0"}:
        assert f" {package} " in f" {installed} ", package


def test_the_image_builds_the_front_end_as_run_does() -> None:
    steps = instructions()
    assert any(word == "RUN" and "npm ci" in rest for word, rest in steps)
    assert any(word == "RUN" and "tools/build_assets.py" in rest for word, rest in steps)
    assert any(word == "COPY" and "--from=assets" in rest for word, rest in final_stage())


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return data


def test_the_compose_file_has_the_four_services() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "web", "worker"}
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("web", "worker"):
        assert services[name]["build"] == "."
        assert set(services[name]["depends_on"]) == {"postgres", "redis"}
        assert "kpiboard-data:/srv/kpiboard/var" in services[name]["volumes"]
    assert services["web"]["command"][:2] == ["kpiboard", "serve"]
    assert services["worker"]["command"] == ["kpiboard", "worker"]
    # the web application is reached through the TLS proxy on the same machine only
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    for volume in ("postgres-data", "kpiboard-data", "redis-data"):
        assert volume in compose()["volumes"]


def test_the_compose_settings_are_documented_and_consistent() -> None:
    services = compose()["services"]
    web, worker = services["web"]["environment"], services["worker"]["environment"]
    assert web == worker  # the worker sees the same database and settings
    for name in web:
        if name not in PENDING_MERGE:
            assert f"### {name}" in SETTINGS_DOC, f"{name} is not in docs/settings.md"
    assert web["KPIBOARD_HTTPS"].startswith("${KPIBOARD_HTTPS:-true}")
    assert web["KPIBOARD_SECRET_KEY"].startswith("${KPIBOARD_SECRET_KEY:?")
    postgres = services["postgres"]["environment"]
    url = re.fullmatch(r"postgresql://(\w+):(\$\{POSTGRES_PASSWORD[^}]*\})@postgres:5432/(\w+)",
                       web["DATABASE_URL"])
    assert url, web["DATABASE_URL"]
    assert url[1] == postgres["POSTGRES_USER"] and url[3] == postgres["POSTGRES_DB"]
    assert postgres["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    assert "redis://redis:6379/" in web["KPIBOARD_BROKER_URL"]
    example = (ROOT / "deploy" / "example.env").read_text(encoding="utf-8")
    for needed in ("KPIBOARD_SECRET_KEY=", "POSTGRES_PASSWORD=", "KPIBOARD_ALLOWED_HOSTS="):
        assert f"\n{needed}" in example


def test_the_health_check_script(live_server: Any, monkeypatch: pytest.MonkeyPatch,
                                 transactional_db: None) -> None:
    def check(url: str, hosts: str) -> subprocess.CompletedProcess[str]:
        env = {"KPIBOARD_ALLOWED_HOSTS": hosts, "PATH": "/usr/bin:/bin"}
        return subprocess.run([sys.executable, str(HEALTHCHECK), url], env=env,
                              capture_output=True, text=True, timeout=60)

    assert check(live_server.url, "localhost").returncode == 0
    # a host kpiboard does not answer to is refused (400): unhealthy
    assert check(live_server.url, "elsewhere.example").returncode == 1
    closed = check("http://127.0.0.1:9", "localhost")
    assert closed.returncode == 1 and "unhealthy" in closed.stderr


def docker_works() -> str | None:
    """None when a Docker engine answers; otherwise why not."""
    if shutil.which("docker") is None:
        return "no docker command on this machine"
    done = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        return ("`docker info` failed, so there is no Docker engine to build the image with "
                f"here: {said[-1] if said else 'no output'}")
    return None


@pytest.mark.slow
def test_the_image_builds_and_answers_its_health_check() -> None:
    why = docker_works()
    if why:
        pytest.skip(why)
    tag = "kpiboard-test:latest"
    built = subprocess.run(["docker", "build", "-t", tag, str(ROOT)], capture_output=True,
                           text=True, timeout=3600)
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-5000:]
    user = subprocess.run(["docker", "image", "inspect", "-f", "{{.Config.User}}", tag],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert user.split(":")[0] not in {"", "root", "0"}
    # the image's own commands work: a deployment check and the health check of a running one
    env = ["-e", "KPIBOARD_SECRET_KEY=" + "k" * 20 + "3x9-Qz" * 6,
           "-e", "KPIBOARD_ALLOWED_HOSTS=kpi.example.gov.uk", "-e", "KPIBOARD_HTTPS=true"]
    checked = subprocess.run(["docker", "run", "--rm", *env, tag, "kpiboard", "manage", "check",
                              "--deploy", "--fail-level", "WARNING"],
                             capture_output=True, text=True, timeout=600)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    started = subprocess.run(["docker", "run", "-d", *env, tag], capture_output=True,
                             text=True, check=True)
    container = started.stdout.strip()
    try:
        for _ in range(60):
            health = subprocess.run(["docker", "exec", container, "kpiboard-healthcheck"],
                                    capture_output=True, text=True)
            if health.returncode == 0:
                break
            subprocess.run(["sleep", "2"], check=True)
        assert health.returncode == 0, health.stderr
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)
