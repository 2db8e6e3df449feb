"""The example council made bigger, for tests and benchmarks that compare 1× with 10×.

``load_scaled_example(10)`` loads the example council (``examples/nnc``) and then copies every
KPI of each year nine more times: ``STP16`` gains ``STP16-2`` … ``STP16-10``, each in the same
directorate and service, with the same definition, targets, sub-measures, benchmarks, values
(and their revisions), commentary, overrides and sign-offs. The declared changes between years
are copied as well, so the framework review of a scaled set reads like the original's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model

from kpiboard.data.history import kpis_delete_with_history
from kpiboard.data.models import (
    Commentary,
    PeriodValue,
    StatusOverride,
    ValueRevision,
)
from kpiboard.kpis.models import Benchmark, Kpi, KpiChange, Organisation, SubMeasure, Target
from kpiboard.workflow.models import Submission

M = TypeVar("M", bound=Model)
BATCH = 1000
_COPY = re.compile(r"^(?P<base>.+)-(?P<n>\d+)$")


def example_path() -> Path:
    from kpiboard.example import EXAMPLE

    return EXAMPLE


def load_scaled_example(factor: int, example: Path | None = None) -> Organisation:
    """Load the example council with every KPI of each year ``factor`` times over (refs of
    the copies suffixed ``-2``, ``-3``, …). ``factor=1`` is the example as it is. Running it
    again gives the same database (earlier copies are replaced)."""
    from kpiboard.example import demo_load
    from kpiboard.framework import load_framework

    if factor < 1:
        raise ValueError(f"factor must be 1 or more, not {factor}")
    where = example or example_path()
    demo_load(where)
    org = Organisation.objects.get(name=load_framework(where / "framework.yaml").organisation)
    with transaction.atomic():
        _remove_copies(org)
        if factor > 1:
            _copy(org, factor)
    return org


def _clone(obj: M, **changes: Any) -> M:
    data = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields
            if not f.primary_key}
    data.update(changes)
    return type(obj)(**data)


def _remove_copies(org: Organisation) -> None:
    """Delete the copies an earlier call made: KPIs ``<ref>-<n>`` whose ``<ref>`` is in the
    same set (their values, targets... go with them), and their declared changes."""
    kpis = list(Kpi.objects.filter(kpi_set__organisation=org).values_list("pk", "kpi_set_id",
                                                                         "ref"))
    refs = {(set_id, ref) for _, set_id, ref in kpis}
    copies = [pk for pk, set_id, ref in kpis
              if (m := _COPY.match(ref)) and int(m["n"]) >= 2 and (set_id, m["base"]) in refs]
    if copies:
        kpis_delete_with_history(copies)  # the demo's own copies, history and all
    changes = KpiChange.objects.filter(kpi_set__organisation=org)
    have = {(c.kpi_set_id, c.ref) for c in changes}
    extra = [c.pk for c in changes if (m := _COPY.match(c.ref)) and int(m["n"]) >= 2
             and (c.kpi_set_id, m["base"]) in have]
    if extra:
        KpiChange.objects.filter(pk__in=extra).delete()


def _copy(org: Organisation, factor: int) -> None:
    kpis = list(Kpi.objects.filter(kpi_set__organisation=org).order_by("kpi_set_id", "order"))
    per_set: dict[int, int] = defaultdict(int)
    for k in kpis:
        per_set[k.kpi_set_id] = max(per_set[k.kpi_set_id], k.order + 1)
    copies = range(2, factor + 1)

    new_kpis = [(k.pk, n, _clone(k, ref=f"{k.ref}-{n}",
                                 order=k.order + (n - 1) * per_set[k.kpi_set_id]))
                for n in copies for k in kpis]
    Kpi.objects.bulk_create([k for _, _, k in new_kpis], batch_size=BATCH)
    kpi_map = {(old, n): new.pk for old, n, new in new_kpis}

    subs = list(SubMeasure.objects.filter(kpi__in=kpis))
    new_subs = [(s.pk, n, _clone(s, kpi_id=kpi_map[(s.kpi_id, n)])) for n in copies
                for s in subs]
    SubMeasure.objects.bulk_create([s for _, _, s in new_subs], batch_size=BATCH)
    sub_map = {(old, n): new.pk for old, n, new in new_subs}

    Target.objects.bulk_create([
        _clone(t, kpi_id=kpi_map[(t.kpi_id, n)],
               sub_measure_id=None if t.sub_measure_id is None else sub_map[(t.sub_measure_id, n)])
        for n in copies for t in Target.objects.filter(kpi__in=kpis)], batch_size=BATCH)
    _copy_rows(Benchmark.objects.filter(kpi__in=kpis), copies, kpi_map)

    changes = list(KpiChange.objects.filter(kpi_set__organisation=org))
    count = len(changes)
    KpiChange.objects.bulk_create([
        _clone(c, ref=f"{c.ref}-{n}", previous_refs=[f"{p}-{n}" for p in c.previous_refs],
               order=c.order + (n - 1) * count)
        for n in copies for c in changes], batch_size=BATCH)

    values = list(PeriodValue.objects.filter(kpi__in=kpis))
    new_values = [(v.pk, n, _clone(v, kpi_id=kpi_map[(v.kpi_id, n)])) for n in copies
                  for v in values]
    PeriodValue.objects.bulk_create([v for _, _, v in new_values], batch_size=BATCH)
    value_map = {(old, n): new.pk for old, n, new in new_values}
    ValueRevision.objects.bulk_create([
        _clone(r, period_value_id=value_map[(r.period_value_id, n)])
        for n in copies for r in ValueRevision.objects.filter(period_value__in=values)],
        batch_size=BATCH)

    for model in (Commentary, StatusOverride, Submission):
        _copy_rows(model._default_manager.filter(kpi__in=kpis), copies, kpi_map)


def _copy_rows(rows: Any, copies: range, kpi_map: dict[tuple[int, int], int]) -> None:
    items = list(rows)
    if not items:
        return
    model = type(items[0])
    model._default_manager.bulk_create(
        [_clone(r, kpi_id=kpi_map[(r.kpi_id, n)]) for n in copies for r in items],
        batch_size=BATCH)
