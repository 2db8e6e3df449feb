"""Follow every internal link the application renders, as one person, and report what broke.

``crawl(client, starts)`` visits the start addresses and every internal address reachable from
them: the ``href`` of each ``<a>``, and each GET form submitted as it stands and with each
option of its ``<select>`` fields in turn (so a dashboard's period picker is followed for every
period it offers). Redirects are followed. Addresses are deduplicated; downloads (PDF, Word,
Excel, CSV...) are fetched only as a sample, one per kind, because drawing them is slow. A
PDF, Word or Excel file not built yet answers 503 with Retry-After ("being prepared",
kpiboard.reportfiles): that is a download, not a server error (``Crawl.preparing``).

A server error (500) is never silent: the client keeps the exception of the view, and the
crawl keeps its formatted traceback (``Crawl.errors``). A 404 reached by a link the
application itself rendered is a broken link (``Crawl.broken``), and so is a 403: the site
offered a page the person may not use.
"""

from __future__ import annotations

import re
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from django.test import Client

from kpiboard.engine.periods import Period, PeriodError

# Never followed: leaving the site, signing out (a POST, but never risk it), Django's admin
# (Django's own pages) and static files (served by WhiteNoise, not the application).
SKIP_PREFIXES = ("/sign-out/", "/admin/", "/static/", "/healthz")
DOWNLOAD_SUFFIXES = (".pdf", ".docx", ".xlsx", ".csv", ".json", ".html")
DOWNLOAD_TYPES = ("application/pdf", "application/vnd", "text/csv", "application/json")


@dataclass(frozen=True)
class Link:
    url: str
    source: str  # the page that rendered it ("" for a start address)


@dataclass
class Crawl:
    """What one person's crawl saw."""

    who: str
    pages: int = 0
    downloads: int = 0
    preparing: int = 0  # downloads answered "being prepared" (503, Retry-After)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # "url (from source)\ntraceback"
    broken: list[str] = field(default_factory=list)  # "url (from source): status"
    bad_names: list[str] = field(default_factory=list)  # unsafe download file names
    seconds: float = 0.0
    visited: set[str] = field(default_factory=set)
    # seconds and pages by section (the address's first part: kpis, entry, reports...)
    section_seconds: Counter[str] = field(default_factory=Counter)
    section_pages: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        codes = ", ".join(f"{c}: {n}" for c, n in sorted(self.statuses.items()))
        slowest = ", ".join(f"{s or 'dashboard'} {self.section_pages[s]} in {t:.0f}s"
                            for s, t in self.section_seconds.most_common(3))
        return (f"{self.who:<14} {self.pages:5d} pages {self.downloads:3d} downloads "
                f"{len(self.errors):3d} server errors {len(self.broken):3d} broken links "
                f"({codes}) {self.seconds:6.1f}s; most time: {slowest}")

    def failures(self) -> str:
        return "\n\n".join([*(f"[{self.who}] 500 {e}" for e in self.errors),
                            *(f"[{self.who}] broken link {b}" for b in self.broken),
                            *(f"[{self.who}] unsafe file name {n}" for n in self.bad_names)])


_TAG = re.compile(r"<(/?)(a|form|input|select|option)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


class _Links:
    """The ``<a href>`` targets and the GET forms (action, fields, selects) of a page.

    The pages are the application's own templates, so a scan of their tags (with the
    attributes' character references unescaped) finds what an HTML parser would, in a
    fraction of the time: the crawl reads tens of thousands of pages."""

    def __init__(self) -> None:
        self.hrefs: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str]], dict[str, list[str]]]] = []
        self._form: tuple[str, list[tuple[str, str]], dict[str, list[str]]] | None = None
        self._select: str | None = None
        self._selected: str | None = None

    def feed(self, html: str) -> None:
        for m in _TAG.finditer(html):
            tag = m.group(2).lower()
            if m.group(1):
                self.handle_endtag(tag)
            else:
                attrs = [(k.lower(), unescape(dq or sq or bare))
                         for k, dq, sq, bare in _ATTR.findall(m.group(3))]
                self.handle_starttag(tag, attrs)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        elif tag == "form":
            if a.get("method", "get").lower() == "get":
                self._form = (a.get("action", ""), [], {})
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind not in ("submit", "button", "image"):
                self._form[1].append((a["name"], a.get("value", "")))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select, self._selected = a["name"], None
            self._form[2][a["name"]] = []
        elif self._form is not None and tag == "option" and self._select:
            value = a.get("value", "")
            self._form[2][self._select].append(value)
            if "selected" in a or self._selected is None:
                self._selected = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._form is not None and self._select:
            self._form[1].append((self._select, self._selected or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


# The selects whose every option is followed: the period pickers and the framework's years and
# the report's layout. The dashboard's filters (set, key commitment, directorate, status) are
# followed through the links the page renders for them, not in every combination.
VARY = frozenset({"period", "year", "from", "to", "layout"})


def page_links(html: str, base: str, vary: frozenset[str] = VARY) -> list[str]:
    """Every internal address a page links to: its links, and its GET forms as they stand and
    with each option of each select named in ``vary`` in turn (the other fields as they
    stand)."""
    parser = _Links()
    parser.feed(html)
    out = [urljoin(base, h) for h in parser.hrefs]
    for action, fields, selects in parser.forms:
        target = urljoin(base, action or base)
        variants = [fields]
        for name, options in selects.items():
            for option in options if name in vary else []:
                variants.append([(k, option if k == name else v) for k, v in fields])
        for v in variants:
            query = urlencode([(k, val) for k, val in v if val != ""])
            out.append(f"{urlsplit(target)._replace(query=query).geturl()}")
    return out


def normalise(url: str) -> str | None:
    """The address as a path and sorted query (no fragment, no host); None if not ours."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit(("", "", parts.path, query, ""))


def download_kind(url: str) -> str | None:
    """The kind of download an address is (its format), or None for a page."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if query.get("format"):
        return f"{parts.path.split('/')[1]}:{query['format']}"
    if "/csv/" in parts.path:
        return "csv-page"
    m = re.search(r"\.([a-z]+)$", parts.path)
    if m and parts.path.endswith(DOWNLOAD_SUFFIXES) and not parts.path.endswith(".css"):
        return m.group(1)
    return None


def sampled(thorough: bool, every_period: frozenset[str] = frozenset(),
            ) -> Callable[[str], str]:
    """A ``key`` for ``crawl`` that keeps it fast: a KPI's page, form and trail are visited
    once for each financial year (not once more for every period and dashboard filter that
    links to them), except the KPIs in ``every_period``, visited at every period. Unless
    ``thorough``, each period's dashboard is visited once (not for every filter) and each
    report once for each period and layout (not for every set and grouping)."""

    def key(url: str) -> str:
        parts = urlsplit(url)
        path, query = parts.path, dict(parse_qsl(parts.query))
        period = query.get("period", "")
        for prefix in ("/kpis/", "/audit/"):
            if path.startswith(prefix) and path.count("/") > 2:
                ref = unquote(path.split("/", 3)[3].rstrip("/"))
                return f"{path}?period={period if ref in every_period else _year(period)}"
        if path.startswith("/entry/") and path.count("/") > 3:
            _, _, at, rest = path.split("/", 3)
            ref = unquote(rest.split("/", 1)[1].rstrip("/"))
            return f"/entry/{at if ref in every_period else '*'}/{rest}"
        if not thorough and path == "/":
            return f"/?period={period}"
        if not thorough and path.startswith("/reports/") and path.count("/") > 2:
            return path
        return url

    return key


def _year(period: str) -> str:
    """The financial year a period is in (``2024-02`` → ``2023/24``), or the text itself."""
    try:
        return Period.parse(period).year.label
    except PeriodError:
        return period


SAFE_NAME = re.compile(r'attachment; filename="[A-Za-z0-9][A-Za-z0-9._-]*"')


def unsafe_file_name(disposition: str) -> str:
    """What is wrong with a download's Content-Disposition ("" when nothing): the file name
    must be plain letters, digits, dots, dashes and underscores — no ``/``, no quotes."""
    if not disposition:
        return ""
    return "" if SAFE_NAME.fullmatch(disposition) else f"Content-Disposition {disposition!r}"


def crawl(client: Client, starts: Iterable[str], *, who: str,
          key: Callable[[str], str] | None = None, limit: int = 20000) -> Crawl:
    """Visit ``starts`` and every internal address reachable from them as ``client``'s
    person. ``key`` maps an address to what makes it distinct (default: the address itself);
    addresses with a key already seen are not visited again."""
    client.raise_request_exception = False  # collect every error, with its traceback
    result = Crawl(who)
    seen_keys: set[str] = set()
    downloads: set[str] = set()
    queue: deque[Link] = deque()

    def push(url: str, source: str) -> None:
        norm = normalise(url)
        if norm is None:
            return
        k = key(norm) if key else norm
        if k in seen_keys:
            return
        kind = download_kind(norm)
        if kind is not None:
            if kind in downloads:
                return
            downloads.add(kind)
        seen_keys.add(k)
        queue.append(Link(norm, source))

    for s in starts:
        push(s, "")
    started = time.perf_counter()
    while queue and result.pages + result.downloads < limit:
        link = queue.popleft()
        url, hops = link.url, 0
        section = link.url.split("/")[1].split("?")[0]
        began = time.perf_counter()
        response = client.get(url)
        while response.status_code in (301, 302) and hops < 5:
            target = normalise(urljoin(url, response["Location"]))
            if target is None:
                break
            url, hops = target, hops + 1
            result.visited.add(url)
            response = client.get(url)
        result.visited.add(link.url)
        result.section_seconds[section] += time.perf_counter() - began
        result.section_pages[section] += 1
        result.statuses[response.status_code] += 1
        where = f"{link.url} (linked from {link.source or 'the start'})"
        if response.status_code == 503 and response.has_header("Retry-After") and \
                download_kind(link.url) is not None:
            result.downloads += 1  # a report file being prepared (kpiboard.reportfiles)
            result.preparing += 1
            continue
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            trace = "".join(traceback.format_exception(*exc)) if exc else response.content[
                :2000].decode(errors="replace")
            result.errors.append(f"{where}\n{trace}")
            continue
        if response.status_code in (403, 404) and link.source:
            result.broken.append(f"{where}: {response.status_code}")
            continue
        content_type = response.get("Content-Type", "")
        if content_type.startswith(DOWNLOAD_TYPES) or response.has_header(
                "Content-Disposition"):
            result.downloads += 1
            problem = unsafe_file_name(response.get("Content-Disposition", ""))
            if problem:
                result.bad_names.append(f"{where}: {problem}")
            _ = b"".join(response) if response.streaming else response.content
            continue
        result.pages += 1
        if response.status_code == 200 and content_type.startswith("text/html"):
            for target in page_links(response.content.decode(), url):
                push(target, url)
    result.seconds = time.perf_counter() - started
    return result
