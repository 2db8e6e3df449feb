"""Figures a council published beside its period values (a year to date), stored as given."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from kpiboard.data.models import PublishedFigure
from kpiboard.engine.aggregate import Observation
from kpiboard.engine.periods import Period
from kpiboard.kpis.models import Kpi, Organisation

BATCH = 2000
_FIELDS = ("text", "value", "numerator", "denominator", "state")


def published_store(organisation: Organisation, values: Sequence[Any], source: str) -> int:
    """Store the years to date published with the values (a value with ``ytd_text``, as an
    imported ``ValueRecord`` has): one per KPI, sub-measure and period, the last given
    counting. A blank YTD cell leaves any stored one alone."""
    given: dict[tuple[str, str, str, str], tuple[Period, str, Observation]] = {}
    for v in values:
        text = getattr(v, "ytd_text", "")
        if text:
            given[(v.period.year.label, v.ref, v.sub_measure, v.period.key)] = (
                v.period, text, v.ytd)
    if not given:
        return 0
    kpis = _kpi_index(organisation, {year for year, *_ in given})
    stored = {(f.kpi_id, f.sub_measure, f.period): f for f in PublishedFigure.objects.filter(
        kpi_id__in=set(kpis.values()), figure=PublishedFigure.YTD)}
    now = timezone.now()
    new: list[PublishedFigure] = []
    changed: list[PublishedFigure] = []
    for (year, ref, sub, key), (period, text, obs) in given.items():
        pk = kpis.get((year, ref))
        if pk is None:
            raise ValueError(f"{ref} is not a KPI in the {year} set")
        fields = {"text": text, "value": obs.value, "numerator": obs.numerator,
                  "denominator": obs.denominator, "state": obs.state.value,
                  "source": source[:300]}
        found = stored.get((pk, sub, key))
        if found is None:
            new.append(PublishedFigure(kpi_id=pk, sub_measure=sub, period=key,
                                       period_start=period.start, period_end=period.end,
                                       figure=PublishedFigure.YTD, **fields))
        elif any(getattr(found, k) != f for k, f in fields.items() if k != "source"):
            for k, f in fields.items():
                setattr(found, k, f)
            found.updated_at = now
            changed.append(found)
    PublishedFigure.objects.bulk_create(new, batch_size=BATCH)
    PublishedFigure.objects.bulk_update(changed, [*_FIELDS, "source", "updated_at"],
                                        batch_size=BATCH)
    return len(new) + len(changed)


def _kpi_index(organisation: Organisation, years: set[str]) -> dict[tuple[str, str], int]:
    rows = Kpi.objects.filter(kpi_set__organisation=organisation,
                              kpi_set__year__in=years).values_list("kpi_set__year", "ref", "pk")
    return {(y, ref): pk for y, ref, pk in rows}
