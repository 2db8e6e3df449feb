"""Writing the framework into the database: one transaction, all or nothing, idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from kpiboard.audit.models import Action, audit_record
from kpiboard.data.guard import framework_checked
from kpiboard.engine.kpi import KpiDefinition
from kpiboard.engine.targets import Target as EngineTarget
from kpiboard.framework.dump import dump_framework
from kpiboard.framework.model import Framework
from kpiboard.kpis import models as m
from kpiboard.kpis.merge import framework_merged
from kpiboard.kpis.selectors import framework_get


class DryRun(Exception):
    """Raised inside the transaction of a dry run so that nothing is kept."""


@dataclass
class FrameworkSaveReport:
    organisation: str = ""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)  # in the database, not in the file
    removed: list[str] = field(default_factory=list)  # each deletion, in words
    dry_run: bool = False

    def summary(self) -> str:
        """Every deletion first, one a line (``would remove ...`` in a dry run), then the
        counts."""
        verb = "would remove" if self.dry_run else "removed"
        lines = "".join(f"{verb} {line}\n" for line in self.removed)
        return lines + self._counts()

    def _counts(self) -> str:
        head = "Dry run (nothing saved): " if self.dry_run else ""
        kept = (f"; {len(self.kept)} KPIs in the database but not in the file were kept "
                f"({', '.join(self.kept[:10])}{'…' if len(self.kept) > 10 else ''})"
                if self.kept else "")
        return (f"{head}{self.organisation}: {len(self.created)} KPIs new, "
                f"{len(self.updated)} changed, {self.unchanged} unchanged{kept}.")


def framework_save(*, framework: Framework, dry_run: bool = False, replace: bool = False,
                   source: str = "") -> FrameworkSaveReport:
    """Store ``framework`` (from a file or a spreadsheet). KPIs are matched by year and ref;
    a KPI whose definition is identical is left alone; one not in ``framework`` is kept. A
    stored KPI's sub-measures, targets, benchmarks and change notes that ``framework`` does
    not mention are kept unless it removes them explicitly, or ``replace`` (see
    ``kpiboard.kpis.merge``); each deletion is in the report and the audit. A number that
    cannot be stored raises ``NumberBoundsError`` before anything is written."""
    framework_checked(framework)
    report = FrameworkSaveReport(organisation=framework.organisation, dry_run=dry_run)
    try:
        with transaction.atomic():
            _save(framework, report, replace, source or framework.source)
            if dry_run:
                raise DryRun
    except DryRun:
        pass
    return report


def jsonable(data: Any) -> Any:
    """Framework data for a JSON column: exact decimals as text (``"97.5"``)."""
    if isinstance(data, Decimal):
        return format(data, "f")
    if isinstance(data, dict):
        return {str(k): jsonable(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [jsonable(v) for v in data]
    return data


def _kpi_maps(data: dict[str, Any], year: str) -> dict[str, dict[str, Any]]:
    kpis = data.get("years", {}).get(year, {}).get("kpis", [])
    return {k["ref"]: k for k in kpis}


def _save(fw: Framework, report: FrameworkSaveReport, replace: bool, source: str) -> None:
    org, created = m.Organisation.objects.get_or_create(name=fw.organisation)
    before: dict[str, Any] = {}
    if not created:
        stored = framework_get(organisation=org)
        before = dump_framework(stored)
        fw, report.removed = framework_merged(stored, fw, replace=replace)
        if report.removed:
            audit_record(organisation=org, action=Action.IMPORTED,
                         summary=f"{Path(source).name or 'framework'}: removed "
                                 + "; ".join(report.removed),
                         detail={"file": Path(source).name, "removed": report.removed,
                                 "replace": replace})
    data = dump_framework(fw)
    # Term/meaning pairs, not a mapping: PostgreSQL's jsonb would sort a mapping's keys.
    org.short_name, org.terminology = fw.short_name, [[k, v] for k, v in fw.terminology.items()]
    org.default_rating_scheme = fw.default_rating_scheme
    org.default_direction_scheme = fw.default_direction_scheme
    org.save()
    for name, scheme in fw.rating_schemes.items():
        m.RatingScheme.objects.update_or_create(
            organisation=org, name=name,
            defaults={"title": scheme.title, "data": jsonable(data["rating_schemes"][name])})
    for name, dscheme in fw.direction_schemes.items():
        m.DirectionScheme.objects.update_or_create(
            organisation=org, name=name,
            defaults={"title": dscheme.title, "data": jsonable(data["direction_schemes"][name])})
    for order, kc in enumerate(fw.key_commitments):
        m.KeyCommitment.objects.update_or_create(
            organisation=org, name=kc.name,
            defaults={"code": kc.code, "priorities": list(kc.priorities), "order": order})
    for order, d in enumerate(fw.directorates):
        directorate, _ = m.Directorate.objects.update_or_create(
            organisation=org, name=d.name,
            defaults={"rating_scheme": d.rating_scheme or "",
                      "direction_scheme": d.direction_scheme or "", "order": order,
                      "formerly": list(d.formerly)})
        for s_order, s in enumerate(d.services):
            m.Service.objects.update_or_create(
                directorate=directorate, name=s.name,
                defaults={"teams": list(s.teams), "rating_scheme": s.rating_scheme or "",
                          "direction_scheme": s.direction_scheme or "", "order": s_order,
                          "formerly": list(s.formerly)})
    for year, kpi_set in fw.years.items():
        stored_set, _ = m.KpiSet.objects.get_or_create(organisation=org, year=year)
        new_maps, old_maps = _kpi_maps(data, year), _kpi_maps(before, year)
        existing = {k.ref: k for k in stored_set.kpis.all()}
        for order, (ref, kd) in enumerate(kpi_set.kpis.items()):
            label = f"{year} {ref}"
            row = existing.get(ref)
            if row is not None and old_maps.get(ref) == new_maps[ref]:
                if row.order != order:
                    m.Kpi.objects.filter(pk=row.pk).update(order=order)
                report.unchanged += 1
                continue
            (report.created if row is None else report.updated).append(label)
            _write_kpi(stored_set, row, kd, new_maps[ref], order)
        report.kept += [f"{year} {ref}" for ref in existing if ref not in kpi_set.kpis]
        wanted = [(c.kind, c.ref, list(c.previous_refs), c.note)
                  for c in (*kpi_set.changes, *kpi_set.removed)]
        have = [(c.kind, c.ref, c.previous_refs, c.note) for c in stored_set.changes.all()]
        if have != wanted:
            stored_set.changes.all().delete()
            m.KpiChange.objects.bulk_create([
                m.KpiChange(kpi_set=stored_set, kind=kind, ref=ref, previous_refs=prev,
                            note=note, order=i)
                for i, (kind, ref, prev, note) in enumerate(wanted)])


def _write_kpi(kpi_set: m.KpiSet, row: m.Kpi | None, kd: KpiDefinition, data: dict[str, Any],
               order: int) -> None:
    fields = {
        "name": kd.name, "description": kd.description, "key_commitment": kd.key_commitment,
        "priority": kd.priority, "directorate": kd.directorate, "department": kd.department,
        "team": kd.team, "portfolio": kd.portfolio, "statutory": kd.statutory,
        "statutory_text": kd.statutory_text, "data_source": kd.data_source,
        "frequency": kd.frequency.value, "arrears_months": kd.arrears_months,
        "unit": kd.unit.value, "decimals": kd.decimals, "polarity": kd.polarity.value,
        "basis": kd.basis.value, "tolerance": jsonable(data.get("tolerance", {})),
        "status": kd.status.value, "rationale": kd.rationale, "notes": kd.notes,
        "sets": list(kd.sets), "theme": kd.theme, "rating_scheme": kd.rating_scheme or "",
        "direction_scheme": kd.direction_scheme or "", "travel_basis": kd.travel_basis.value,
        "negatives_allowed": kd.negatives_allowed, "order": order,
    }
    if row is None:
        row = m.Kpi.objects.create(kpi_set=kpi_set, ref=kd.ref, **fields)
    else:
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        row.targets.all().delete()
        row.sub_measures.all().delete()
        row.benchmarks.all().delete()
    for year, target in kd.targets.items():
        _target(row, None, year, target).save()
    sub_maps = {s.get("code"): s for s in data.get("sub_measures", []) if isinstance(s, dict)}
    for s_order, sub in enumerate(kd.sub_measures):
        stored = m.SubMeasure.objects.create(
            kpi=row, code=sub.code, name=sub.name,
            polarity=sub.polarity.value if sub.polarity else "",
            tolerance=jsonable(sub_maps.get(sub.code, {}).get("tolerance")), order=s_order)
        for year, target in sub.targets.items():
            _target(row, stored, year, target).save()
    benches = [(m.Benchmark.BENCHMARK, kd.benchmark)] if kd.benchmark else []
    benches += [(m.Benchmark.COMPARATOR, c) for c in kd.comparators]
    m.Benchmark.objects.bulk_create([
        m.Benchmark(kpi=row, kind=kind, value=b.value, text=b.text, source=b.source,
                    period=b.period, group=b.group, order=i)
        for i, (kind, b) in enumerate(benches)])


def _target(kpi: m.Kpi, sub: m.SubMeasure | None, year: str, t: EngineTarget) -> m.Target:
    return m.Target(
        kpi=kpi, sub_measure=sub, year=year, annual=t.annual, per_month=t.per_month,
        profile={k: str(v) for k, v in t.profile.items()},
        cumulative_profile=t.cumulative_profile, straight_line=t.straight_line,
        band_low=t.band[0] if t.band else None, band_high=t.band[1] if t.band else None,
        qualifier=t.qualifier or "", no_target=t.none.value if t.none else "", text=t.text)
