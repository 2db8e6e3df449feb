"""No template has an inline script or an event-handler attribute: the Content-Security-Policy
(script-src 'self') would block them (docs/deploy.md#security-headers). The browser test
tests/web/test_csp_browser.py shows the pages themselves keep to the policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "kpiboard"
TEMPLATES = sorted(SRC.rglob("templates/**/*.html"))
SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def test_there_are_templates() -> None:
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_inline_script(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"{% comment %}.*?{% endcomment %}", "", text, flags=re.S)
    for pattern, what in ((SCRIPT, "an inline <script>"), (HANDLER, "an on…= handler"),
                          (JS_URL, "a javascript: address")):
        found = pattern.search(text)
        assert found is None, f"{what}: {found[0] if found else ''}"


def test_the_checks_find_what_they_look_for() -> None:
    assert SCRIPT.search("<script>alert(1)</script>")
    assert not SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert HANDLER.search('<button class="x" onclick="go()">')
    assert JS_URL.search('<a href="javascript:void(0)">')
