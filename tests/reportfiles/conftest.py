"""The web tests' users, for the download tests here."""

from tests.web.conftest import make_user  # noqa: F401 (a fixture)
