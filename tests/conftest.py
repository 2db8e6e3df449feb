from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    engine = Path(__file__).parent / "engine"
    for item in items:
        if engine in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.engine)


@pytest.fixture(autouse=True)
def no_silent_server_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test during which any view raised an exception (a server error), with the
    traceback — also when nothing else would notice: a browser test on the live server, an
    htmx request, a test client that does not re-raise. A test that means to cause one is
    marked ``server_errors_expected``."""
    from django.core.signals import got_request_exception

    errors: list[str] = []

    def record(sender: object, request: object = None, **kwargs: object) -> None:
        path = getattr(request, "get_full_path", lambda: "?")()
        errors.append(f"{path}\n{traceback.format_exc()}")

    uid = f"no-silent-server-errors-{id(errors)}"
    got_request_exception.connect(record, weak=False, dispatch_uid=uid)
    try:
        yield
    finally:
        got_request_exception.disconnect(dispatch_uid=uid)
    if errors and request.node.get_closest_marker("server_errors_expected") is None:
        pytest.fail(f"{len(errors)} server error(s) during the test:\n\n" + "\n\n".join(
            errors), pytrace=False)


@pytest.fixture(autouse=True, scope="session")
def quick_password_hashing() -> Iterator[None]:
    """The tests' people get passwords hashed with a quick hasher: the production hasher
    (PBKDF2, a million rounds) takes a second or more a person on this machine, and the tests
    make and sign in thousands of people. What the hashing itself must do — the validators,
    lockout, reset, two-step sign-in — is the same with either; a server started as a
    subprocess uses the production settings."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def cache_cleared() -> Iterator[None]:
    """Each test starts with an empty cache: a test's transaction is rolled back, and with it
    the data version (``kpiboard.core.dataversion``), so the next test could otherwise meet
    the pages that one cached under the same version."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def report_files_quiet(request: pytest.FixtureRequest,
                       tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Report files (kpiboard.reportfiles) go to a folder of the test's own, and none are
    built when a period is published unless the test asks (``settings.
    REPORT_FILES_ON_PUBLISH``): a publication would otherwise draw PDFs in every workflow
    test. No broker unless the test sets one."""
    from django.conf import settings

    saved = (settings.REPORT_FILES_ON_PUBLISH, settings.REPORT_FILES_DIR, settings.BROKER_URL)
    settings.REPORT_FILES_ON_PUBLISH = "none"
    settings.REPORT_FILES_DIR = tmp_path_factory.mktemp("report-files")
    settings.BROKER_URL = ""
    try:
        yield
    finally:
        (settings.REPORT_FILES_ON_PUBLISH, settings.REPORT_FILES_DIR,
         settings.BROKER_URL) = saved
