"""GOV.UK Design System pieces for kpiboard's templates: ``{% load govuk %}``.

- ``{% govuk_error_summary form %}`` (or a list of (message, anchor) pairs)
- ``{% govuk_field form.field %}`` with optional ``label=``, ``hint=``, ``classes=``,
  ``label_classes=``, ``input_classes=``, ``inline=True`` (radios), ``page_heading=True``
- ``{% status_tag status %}`` for a ``kpiboard.reports.model.StatusView``
- ``{% direction direction %}`` for a ``kpiboard.reports.model.DirectionView``
- ``{% notification_banner %}`` for Django's messages (web/base.html shows it on every page)

The HTML is in web/includes/, one small file each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms, template
from django.contrib import messages as django_messages
from django.contrib.messages.storage.base import Message
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from kpiboard.reports.model import DirectionView, StatusView
from kpiboard.web.colours import parse_hex, text_colour_for
from kpiboard.web.fields import field_view, summary_errors

register = template.Library()


def _render(name: str, context: dict[str, Any]) -> SafeString:
    return mark_safe(get_template(f"web/includes/{name}").render(context))


@register.simple_tag
def govuk_error_summary(
    source: forms.BaseForm | Iterable[Sequence[str]] | None, title: str = "There is a problem"
) -> SafeString:
    errors = summary_errors(source)
    if not errors:
        return SafeString("")
    return _render("error_summary.html", {"errors": errors, "title": title})


@register.simple_tag
def govuk_field(bf: forms.BoundField, **options: Any) -> SafeString:
    view = field_view(bf, **options)
    if view.kind == "hidden":
        return view.control
    return _render(f"field_{view.kind}.html"
                   if view.kind in ("radios", "checkboxes", "checkbox") else "field.html",
                   {"field": view})


@register.simple_tag
def status_tag(status: StatusView | None) -> SafeString:
    if status is None:
        return SafeString("")
    colour = status.colour if parse_hex(status.colour or "") else ""
    text = status.text_colour if parse_hex(status.text_colour or "") else ""
    if colour and not text:
        text = text_colour_for(colour)
    style = f"background-color: {colour}; color: {text}" if colour else ""
    # Drawn here, not by a template: a dashboard or report page has one in every row (the
    # markup is web/includes/status_tag.html's, which the tests compare it with).
    return format_html(
        '<strong class="govuk-tag kb-status{}"{}{}>{}{}{}</strong>\n',
        " kb-status--override" if status.override else "",
        format_html(' style="{}"', style) if style else "",
        format_html(' title="{}"', status.description) if status.description else "",
        format_html('<span class="kb-status__symbol" aria-hidden="true">{}</span>',
                    status.symbol) if status.symbol else "",
        status.label, " (override)" if status.override else "")


@register.simple_tag
def direction(value: DirectionView | None) -> SafeString:
    if value is None or not (value.symbol or value.label):
        return SafeString("")
    # As web/includes/direction.html, drawn here for the same reason as ``status_tag``.
    return format_html(
        '<span class="kb-direction"{}><span aria-hidden="true">{}</span>'
        '<span class="govuk-visually-hidden">{}</span></span>\n',
        format_html(' title="{}"', value.explanation) if value.explanation else "",
        value.symbol, value.label or value.explanation)


@register.simple_tag(takes_context=True)
def notification_banner(context: template.Context) -> SafeString:
    stored = context.get("messages")
    if not stored:
        return SafeString("")
    success: list[Message] = []
    important: list[Message] = []
    for message in stored:
        (success if message.level == django_messages.SUCCESS else important).append(message)
    return _render("notification_banner.html", {"success": success, "important": important})
