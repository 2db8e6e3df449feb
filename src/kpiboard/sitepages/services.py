"""Saving the council's details for the accessibility, privacy and cookies pages: one audit
event for each save that changes something, saying which fields changed (old and new)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import nh3
from django.db import transaction

from kpiboard.accounts.access import Access
from kpiboard.audit.models import Action, audit_record
from kpiboard.data.services import ALLOWED_TAGS
from kpiboard.kpis.models import Organisation
from kpiboard.sitepages.models import EDITABLE_FIELDS, RICH_FIELDS, SitePages


class SitePagesNotAllowed(PermissionError):
    pass


def rich_clean(text: str) -> str:
    """Rich text as it is stored: plain text as typed; HTML without anything unsafe (scripts,
    styles, event handlers, other tags than ALLOWED_TAGS). Shown through ``sanitise`` again."""
    text = (text or "").strip().replace("\r\n", "\n")
    if "<" not in text:
        return text
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes={"a": {"href"}}).strip()


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def site_pages_save(*, access: Access, organisation: Organisation,
                    values: Mapping[str, Any]) -> tuple[SitePages, list[str]]:
    """Store ``values`` (any of ``EDITABLE_FIELDS``) for ``organisation``; returns its pages'
    record and the names of the fields that changed (none: nothing was written, unless the
    record was new)."""
    if not access.can("edit_site_pages") or access.organisation != organisation:
        raise SitePagesNotAllowed(
            "Only administrators and performance officers may change the accessibility, "
            "privacy and cookies pages.")
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of the site pages: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        pages = (SitePages.objects.select_for_update().filter(organisation=organisation).first()
                 or SitePages(organisation=organisation))
        changes: dict[str, dict[str, Any]] = {}
        for name, raw in values.items():
            value = rich_clean(str(raw or "")) if name in RICH_FIELDS else raw
            if isinstance(value, str):
                value = value.strip()
            old = getattr(pages, name)
            if value != old:
                changes[name] = {"old": _plain(old), "new": _plain(value)}
                setattr(pages, name, value)
        created = pages.pk is None
        if not changes and not created:
            return pages, []
        pages.full_clean()
        pages.save()
        labels = [str(getattr(SitePages._meta.get_field(n), "verbose_name", n))
                  for n in changes]
        audit_record(organisation=organisation, action=Action.SITE_PAGES_CHANGED,
                     user=access.user,
                     summary="Accessibility, privacy and cookies pages: "
                             + ("changed " + ", ".join(labels) if labels else "details saved"),
                     detail={"changes": changes})
    return pages, list(changes)
