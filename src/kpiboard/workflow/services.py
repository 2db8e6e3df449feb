"""Writes for the reporting cycle: entering figures, sign-off, publishing and closing periods.

Every function takes keyword arguments only, checks the caller's access itself, runs in one
transaction and writes an audit event. A save carries the ``version`` of the submission the
form was opened at: if somebody else saved in between, the save is refused with
:class:`EditConflict` and nothing is written — never a lost update.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from kpiboard.accounts.access import Access
from kpiboard.audit.models import Action, audit_record
from kpiboard.data.models import Commentary, PeriodValue, ValueRevision
from kpiboard.data.services import sanitise
from kpiboard.engine.numbers import LARGEST, WIDE
from kpiboard.engine.periods import Period, PeriodKind
from kpiboard.engine.types import Unit, ValueState
from kpiboard.engine.values import ValueParseError, format_value, parse_value, to_decimal
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.workflow.bounds import figure_problem
from kpiboard.workflow.models import PeriodState, ReportingPeriod, Submission, SubmissionState
from kpiboard.workflow.selectors import published_through, self_approval_refusal


class WorkflowError(Exception):
    """A refused action, with a message to show the person as it is."""


class NotAllowed(WorkflowError):
    pass


class PeriodLocked(WorkflowError):
    pass


class EditConflict(WorkflowError):
    pass


@dataclass(frozen=True)
class Problem:
    field: str  # the form field's name, for the error summary's link
    message: str


class EntryInvalid(WorkflowError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Figure:
    """One figure as typed into the form: a value, or a numerator and denominator, or
    missing with a reason. ``prefix`` names its form fields (``value``, ``sub-0-value``)."""

    sub_measure: str = ""
    text: str = ""
    numerator: str = ""
    denominator: str = ""
    missing_reason: str = ""
    prefix: str = ""

    def field(self, name: str) -> str:
        return f"{self.prefix}{name}"


@dataclass
class _Parsed:
    text: str
    state: str
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass
class SaveResult:
    submission: Submission
    changed: list[str] = field(default_factory=list)  # what changed, in words


def _closed_through(organisation: Organisation) -> date | None:
    end: date | None = ReportingPeriod.objects.filter(
        organisation=organisation, state=PeriodState.CLOSED).aggregate(
        end=Max("period_end"))["end"]
    return end


def lock_state(*, organisation: Organisation, period: Period) -> str:
    """``open``, ``published`` (officers may revise, with a reason) or ``closed``."""
    closed = _closed_through(organisation)
    if closed is not None and period.end <= closed:
        return PeriodState.CLOSED
    published = published_through(organisation=organisation)
    if published is not None and period.end <= published:
        return PeriodState.PUBLISHED
    return PeriodState.OPEN


def figure_lock(*, kpi: Kpi, period: Period) -> str:
    """The lock on ``kpi``'s figure for ``period``: the period's own (``lock_state``), except
    that a figure reported in arrears stays open while the reporting period it is due in is
    open — February's figure of a KPI a month in arrears is entered in March's cycle, after
    February was published."""
    org = kpi.kpi_set.organisation
    lock = lock_state(organisation=org, period=period)
    if lock == PeriodState.PUBLISHED and kpi.arrears_months and \
            period.kind is PeriodKind.MONTH:
        due_in = period.shift_months(kpi.arrears_months)
        if lock_state(organisation=org, period=due_in) == PeriodState.OPEN:
            return PeriodState.OPEN
    return lock


def _parse(kpi: Kpi, f: Figure) -> tuple[_Parsed | None, list[Problem]]:
    unit = Unit(kpi.unit)
    what = f"{kpi.ref}{' ' + f.sub_measure if f.sub_measure else ''}"
    given = [bool(f.text.strip()), bool(f.numerator.strip() or f.denominator.strip()),
             bool(f.missing_reason.strip())]
    if sum(given) == 0:
        return None, []
    if sum(given) > 1:
        return None, [Problem(f.field("value"), f"Enter a value, or a numerator and "
                              f"denominator, or a reason the value is missing for {what} "
                              f"– not more than one")]
    if given[2]:
        reason = f.missing_reason.strip()
        return _Parsed(f"Data unavailable: {reason}", ValueState.MISSING.value), []
    if given[1]:
        return _parse_ratio(unit, f, what)
    try:
        parsed = parse_value(f.text.strip(), unit=unit)
    except ValueParseError as e:
        return None, [Problem(f.field("value"), f"Enter the value for {what} as a number, "
                              f"such as 85.5% or 1,234 – {e}")]
    for part, number in (("value", parsed.value), ("numerator", parsed.numerator),
                         ("denominator", parsed.denominator)):
        if (message := figure_problem(ref=kpi.ref, unit=kpi.unit, what=what, part=part,
                                      negatives_allowed=kpi.negatives_allowed,
                                      number=number)):
            return None, [Problem(f.field("value"), message)]
    return _Parsed(parsed.text, parsed.state.value, parsed.value, parsed.numerator,
                   parsed.denominator), []


def _parse_ratio(unit: Unit, f: Figure, what: str) -> tuple[_Parsed | None, list[Problem]]:
    problems, terms = [], {}
    for name, text in (("numerator", f.numerator), ("denominator", f.denominator)):
        try:
            terms[name] = to_decimal(text.strip())
        except (ValueParseError, InvalidOperation):
            problems.append(Problem(f.field(name), f"Enter the {name} for {what} as a "
                                    "whole number or decimal, such as 120"))
        if name in terms and (message := figure_problem(
                ref="", unit="number", negatives_allowed=True, what=what, part=name,
                number=terms[name])):
            problems.append(Problem(f.field(name), message))
    if problems:
        return None, problems
    num, den = terms["numerator"], terms["denominator"]
    if den <= 0:
        return None, [Problem(f.field("denominator"), f"The denominator for {what} must be "
                              "more than 0")]
    if num < 0:
        return None, [Problem(f.field("numerator"), f"The numerator for {what} must be 0 "
                              "or more")]
    if unit is Unit.PERCENT and num > den:
        return None, [Problem(f.field("numerator"), f"The numerator for {what} cannot be more "
                              f"than the denominator ({format_value(den, unit=None)}) for a "
                              "percentage")]
    scale = Decimal(100) if unit is Unit.PERCENT else Decimal(1)
    value = WIDE.divide(WIDE.multiply(num, scale), den)
    if value.copy_abs() < LARGEST:
        value = value.quantize(Decimal("0.0000000001"), context=WIDE)
    if (message := figure_problem(ref="", unit="number", negatives_allowed=True, what=what,
                                  part="value", number=value)):
        return None, [Problem(f.field("numerator"), f"{message} (the numerator divided by "
                              "the denominator)")]
    text = f"{format_value(value.normalize(), unit=unit, decimals=2)} " \
           f"({format_value(num, unit=None)} out of {format_value(den, unit=None)})"
    return _Parsed(text, ValueState.VALUE.value, value, num, den), []


def _same(pv: PeriodValue, p: _Parsed) -> bool:
    return (pv.text == p.text and pv.state == p.state and pv.value == p.value
            and pv.numerator == p.numerator and pv.denominator == p.denominator)


@transaction.atomic
def entry_save(*, access: Access, kpi: Kpi, period: Period, version: int,
               figures: list[Figure], commentary: str, submit: bool = False,
               reason: str = "") -> SaveResult:
    """Save a KPI's figures and commentary for ``period`` (and submit them for approval
    when ``submit``). ``version`` is the submission's version when the form was opened (0 if
    there was none). In a published period only the performance team may revise, and must
    give a reason; a closed period cannot be changed."""
    org = kpi.kpi_set.organisation
    user = access.user
    if not access.can_enter(kpi):
        raise NotAllowed(f"You cannot enter figures for {kpi.ref}: it is not one of your KPIs")
    if period.year.label != kpi.kpi_set.year:
        raise WorkflowError(f"{period.label} is not in {kpi.ref}'s year ({kpi.kpi_set.year})")
    codes = {""} | set(kpi.sub_measures.values_list("code", flat=True))
    unknown = sorted({f.sub_measure for f in figures} - codes)
    if unknown:
        raise WorkflowError(f"{kpi.ref} has no sub-measure {', '.join(unknown)}")
    lock = figure_lock(kpi=kpi, period=period)
    if lock == PeriodState.CLOSED:
        raise PeriodLocked(f"{period.label} is closed: its figures can no longer be changed")
    revising = lock == PeriodState.PUBLISHED
    if revising and not access.can("revise_published"):
        raise PeriodLocked(f"{period.label} has been published: ask the performance team to "
                           "revise a published figure")
    problems: list[Problem] = []
    parsed: dict[str, _Parsed | None] = {}
    for f in figures:
        p, errs = _parse(kpi, f)
        problems += errs
        parsed[f.sub_measure] = p
    if revising and not reason.strip():
        problems.append(Problem("reason", "Enter the reason for revising a published figure"))
    if (submit and not revising and not problems and all(p is None for p in parsed.values())
            and not PeriodValue.objects.filter(kpi=kpi, period=period.key).exists()):
        problems.append(Problem(figures[0].field("value") if figures else "value",
                                f"Enter a value for {kpi.ref}, or say why it is missing, "
                                "before you submit it"))
    if problems:
        raise EntryInvalid(problems)

    sub = _claim(kpi, period, version, user)
    now = timezone.now()
    result = SaveResult(sub)
    for f in figures:
        p = parsed[f.sub_measure]
        if p is not None:
            _store_figure(kpi, period, f.sub_measure, p, user, now, revising, reason, result)
    html = sanitise(commentary) if commentary.strip() else ""
    _store_commentary(kpi, period, html, user, result)
    if revising and sub.state == SubmissionState.SUBMITTED and \
            self_approval_refusal(submission=sub, user=user):
        pass  # the reviser's own submission, still waiting: it waits for somebody else
    elif revising:
        sub.state = SubmissionState.APPROVED
        sub.decided_at, sub.decided_by = now, _person(user)
    elif submit:
        sub.state = SubmissionState.SUBMITTED
        sub.submitted_at, sub.submitted_by = now, _person(user)
        sub.comment = ""
    elif sub.state != SubmissionState.RETURNED:
        sub.state = SubmissionState.DRAFT
    sub.updated_by = _person(user)
    sub.save()
    if revising:  # a published figure changed: the public's report files are rebuilt
        _report_files_later(org)
    if submit and not revising:
        audit_record(organisation=org, action=Action.SUBMITTED, user=user, kpi=kpi,
                     period=period.key, summary=f"{kpi.ref} {period.label} submitted for "
                                                "approval")
    return result


def _report_files_later(organisation: Organisation, period: str | None = None) -> None:
    """After this transaction commits, the public's PDF, Word and Excel files that it may
    have changed are (re)built in the background (kpiboard.reportfiles)."""
    from kpiboard.reportfiles.services import files_refresh_later

    files_refresh_later(organisation=organisation, period=period)


def _person(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _claim(kpi: Kpi, period: Period, version: int, user: Any) -> Submission:
    """The submission, its version moved on by one — or EditConflict if it moved since the
    form was opened."""
    sub = Submission.objects.filter(kpi=kpi, period=period.key).first()
    if sub is None:
        if version:
            raise EditConflict(f"The figures for {kpi.ref} {period.label} were changed by "
                               "somebody else after you opened the page. Your changes have "
                               "not been saved: reload the page and enter them again.")
        try:
            with transaction.atomic():
                return Submission.objects.create(kpi=kpi, period=period.key, version=1,
                                                 updated_by=_person(user))
        except IntegrityError:
            sub = Submission.objects.get(kpi=kpi, period=period.key)
            _conflict(kpi, period, sub)
    if sub.version != version or not Submission.objects.filter(
            pk=sub.pk, version=version).update(version=version + 1):
        sub.refresh_from_db()
        _conflict(kpi, period, sub)
    sub.version = version + 1
    return sub


def _conflict(kpi: Kpi, period: Period, sub: Submission) -> None:
    who = sub.updated_by.get_full_name() or sub.updated_by.get_username() \
        if sub.updated_by else "somebody else"
    when = timezone.localtime(sub.updated_at).strftime("%H:%M on %d %B %Y")
    raise EditConflict(f"{who} saved the figures for {kpi.ref} {period.label} at {when}, "
                       "after you opened the page. Your changes have not been saved: check "
                       "their figures below and make your changes again.")


def _store_figure(kpi: Kpi, period: Period, sub_measure: str, p: _Parsed, user: Any,
                  now: Any, revising: bool, reason: str, result: SaveResult) -> None:
    pv = PeriodValue.objects.filter(kpi=kpi, sub_measure=sub_measure, period=period.key).first()
    label = f"{kpi.ref}{'/' + sub_measure if sub_measure else ''} {period.label}"
    why = reason.strip() or ("entered on the web" if pv is None else "changed on the web")
    if pv is None:
        pv = PeriodValue.objects.create(
            kpi=kpi, sub_measure=sub_measure, period=period.key, period_start=period.start,
            period_end=period.end, text=p.text, value=p.value, numerator=p.numerator,
            denominator=p.denominator, state=p.state, revision=1, baseline_revision=1,
            updated_by=_person(user))
        ValueRevision.objects.create(
            period_value=pv, revision=1, new_text=p.text, new_value=p.value,
            new_numerator=p.numerator, new_denominator=p.denominator, new_state=p.state,
            changed_at=now, changed_by=_person(user), reason=why, source="web")
        result.changed.append(f"{label}: {p.text}")
    elif not _same(pv, p):
        old_text = pv.text
        ValueRevision.objects.create(
            period_value=pv, revision=pv.revision + 1, old_text=pv.text, old_value=pv.value,
            old_numerator=pv.numerator, old_denominator=pv.denominator, old_state=pv.state,
            new_text=p.text, new_value=p.value, new_numerator=p.numerator,
            new_denominator=p.denominator, new_state=p.state, changed_at=now,
            changed_by=_person(user), reason=why, source="web")
        pv.text, pv.state, pv.value = p.text, p.state, p.value
        pv.numerator, pv.denominator = p.numerator, p.denominator
        pv.revision += 1
        if not revising:
            pv.baseline_revision = pv.revision  # not yet official: not a "revision"
        pv.updated_by = _person(user)
        pv.save()
        result.changed.append(f"{label}: {old_text} → {p.text}")
    else:
        return
    audit_record(organisation=kpi.kpi_set.organisation,
                 action=Action.REVISED if revising else Action.VALUE_SAVED, user=user, kpi=kpi,
                 period=period.key, summary=result.changed[-1] + (
                     f" (reason: {reason.strip()})" if revising else ""),
                 detail={"sub_measure": sub_measure, "text": p.text, "revision": pv.revision})


def _store_commentary(kpi: Kpi, period: Period, html: str, user: Any,
                      result: SaveResult) -> None:
    c = Commentary.objects.filter(kpi=kpi, sub_measure="", period=period.key).first()
    if c is None and not html:
        return
    if c is not None and c.html == html:
        return
    if c is None:
        Commentary.objects.create(kpi=kpi, period=period.key, html=html, author=_person(user))
    elif not html:
        c.delete()
    else:
        c.html, c.author = html, _person(user)
        c.save()
    result.changed.append(f"{kpi.ref} {period.label}: commentary")
    audit_record(organisation=kpi.kpi_set.organisation, action=Action.COMMENTARY_SAVED,
                 user=user, kpi=kpi, period=period.key,
                 summary=f"{kpi.ref} {period.label}: commentary "
                         f"{'removed' if not html else 'saved'}", detail={"html": html})


@transaction.atomic
def submission_decide(*, access: Access, kpi: Kpi, period: Period, version: int,
                      approve: bool, comment: str = "") -> Submission:
    """Approve a submitted KPI, or return it to its owner with a comment. Nobody approves
    what they submitted (unless their organisation turned separation of duties off)."""
    if not access.can_approve(kpi):
        raise NotAllowed(f"You cannot approve {kpi.ref}: it is not in a directorate you "
                         "approve for")
    if lock_state(organisation=kpi.kpi_set.organisation, period=period) == PeriodState.CLOSED:
        raise PeriodLocked(f"{period.label} is closed: its figures can no longer be approved "
                           "or returned")
    sub = Submission.objects.filter(kpi=kpi, period=period.key).first()
    if sub is None or sub.state != SubmissionState.SUBMITTED:
        raise WorkflowError(f"{kpi.ref} {period.label} is not waiting for approval")
    # Separation of duties: approving your own submission is refused; returning it (taking it
    # back to correct) is not, as it approves nothing.
    if approve and (refusal := self_approval_refusal(submission=sub, user=access.user)):
        raise NotAllowed(refusal)
    if not approve and not comment.strip():
        raise EntryInvalid([Problem("comment", "Enter a comment saying what the data owner "
                                               "needs to change")])
    if not Submission.objects.filter(pk=sub.pk, version=version).update(version=version + 1):
        sub.refresh_from_db()
        _conflict(kpi, period, sub)
    now = timezone.now()
    sub.version = version + 1
    sub.state = SubmissionState.APPROVED if approve else SubmissionState.RETURNED
    sub.decided_at, sub.decided_by = now, _person(access.user)
    sub.updated_by = _person(access.user)
    sub.comment = "" if approve else comment.strip()
    sub.save()
    if approve and lock_state(organisation=kpi.kpi_set.organisation,
                              period=period) == PeriodState.PUBLISHED:
        _report_files_later(kpi.kpi_set.organisation)  # now public: files rebuilt
    if approve:  # the approved figures are the official ones from now on
        for pv in PeriodValue.objects.filter(kpi=kpi, period=period.key):
            if pv.baseline_revision != pv.revision and figure_lock(
                    kpi=kpi, period=period) == PeriodState.OPEN:
                pv.baseline_revision = pv.revision
                pv.save(update_fields=["baseline_revision"])
    audit_record(organisation=kpi.kpi_set.organisation,
                 action=Action.APPROVED if approve else Action.RETURNED, user=access.user,
                 kpi=kpi, period=period.key,
                 summary=f"{kpi.ref} {period.label} " + (
                     "approved" if approve else f"returned: {comment.strip()}"))
    return sub


@transaction.atomic
def period_open(*, access: Access, organisation: Organisation, period: Period,
                deadline: date) -> ReportingPeriod:
    """Start a reporting period (or change its deadline)."""
    if not access.can("publish"):
        raise NotAllowed("Only the performance team can open a reporting period")
    rp = ReportingPeriod.objects.filter(organisation=organisation, period=period.key).first()
    if rp is None:
        through = published_through(organisation=organisation)
        if through is not None and period.end <= through:
            raise WorkflowError(f"{period.label} has already been published: figures up to "
                                f"{through:%d %B %Y} are public. Revise a published figure "
                                "on its page instead")
        rp = ReportingPeriod.objects.create(organisation=organisation, period=period.key,
                                            period_end=period.end, deadline=deadline)
    else:
        if rp.deadline == deadline:
            return rp
        rp.deadline = deadline
        rp.save(update_fields=["deadline"])
    audit_record(organisation=organisation, action=Action.PERIOD_OPENED, user=access.user,
                 period=period.key, summary=f"{period.label} opened, values due by "
                                            f"{deadline:%d %B %Y}")
    return rp


@transaction.atomic
def period_publish(*, access: Access, organisation: Organisation, period: Period) -> int:
    """Publish a period: the public sees its approved figures (and those of every earlier
    period) from now on. Returns how many KPIs' figures are still waiting for approval and so
    stay unpublished until approved."""
    if not access.can("publish"):
        raise NotAllowed("Only the performance team can publish a period")
    rp = ReportingPeriod.objects.select_for_update().filter(
        organisation=organisation, period=period.key).first()
    if rp is None:
        rp = ReportingPeriod.objects.create(organisation=organisation, period=period.key,
                                            period_end=period.end, deadline=period.end)
    if rp.state == PeriodState.CLOSED:
        raise PeriodLocked(f"{period.label} is closed")
    if rp.state == PeriodState.PUBLISHED:
        raise WorkflowError(f"{period.label} has already been published")
    now = timezone.now()
    # Publishing a period publishes every earlier one still open (the public sees every
    # period up to the latest published), so the periods' states say what the public sees.
    earlier = list(ReportingPeriod.objects.select_for_update().filter(
        organisation=organisation, state=PeriodState.OPEN, period_end__lt=rp.period_end))
    for e in [*earlier, rp]:
        e.state = PeriodState.PUBLISHED
        e.published_at, e.published_by = now, _person(access.user)
        e.save()
    waiting = Submission.objects.filter(
        kpi__kpi_set__organisation=organisation, period__in=_periods_ending_by(period),
    ).exclude(state=SubmissionState.APPROVED).count()
    _report_files_later(organisation, period.key)
    audit_record(organisation=organisation, action=Action.PUBLISHED, user=access.user,
                 period=period.key, summary=f"{period.label} published" + (
                     f" (with {', '.join(e.period for e in earlier)})" if earlier else "") + (
                     f"; {waiting} KPI(s) still waiting for approval stay unpublished"
                     if waiting else ""))
    return waiting


def _periods_ending_by(period: Period) -> list[str]:
    """The keys of the year's months, quarters and the year itself that end by ``period``."""
    year = period.year
    keys = [p.key for p in (*year.months(), *year.quarters(), Period.full_year(year))
            if p.end <= period.end]
    return keys


@transaction.atomic
def period_close(*, access: Access, organisation: Organisation, period: Period,
                 reopen: bool = False) -> ReportingPeriod:
    """Close a published period (nobody can change its figures), or reopen a closed one
    (administrators only)."""
    rp = ReportingPeriod.objects.select_for_update().filter(
        organisation=organisation, period=period.key).first()
    if rp is None:
        raise WorkflowError(f"{period.label} has not been opened")
    if reopen:
        if not access.can("admin"):
            raise NotAllowed("Only an administrator can reopen a closed period")
        if rp.state != PeriodState.CLOSED:
            raise WorkflowError(f"{period.label} is not closed")
        later = ReportingPeriod.objects.filter(organisation=organisation,
                                               state=PeriodState.CLOSED,
                                               period_end__gt=rp.period_end)
        if later.exists():  # a closed later period locks every earlier one
            names = ", ".join(Period.parse(p).label for p in
                              later.order_by("-period_end").values_list("period", flat=True))
            raise WorkflowError(f"Reopen {names} first: {period.label} stays locked while a "
                                "later period is closed")
        rp.state, rp.closed_at = PeriodState.PUBLISHED, None
        rp.save()
        action, words = Action.REOPENED, "reopened"
    else:
        if not access.can("publish"):
            raise NotAllowed("Only the performance team can close a period")
        if rp.state != PeriodState.PUBLISHED:
            raise WorkflowError(f"{period.label} must be published before it is closed")
        now = timezone.now()
        # Closing a period locks every earlier one too (see lock_state): say so in their states.
        earlier = list(ReportingPeriod.objects.select_for_update().filter(
            organisation=organisation, period_end__lt=rp.period_end).exclude(
            state=PeriodState.CLOSED))
        for e in [*earlier, rp]:
            e.state, e.closed_at = PeriodState.CLOSED, now
            e.save()
        action, words = Action.CLOSED, "closed" + (
            f" (with {', '.join(e.period for e in earlier)})" if earlier else "")
    audit_record(organisation=organisation, action=action, user=access.user, period=period.key,
                 summary=f"{period.label} {words}")
    return rp
