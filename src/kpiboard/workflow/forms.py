"""The reporting cycle's forms: a KPI's figures and commentary, a decision, a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from kpiboard.data.models import PeriodValue
from kpiboard.engine.periods import Period, PeriodError
from kpiboard.engine.types import ValueState
from kpiboard.workflow.services import Figure

VALUE, RATIO, MISSING = "value", "ratio", "missing"
MISSING_PREFIX = "Data unavailable: "  # how entry_save writes a missing figure's text


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the form: the KPI itself (code "") or one of its sub-measures."""

    code: str
    label: str  # "AFL12", "STP36 Corby"
    prefix: str  # the form fields' prefix: "" or "sub-0-"
    title: str = ""  # the sub-measure's name

    def name(self, field: str) -> str:
        return f"{self.prefix}{field}"


def figure_specs(ref: str, sub_measures: list[tuple[str, str]]) -> list[FigureSpec]:
    """The KPI's own figure, then one per sub-measure ((code, name) pairs)."""
    specs = [FigureSpec("", ref, "")]
    for i, (code, name) in enumerate(sub_measures):
        specs.append(FigureSpec(code, f"{ref} {code}", f"sub-{i}-", name))
    return specs


def figure_initial(spec: FigureSpec, pv: PeriodValue | None) -> dict[str, str]:
    """What the form shows for a stored figure: its text as stored (so that saving the form
    unchanged changes nothing), or "missing" with the reason."""
    if pv is None:
        return {}
    if pv.state == ValueState.MISSING.value and pv.text.startswith(MISSING_PREFIX):
        return {spec.name("kind"): MISSING,
                spec.name("missing_reason"): pv.text[len(MISSING_PREFIX):]}
    return {spec.name("kind"): VALUE, spec.name("value"): pv.text}


class EntryForm(forms.Form):
    """A KPI's figures for one period (with its sub-measures), commentary, and, when a
    published figure is revised, the reason. Each figure is a value, or a numerator and
    denominator, or missing with a reason — chosen by its ``kind`` radio."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    commentary = forms.CharField(
        label="Commentary", required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the figure shows and why. Leave a blank line between paragraphs. "
                  "You can use <strong>bold</strong>, lists (<ul><li>…</li></ul>) and links "
                  "(<a href=\"https://…\">…</a>); anything else is removed.")

    def __init__(self, *args: Any, specs: list[FigureSpec], percent: bool, revising: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs = specs
        self.revising = revising
        for spec in specs:
            self.fields[spec.name("kind")] = forms.ChoiceField(
                label=f"Figure for {spec.label}", required=False, widget=forms.RadioSelect,
                choices=[(VALUE, "Enter the value"),
                         (RATIO, "Enter the numerator and denominator"),
                         (MISSING, "The value is missing")])
            self.fields[spec.name("value")] = forms.CharField(
                label=f"Value for {spec.label}", required=False, max_length=200,
                help_text="For example 85.5%, 1,234 or 12 out of 15" if percent
                else "For example 1,234 or 60.5")
            self.fields[spec.name("numerator")] = forms.CharField(
                label=f"Numerator for {spec.label}", required=False, max_length=40)
            self.fields[spec.name("denominator")] = forms.CharField(
                label=f"Denominator for {spec.label}", required=False, max_length=40)
            self.fields[spec.name("missing_reason")] = forms.CharField(
                label=f"Why the value for {spec.label} is missing", required=False,
                max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
        if revising:
            self.fields["reason"] = forms.CharField(
                label="Reason for revising the published figure", max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="This is kept with the old and new figures, and the report says "
                          "the figure was revised.",
                error_messages={"required": "Enter the reason for revising a published "
                                            "figure"})
        self.order_fields(["version", *[spec.name(f) for spec in specs for f in
                                        ("kind", "value", "numerator", "denominator",
                                         "missing_reason")], "commentary", "reason"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for spec in self.specs:
            kind = data.get(spec.name("kind"))
            if kind == VALUE and not data.get(spec.name("value"), "").strip():
                self.add_error(spec.name("value"), f"Enter the value for {spec.label}, or "
                                                   "choose another option")
            elif kind == RATIO:
                for part in ("numerator", "denominator"):
                    if not data.get(spec.name(part), "").strip():
                        self.add_error(spec.name(part), f"Enter the {part} for {spec.label}")
            elif kind == MISSING and not data.get(spec.name("missing_reason"), "").strip():
                self.add_error(spec.name("missing_reason"),
                               f"Enter why the value for {spec.label} is missing")
        return data

    def figures(self) -> list[Figure]:
        """The figures as typed: only the chosen kind's fields count (a hidden field of
        another kind is ignored); with no kind chosen, whatever was typed."""
        out = []
        for spec in self.specs:
            d = self.cleaned_data
            kind = d.get(spec.name("kind"))
            text = d.get(spec.name("value"), "")
            num = d.get(spec.name("numerator"), "")
            den = d.get(spec.name("denominator"), "")
            why = d.get(spec.name("missing_reason"), "")
            if kind == VALUE:
                num = den = why = ""
            elif kind == RATIO:
                text = why = ""
            elif kind == MISSING:
                text = num = den = ""
            out.append(Figure(sub_measure=spec.code, text=text, numerator=num,
                              denominator=den, missing_reason=why, prefix=spec.prefix))
        return out


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label="Comment for the data owner", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to return the figures: say what needs to change.")


class DateInput(forms.MultiWidget):
    """Day, month and year boxes (``deadline_0``, ``_1``, ``_2``); the page lays them out as
    the GOV.UK date input."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes = [forms.TextInput(attrs={"inputmode": "numeric", "class": f"govuk-input "
                                        f"govuk-date-input__input govuk-input--width-{w}"})
                 for w in (2, 2, 4)]
        super().__init__(boxes, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(parts, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(data_list):
            return None
        try:
            day, month, year = (int(str(x).strip()) for x in data_list)
            return date(year, month, day)
        except (TypeError, ValueError):
            raise forms.ValidationError(
                "The deadline must be a real date, such as 12 4 2024", code="invalid"
            ) from None


class PeriodOpenForm(forms.Form):
    period = forms.CharField(
        label="Reporting period", max_length=20,
        help_text="The month the figures are for, such as 2024-04 (or a quarter, such as "
                  "2024/25-Q1)",
        error_messages={"required": "Enter the reporting period, such as 2024-04"})
    deadline = DateField(
        label="Deadline", help_text="Figures are due by the end of this day. For example, "
                                    "12 5 2024",
        error_messages={"required": "Enter the deadline", "incomplete": "Enter the deadline "
                        "as a day, month and year"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].widget.attrs.update({"class": "govuk-input--width-10",
                                                   "spellcheck": "false"})

    def clean_period(self) -> Period:
        text = self.cleaned_data["period"].strip()
        try:
            return Period.parse(text)
        except PeriodError:
            raise forms.ValidationError(f"“{text}” is not a period: enter a month such as "
                                        "2024-04, or a quarter such as 2024/25-Q1") from None
