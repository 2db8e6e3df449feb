"""Error pages. Django's own handlers render templates/403.html and 404.html with the request
(so the page shell knows the organisation and who is signed in); ``server_error`` does the
same for 500.html when it can, and falls back to the plain page when the failure is in the
database or the shell itself. To use it: ``handler500 = "kpiboard.web.views.server_error"``
in the root URLconf (Django's default renders 500.html without the request, which works too)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

from kpiboard.core.requestid import current_request_id
from kpiboard.web.context_processors import build_site

log = logging.getLogger(__name__)


def server_error(request: HttpRequest) -> HttpResponse:
    template = loader.get_template("500.html")
    request_id = getattr(request, "request_id", None) or current_request_id()
    try:
        return HttpResponseServerError(template.render({"site": build_site(request),
                                                        "request_id": request_id}))
    except Exception:  # the failure may be the database itself: show the page without it
        log.exception("could not render 500.html with the site's details")
        return HttpResponseServerError(template.render({"request_id": request_id}))
