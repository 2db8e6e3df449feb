"""The audit trail: who changed what and when, per KPI and overall.

Every service that changes data writes one event; value changes are also kept in full as
``data.ValueRevision`` (old and new figures), which the audit pages show beside these.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from kpiboard.kpis.models import Kpi, Organisation


class Action(models.TextChoices):
    VALUE_SAVED = "value_saved", "Value saved"
    COMMENTARY_SAVED = "commentary_saved", "Commentary saved"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned"
    REVISED = "revised", "Published value revised"
    PERIOD_OPENED = "period_opened", "Period opened"
    PUBLISHED = "published", "Period published"
    CLOSED = "closed", "Period closed"
    REOPENED = "reopened", "Period reopened"
    IMPORTED = "imported", "Imported"
    OVERRIDE_SET = "override_set", "Status overridden"
    ROLE_CHANGED = "role_changed", "Role changed"
    YEAR_CLOSED = "year_closed", "Year closed"
    YEAR_OPENED = "year_opened", "Year opened"
    SITE_PAGES_CHANGED = "site_pages_changed", "Accessibility, privacy or cookies page changed"
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Sign-in locked"
    PASSWORD_RESET = "password_reset", "Password reset"
    TWO_FACTOR_SET_UP = "two_factor_set_up", "Authenticator app set up"


class AuditEvent(models.Model):
    """One event of the trail. Never changed or deleted: on PostgreSQL a trigger refuses it
    (see ``kpiboard.data.history``), and what it refers to cannot be deleted (PROTECT)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="audit_events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, null=True, blank=True,
                            related_name="audit_events")
    ref = models.CharField(max_length=50, blank=True, help_text="The KPI's ref, as it was "
                                                                "when the event happened")
    period = models.CharField(max_length=16, blank=True)
    action = models.CharField(max_length=30, choices=Action.choices)
    summary = models.TextField(help_text="What changed, in words")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"]),
                   models.Index(fields=["kpi", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary}"


def audit_record(*, organisation: Organisation, action: str, summary: str,
                 user: Any = None, kpi: Kpi | None = None, period: str = "",
                 detail: dict[str, object] | None = None) -> AuditEvent:
    """Write one audit event (inside the caller's transaction)."""
    return AuditEvent.objects.create(
        organisation=organisation, action=action, summary=summary,
        user=user if getattr(user, "is_authenticated", False) else None,
        kpi=kpi, ref=kpi.ref if kpi else "", period=period, detail=detail or {})
