"""Reading the framework from the database, as the same ``Framework`` a file gives."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from kpiboard.engine.kpi import Benchmark as EngineBenchmark
from kpiboard.engine.kpi import KpiDefinition, KpiStatus, SubMeasure
from kpiboard.engine.targets import NoTargetReason
from kpiboard.engine.targets import Target as EngineTarget
from kpiboard.engine.tolerance import DEFAULT_TOLERANCE, Tolerance
from kpiboard.engine.travel import TravelBasis
from kpiboard.engine.types import Frequency, Polarity, Unit, ValueBasis
from kpiboard.framework.fields import Reader, tolerance_from
from kpiboard.framework.model import (
    Directorate,
    Framework,
    KeyCommitment,
    KpiChange,
    KpiSet,
    Service,
)
from kpiboard.framework.schemes import direction_scheme_from, rating_scheme_from
from kpiboard.kpis import models as m


def organisation_get(*, name: str | None = None) -> m.Organisation:
    """The organisation by name, or the only one."""
    if name:
        return m.Organisation.objects.get(name=name)
    return m.Organisation.objects.get()


def framework_get(*, organisation: m.Organisation, years: list[str] | None = None,
                  refs: Collection[str] | None = None) -> Framework:
    """The framework of ``organisation`` in a fixed number of queries: every year's set, or
    those of ``years``; with ``refs``, each set holds only the KPIs (and the changes) of those
    references — a KPI's page reads its own lineage (``kpi_lineage_refs``), not the whole
    organisation. The schemes, directorates and key commitments are always whole."""
    r = Reader(f"database: {organisation.name}")
    fw = Framework(organisation=organisation.name, short_name=organisation.short_name,
                   terminology=dict(organisation.terminology),
                   default_rating_scheme=organisation.default_rating_scheme,
                   default_direction_scheme=organisation.default_direction_scheme,
                   source=r.file)
    for rs in organisation.rating_schemes.all():
        scheme = rating_scheme_from(r, rs.name, rs.data)
        if scheme is not None:
            fw.rating_schemes[rs.name] = scheme
    for ds in organisation.direction_schemes.all():
        dscheme = direction_scheme_from(r, ds.name, ds.data)
        if dscheme is not None:
            fw.direction_schemes[ds.name] = dscheme
    fw.key_commitments = tuple(
        KeyCommitment(k.name, k.code, tuple(k.priorities))
        for k in organisation.key_commitments.all())
    fw.directorates = tuple(
        Directorate(d.name, tuple(Service(s.name, tuple(s.teams), s.rating_scheme or None,
                                          s.direction_scheme or None, tuple(s.formerly))
                                  for s in d.services.all()),
                    d.rating_scheme or None, d.direction_scheme or None, tuple(d.formerly))
        for d in organisation.directorates.prefetch_related("services"))
    sets = organisation.kpi_sets.all()
    if years is not None:
        sets = sets.filter(year__in=years)
    kpis = (m.Kpi.objects.filter(kpi_set__in=sets).select_related("kpi_set")
            .prefetch_related("sub_measures", "targets", "benchmarks").order_by("order"))
    change_rows = m.KpiChange.objects.filter(kpi_set__in=sets).order_by("order")
    if refs is not None:
        kpis = kpis.filter(ref__in=list(refs))
        change_rows = change_rows.filter(ref__in=list(refs))
    by_set: dict[int, dict[str, KpiDefinition]] = defaultdict(dict)
    for kpi in kpis:
        by_set[kpi.kpi_set_id][kpi.ref] = kpi_definition(kpi, r)
    changes: dict[int, list[m.KpiChange]] = defaultdict(list)
    for c in change_rows:
        changes[c.kpi_set_id].append(c)
    for s in sets:
        made = [KpiChange(c.kind, c.ref, tuple(c.previous_refs), c.note) for c in changes[s.pk]]
        fw.years[s.year] = KpiSet(
            s.year, by_set[s.pk], tuple(c for c in made if c.kind != "removed"),
            tuple(c for c in made if c.kind == "removed"))
    r.raise_if_problems()
    return fw


def kpi_ref_find(*, organisation: m.Organisation, year: str, ref: str) -> str | None:
    """The reference of ``year``'s KPI ``ref`` as the set writes it (found ignoring case when
    there is no exact match), or None."""
    found = list(m.Kpi.objects.filter(kpi_set__organisation=organisation, kpi_set__year=year,
                                      ref__iexact=ref).values_list("ref", flat=True))
    if ref in found:
        return ref
    if not found:  # SQLite folds ASCII only: look at every ref of the set
        found = [r for r in m.Kpi.objects.filter(
            kpi_set__organisation=organisation, kpi_set__year=year).values_list(
            "ref", flat=True) if r.casefold() == ref.casefold()]
    return found[0] if found else None


def kpi_lineage_refs(*, organisation: m.Organisation, years: list[str],
                     ref: str) -> frozenset[str]:
    """The references a KPI's lineage may reach in ``years``' sets: ``ref``, the KPIs its
    changes name as previous (renumbered, merged, split), the KPIs whose changes name any of
    those, and so on until nothing is added. A KPI with no change continues the KPI of its
    own reference, which the set already holds. One query of the (short) change lists."""
    rows = [(r, tuple(p)) for r, p in m.KpiChange.objects.filter(
        kpi_set__organisation=organisation, kpi_set__year__in=years)
        .values_list("ref", "previous_refs")]
    found = {ref}
    grew = True
    while grew:
        grew = False
        for r, previous in rows:
            if (r in found or found.intersection(previous)) and not found.issuperset(
                    (r, *previous)):
                found.update((r, *previous))
                grew = True
    return frozenset(found)


def _tolerance(r: Reader, data: Any) -> Tolerance:
    if data in (None, {}, ""):
        return DEFAULT_TOLERANCE
    return tolerance_from(r, data)


def engine_target(t: m.Target) -> EngineTarget:
    band = None
    if t.band_low is not None and t.band_high is not None:
        band = (t.band_low, t.band_high)
    return EngineTarget(
        annual=t.annual, per_month=t.per_month,
        profile=MappingProxyType({k: Decimal(v) for k, v in t.profile.items()}),
        cumulative_profile=t.cumulative_profile, straight_line=t.straight_line, band=band,
        qualifier=t.qualifier or None,
        none=NoTargetReason(t.no_target) if t.no_target else None, text=t.text)


def kpi_definition(kpi: m.Kpi, r: Reader) -> KpiDefinition:
    """The engine's definition of a stored KPI (prefetch sub_measures, targets, benchmarks)."""
    targets: dict[str, EngineTarget] = {}
    sub_targets: dict[int, dict[str, EngineTarget]] = defaultdict(dict)
    for t in kpi.targets.all():
        if t.sub_measure_id is None:
            targets[t.year] = engine_target(t)
        else:
            sub_targets[t.sub_measure_id][t.year] = engine_target(t)
    subs = tuple(
        SubMeasure(s.code, s.name, MappingProxyType(sub_targets[s.pk]),
                   Polarity(s.polarity) if s.polarity else None,
                   None if s.tolerance is None else _tolerance(r, s.tolerance))
        for s in kpi.sub_measures.all())
    benchmarks = [b for b in kpi.benchmarks.all()]
    main = next((b for b in benchmarks if b.kind == m.Benchmark.BENCHMARK), None)
    return KpiDefinition(
        ref=kpi.ref, name=kpi.name, description=kpi.description,
        key_commitment=kpi.key_commitment, priority=kpi.priority, directorate=kpi.directorate,
        department=kpi.department, team=kpi.team, portfolio=kpi.portfolio,
        statutory=kpi.statutory, statutory_text=kpi.statutory_text, data_source=kpi.data_source,
        frequency=Frequency(kpi.frequency), arrears_months=kpi.arrears_months,
        unit=Unit(kpi.unit), decimals=kpi.decimals, polarity=Polarity(kpi.polarity),
        basis=ValueBasis(kpi.basis), targets=MappingProxyType(targets),
        tolerance=_tolerance(r, kpi.tolerance),
        benchmark=None if main is None else _bench(main),
        comparators=tuple(_bench(b) for b in benchmarks if b.kind == m.Benchmark.COMPARATOR),
        sub_measures=subs, status=KpiStatus(kpi.status), rationale=kpi.rationale,
        notes=kpi.notes, sets=tuple(kpi.sets), theme=kpi.theme,
        rating_scheme=kpi.rating_scheme or None,
        direction_scheme=kpi.direction_scheme or None,
        travel_basis=TravelBasis(kpi.travel_basis), negatives_allowed=kpi.negatives_allowed)


def _bench(b: m.Benchmark) -> EngineBenchmark:
    return EngineBenchmark(b.value, b.text, b.source, b.period, b.group)
