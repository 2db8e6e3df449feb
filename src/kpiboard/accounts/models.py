"""Who may do what: a person's roles in an organisation, each with its scope.

A person can hold several roles (a data owner for one team and an approver for a
directorate). Scopes are names as the framework spells them: teams or services (departments)
for a data owner, directorates for an approver. Matching ignores case and spacing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kpiboard.kpis.models import Organisation


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", "Administrator"
    PERFORMANCE_OFFICER = "performance_officer", "Performance officer"
    DATA_OWNER = "data_owner", "Data owner"
    APPROVER = "approver", "Approver"
    VIEWER = "viewer", "Viewer (member)"


class Membership(models.Model):
    """One role of one person in one organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    scope = models.JSONField(
        default=list, blank=True,
        help_text="Data owner: the teams or services (departments) whose KPIs they enter. "
                  "Approver: the directorates they approve. Empty for other roles.")

    class Meta:
        ordering = ["organisation", "user", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"],
                                               name="one_membership_per_role")]

    def __str__(self) -> str:
        scope = f" ({', '.join(self.scope)})" if self.scope else ""
        return f"{self.user} – {self.get_role_display()}{scope}"
