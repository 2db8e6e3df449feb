"""Each period's values, their revisions, commentary, overrides and programme status."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kpiboard.engine.types import ValueState
from kpiboard.kpis.models import Kpi, Organisation

STATES = [(s.value, s.value.replace("_", " ")) for s in ValueState]


class PeriodValue(models.Model):
    """The current figure for one KPI (or sub-measure) and period. Changing it adds a
    :class:`ValueRevision`; nothing is overwritten without trace."""

    # No index of its own: the unique constraint (kpi, sub_measure, period) serves it, and
    # every index costs time on an import of a million values.
    # PROTECT, here and on every record below: a KPI with records cannot be deleted (see
    # kpiboard.data.history and ADR 8).
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="values",
                            db_index=False)
    sub_measure = models.CharField(max_length=100, blank=True, default="")
    period = models.CharField(max_length=16, help_text="2024-02, 2023/24-Q1, 2023/24")
    period_start = models.DateField()
    period_end = models.DateField()
    text = models.TextField(blank=True, help_text="The value as entered or published")
    value = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    numerator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    denominator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    state = models.CharField(max_length=20, choices=STATES, default=ValueState.VALUE.value)
    revision = models.PositiveIntegerField(default=1)
    # The revision first made official (approved before publication, or imported). Reports
    # say a figure was revised when ``revision`` is above it; drafts before sign-off are not
    # revisions in that sense.
    baseline_revision = models.PositiveIntegerField(default=1, db_default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["kpi", "sub_measure", "period_start", "period_end"]
        constraints = [models.UniqueConstraint(fields=["kpi", "sub_measure", "period"],
                                               name="period_value_unique")]
        indexes = [models.Index(fields=["period_start"])]

    def __str__(self) -> str:
        sub = f"/{self.sub_measure}" if self.sub_measure else ""
        return f"{self.kpi.ref}{sub} {self.period}: {self.text}"


class ValueRevision(models.Model):
    """One change to a period value: who, when, old, new and why."""

    period_value = models.ForeignKey(PeriodValue, on_delete=models.PROTECT,
                                     related_name="revisions", db_index=False)  # see kpi
    revision = models.PositiveIntegerField()
    old_text = models.TextField(blank=True)
    old_value = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    old_numerator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    old_denominator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    old_state = models.CharField(max_length=20, choices=STATES, blank=True)
    new_text = models.TextField(blank=True)
    new_value = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    new_numerator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    new_denominator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    new_state = models.CharField(max_length=20, choices=STATES)
    changed_at = models.DateTimeField()
    # PROTECT: somebody who changed a figure is deactivated, not deleted (their name stays).
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    reason = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="file imported, or web")

    class Meta:
        ordering = ["period_value", "revision"]
        constraints = [models.UniqueConstraint(fields=["period_value", "revision"],
                                               name="value_revision_unique")]

    def __str__(self) -> str:
        return f"r{self.revision}: {self.old_text!r} → {self.new_text!r}"


class Commentary(models.Model):
    """The service's commentary on a KPI for a period (sanitised HTML)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="commentary")
    sub_measure = models.CharField(max_length=100, blank=True, default="")
    period = models.CharField(max_length=16)
    html = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "commentary"
        constraints = [models.UniqueConstraint(fields=["kpi", "sub_measure", "period"],
                                               name="commentary_unique")]

    def __str__(self) -> str:
        return f"{self.kpi.ref} {self.period}"


class StatusOverride(models.Model):
    """A status set by hand, with the reason. Reports always show it as an override."""

    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="overrides")
    sub_measure = models.CharField(max_length=100, blank=True, default="")
    period = models.CharField(max_length=16)
    status = models.CharField(max_length=50, help_text="A status code of the KPI's scheme")
    reason = models.TextField()
    set_at = models.DateTimeField(auto_now=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kpi", "sub_measure", "period"],
                                               name="status_override_unique")]

    def __str__(self) -> str:
        return f"{self.kpi.ref} {self.period}: {self.status}"


class ProjectStatus(models.Model):
    """A programme or project's status, set by hand, for the corporate summary."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="projects")
    period = models.CharField(max_length=16)
    name = models.CharField(max_length=300)
    rag = models.CharField(max_length=50, help_text="A status code or label, e.g. green")
    due_date = models.DateField(null=True, blank=True)
    narrative = models.TextField(blank=True)
    key_commitment = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["organisation", "period", "order"]
        verbose_name_plural = "project statuses"

    def __str__(self) -> str:
        return f"{self.name} ({self.rag})"


class PublishedFigure(models.Model):
    """A figure the council published beside a period's value that is not itself a period's
    value: the **year to date** as published in that period's report (``80.60%``,
    ``3681 (Apr - Jan)``). Reports show it as given; where the year to date can also be
    worked out from the periods, they show both when the two disagree."""

    YTD = "ytd"
    FIGURES = [(YTD, "year to date")]

    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="published_figures")
    sub_measure = models.CharField(max_length=100, blank=True, default="")
    period = models.CharField(max_length=16, help_text="The period whose report published it")
    period_start = models.DateField()
    period_end = models.DateField()
    figure = models.CharField(max_length=10, choices=FIGURES, default=YTD)
    text = models.TextField(blank=True, help_text="The figure as published")
    value = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    numerator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    denominator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    state = models.CharField(max_length=20, choices=STATES, default=ValueState.VALUE.value)
    source = models.CharField(max_length=300, blank=True, help_text="file imported, or web")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kpi", "sub_measure", "period", "figure"],
                                               name="published_figure_unique")]

    def __str__(self) -> str:
        sub = f"/{self.sub_measure}" if self.sub_measure else ""
        return f"{self.kpi.ref}{sub} {self.period} {self.figure}: {self.text}"
