"""The example council with one person per role (shared by the workflow and web tests).

Scopes match the example council: Housing Services is a service (department) of the
Adults & Housing directorate; Highways & Waste is a service of Place & Economy.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from kpiboard.accounts.access import Access, access_for
from kpiboard.accounts.models import Membership, Role
from kpiboard.example import demo_load
from kpiboard.kpis.models import Kpi, Organisation
from tests.store.conftest import NNC

PASSWORD = "correct horse battery staple"

# name: (role, scope); None role = signed in with no membership at all
PEOPLE: dict[str, tuple[str | None, list[str]]] = {
    "admin": (Role.ADMINISTRATOR, []),
    "officer": (Role.PERFORMANCE_OFFICER, []),
    "owner": (Role.DATA_OWNER, ["Housing Services"]),
    "owner_other": (Role.DATA_OWNER, ["Highways & Waste"]),
    "approver": (Role.APPROVER, ["Adults & Housing"]),
    "approver_other": (Role.APPROVER, ["Place & Economy"]),
    "viewer": (Role.VIEWER, []),
}

IN_SCOPE = "AFL12"  # Adults & Housing / Housing Services, a monthly count
PERCENT = "STP38"  # Adults & Housing / Housing Services, a monthly percentage
WITH_SUB = "STP36"  # Housing Services, with the sub-measure Corby
OUT_OF_SCOPE = "STP29"  # Place & Economy / Highways & Waste


@dataclass
class Council:
    org: Organisation
    users: dict[str, User]

    def access(self, name: str) -> Access:
        return access_for(self.users[name], self.org)

    def kpi(self, ref: str, year: str = "2023/24") -> Kpi:
        return Kpi.objects.get(kpi_set__organisation=self.org, kpi_set__year=year, ref=ref)


def make_person(org: Organisation, username: str, role: str | None,
                scope: list[str] | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD,
                                    first_name=username.replace("_", " ").title(),
                                    last_name="Tester")
    if role is not None:
        Membership.objects.create(user=user, organisation=org, role=role, scope=scope or [])
    return user


def council_load() -> Council:
    demo_load(NNC)
    org = Organisation.objects.get()
    users = {name: make_person(org, name, role, scope)
             for name, (role, scope) in PEOPLE.items()}
    return Council(org, users)
