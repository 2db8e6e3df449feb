"""Writing period data: values with revisions, commentary, overrides. All or nothing.

``values_import`` stores values in bulk. It first checks every value (its KPI, and that no
KPI, sub-measure and period is given twice: the last one given counts), then, when some of the
values may already be stored, finds which are unchanged, which changed (each gets a new
revision) and which are new; new values and their first revisions are inserted in bulk.
On PostgreSQL the values are copied once into a temporary table and the comparing and
inserting is done there (``_store_staged``); elsewhere (SQLite) in rounds of ``BATCH`` values
in Python (``_store_rounds``). Both give the same result.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

import nh3
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from kpiboard.data.bulk import copying, insert_rows, is_postgresql, update_rows
from kpiboard.data.guard import values_checked
from kpiboard.data.models import Commentary, PeriodValue, StatusOverride, ValueRevision
from kpiboard.data.published import published_store
from kpiboard.engine.periods import Period
from kpiboard.engine.types import ValueState
from kpiboard.imports.tabular import paused_gc
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.kpis.services import DryRun

BATCH = 5000  # values per round in Python (and commentaries per query)
STAGE_BATCH = 20_000  # new values inserted per statement on PostgreSQL (a progress step)
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "h3", "h4",
                "table", "thead", "tbody", "tr", "th", "td", "span"}


class UnknownKpi(ValueError):
    pass


class ValueInput(NamedTuple):
    """One value to store, as an importer or a form gives it. (A named tuple: a million of
    them are built for a big import, several times faster than a frozen dataclass.)"""

    ref: str
    period: Period
    text: str
    value: Decimal | None
    state: ValueState
    sub_measure: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    commentary: str = ""


class ValueLike(Protocol):
    """What ``values_import`` reads of each value: a ``ValueInput``, or anything with the same
    attributes (such as an imported ``ValueRecord``)."""

    @property
    def ref(self) -> str: ...
    @property
    def period(self) -> Period: ...
    @property
    def text(self) -> str: ...
    @property
    def value(self) -> Decimal | None: ...
    @property
    def state(self) -> ValueState: ...
    @property
    def sub_measure(self) -> str: ...
    @property
    def numerator(self) -> Decimal | None: ...
    @property
    def denominator(self) -> Decimal | None: ...
    @property
    def commentary(self) -> str: ...


@dataclass
class ImportReport:
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    commentary_written: int = 0
    published_written: int = 0  # published years to date stored or changed
    dry_run: bool = False
    revisions: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        ytd = (f" {self.published_written} published years to date {verb} stored."
               if self.published_written else "")
        return (f"{self.created} new values, {self.revised} revised (a new revision each, the "
                f"old figure kept), {self.unchanged} unchanged; {self.commentary_written} "
                f"commentaries {verb} written.{ytd}" if not self.dry_run else
                f"Dry run: {self.created} new values, {self.revised} revisions and "
                f"{self.unchanged} unchanged; {self.commentary_written} commentaries would "
                f"be written.{ytd} Nothing was saved.")


def sanitise(html: str) -> str:
    """Commentary as safe HTML: plain text becomes paragraphs; scripts and styles go."""
    text = html.strip()
    if text and "<" not in text:
        text = "".join(f"<p>{p.strip()}</p>" for p in text.split("\n\n") if p.strip())
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes={"a": {"href"}})


def _kpi_index(organisation: Organisation, years: set[str]) -> dict[tuple[str, str], int]:
    rows = Kpi.objects.filter(kpi_set__organisation=organisation,
                              kpi_set__year__in=years).values_list("kpi_set__year", "ref", "pk")
    return {(y, ref): pk for y, ref, pk in rows}


def values_import(
    *,
    organisation: Organisation,
    values: Sequence[ValueLike],
    source: str,
    user: AbstractBaseUser | None = None,
    reason: str = "",
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    read_checked: bool = False,
) -> ImportReport:
    """Store ``values``: new ones are created, changed ones get a new revision (the old figure
    is kept), identical ones are left alone. Everything is saved, or (on any error, or for a
    dry run) nothing is. ``progress`` is called with a number of values as they are done; the
    numbers add up to ``len(values)``. A number that cannot be stored (beyond the bounded
    number type, ``kpiboard.engine.numbers``) raises ``NumberBoundsError`` first: the readers
    refuse it at its cell; this is the backstop for every other source. ``read_checked`` says
    that ``values`` come straight from ``read_period_data``, which checked every number at its
    cell: the backstop is then skipped (it costs about 0.8 s a million values)."""
    if not read_checked:
        values_checked(values)
    report = ImportReport(dry_run=dry_run)
    with paused_gc():  # a million values, all kept: collecting would only slow this down
        try:
            with transaction.atomic():
                _store(organisation, values, source, user, reason, report, progress)
                report.published_written = published_store(organisation, values, source)
                if dry_run:
                    raise DryRun
                if report.created or report.revised or report.commentary_written or \
                        report.published_written:  # published reports' files rebuilt
                    from kpiboard.reportfiles.services import files_refresh_later

                    files_refresh_later(organisation=organisation)
        except DryRun:
            pass
    return report


# -- the plan: every value checked, and where it goes ------------------------------------------

_Row = Callable[[Sequence[Any]], None]
_PeriodRow = tuple[str, str, date, date]  # key, label, first and last day


@dataclass
class _Plan:
    """The values to store, checked: which values are stored (the last of each key; None: all
    of them), each period's key, label, first and last day, the KPIs' ids, and (for storing in
    rounds) each value's KPI id and period number, by its position."""

    periods: list[_PeriodRow]
    kpi_ids: set[int]
    keep: bytearray | None
    stored: int  # how many values are stored (less than len(values) if some were given twice)
    # the stored values with commentary: position, KPI id, period number
    with_commentary: list[tuple[int, int, int]]
    kpi_of: array[int] = field(default_factory=lambda: array("q"))
    period_of: array[int] = field(default_factory=lambda: array("l"))

    def kept(self, start: int, stop: int) -> list[int]:
        keep = self.keep
        if keep is None:
            return list(range(start, stop))
        return [i for i in range(start, stop) if keep[i]]


class _Year:
    """A year's KPIs by ref (their ids), and by (ref, sub-measure) the KPI id and which periods
    have been given for it (by number), filled in as values come."""

    __slots__ = ("label", "pks", "refs")

    def __init__(self, label: str, pks: dict[str, int]) -> None:
        self.label = label
        self.pks = pks
        self.refs: dict[tuple[str, str], tuple[int, bytearray]] = {}


_Periods = dict[int, tuple[Period, int, _Year, _PeriodRow]]  # by id(period): see _periods


def _plan(values: Sequence[ValueLike], by_period: _Periods, stage: _Row | None = None
          ) -> _Plan:
    """Check that every value's ref is a KPI of its period's year (else ``UnknownKpi``) and
    number the values' keys; a key given twice is stored once, as given last. With ``stage``,
    give it each value as a row of ``_STAGE_COLUMNS`` (all of them, even those given again
    later) in the same pass; without, note each value's KPI id and period number."""
    periods = [row for _n, row in sorted({n: row for _p, n, _y, row in by_period.values()}
                                         .items())]
    plan = _Plan(periods, set(), None, 0, [])
    kpi_of, period_of = plan.kpi_of, plan.period_of
    iso_days = [(p[2].isoformat(), p[3].isoformat()) for p in periods]  # copied as text: quicker
    given: dict[tuple[int, str], bytearray] = {}  # (KPI id, sub-measure) -> periods given
    again = 0  # values whose key was given before
    for i, v in enumerate(values):
        _period, number, year, row = by_period[id(v.period)]
        sub = v.sub_measure
        kpi = year.refs.get((v.ref, sub))
        if kpi is None:
            kpi = _kpi_entry(year, v.ref, sub, given, len(periods))
        kpi_id, seen = kpi
        if seen[number]:
            again += 1
        else:
            seen[number] = 1
        if v.commentary and not v.commentary.isspace():
            plan.with_commentary.append((i, kpi_id, number))
        if stage is not None:
            days = iso_days[number]
            stage((i, kpi_id, sub, row[0], days[0], days[1], v.text, v.value, v.numerator,
                   v.denominator, v.state._value_))
        else:
            kpi_of.append(kpi_id)
            period_of.append(number)
    plan.kpi_ids = {kpi_id for kpi_id, _sub in given}
    plan.stored = len(values) - again
    if again:  # some key is given twice: the last one given is stored
        last = {}
        for i, v in enumerate(values):
            _period, number, year, _row = by_period[id(v.period)]
            last[(year.refs[(v.ref, v.sub_measure)][0], v.sub_measure, number)] = i
        plan.keep = keep = bytearray(len(values))
        for i in last.values():
            keep[i] = 1
        plan.with_commentary = [c for c in plan.with_commentary if keep[c[0]]]
    return plan


def _periods(organisation: Organisation, values: Sequence[ValueLike]) -> _Periods:
    """The values' periods by id (holding each period, so that its id is not reused): the
    period, its number (the same for the same period however given), its year (with the
    year's KPIs, all read in one query) and its row."""
    found: dict[int, Period] = {}
    for v in values:
        found.setdefault(id(v.period), v.period)
    labels = {p.year.label for p in set(found.values())}
    pks: dict[str, dict[str, int]] = {label: {} for label in labels}
    for (label, ref), pk in _kpi_index(organisation, labels).items():
        pks[label][ref] = pk
    years = {label: _Year(label, refs) for label, refs in pks.items()}
    numbers: dict[str, tuple[int, _PeriodRow]] = {}  # period key -> number, row
    entries = {}
    for i, period in found.items():
        key = period.key
        if key not in numbers:
            numbers[key] = (len(numbers), (key, period.label, period.start, period.end))
        number, row = numbers[key]
        entries[i] = (period, number, years[period.year.label], row)
    return entries


def _kpi_entry(year: _Year, ref: str, sub: str, given: dict[tuple[int, str], bytearray],
               periods: int) -> tuple[int, bytearray]:
    """The KPI id of ``ref`` in the year, and which periods have been given for it and ``sub``
    (a flag by period number)."""
    kpi_id = year.pks.get(ref)
    if kpi_id is None:
        raise UnknownKpi(f"{ref} is not a KPI in the {year.label} set")
    seen = given.get((kpi_id, sub))
    if seen is None:
        seen = given[(kpi_id, sub)] = bytearray(periods)
    entry = year.refs[(ref, sub)] = (kpi_id, seen)
    return entry


def _any_stored(kpi_ids: set[int], periods: set[str]) -> bool:
    """Whether any of the KPIs has a value stored for any of the periods."""
    ids = sorted(kpi_ids)
    return any(PeriodValue.objects.filter(kpi_id__in=ids[i:i + BATCH], period__in=periods)
               .exists() for i in range(0, len(ids), BATCH))


def _store(organisation: Organisation, values: Sequence[ValueLike], source: str,
           user: AbstractBaseUser | None, reason: str, report: ImportReport,
           progress: Callable[[int], None] | None) -> None:
    if not values:
        return
    now = timezone.now()
    user_id = getattr(user, "pk", None)
    if is_postgresql() and STAGED:
        plan = _store_staged(organisation, values, now, user_id, reason, source, report,
                             progress)
    else:
        plan = _plan(values, _periods(organisation, values))
        _store_rounds(values, plan, now, user_id, reason, source, report, progress)
    _store_commentary(values, plan, user_id, report)


STAGED = True  # on PostgreSQL, compare and insert in the database (False: as elsewhere)
_Progress = Callable[[int], None] | None


# -- PostgreSQL: copy everything once, then compare and insert in the database -------------------

_STAGE = "kpiboard_import_values"
_STAGE_COLUMNS = ("seq", "kpi_id", "sub_measure", "period", "period_start", "period_end",
                  "text", "value", "numerator", "denominator", "state")
_SAME_KEY = "p.kpi_id = s.kpi_id AND p.sub_measure = s.sub_measure AND p.period = s.period"
_SAME_VALUE = ("p.text = s.text AND p.state = s.state AND p.value IS NOT DISTINCT FROM s.value "
               "AND p.numerator IS NOT DISTINCT FROM s.numerator "
               "AND p.denominator IS NOT DISTINCT FROM s.denominator")


def _store_staged(organisation: Organisation, values: Sequence[ValueLike], now: datetime,
                  user_id: int | None, reason: str, source: str, report: ImportReport,
                  progress: _Progress) -> _Plan:
    """Copy the values into a temporary table (in the pass that checks them); if some may be
    stored already, delete the unchanged ones from it, and take out the changed ones to
    revise; insert the rest, and their first revisions, ``STAGE_BATCH`` at a time."""
    quote = connection.ops.quote_name
    pv, rev = quote(PeriodValue._meta.db_table), quote(ValueRevision._meta.db_table)
    stage = quote(_STAGE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} (seq integer NOT NULL, kpi_id bigint NOT NULL, "
            "sub_measure text NOT NULL, period text NOT NULL, period_start date NOT NULL, "
            "period_end date NOT NULL, text text NOT NULL, value numeric, numerator numeric, "
            "denominator numeric, state text NOT NULL) ON COMMIT DROP")
        by_period = _periods(organisation, values)  # no query may run while copying
        with copying(_STAGE, _STAGE_COLUMNS) as write:
            plan = _plan(values, by_period, write)
        if plan.keep is not None:  # some key was given twice: only the last one counts
            keep = plan.keep
            cursor.execute(f"DELETE FROM {stage} WHERE seq = ANY(%s)",
                           [[i for i in range(len(values)) if not keep[i]]])
        new = plan.stored
        if new and _any_stored(plan.kpi_ids, {p[0] for p in plan.periods}):
            cursor.execute(f"ANALYZE {stage}")
            cursor.execute(f"DELETE FROM {stage} AS s USING {pv} AS p "
                           f"WHERE {_SAME_KEY} AND {_SAME_VALUE}")
            report.unchanged += cursor.rowcount
            cursor.execute(f"DELETE FROM {stage} AS s USING {pv} AS p WHERE {_SAME_KEY} "
                           "RETURNING s.seq, p.id, p.revision, p.text, p.value, p.numerator, "
                           "p.denominator, p.state")
            changed = sorted(cursor.fetchall())
            _revise(values, changed, now, user_id, reason, source, report)
            new -= report.unchanged + len(changed)
            connection.check_constraints()
        if progress is not None:
            progress(len(values) - new)
        step = len(values)
        if new > STAGE_BATCH:  # in steps, so that progress can be shown
            step = STAGE_BATCH
            cursor.execute(f"CREATE INDEX ON {stage} (seq)")
            cursor.execute(f"ANALYZE {stage}")
        for start in range(0, len(values), step) if new else ():
            # each new value, and its first revision (from the rows just inserted)
            cursor.execute(
                f"WITH new AS (INSERT INTO {pv} (kpi_id, sub_measure, period, period_start, "
                "period_end, text, value, numerator, denominator, state, revision, updated_at, "
                "updated_by_id) SELECT kpi_id, sub_measure, period, period_start, period_end, "
                "text, value, numerator, denominator, state, 1, %s, %s "
                f"FROM {stage} WHERE seq >= %s AND seq < %s ORDER BY seq "
                "RETURNING id, text, value, numerator, denominator, state) "
                f"INSERT INTO {rev} (period_value_id, revision, old_text, old_state, new_text, "
                "new_value, new_numerator, new_denominator, new_state, changed_at, "
                "changed_by_id, reason, source) SELECT id, 1, '', '', text, value, numerator, "
                "denominator, state, %s, %s, %s, %s FROM new",
                [now, user_id, start, start + step, now, user_id,
                 reason or "first value", source])
            report.created += cursor.rowcount
            connection.check_constraints()  # here, not all at the commit: progress shows it
            if progress is not None:
                progress(cursor.rowcount)
        cursor.execute(f"DROP TABLE {stage}")
    return plan


# -- elsewhere: rounds of BATCH values in Python -------------------------------------------------

_PV_COLUMNS = ("kpi_id", "sub_measure", "period", "period_start", "period_end", "text", "value",
               "numerator", "denominator", "state", "revision", "updated_at", "updated_by_id")
_REV_COLUMNS = ("period_value_id", "revision", "old_text", "old_state", "new_text", "new_value",
                "new_numerator", "new_denominator", "new_state", "changed_at", "changed_by_id",
                "reason", "source")


def _store_rounds(values: Sequence[ValueLike], plan: _Plan, now: datetime, user_id: int | None,
                  reason: str, source: str, report: ImportReport, progress: _Progress) -> None:
    periods, kpi_of, period_of = plan.periods, plan.kpi_of, plan.period_of
    # values may be stored already only if the KPIs have values for these periods: if not,
    # there is nothing to look up
    maybe_stored = bool(plan.stored) and _any_stored(plan.kpi_ids, {p[0] for p in periods})
    for start in range(0, len(values), BATCH):
        stop = min(start + BATCH, len(values))
        positions = plan.kept(start, stop)
        new = positions
        changed: list[tuple[Any, ...]] = []  # see _revise
        if maybe_stored:
            # Plain tuples, not model instances: an import of a million values would otherwise
            # spend most of its time building objects.
            existing = {
                (row[1], row[2], row[3]): row for row in PeriodValue.objects.filter(
                    kpi_id__in={kpi_of[i] for i in positions},
                    period__in={periods[period_of[i]][0] for i in positions},
                ).values_list("pk", "kpi_id", "sub_measure", "period", "text", "value",
                              "numerator", "denominator", "state", "revision")
            }
            new = []
            for i in positions:
                v = values[i]
                old = existing.get((kpi_of[i], v.sub_measure, periods[period_of[i]][0]))
                if old is None:
                    new.append(i)
                elif _differs(old, v):
                    changed.append((i, *old[:1], old[9], *old[4:9]))
                else:
                    report.unchanged += 1
        report.created += _insert_new(values, plan, new, now, user_id, reason or "first value",
                                      source)
        _revise(values, changed, now, user_id, reason, source, report)
        if progress is not None:
            progress(stop - start)


def _insert_new(values: Sequence[ValueLike], plan: _Plan, new: list[int], now: datetime,
                user_id: int | None, reason: str, source: str) -> int:
    """Insert new values and their first revisions with the fast bulk path."""
    if not new:
        return 0
    periods, kpi_of, period_of = plan.periods, plan.kpi_of, plan.period_of
    rows = []
    for i in new:
        v = values[i]
        key, _label, first, last = periods[period_of[i]]
        rows.append((kpi_of[i], v.sub_measure, key, first, last, v.text, v.value, v.numerator,
                     v.denominator, v.state.value, 1, now, user_id))
    insert_rows(PeriodValue, _PV_COLUMNS, rows)
    ids = {
        (k, s, p): pk for pk, k, s, p in PeriodValue.objects.filter(
            kpi_id__in={r[0] for r in rows}, period__in={r[2] for r in rows},
            revision=1, updated_at=now).values_list("pk", "kpi_id", "sub_measure", "period")
    }
    insert_rows(ValueRevision, _REV_COLUMNS, (
        (ids[r[0], r[1], r[2]], 1, "", "", r[5], r[6], r[7], r[8], r[9], now, user_id, reason,
         source) for r in rows))
    return len(rows)


def _differs(old: tuple[Any, ...], v: ValueLike) -> bool:
    _pk, _k, _s, _p, text, value, num, den, state, _rev = old
    return (text != v.text or state != v.state.value or _ne(value, v.value)
            or _ne(num, v.numerator) or _ne(den, v.denominator))


def _ne(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is not b
    return a != b


# -- both: changed values, commentary ------------------------------------------------------------

_UPDATE_COLUMNS = ("text", "value", "numerator", "denominator", "state", "revision",
                   "updated_by_id", "updated_at")
_REVISION_COLUMNS = ("period_value_id", "revision", "old_text", "old_value", "old_numerator",
                     "old_denominator", "old_state", "new_text", "new_value", "new_numerator",
                     "new_denominator", "new_state", "changed_at", "changed_by_id", "reason",
                     "source")


def _revise(values: Sequence[ValueLike], changed: list[tuple[Any, ...]], now: datetime,
            user_id: int | None, reason: str, source: str, report: ImportReport) -> None:
    """Give each changed value its new figure and a revision keeping the old one. ``changed``
    holds (position of the value, id, revision, then the stored text, value, numerator,
    denominator and state), in the order of the values."""
    if not changed:
        return
    updates, revisions = [], []
    for i, pk, revision, text, value, num, den, state in changed:
        v = values[i]
        new_state = v.state.value
        updates.append((pk, v.text, v.value, v.numerator, v.denominator, new_state,
                        revision + 1, user_id, now))
        revisions.append((pk, revision + 1, text, value, num, den, state, v.text, v.value,
                          v.numerator, v.denominator, new_state, now, user_id, reason, source))
        report.revisions.append(
            f"{v.ref}{'/' + v.sub_measure if v.sub_measure else ''} {v.period.label}: "
            f"{text!r} → {v.text!r}")
    update_rows(PeriodValue, _UPDATE_COLUMNS, updates)
    insert_rows(ValueRevision, _REVISION_COLUMNS, revisions)
    report.revised += len(changed)


def _store_commentary(values: Sequence[ValueLike], plan: _Plan, user_id: int | None,
                      report: ImportReport) -> None:
    periods, positions = plan.periods, plan.with_commentary
    for start in range(0, len(positions), BATCH):
        keyed = {(kpi_id, values[i].sub_measure, periods[number][0]): values[i]
                 for i, kpi_id, number in positions[start:start + BATCH]}
        report.commentary_written += _commentary(keyed, user_id)


def _commentary(keyed: dict[tuple[int, str, str], ValueLike], user_id: int | None) -> int:
    wanted = {k: sanitise(v.commentary) for k, v in keyed.items() if v.commentary.strip()}
    if not wanted:
        return 0
    existing = {(c.kpi_id, c.sub_measure, c.period): c for c in Commentary.objects.filter(
        kpi_id__in={k[0] for k in wanted}, period__in={k[2] for k in wanted})}
    new, changed = [], []
    for key, html in wanted.items():
        c = existing.get(key)
        if c is None:
            new.append(Commentary(kpi_id=key[0], sub_measure=key[1], period=key[2], html=html,
                                  author_id=user_id))
        elif c.html != html:
            c.html, c.author_id = html, user_id
            changed.append(c)
    Commentary.objects.bulk_create(new, batch_size=BATCH)
    Commentary.objects.bulk_update(changed, ["html", "author"], batch_size=BATCH)
    return len(new) + len(changed)


def override_set(*, kpi: Kpi, period: Period, status: str, reason: str, sub_measure: str = "",
                 user: AbstractBaseUser | None = None) -> StatusOverride:
    """Set a status by hand; the reason is required and the override is always shown."""
    if not reason.strip():
        raise ValueError("an override needs a reason")
    obj, _ = StatusOverride.objects.update_or_create(
        kpi=kpi, sub_measure=sub_measure, period=period.key,
        defaults={"status": status, "reason": reason.strip(), "set_by": user})
    return obj
