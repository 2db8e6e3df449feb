"""The pages' GET forms: plain HTML forms that work without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from kpiboard.engine.periods import Period
from kpiboard.reports.build import GROUPINGS, SETS
from kpiboard.reports.layouts import LAYOUTS
from kpiboard.reports.model import StatusView

SET_LABELS = {"core": "Core", "service": "Service", "organisational health":
              "Organisational health", "all": "All KPIs"}
LAYOUT_LABELS = {"monthly": "Monthly performance report",
                 "scorecard": "Scorecard (the last six months)",
                 "summary": "Corporate summary"}
LAYOUT_HINTS = {"monthly": "Every KPI by directorate and service, with the quarters, the last "
                           "two months, target, status and comments",
                "scorecard": "Every KPI with the last six months and a status for each, the "
                             "benchmark and the previous two years",
                "summary": "Counts by status, the exceptions, KPIs not reported and projects"}
GROUP_LABELS = {"directorate": "Directorate", "key_commitment": "Key commitment",
                "set": "KPI set (core, service, organisational health)",
                "theme": "Theme (financial, customer, workforce)"}


def period_choices(periods: Sequence[Period]) -> list[tuple[str, str]]:
    return [(p.key, p.label) for p in periods]


def _choose(what: str) -> dict[str, str]:
    return {"required": f"Choose {what}", "invalid_choice": f"Choose {what} from the list"}


def _any(label: str, values: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [("", label), *values]


class DashboardForm(forms.Form):
    """Filters, each with a choice that means "all": none is optional in the sense the
    GOV.UK "(optional)" label means, so the fields are "required" but not checked."""

    use_required_attribute = False

    period = forms.ChoiceField(label="Period")
    set = forms.ChoiceField(label="KPI set", choices=[(s, SET_LABELS[s]) for s in SETS])
    key_commitment = forms.ChoiceField(label="Key commitment")
    directorate = forms.ChoiceField(label="Directorate")
    status = forms.ChoiceField(label="Status")
    q = forms.CharField(label="Search by reference or name", max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "spellcheck": "false"}))

    def __init__(self, *args: object, periods: Sequence[Period], key_commitments: list[str],
                 directorates: list[str], statuses: list[StatusView], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["period"].choices = period_choices(periods)  # type: ignore[attr-defined]
        self.fields["key_commitment"].choices = _any(  # type: ignore[attr-defined]
            "All key commitments", [(k, k) for k in key_commitments])
        self.fields["directorate"].choices = _any(  # type: ignore[attr-defined]
            "All directorates", [(d, d) for d in directorates])
        self.fields["status"].choices = _any(  # type: ignore[attr-defined]
            "Any status", [(s.code, f"{s.symbol} {s.label}".strip()) for s in statuses])


class ReportChoiceForm(forms.Form):
    period = forms.ChoiceField(label="Period", error_messages={
        "required": "Choose the period of the report",
        "invalid_choice": "Choose a period from the list"})
    layout = forms.ChoiceField(label="Layout", widget=forms.RadioSelect,
                               choices=[(k, LAYOUT_LABELS[k]) for k in LAYOUTS],
                               error_messages=_choose("the report's layout"))
    set = forms.ChoiceField(label="KPI set", choices=[(s, SET_LABELS[s]) for s in SETS],
                            error_messages=_choose("the KPI set"))
    group_by = forms.ChoiceField(label="Group by", widget=forms.RadioSelect,
                                 choices=[(g, GROUP_LABELS[g]) for g in GROUPINGS],
                                 error_messages=_choose("how to group the KPIs"))

    def __init__(self, *args: object, periods: Sequence[Period], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["period"].choices = period_choices(periods)  # type: ignore[attr-defined]


class YearsForm(forms.Form):
    """Two years to compare (``from`` and ``to``: Python keywords, so set by name)."""

    def __init__(self, *args: object, years: Sequence[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [(y.replace("/", "-"), y) for y in years]
        self.fields["from"] = forms.ChoiceField(
            label="From", choices=choices, error_messages=_year_errors("to compare from"))
        self.fields["to"] = forms.ChoiceField(
            label="To", choices=choices, error_messages=_year_errors("to compare with"))


class YearForm(forms.Form):
    def __init__(self, *args: object, years: Sequence[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["year"] = forms.ChoiceField(
            label="Year", choices=[(y.replace("/", "-"), y) for y in years],
            error_messages=_year_errors("to count"))


def _year_errors(what: str) -> dict[str, str]:
    return {"required": f"Choose the year {what}",
            "invalid_choice": f"Choose the year {what} from the list: there is no KPI set "
                              "for %(value)s"}
