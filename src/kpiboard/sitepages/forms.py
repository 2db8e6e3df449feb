"""The form the performance team fills in for the accessibility, privacy and cookies pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from kpiboard.sitepages.models import EDITABLE_FIELDS, RICH_FIELDS, Compliance, SitePages
from kpiboard.workflow.forms import DateInput

DATE_FIELDS = ("statement_prepared", "statement_reviewed", "last_tested")


class GovukDateField(forms.MultiValueField):
    """Day, month and year boxes (GOV.UK date input); empty boxes are no date."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(parts, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(str(x or "").strip() for x in data_list):
            return None
        try:
            day, month, year = (int(str(x).strip()) for x in data_list)
            if year < 1990 or year > 2200:
                raise ValueError(year)
            return date(year, month, day)
        except (TypeError, ValueError):
            raise forms.ValidationError(
                f"{self.label} must be a real date, such as 23 9 2025",
                code="invalid") from None


class SitePagesForm(forms.ModelForm[SitePages]):
    compliance = forms.ChoiceField(
        label="Compliance with WCAG 2.2 AA", choices=Compliance.choices, initial=Compliance.PARTIAL,
        widget=forms.RadioSelect, help_text=SitePages._meta.get_field("compliance").help_text,
        error_messages={"required": "Select how far the website complies with WCAG 2.2 AA"})
    statement_prepared = GovukDateField(label="Statement prepared on",
                                        help_text="For example, 23 9 2025")
    statement_reviewed = GovukDateField(label="Statement last reviewed on",
                                        help_text="For example, 23 9 2025")
    last_tested = GovukDateField(label="Website last tested on",
                                 help_text="When people last tested the website, such as in an "
                                           "accessibility audit. For example, 23 9 2025")

    class Meta:
        model = SitePages
        fields = list(EDITABLE_FIELDS)
        labels = {
            "team_name": "Team that answers questions about this website",
            "contact_email": "Contact email address",
            "contact_phone": "Contact telephone number",
            "postal_address": "Postal address",
            "accessibility_email": "Email address for accessibility problems",
            "response_days": "Days to reply to a request for another format",
            "compliance": "Compliance with WCAG 2.2 AA",
            "non_compliance": "Content that does not meet the accessibility regulations",
            "disproportionate_burden": "Disproportionate burden",
            "out_of_scope": "Content outside the scope of the accessibility regulations",
            "improvements": "What you are doing to improve accessibility",
            "tested_by": "Who carried out the test",
            "dpo_name": "Data protection officer's name or title",
            "dpo_email": "Data protection officer's email address",
            "dpo_phone": "Data protection officer's telephone number",
            "ico_registration": "ICO registration number",
            "retention_period": "How long the audit trail is kept",
            "accessibility_extra": "More text for the accessibility statement",
            "privacy_extra": "More text for the privacy notice",
            "cookies_extra": "More text for the cookies page",
        }
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in RICH_FIELDS} | {
            "postal_address": forms.Textarea(attrs={"rows": 4}),
            "compliance": forms.RadioSelect,
        }
        error_messages = {
            "contact_email": {"invalid": "Enter the contact email address in the correct "
                                         "format, like performance@example.gov.uk"},
            "accessibility_email": {"invalid": "Enter the email address for accessibility "
                                               "problems in the correct format, like "
                                               "access@example.gov.uk"},
            "dpo_email": {"invalid": "Enter the data protection officer's email address in "
                                     "the correct format, like dpo@example.gov.uk"},
            "response_days": {"invalid": "Days to reply must be a whole number, such as 10"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("response_days",):
            self.fields[name].widget.attrs.update({"class": "govuk-input--width-4",
                                                   "inputmode": "numeric"})
        for name in ("contact_email", "accessibility_email", "dpo_email"):
            self.fields[name].widget.attrs.update({"spellcheck": "false",
                                                   "autocomplete": "off"})
        self.fields["ico_registration"].widget.attrs.update({"class": "govuk-input--width-10",
                                                             "spellcheck": "false"})
        for bf in self.fields.values():
            if isinstance(bf, forms.CharField) and bf.max_length:
                bf.error_messages["max_length"] = (
                    f"{bf.label} must be {bf.max_length:,} characters or fewer")

    def clean_response_days(self) -> int | None:
        days: int | None = self.cleaned_data.get("response_days")
        if days is not None and not 1 <= days <= 90:
            raise forms.ValidationError("Days to reply must be between 1 and 90")
        return days

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        prepared, reviewed = data.get("statement_prepared"), data.get("statement_reviewed")
        if prepared and reviewed and reviewed < prepared:
            self.add_error("statement_reviewed", "The statement cannot be reviewed before it "
                                                 "was prepared")
        return data

    def date_parts(self) -> dict[str, list[str]]:
        """Each date field's day, month and year boxes as the page shows them."""
        out = {}
        for name in DATE_FIELDS:
            bf = self[name]
            value = bf.value()
            if isinstance(value, date):
                out[name] = [str(value.day), str(value.month), str(value.year)]
            elif isinstance(value, list | tuple):
                out[name] = [str(v or "") for v in value]
            else:
                out[name] = ["", "", ""]
        return out
