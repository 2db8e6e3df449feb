"""Who may do what: a person's roles in an organisation, each with its scope.

A person can hold several roles (a data owner for one team and an approver for a
directorate). Scopes are names as the framework spells them: teams or services (departments)
for a data owner, directorates for an approver. Matching ignores case and spacing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
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
    from_sso = models.BooleanField(
        "from single sign-on", default=False,
        help_text="Given by single sign-on from the person's groups or roles, and changed at "
                  "each such sign-in. Untick to keep it whatever single sign-on says.")

    class Meta:
        ordering = ["organisation", "user", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"],
                                               name="one_membership_per_role")]

    def __str__(self) -> str:
        scope = f" ({', '.join(self.scope)})" if self.scope else ""
        return f"{self.user} – {self.get_role_display()}{scope}"


# Single sign-on (docs/security.md, "Single sign-on"): which group or role claims give which
# roles, and which person at the OpenID provider is which user.


class SsoRoleMapping(models.Model):
    """A person whose sign-in carries ``value`` in the claim ``claim`` gets ``role`` (with
    ``scope``) in ``organisation``. Several mappings that give the same role join their scopes."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="sso_role_mappings")
    claim = models.CharField(
        max_length=100, default="groups",
        help_text="The claim in the ID token: 'groups' (Entra ID: group object IDs) or "
                  "'roles' (Entra ID: app roles), or any other claim the provider sends.")
    value = models.CharField(
        max_length=255,
        help_text="The value that gives the role: a group's object ID or an app role's value. "
                  "Matched exactly.")
    role = models.CharField(max_length=30, choices=Role.choices)
    scope = models.JSONField(
        default=list, blank=True,
        help_text='A list, as on a membership: ["Adult Social Care"] for a data owner\'s '
                  "teams or services, an approver's directorates. Empty for other roles.")
    note = models.CharField(max_length=200, blank=True,
                            help_text="For people: the group's or app role's name")

    class Meta:
        ordering = ["organisation", "claim", "value", "role"]
        constraints = [models.UniqueConstraint(fields=["organisation", "claim", "value", "role"],
                                               name="one_sso_mapping_per_role")]
        verbose_name = "single sign-on role mapping"

    def __str__(self) -> str:
        scope = f" ({', '.join(self.scope)})" if self.scope else ""
        return f"{self.claim} = {self.value} → {self.get_role_display()}{scope}"

    def clean(self) -> None:
        if not isinstance(self.scope, list) or not all(isinstance(s, str) for s in self.scope):
            raise ValidationError({"scope": 'Write the scope as a list of names, such as '
                                            '["Adult Social Care"], or [] for none.'})


class SsoIdentity(models.Model):
    """One person at one OpenID provider: ``subject`` is Entra ID's ``oid`` when the token
    has one, otherwise the standard ``sub``; both stay the same when the person is renamed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="sso_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    first_sign_in = models.DateTimeField(auto_now_add=True)
    last_sign_in = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "issuer"]
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"],
                                               name="one_user_per_sso_subject")]
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"
