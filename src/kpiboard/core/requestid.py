"""A request id on every request: taken from the proxy's ``X-Request-ID`` header when it is a
safe one (1–64 letters, digits, ``-``, ``_``, ``.``), made up otherwise; sent back in the
response's ``X-Request-ID``, put into every log record written while the request is handled
(``RequestIdFilter``, in the LOGGING settings) and shown on the error page, so that a person
can quote it and IT can find the traceback in the log (docs/deploy.md#logs)."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
_SAFE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_current: ContextVar[str] = ContextVar("kpiboard_request_id", default="-")


def current_request_id() -> str:
    """The id of the request being handled, or ``-`` outside a request."""
    return _current.get()


def request_id_from(header: str | None) -> str:
    """The proxy's id when it is safe to log and echo; a new random one otherwise."""
    if header and _SAFE.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every other middleware's and view's log records have the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to each record (for the ``%(request_id)s`` in the log format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True
