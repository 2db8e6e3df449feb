"""The framework: what a framework file declares, stored per organisation and year.

The columns mirror ``kpiboard.framework.model.Framework`` and the engine's ``KpiDefinition``
one to one, so that a framework file, the database and the engine hold the same thing
(see ``kpis.selectors.framework_get`` and ``kpis.services.framework_save``).
"""

from __future__ import annotations

from django.db import models

from kpiboard.engine.kpi import KpiStatus
from kpiboard.engine.targets import NoTargetReason
from kpiboard.engine.travel import TravelBasis
from kpiboard.engine.types import Frequency, Polarity, Unit, ValueBasis


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(e.value, e.value.replace("_", " ")) for e in enum]  # type: ignore[attr-defined]


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=50, blank=True)
    terminology = models.JSONField(default=list, blank=True,
                                   help_text="[[term, meaning], ...] in the order shown")
    default_rating_scheme = models.CharField(max_length=100, blank=True)
    default_direction_scheme = models.CharField(max_length=100, blank=True)
    # Branding for the web application and reports (set in the admin).
    logo_url = models.CharField(max_length=500, blank=True,
                                help_text="Address of the council's logo (an SVG or PNG), "
                                          "shown in the page header")
    brand_colour = models.CharField(max_length=7, blank=True,
                                    help_text="Header colour as #rrggbb; white text must "
                                              "contrast with it at 4.5:1 or more")
    website = models.URLField(blank=True, help_text="The council's own website")
    separation_of_duties = models.BooleanField(
        default=True, help_text="Nobody approves figures they submitted themselves: another "
                                "approver or the performance team must approve them. On "
                                "unless the council turns it off")

    def __str__(self) -> str:
        return self.name


class RatingScheme(models.Model):
    """A RAG scheme as framework data (the inline form of docs/framework.md)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="rating_schemes")
    name = models.CharField(max_length=100)
    title = models.CharField(max_length=200, blank=True)
    data = models.JSONField(help_text="The scheme as in a framework file's rating_schemes.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="rating_scheme_unique_name")]

    def __str__(self) -> str:
        return self.title or self.name


class DirectionScheme(models.Model):
    """A direction-of-travel scheme as framework data."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="direction_schemes")
    name = models.CharField(max_length=100)
    title = models.CharField(max_length=200, blank=True)
    data = models.JSONField(help_text="The scheme as in a framework file's direction_schemes.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="direction_scheme_unique_name")]

    def __str__(self) -> str:
        return self.title or self.name


class KeyCommitment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="key_commitments")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=20, blank=True)
    priorities = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="key_commitment_unique_name")]

    def __str__(self) -> str:
        return self.name


class Directorate(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="directorates")
    name = models.CharField(max_length=200)
    rating_scheme = models.CharField(max_length=100, blank=True)
    direction_scheme = models.CharField(max_length=100, blank=True)
    formerly = models.JSONField(default=list, blank=True,
                                help_text="Earlier names of this directorate (it was renamed)")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="directorate_unique_name")]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A department or service within a directorate."""

    directorate = models.ForeignKey(Directorate, on_delete=models.CASCADE,
                                    related_name="services")
    name = models.CharField(max_length=200)
    teams = models.JSONField(default=list, blank=True)
    rating_scheme = models.CharField(max_length=100, blank=True)
    direction_scheme = models.CharField(max_length=100, blank=True)
    formerly = models.JSONField(default=list, blank=True,
                                help_text="Earlier names of this service (it was renamed)")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["directorate", "name"],
                                               name="service_unique_name")]

    def __str__(self) -> str:
        return f"{self.directorate.name} / {self.name}"


class KpiSet(models.Model):
    """One financial year's KPI set; ``opened_at`` and ``closed_at`` record the year's
    rollover (``kpiboard year open|close``)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="kpi_sets")
    year = models.CharField(max_length=7, help_text="Financial year, e.g. 2024/25")
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"],
                                               name="kpi_set_unique_year")]

    def __str__(self) -> str:
        return f"{self.organisation.short_name or self.organisation.name} {self.year}"


class Kpi(models.Model):
    """One KPI as it is defined in one year's set (a KPI can change between years)."""

    kpi_set = models.ForeignKey(KpiSet, on_delete=models.CASCADE, related_name="kpis")
    ref = models.CharField(max_length=50)
    name = models.TextField()
    description = models.TextField(blank=True)
    key_commitment = models.CharField(max_length=200, blank=True)
    priority = models.CharField(max_length=300, blank=True)
    directorate = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    team = models.CharField(max_length=200, blank=True)
    portfolio = models.CharField(max_length=200, blank=True)
    statutory = models.BooleanField(null=True, blank=True)
    statutory_text = models.TextField(blank=True)
    data_source = models.TextField(blank=True)
    frequency = models.CharField(max_length=20, choices=_choices(Frequency),
                                 default=Frequency.MONTHLY.value)
    arrears_months = models.PositiveSmallIntegerField(default=0)
    unit = models.CharField(max_length=20, choices=_choices(Unit), default=Unit.NUMBER.value)
    decimals = models.PositiveSmallIntegerField(null=True, blank=True)
    polarity = models.CharField(max_length=10, choices=_choices(Polarity))
    basis = models.CharField(max_length=20, choices=_choices(ValueBasis),
                             default=ValueBasis.SNAPSHOT.value)
    tolerance = models.JSONField(default=dict, blank=True,
                                 help_text="{relative: 5}, {points: 5}, {band: [85, 90]}, "
                                 "{limit: 50}, {thresholds: {green: .., amber: ..}}, none, "
                                 "default (docs/framework.md)")
    status = models.CharField(max_length=10, choices=_choices(KpiStatus),
                              default=KpiStatus.EXISTING.value)
    rationale = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    sets = models.JSONField(default=list, blank=True)
    theme = models.CharField(max_length=100, blank=True, default="")
    rating_scheme = models.CharField(max_length=100, blank=True)
    direction_scheme = models.CharField(max_length=100, blank=True)
    travel_basis = models.CharField(max_length=20, choices=_choices(TravelBasis),
                                    default=TravelBasis.VALUE.value)
    negatives_allowed = models.BooleanField(
        default=False, help_text="Whether a value or numerator may be below zero (a balance, "
        "a net change): the framework file's `negative: allowed`")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kpi_set", "order"]
        verbose_name = "KPI"
        constraints = [models.UniqueConstraint(fields=["kpi_set", "ref"], name="kpi_unique_ref")]
        indexes = [models.Index(fields=["kpi_set", "directorate"]),
                   models.Index(fields=["kpi_set", "key_commitment"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.name[:60]}"


class SubMeasure(models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="sub_measures")
    code = models.CharField(max_length=100)
    name = models.TextField(blank=True)
    polarity = models.CharField(max_length=10, choices=_choices(Polarity), blank=True)
    tolerance = models.JSONField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kpi", "order"]
        constraints = [models.UniqueConstraint(fields=["kpi", "code"],
                                               name="sub_measure_unique_code")]

    def __str__(self) -> str:
        return f"{self.kpi.ref} / {self.code}"


class Target(models.Model):
    """A KPI's (or a sub-measure's) target for one year: annual, profiled, or none with a
    reason. ``year`` is the KPI set's year unless the framework gives targets for others."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    sub_measure = models.ForeignKey(SubMeasure, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="targets")
    year = models.CharField(max_length=7)
    annual = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    per_month = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    profile = models.JSONField(default=dict, blank=True,
                               help_text="Period key → figure, e.g. {\"2023/24-Q1\": \"1688\"}")
    cumulative_profile = models.BooleanField(default=False)
    straight_line = models.BooleanField(default=False)
    band_low = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    band_high = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    qualifier = models.CharField(max_length=2, blank=True)
    no_target = models.CharField(max_length=20, choices=_choices(NoTargetReason), blank=True)
    text = models.TextField(blank=True, help_text="The target as published")

    class Meta:
        ordering = ["kpi", "sub_measure", "year"]
        constraints = [models.UniqueConstraint(fields=["kpi", "sub_measure", "year"],
                                               name="target_unique_year",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return self.text or str(self.annual)


class Benchmark(models.Model):
    BENCHMARK, COMPARATOR = "benchmark", "comparator"
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="benchmarks")
    kind = models.CharField(max_length=10, choices=[(BENCHMARK, "benchmark"),
                                                    (COMPARATOR, "comparator")])
    value = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    text = models.TextField(blank=True)
    source = models.TextField(blank=True)
    period = models.CharField(max_length=50, blank=True)
    group = models.CharField(max_length=200, blank=True,
                             help_text="CIPFA near neighbours, statistical neighbours, England "
                             "average, ...")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kpi", "kind", "order"]

    def __str__(self) -> str:
        return self.text or str(self.value)


class KpiChange(models.Model):
    """How a KPI set differs from the year before: new, changed, renumbered, moved, split,
    merged or removed, with the note the council wrote."""

    kpi_set = models.ForeignKey(KpiSet, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=12)
    ref = models.CharField(max_length=50)
    previous_refs = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kpi_set", "order"]

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}"


class Outturn(models.Model):
    """A KPI's (or sub-measure's) figure for a whole closed year: the full-year value as
    stored, or worked out from its periods by its value basis (``derived``)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="outturns")
    sub_measure = models.CharField(max_length=100, blank=True)
    value = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    numerator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    denominator = models.DecimalField(max_digits=30, decimal_places=10, null=True, blank=True)
    state = models.CharField(max_length=20, help_text="value, missing, not_applicable, ...")
    derived = models.BooleanField(default=False,
                                  help_text="Worked out from the periods, not stored as such")

    class Meta:
        ordering = ["kpi", "sub_measure"]
        constraints = [models.UniqueConstraint(fields=["kpi", "sub_measure"],
                                               name="outturn_unique")]

    def __str__(self) -> str:
        return f"{self.kpi.ref}{'/' + self.sub_measure if self.sub_measure else ''}: {self.value}"
