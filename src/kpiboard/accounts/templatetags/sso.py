from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def sso_sign_in(context: template.Context) -> dict[str, Any] | None:
    """Single sign-on's button on the sign-in page, or None when it is off."""
    if not settings.SSO_ENABLED:
        return None
    url = reverse("sso_sign_in")
    if context.get("next"):
        url += "?" + urlencode({"next": context["next"]})
    return {"url": url, "label": settings.SSO_LABEL, "only": settings.SSO_ONLY}
