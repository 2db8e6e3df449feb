"""Sets ``request.access`` (see ``kpiboard.accounts.access``) lazily for every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from kpiboard.accounts.access import access_for


class AccessMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = SimpleLazyObject(  # type: ignore[attr-defined]
            lambda: access_for(getattr(request, "user", None)))
        return self.get_response(request)
