"""Writing period data: values with revisions, commentary, overrides. All or nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import nh3
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from kpiboard.data.bulk import insert_rows
from kpiboard.data.models import Commentary, PeriodValue, StatusOverride, ValueRevision
from kpiboard.engine.periods import Period
from kpiboard.engine.types import ValueState
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.kpis.services import DryRun

BATCH = 5000
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "h3", "h4",
                "table", "thead", "tbody", "tr", "th", "td", "span"}


class UnknownKpi(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ValueInput:
    """One value to store, as an importer or a form gives it."""

    ref: str
    period: Period
    text: str
    value: Decimal | None
    state: ValueState
    sub_measure: str = ""
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    commentary: str = ""


@dataclass
class ImportReport:
    created: int = 0
    revised: int = 0
    unchanged: int = 0
    commentary_written: int = 0
    dry_run: bool = False
    revisions: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (f"{self.created} new values, {self.revised} revised (a new revision each, the "
                f"old figure kept), {self.unchanged} unchanged; {self.commentary_written} "
                f"commentaries {verb} written." if not self.dry_run else
                f"Dry run: {self.created} new values, {self.revised} revisions and "
                f"{self.unchanged} unchanged; {self.commentary_written} commentaries would "
                "be written. Nothing was saved.")


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
    values: Sequence[ValueInput],
    source: str,
    user: AbstractBaseUser | None = None,
    reason: str = "",
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Store ``values``: new ones are created, changed ones get a new revision (the old figure
    is kept), identical ones are left alone. Everything is saved, or (on any error, or for a
    dry run) nothing is."""
    report = ImportReport(dry_run=dry_run)
    try:
        with transaction.atomic():
            _store(organisation, values, source, user, reason, report, progress)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return report


def _store(organisation: Organisation, values: Sequence[ValueInput], source: str,
           user: AbstractBaseUser | None, reason: str, report: ImportReport,
           progress: Callable[[int], None] | None) -> None:
    index = _kpi_index(organisation, {v.period.year.label for v in values})
    now = timezone.now()
    user_id = getattr(user, "pk", None)
    for start in range(0, len(values), BATCH):
        chunk = values[start:start + BATCH]
        keyed: dict[tuple[int, str, str], ValueInput] = {}
        for v in chunk:
            kpi_id = index.get((v.period.year.label, v.ref))
            if kpi_id is None:
                raise UnknownKpi(f"{v.ref} is not a KPI in the {v.period.year.label} set")
            keyed[(kpi_id, v.sub_measure, v.period.key)] = v
        # Plain tuples, not model instances: an import of a million values would otherwise
        # spend most of its time building objects.
        existing = {
            (row[1], row[2], row[3]): row for row in PeriodValue.objects.filter(
                kpi_id__in={k[0] for k in keyed}, period__in={k[2] for k in keyed},
            ).values_list("pk", "kpi_id", "sub_measure", "period", "text", "value",
                          "numerator", "denominator", "state", "revision")
        }
        new: list[tuple[tuple[int, str, str], ValueInput]] = []
        changed: list[tuple[PeriodValue, ValueRevision]] = []
        for key, v in keyed.items():
            old = existing.get(key)
            if old is None:
                new.append((key, v))
            elif _differs(old, v):
                pk, _k, _s, _p, text, value, num, den, state, revision = old
                rev = ValueRevision(
                    period_value_id=pk, revision=revision + 1, old_text=text, old_value=value,
                    old_numerator=num, old_denominator=den, old_state=state, new_text=v.text,
                    new_value=v.value, new_numerator=v.numerator,
                    new_denominator=v.denominator, new_state=v.state.value, changed_at=now,
                    changed_by_id=user_id, reason=reason, source=source)
                changed.append((PeriodValue(
                    pk=pk, text=v.text, value=v.value, numerator=v.numerator,
                    denominator=v.denominator, state=v.state.value, revision=revision + 1,
                    updated_by_id=user_id, updated_at=now), rev))
                report.revisions.append(
                    f"{v.ref}{'/' + v.sub_measure if v.sub_measure else ''} {v.period.label}: "
                    f"{text!r} → {v.text!r}")
            else:
                report.unchanged += 1
        created = _insert_new(new, now, user_id, reason or "first value", source)
        if changed:
            PeriodValue.objects.bulk_update(
                [pv for pv, _ in changed],
                ["text", "value", "numerator", "denominator", "state", "revision",
                 "updated_by", "updated_at"], batch_size=BATCH)
            ValueRevision.objects.bulk_create([rev for _, rev in changed], batch_size=BATCH)
        report.created += created
        report.revised += len(changed)
        report.commentary_written += _commentary(keyed, user_id)
        if progress is not None:
            progress(len(chunk))


_PV_COLUMNS = ("kpi_id", "sub_measure", "period", "period_start", "period_end", "text", "value",
               "numerator", "denominator", "state", "revision", "updated_at", "updated_by_id")
_REV_COLUMNS = ("period_value_id", "revision", "old_text", "old_state", "new_text", "new_value",
                "new_numerator", "new_denominator", "new_state", "changed_at", "changed_by_id",
                "reason", "source")


def _insert_new(new: list[tuple[tuple[int, str, str], ValueInput]], now: datetime,
                user_id: int | None, reason: str, source: str) -> int:
    """Insert new values and their first revisions with the fast bulk path."""
    if not new:
        return 0
    insert_rows(PeriodValue, _PV_COLUMNS, (
        (k[0], v.sub_measure, k[2], v.period.start, v.period.end, v.text, v.value, v.numerator,
         v.denominator, v.state.value, 1, now, user_id) for k, v in new))
    ids = {
        (k, s, p): pk for pk, k, s, p in PeriodValue.objects.filter(
            kpi_id__in={k[0] for k, _ in new}, period__in={k[2] for k, _ in new},
            revision=1, updated_at=now).values_list("pk", "kpi_id", "sub_measure", "period")
    }
    insert_rows(ValueRevision, _REV_COLUMNS, (
        (ids[k], 1, "", "", v.text, v.value, v.numerator, v.denominator, v.state.value, now,
         user_id, reason, source) for k, v in new))
    return len(new)


def _differs(old: tuple[Any, ...], v: ValueInput) -> bool:
    _pk, _k, _s, _p, text, value, num, den, state, _rev = old
    return (text != v.text or state != v.state.value or _ne(value, v.value)
            or _ne(num, v.numerator) or _ne(den, v.denominator))


def _ne(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is not b
    return a != b


def _commentary(keyed: dict[tuple[int, str, str], ValueInput], user_id: int | None) -> int:
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
