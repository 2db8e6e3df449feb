"""The council's details on the pages a UK public body must publish: the accessibility
statement, the privacy notice and the cookies page (``/accessibility/``, ``/privacy/``,
``/cookies/``).

Every field may be left empty: the pages then say what kpiboard itself knows (how it is tested,
what it stores, which cookies it sets) in wording that reads correctly without the council's
details. Text fields marked "rich" take plain text (a blank line between paragraphs) or simple
HTML, which is sanitised when saved and again when shown.
"""

from __future__ import annotations

from django.db import models

from kpiboard.kpis.models import Organisation


class Compliance(models.TextChoices):
    FULL = "full", "Fully compliant"
    PARTIAL = "partial", "Partially compliant"
    NOT = "not", "Not compliant"


# The fields of the rich text kind (sanitised HTML), and the others the council may edit, in
# the order the edit form shows them.
RICH_FIELDS = ("non_compliance", "disproportionate_burden", "out_of_scope", "improvements",
               "accessibility_extra", "privacy_extra", "cookies_extra")
EDITABLE_FIELDS = (
    "team_name", "contact_email", "contact_phone", "postal_address",
    "accessibility_email", "response_days",
    "compliance", "non_compliance", "disproportionate_burden", "out_of_scope", "improvements",
    "statement_prepared", "statement_reviewed", "last_tested", "tested_by",
    "dpo_name", "dpo_email", "dpo_phone", "ico_registration", "retention_period",
    "accessibility_extra", "privacy_extra", "cookies_extra",
)
RICH_HELP = " Plain text (a blank line between paragraphs) or simple HTML (p, ul, li, a, strong)."


class SitePages(models.Model):
    """One organisation's details for its accessibility, privacy and cookies pages."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE,
                                        related_name="site_pages")
    # Contact
    team_name = models.CharField(
        max_length=200, blank=True,
        help_text="Who answers questions about this website, such as “the performance team”. "
                  "Empty: the performance team.")
    contact_email = models.EmailField(blank=True, help_text="Such as performance@example.gov.uk")
    contact_phone = models.CharField(max_length=50, blank=True)
    postal_address = models.TextField(blank=True, max_length=500,
                                      help_text="One line of the address per line")
    # Accessibility statement
    accessibility_email = models.EmailField(
        blank=True, help_text="For accessibility problems and requests for another format, "
                              "when not the contact email")
    response_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Working days within which you reply to a request "
                                         "for another format")
    compliance = models.CharField(
        max_length=10, choices=Compliance.choices, default=Compliance.PARTIAL,
        help_text="How far the website meets WCAG 2.2 AA, as your own testing found")
    non_compliance = models.TextField(
        blank=True, max_length=10_000,
        help_text="Content that does not meet the accessibility regulations, each with the "
                  "WCAG success criterion it fails and when you plan to fix it. Empty: "
                  "kpiboard's own known issues." + RICH_HELP)
    disproportionate_burden = models.TextField(
        blank=True, max_length=10_000,
        help_text="Content you do not fix because it would be a disproportionate burden, with "
                  "your assessment." + RICH_HELP)
    out_of_scope = models.TextField(
        blank=True, max_length=10_000,
        help_text="Content not within the scope of the accessibility regulations." + RICH_HELP)
    improvements = models.TextField(
        blank=True, max_length=10_000,
        help_text="What you are doing to improve accessibility, beyond kpiboard's own "
                  "testing." + RICH_HELP)
    statement_prepared = models.DateField(null=True, blank=True)
    statement_reviewed = models.DateField(null=True, blank=True)
    last_tested = models.DateField(null=True, blank=True,
                                   help_text="When the website was last tested by people")
    tested_by = models.CharField(
        max_length=200, blank=True,
        help_text="Who carried out that test, such as the council's digital team")
    # Privacy notice
    dpo_name = models.CharField(max_length=200, blank=True,
                                help_text="The data protection officer's name or title")
    dpo_email = models.EmailField(blank=True)
    dpo_phone = models.CharField(max_length=50, blank=True)
    ico_registration = models.CharField(
        max_length=20, blank=True,
        help_text="The council's registration number with the ICO, such as Z1234567")
    retention_period = models.CharField(
        max_length=300, blank=True,
        help_text="How long the audit trail and the names in it are kept, such as “six years "
                  "after the end of the financial year they relate to”")
    # More text for each page, shown at its end
    accessibility_extra = models.TextField(
        blank=True, max_length=20_000,
        help_text="More text for the accessibility statement." + RICH_HELP)
    privacy_extra = models.TextField(
        blank=True, max_length=20_000,
        help_text="More text for the privacy notice." + RICH_HELP)
    cookies_extra = models.TextField(
        blank=True, max_length=20_000,
        help_text="More text for the cookies page." + RICH_HELP)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: models.Manager[SitePages] = models.Manager()

    class Meta:
        verbose_name = "accessibility, privacy and cookies pages"
        verbose_name_plural = "accessibility, privacy and cookies pages"

    def __str__(self) -> str:
        return f"{self.organisation}: accessibility, privacy and cookies pages"
