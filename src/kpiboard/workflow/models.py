"""The monthly cycle: reporting periods (open, published, closed) and each KPI's sign-off.

A data owner enters a KPI's figures and commentary for a period and submits them; an
approver for the directorate approves them or returns them with a comment; the performance
team publishes the period. The public sees a value once its period is published and its
submission (if it has one) approved. Values imported from files have no submission: the
performance team imported them, so they count as approved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kpiboard.kpis.models import Kpi, Organisation


class PeriodState(models.TextChoices):
    OPEN = "open", "Open"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class ReportingPeriod(models.Model):
    """One turn of the reporting cycle (a month, or a quarter for quarterly cycles)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="reporting_periods")
    period = models.CharField(max_length=16, help_text="2024-03, or 2023/24-Q4")
    period_end = models.DateField()
    deadline = models.DateField(help_text="Values are due by the end of this day")
    state = models.CharField(max_length=10, choices=PeriodState.choices,
                             default=PeriodState.OPEN)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "-period_end"]
        constraints = [models.UniqueConstraint(fields=["organisation", "period"],
                                               name="reporting_period_unique")]

    def __str__(self) -> str:
        return f"{self.period} ({self.get_state_display()})"


class SubmissionState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class Submission(models.Model):
    """The sign-off of one KPI's figures (with its sub-measures and commentary) for one
    period. ``version`` goes up with every save: a form that was opened at an older version
    is refused rather than overwriting somebody else's change."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="submissions")
    period = models.CharField(max_length=16, help_text="The values' period, e.g. 2024-03")
    state = models.CharField(max_length=10, choices=SubmissionState.choices,
                             default=SubmissionState.DRAFT)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    comment = models.TextField(blank=True, help_text="The approver's reason for returning it")

    class Meta:
        ordering = ["kpi", "period"]
        constraints = [models.UniqueConstraint(fields=["kpi", "period"],
                                               name="submission_unique")]
        indexes = [models.Index(fields=["period", "state"])]

    def __str__(self) -> str:
        return f"{self.kpi.ref} {self.period}: {self.get_state_display()}"
