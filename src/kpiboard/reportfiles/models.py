"""One row per report file that is, or is being, built: a combination of period, layout,
KPI set, grouping, visibility and format. The file itself is on disk (``path``, relative to
``settings.REPORT_FILES_DIR``); ``built_version`` is the fingerprint of the report it holds
(see ``selectors.report_fingerprint``), so a file is served only while the report it was
built from is still the report the person would see."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kpiboard.kpis.models import Organisation


class ReportFile(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="report_files")
    period = models.CharField(max_length=16)  # key, e.g. 2024-02
    layout = models.CharField(max_length=16)
    kpi_set = models.CharField(max_length=32)
    group_by = models.CharField(max_length=32)
    visibility = models.CharField(max_length=16)  # public, approved, all
    fmt = models.CharField(max_length=8)  # pdf, xlsx, docx
    built_version = models.CharField(max_length=64, blank=True)  # "" until built
    path = models.CharField(max_length=400, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)  # how long the last build took
    queued_at = models.DateTimeField(null=True, blank=True)  # a build is waiting or running
    building_since = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True)  # why the last build failed ("" if it did not)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["organisation", "period", "layout", "kpi_set", "group_by", "visibility",
                    "fmt"], name="reportfile_one_per_combination")]
        indexes = [models.Index(fields=["organisation", "period", "layout", "kpi_set",
                                        "group_by", "fmt", "built_version"],
                                name="reportfile_lookup")]

    def __str__(self) -> str:
        return (f"{self.period} {self.layout} {self.kpi_set} {self.group_by} "
                f"{self.visibility} {self.fmt}")

    @property
    def status(self) -> str:
        """queued, building, ready, failed or missing, as the admin shows it."""
        if self.building_since:
            return "building"
        if self.queued_at:
            return "queued"
        if self.path and self.built_version:
            return "ready"
        return "failed" if self.error else "missing"
