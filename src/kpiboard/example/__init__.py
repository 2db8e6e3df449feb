"""The example council (``examples/nnc``): load it into the database, give it a person per
role and a reporting cycle (``kpiboard demo``)."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings

from kpiboard.data.models import Commentary, PeriodValue
from kpiboard.data.services import values_import
from kpiboard.framework import load_framework
from kpiboard.imports.values import read_period_data
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.kpis.selectors import framework_get, organisation_get
from kpiboard.kpis.services import framework_save

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
EXAMPLE = Path(os.environ.get("KPIBOARD_EXAMPLES", EXAMPLES)) / "nnc"


def demo_load(example: Path) -> str:
    """Load (or refresh) the example: its framework, next year's KPI set and its values.
    Running it again changes nothing. Returns what was loaded, in words."""
    from kpiboard.kpis.rollover import kpi_set_import

    fw = load_framework(example / "framework.yaml")
    framework_save(framework=fw)
    org = organisation_get(name=fw.organisation)
    kpi_set = example / "kpi_set_2024-25.csv"
    if kpi_set.exists():  # linked to 2023/24 by its Previous ref column; nothing guessed
        kpi_set_import(organisation=org, path=str(kpi_set))
    stored = framework_get(organisation=org)
    records = read_period_data(example / "values.csv", stored)
    report = values_import(
        organisation=org, source="values.csv", reason="published February 2024 report",
        values=records, read_checked=True)
    counts = {y: Kpi.objects.filter(kpi_set__organisation=org, kpi_set__year=y).count()
              for y in sorted(stored.years)}
    sets = ", ".join(f"{y}: {n} KPIs" for y, n in counts.items())
    values = PeriodValue.objects.filter(kpi__kpi_set__organisation=org).count()
    notes = Commentary.objects.filter(kpi__kpi_set__organisation=org).count()
    db = settings.DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db['ENGINE']} {db['NAME']}"
    return (f"\nLoaded {org.name} into {where}:\n  KPI sets {sets}\n  {values} values "
            f"({report.created} new this run, {report.revised} revised), {notes} commentaries\n"
            f"  rating schemes: {', '.join(stored.rating_schemes)}; direction schemes: "
            f"{', '.join(stored.direction_schemes)}")


DEMO_PASSWORD = "kpiboard-demo"  # the demo's sign-ins only; never a real deployment's


def demo_people(org: Organisation) -> list[tuple[str, str, str]]:
    """Create (or refresh) one person per role for the example council; returns
    (role, username, scope) for each, to print. Every one has the password
    ``DEMO_PASSWORD``."""
    from django.contrib.auth.models import User

    from kpiboard.accounts.models import Membership, Role

    people = [
        ("admin", "Ada", "Administrator", Role.ADMINISTRATOR, []),
        ("performance", "Priya", "Performance", Role.PERFORMANCE_OFFICER, []),
        ("owner", "Owen", "Housing", Role.DATA_OWNER, ["Housing Services"]),
        ("approver", "Amina", "Director", Role.APPROVER, ["Adults & Housing"]),
        ("member", "Morgan", "Councillor", Role.VIEWER, []),
    ]
    out = []
    for username, first, last, role, scope in people:
        user, _ = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@example.org"})
        user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.save()
        Membership.objects.update_or_create(user=user, organisation=org, role=role,
                                            defaults={"scope": scope})
        out.append((Role(role).label, username, ", ".join(scope)))
    return out


def demo_periods(org: Organisation, *, published_to: str = "2024-02",
                 open_period: str = "2024-03", today: date | None = None,
                 due_in_days: int = 14) -> str:
    """The example's reporting cycle: every month of 2023/24 to ``published_to`` published
    (as the council published them), and ``open_period`` open for data entry.

    The data stay the example's, but the cycle's dates are relative to ``today`` (the day the
    demo runs), so that the demo looks live: the open period is due ``due_in_days`` days from
    today, and each earlier month's deadline falls as many days before it as the council's
    real deadlines (the 15th of the following month) did. Running it again moves them on.
    Returns the cycle in words."""
    from kpiboard.engine.periods import Period
    from kpiboard.workflow.models import PeriodState, ReportingPeriod

    last = Period.parse(published_to)
    opened = Period.parse(open_period)

    def due(p: Period) -> date:
        nxt = p.next().start
        return date(nxt.year, nxt.month, 15)

    shift = (today or date.today()) + timedelta(days=due_in_days) - due(opened)

    for month in last.year.months():
        if month <= last:
            ReportingPeriod.objects.update_or_create(
                organisation=org, period=month.key,
                defaults={"period_end": month.end, "deadline": due(month) + shift,
                          "state": PeriodState.PUBLISHED})
    rp, created = ReportingPeriod.objects.get_or_create(
        organisation=org, period=opened.key,
        defaults={"period_end": opened.end, "deadline": due(opened) + shift})
    if not created and rp.deadline != due(opened) + shift:
        rp.deadline = due(opened) + shift
        rp.save(update_fields=["deadline"])
    first = last.year.months()[0].start
    return (f"  reporting periods: {first:%B %Y} to {last.start:%B %Y} published; "
            f"{opened.start:%B %Y} open for data entry (due {rp.deadline:%d %B %Y}, "
            f"{due_in_days} days from today)")
