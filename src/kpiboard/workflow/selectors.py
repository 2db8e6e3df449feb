"""Reads for the reporting cycle: which values each audience may see, and what is due."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from django.db.models import Exists, Max, Model, OuterRef, QuerySet

from kpiboard.accounts.access import norm, unit_names
from kpiboard.accounts.models import Membership, Role
from kpiboard.data.models import PeriodValue
from kpiboard.engine.periods import Period, PeriodError, PeriodKind
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.workflow.models import PeriodState, ReportingPeriod, Submission, SubmissionState

PUBLIC, APPROVED, ALL = "public", "approved", "all"
VISIBILITIES = (PUBLIC, APPROVED, ALL)

M = TypeVar("M", bound=Model)


def published_through(*, organisation: Organisation) -> date | None:
    """The end of the latest published (or closed) reporting period: the public sees
    values of periods that end on or before it."""
    end: date | None = ReportingPeriod.objects.filter(
        organisation=organisation, state__in=[PeriodState.PUBLISHED, PeriodState.CLOSED],
    ).aggregate(end=Max("period_end"))["end"]
    return end


def visible_filter(qs: QuerySet[M], *, organisation: Organisation, visibility: str,
                   through: date | None = None, end_field: str | None = "period_end",
                   ) -> QuerySet[M]:
    """``qs`` (of rows with ``kpi`` and ``period``) cut to what ``visibility`` may see:
    ``all`` everything; ``approved`` nothing whose submission waits for approval;
    ``public`` that, and only periods published. With ``end_field=None`` the caller
    applies the date rule itself (see :func:`period_visible`)."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility {visibility!r} is not one of {', '.join(VISIBILITIES)}")
    if visibility == ALL:
        return qs
    pending = Submission.objects.filter(kpi=OuterRef("kpi"), period=OuterRef("period")).exclude(
        state=SubmissionState.APPROVED)
    qs = qs.exclude(Exists(pending))
    if visibility == PUBLIC and end_field is not None:
        if through is None:
            through = published_through(organisation=organisation)
        if through is None:
            return qs.none()
        qs = qs.filter(**{f"{end_field}__lte": through})
    return qs


def period_visible(period: str, through: date | None) -> bool:
    """Whether the public may see a figure or comment for ``period`` (a period key)."""
    if through is None:
        return False
    try:
        return Period.parse(period).end <= through
    except PeriodError:
        return False


def due_period(*, frequency: str, arrears_months: int, reporting: Period) -> Period | None:
    """The period whose figure is due in the ``reporting`` month's cycle: the month itself
    for a monthly KPI (or the month ``arrears_months`` earlier), the quarter, half or year
    that ends in that month for the others — or None when nothing is due that month."""
    month = reporting.months()[-1].shift_months(-arrears_months) if arrears_months else \
        reporting.months()[-1]
    kind = _KINDS.get(frequency, PeriodKind.MONTH)
    if kind is PeriodKind.MONTH:
        return month
    if kind is PeriodKind.QUARTER:
        enclosing = month.quarter_of()
    elif kind is PeriodKind.HALF:
        enclosing = month.half_of()
    else:
        enclosing = Period.full_year(month.year)
    return enclosing if enclosing.months()[-1] == month else None


_KINDS = {"monthly": PeriodKind.MONTH, "quarterly": PeriodKind.QUARTER,
          "half_yearly": PeriodKind.HALF, "annual": PeriodKind.YEAR}


def reporting_periods_get(*, organisation: Organisation) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(organisation=organisation).select_related(
        "published_by").order_by("-period_end")


def current_reporting_period(*, organisation: Organisation) -> ReportingPeriod | None:
    """The open period with the earliest end (the one being collected), else the latest."""
    rps = ReportingPeriod.objects.filter(organisation=organisation)
    return (rps.filter(state=PeriodState.OPEN).order_by("period_end").first()
            or rps.order_by("-period_end").first())


# --- what is due, and how far each KPI has got ------------------------------------------------

NOT_STARTED, IMPORTED = "not_started", "imported"
STATE_LABELS = {
    NOT_STARTED: "Not started",
    SubmissionState.DRAFT.value: "Draft",
    SubmissionState.SUBMITTED.value: "Submitted",
    SubmissionState.RETURNED.value: "Returned",
    SubmissionState.APPROVED.value: "Approved",
    IMPORTED: "Approved (imported)",
}
# GOV.UK tag colours for each state
STATE_TAGS = {
    NOT_STARTED: "govuk-tag--grey",
    SubmissionState.DRAFT.value: "govuk-tag--yellow",
    SubmissionState.SUBMITTED.value: "govuk-tag--blue",
    SubmissionState.RETURNED.value: "govuk-tag--red",
    SubmissionState.APPROVED.value: "govuk-tag--green",
    IMPORTED: "govuk-tag--green",
}
MISSING_STATES = frozenset({NOT_STARTED, SubmissionState.DRAFT.value,
                            SubmissionState.RETURNED.value})


@dataclass(frozen=True)
class DueItem:
    """A KPI whose figure for ``period`` is due in a reporting cycle, and how far it got."""

    kpi: Kpi
    period: Period  # the figure's period (the month, or the quarter that ends...)
    submission: Submission | None
    has_value: bool  # a figure is stored for the KPI itself (entered, or imported)

    @property
    def state(self) -> str:
        if self.submission is not None:
            return self.submission.state
        return IMPORTED if self.has_value else NOT_STARTED

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def state_tag(self) -> str:
        return STATE_TAGS[self.state]

    @property
    def missing(self) -> bool:
        """No figure the owner has finished with: not started, a draft, or returned."""
        return self.state in MISSING_STATES


def due_items(*, organisation: Organisation, reporting: Period,
              include: Callable[[Kpi], bool] | None = None) -> list[DueItem]:
    """Every KPI (that ``include`` accepts) whose figure is due in ``reporting``'s cycle:
    the KPI is taken from the KPI set of the figure's year (a March figure reported in
    arrears in May belongs to the earlier year's set)."""
    years = [reporting.year.previous().label, reporting.year.label]
    kpis = Kpi.objects.filter(kpi_set__organisation=organisation,
                              kpi_set__year__in=years).select_related(
        "kpi_set").order_by("kpi_set__year", "order", "ref")
    due: list[tuple[Kpi, Period]] = []
    for kpi in kpis:
        period = due_period(frequency=kpi.frequency, arrears_months=kpi.arrears_months,
                            reporting=reporting)
        if period is None or period.year.label != kpi.kpi_set.year:
            continue
        if include is not None and not include(kpi):
            continue
        due.append((kpi, period))
    keys = {p.key for _, p in due}
    ids = [k.pk for k, _ in due]
    subs = {(s.kpi_id, s.period): s for s in Submission.objects.filter(
        kpi_id__in=ids, period__in=keys).select_related("updated_by", "submitted_by")}
    stored = set(PeriodValue.objects.filter(kpi_id__in=ids, period__in=keys, sub_measure="")
                 .values_list("kpi_id", "period"))
    return [DueItem(k, p, subs.get((k.pk, p.key)), (k.pk, p.key) in stored) for k, p in due]


def state_counts(items: list[DueItem]) -> dict[str, int]:
    """How many items are in each state, in STATE_LABELS' order (imported counts as
    approved)."""
    counts = dict.fromkeys((s for s in STATE_LABELS if s != IMPORTED), 0)
    for item in items:
        state = SubmissionState.APPROVED.value if item.state == IMPORTED else item.state
        counts[state] += 1
    return counts


def reporting_period_get(*, organisation: Organisation, period: Period,
                         ) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(organisation=organisation, period=period.key).first()


def owners_by_kpi(*, organisation: Organisation, kpis: Iterable[Kpi]) -> dict[int, list[str]]:
    """The names of the data owners whose scope covers each KPI (by its team or service)."""
    owners: list[tuple[str, frozenset[str]]] = []
    aliases = unit_names(organisation)  # a scope covers its service under every name
    for m in Membership.objects.filter(organisation=organisation,
                                       role=Role.DATA_OWNER).select_related("user"):
        if m.user.is_active:
            owners.append((m.user.get_full_name() or m.user.get_username(),
                           frozenset(n for s in m.scope if norm(s)
                                     for n in aliases.get(norm(s), {norm(s)}))))
    out: dict[int, list[str]] = {}
    for kpi in kpis:
        names = {n for n in (norm(kpi.team), norm(kpi.department)) if n}
        out[kpi.pk] = sorted({who for who, scope in owners if scope & names})
    return out


def self_approval_refusal(*, submission: Submission, user: object) -> str:
    """Why ``user`` may not approve ``submission`` — they submitted it, and their organisation
    keeps submitting and approving apart (``Organisation.separation_of_duties``, on unless
    turned off) — or ``""`` when nothing stands in the way."""
    kpi = submission.kpi
    if not kpi.kpi_set.organisation.separation_of_duties:
        return ""
    if not getattr(user, "is_authenticated", False) or submission.submitted_by_id is None \
            or submission.submitted_by_id != getattr(user, "pk", None):
        return ""
    who = submission.submitted_by
    name = (who.get_full_name() or who.get_username()) if who is not None else "you"
    return (f"{kpi.ref} {Period.parse(submission.period).label} was submitted by {name} "
            "(you): another approver or the performance team must approve it, because nobody "
            "approves figures they submitted themselves. You can still return it.")
