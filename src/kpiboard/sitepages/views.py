"""The accessibility statement, privacy notice and cookies page (public: no sign-in), and the
page where administrators and performance officers edit the council's details on them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kpiboard.sitepages.forms import SitePagesForm
from kpiboard.sitepages.selectors import pages_view, site_pages_get
from kpiboard.sitepages.services import SitePagesNotAllowed, site_pages_save
from kpiboard.web.context_processors import request_access
from kpiboard.workflow.views.common import gate, organisation_of

EDIT_REFUSAL = ("This page is for administrators and the performance team, who keep the "
                "council's details on the accessibility, privacy and cookies pages. You do "
                "not have either role.")


def _page(request: HttpRequest, template: str) -> HttpResponse:
    access = request_access(request)
    return render(request, f"sitepages/{template}", {
        "pages": pages_view(organisation=access.organisation),
        "can_edit": access.organisation is not None and access.can("edit_site_pages"),
        "site_address": request.build_absolute_uri("/"),
    })


def accessibility(request: HttpRequest) -> HttpResponse:
    return _page(request, "accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return _page(request, "privacy.html")


def cookies(request: HttpRequest) -> HttpResponse:
    return _page(request, "cookies.html")


def edit(request: HttpRequest) -> HttpResponse:
    access = gate(request, "edit_site_pages", EDIT_REFUSAL)
    if isinstance(access, HttpResponse):
        return access
    org = organisation_of(access)
    record = site_pages_get(organisation=org)
    form = SitePagesForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            _, changed = site_pages_save(access=access, organisation=org, values=values)
        except SitePagesNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc
        if changed:
            messages.success(request, "The accessibility statement, privacy notice and "
                                      "cookies page have been updated.")
        else:
            messages.info(request, "Nothing was changed.")
        return redirect("sitepages:edit")
    return render(request, "sitepages/edit.html", {
        "form": form, "date_parts": form.date_parts()})
