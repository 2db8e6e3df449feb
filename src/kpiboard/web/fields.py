"""How ``{% govuk_field %}`` and ``{% govuk_error_summary %}`` see a Django form field: its
GOV.UK kind, ids, classes and ``aria-describedby``. The HTML is in web/includes/."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString

# kind -> (the GOV.UK class of the control, its error modifier)
INPUT_CLASSES: dict[str, tuple[str, str]] = {
    "input": ("govuk-input", "govuk-input--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "file": ("govuk-file-upload", "govuk-file-upload--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
}


def kind_of(widget: forms.Widget) -> str:
    """radios, checkboxes (several), checkbox (one, a yes/no field), select, textarea, file,
    hidden, multi (a MultiWidget, rendered as Django renders it) or input."""
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.MultiWidget):
        return "multi"
    return "input"


def field_id(bf: forms.BoundField) -> str:
    return bf.auto_id or bf.html_name


def error_anchor(bf: forms.BoundField) -> str:
    """The id an error summary links to: the field, or the first of its radios/checkboxes."""
    if kind_of(bf.field.widget) in ("radios", "checkboxes") and bf.auto_id:
        subwidgets = bf.subwidgets
        if subwidgets:
            return str(subwidgets[0].data["attrs"].get("id") or f"{bf.auto_id}_0")
    return bf.id_for_label or field_id(bf)


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    input: SafeString


@dataclass(frozen=True)
class FieldView:
    kind: str
    id: str
    label: str
    hint: str
    errors: list[str]
    hint_id: str
    error_id: str
    describedby: str
    control: SafeString  # the input, textarea or select (not for radios and checkboxes)
    options: list[Option]
    optional: bool
    label_classes: str
    classes: str  # extra classes of the form group
    inline: bool
    page_heading: bool


def _options(bf: forms.BoundField, kind: str) -> list[Option]:
    input_class = "govuk-radios__input" if kind == "radios" else "govuk-checkboxes__input"
    options = []
    for sub in bf.subwidgets:
        data: dict[str, Any] = sub.data
        attrs = dict(data.get("attrs") or {})
        attrs["class"] = _join(input_class, str(attrs.get("class", "")))
        attrs.pop("aria-describedby", None)  # on the fieldset instead
        option_id = str(attrs.get("id") or f"{field_id(bf)}_{data['index']}")
        attrs["id"] = option_id
        if data.get("selected"):
            attrs["checked"] = True
        value = data.get("value")
        attrs["value"] = "" if value is None else str(value)
        html = format_html('<input type="{}" name="{}"{}>', data.get("type", "radio"),
                           data["name"], flatatt(attrs))
        options.append(Option(option_id, str(data["label"]), html))
    return options


def field_view(bf: forms.BoundField, *, label: str | None = None, hint: str | None = None,
               classes: str = "", label_classes: str = "", input_classes: str = "",
               inline: bool = False, page_heading: bool = False) -> FieldView:
    widget = bf.field.widget
    kind = kind_of(widget)
    fid = field_id(bf)
    hint_text = bf.help_text if hint is None else hint
    errors = [str(e) for e in bf.errors]
    hint_id = f"{fid}-hint" if hint_text else ""
    error_id = f"{fid}-error" if errors else ""
    existing = str(widget.attrs.get("aria-describedby", ""))
    describedby = _join(existing, hint_id, error_id)

    control = SafeString("")
    options: list[Option] = []
    if kind in ("radios", "checkboxes"):
        options = _options(bf, kind)
    elif kind in ("hidden", "multi"):
        control = SafeString(bf.as_widget())
    else:
        base, error_class = INPUT_CLASSES[kind]
        attrs: dict[str, Any] = {
            "class": _join(base, error_class if errors else "", input_classes,
                           str(widget.attrs.get("class", ""))),
        }
        if describedby:
            attrs["aria-describedby"] = describedby
        control = SafeString(bf.as_widget(attrs=attrs))

    return FieldView(
        kind=kind, id=fid, label=str(bf.label if label is None else label),
        hint=str(hint_text or ""), errors=errors, hint_id=hint_id, error_id=error_id,
        describedby=describedby, control=control, options=options,
        optional=not bf.field.required and kind not in ("checkbox", "hidden"),
        label_classes=label_classes, classes=classes, inline=inline, page_heading=page_heading,
    )


@dataclass(frozen=True)
class SummaryError:
    message: str
    href: str  # "#id", or "" for a message that links nowhere


def _href(anchor: str) -> str:
    if not anchor:
        return ""
    return anchor if anchor.startswith("#") else f"#{anchor}"


def summary_errors(source: forms.BaseForm | Iterable[Sequence[str]] | None) -> list[SummaryError]:
    """The errors of a bound form, in field order (errors about the whole form first, linked
    to its first field), or a list of (message, anchor) pairs."""
    if source is None:
        return []
    if isinstance(source, forms.BaseForm):
        if not source.is_bound or not source.errors:
            return []
        fields = [bf for bf in source if not bf.is_hidden]
        first = error_anchor(fields[0]) if fields else ""
        out = [SummaryError(str(e), _href(first)) for e in source.non_field_errors()]
        for bf in source:
            for e in bf.errors:
                out.append(SummaryError(str(e), "" if bf.is_hidden else _href(error_anchor(bf))))
        return out
    out = []
    for item in source:
        if isinstance(item, str):
            out.append(SummaryError(item, ""))
        else:
            message, anchor = item[0], (item[1] if len(item) > 1 else "")
            out.append(SummaryError(str(message), _href(str(anchor or ""))))
    return out
