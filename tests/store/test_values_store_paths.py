"""The ways ``values_import`` can store values give the same result.

On PostgreSQL values are compared and inserted in the database (``_store_staged``); elsewhere,
and on PostgreSQL with ``STAGED = False``, in rounds in Python (``_store_rounds``). Each looks
up the values already stored only when the KPIs have some for the periods imported; forcing
the look-up (``_any_stored`` always true) must not change anything either.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kpiboard.data import services
from kpiboard.data.models import Commentary, PeriodValue, PublishedFigure, ValueRevision
from kpiboard.data.services import ImportReport, UnknownKpi, ValueInput, values_import
from kpiboard.engine.periods import Period
from kpiboard.engine.values import parse_value
from kpiboard.framework.model import Framework
from kpiboard.imports.values import read_period_data
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.services import framework_save
from tests.store.conftest import NNC, table_counts

pytestmark = pytest.mark.django_db

POSTGRESQL = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                reason="the database path is for PostgreSQL")


def value(ref: str, period: str, text: str, sub: str = "", commentary: str = "",
          numerator: str | None = None, denominator: str | None = None) -> ValueInput:
    parsed = parse_value(text)
    num = Decimal(numerator) if numerator is not None else parsed.numerator
    den = Decimal(denominator) if denominator is not None else parsed.denominator
    return ValueInput(ref, Period.parse(period), text, parsed.value, parsed.state, sub, num, den,
                      commentary)


FIRST = [
    value("STP15", "2024-01", "71.43%", commentary="Five of seven"),
    value("STP15", "2024-02", "100.00%"),
    value("STP15", "2023/24-Q3", "74.07%"),
    value("STP31", "2024-02", "91.32% (979 out of 1072)", sub="P3"),
    value("STP31", "2024-02", "N/A (0 out of 0)", sub="P1"),
    value("STP31", "Feb-24", "97.96%", sub="P2", numerator="96", denominator="98"),
    value("AFL13", "2024-02", "1,197"),
    value("AFL04", "2024-02", "N/A Reporting one month in arrears"),
    value("STP39", "2024-02", "Data unavailable", commentary="<p>Late</p><script>x</script>"),
    value("STP16", "2024-01", "78.13%"),
    value("STP16", "2024-02", "46.43%"),
]
SECOND = [
    value("STP15", "2024-01", "71.43%", commentary="Five of seven, chased"),  # commentary only
    value("STP15", "2024-02", "100.0%"),  # the same figure, written differently: a revision
    value("STP15", "2023/24-Q3", "74.07%"),  # unchanged
    value("STP31", "2024-02", "91.42% (980 out of 1072)", sub="P3"),  # revised
    value("STP31", "2024-02", "TBC", sub="P1"),  # revised: a non-value
    value("STP31", "Feb-24", "97.96%", sub="P2", numerator="96", denominator="98"),
    value("AFL13", "2024-02", "1,198"),  # given twice: the last one counts
    value("STP16", "2024-03", "50%"),  # new
    value("AFL13", "2024-02", "1,199"),
    value("STP17", "2024-02", "12.5% (1 out of 8)"),  # new
    value("STP16", "2024-01", "78.13%"),  # unchanged
]


@pytest.fixture
def org(nnc_framework: Framework) -> Organisation:
    framework_save(framework=nnc_framework)
    return Organisation.objects.get()


def contents() -> dict[str, Any]:
    """Everything stored, without ids and times; and the values in the order of their ids."""
    pv = PeriodValue.objects.values_list(
        "kpi__ref", "sub_measure", "period", "period_start", "period_end", "text", "value",
        "numerator", "denominator", "state", "revision", "updated_by_id")
    revisions = ValueRevision.objects.values_list(
        "period_value__kpi__ref", "period_value__sub_measure", "period_value__period",
        "revision", "old_text", "old_value", "old_numerator", "old_denominator", "old_state",
        "new_text", "new_value", "new_numerator", "new_denominator", "new_state",
        "changed_by_id", "reason", "source")
    commentary = Commentary.objects.values_list("kpi__ref", "sub_measure", "period", "html")
    # each value was last changed when its last revision was made
    for p in PeriodValue.objects.all():
        assert p.updated_at == p.revisions.get(revision=p.revision).changed_at
    return {"values": sorted(pv, key=repr), "revisions": sorted(revisions, key=repr),
            "commentary": sorted(commentary, key=repr),
            "order": list(PeriodValue.objects.order_by("pk").values_list(
                "kpi__ref", "sub_measure", "period"))}


def report_of(report: ImportReport) -> tuple[Any, ...]:
    return (report.created, report.revised, report.unchanged, report.commentary_written,
            report.revisions, report.summary())


def scenario(org: Organisation) -> list[Any]:
    """Import, import again, import changes, a dry run, the example's values: what each
    reports (and its progress), and what is stored after each."""
    records = read_period_data(NNC / "values.csv", _framework(org))
    steps: list[tuple[list[Any], dict[str, Any]]] = [
        (FIRST, {}), (FIRST, {}), (SECOND, {"reason": "corrected", "source": "b.csv"}),
        ([value("STP15", "2024-01", "1%"), value("STP15", "2024-03", "2%")], {"dry_run": True}),
        (records, {"source": "values.csv"}),
    ]
    seen = []
    for values, options in steps:
        done: list[int] = []
        report = values_import(organisation=org, values=values,
                               **{"source": "a.csv", **options}, progress=done.append)
        assert sum(done) == len(values)
        seen.append((report_of(report), contents()))
    return seen


def _framework(org: Organisation) -> Framework:
    from kpiboard.kpis.selectors import framework_get

    return framework_get(organisation=org)


def clear() -> None:
    from kpiboard.data.history import history_rewrite

    with history_rewrite():  # the revisions are append-only on PostgreSQL
        ValueRevision.objects.all().delete()
        PeriodValue.objects.all().delete()
        Commentary.objects.all().delete()
        PublishedFigure.objects.all().delete()


WAYS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "in rounds": lambda mp: mp.setattr(services, "STAGED", False),
    "in rounds, always looking up": lambda mp: (mp.setattr(services, "STAGED", False),
                                                mp.setattr(services, "_any_stored",
                                                           lambda *a: True)),
    "in the database": lambda mp: None,
    "in the database, always looking up": lambda mp: mp.setattr(services, "_any_stored",
                                                                lambda *a: True),
}


@pytest.mark.parametrize("batch", [5000, 3])
def test_every_way_stores_the_same(org: Organisation, monkeypatch: pytest.MonkeyPatch,
                                   batch: int) -> None:
    monkeypatch.setattr(services, "BATCH", batch)
    monkeypatch.setattr(services, "STAGE_BATCH", max(batch, 4))
    ways = [w for w in WAYS if connection.vendor == "postgresql" or "database" not in w]
    results = {}
    for way in ways:
        with monkeypatch.context() as mp:
            WAYS[way](mp)
            clear()
            results[way] = scenario(org)
    first = results[ways[0]]
    for way in ways[1:]:
        for step, (got, expected) in enumerate(zip(results[way], first, strict=True)):
            assert got == expected, (way, step)
    # and what that is
    (created, revised, unchanged, written, revisions, _), stored = first[2]
    assert (created, revised, unchanged, written) == (2, 4, 4, 1)
    assert revisions == [
        "STP15 February 2023/24: '100.00%' → '100.0%'",
        "STP31/P3 February 2023/24: '91.32% (979 out of 1072)' → '91.42% (980 out of 1072)'",
        "STP31/P1 February 2023/24: 'N/A (0 out of 0)' → 'TBC'",
        "AFL13 February 2023/24: '1,197' → '1,199'"]
    assert len(stored["values"]) == 13 and len(stored["revisions"]) == 13 + 4
    assert ("AFL13", "", "2024-02", 2, "1,197", Decimal(1197), None, None, "value", "1,199",
            Decimal(1199), None, None, "value", None, "corrected", "b.csv") in stored["revisions"]
    assert first[3][0][:3] == (1, 1, 0) and first[3][1] == stored  # the dry run kept nothing
    assert first[4][0][:3] == (276, 6, 6)


@POSTGRESQL
def test_unknown_kpi_in_the_database_path_keeps_nothing(org: Organisation) -> None:
    before = table_counts()
    with pytest.raises(UnknownKpi, match="NOPE is not a KPI in the 2023/24 set"):
        values_import(organisation=org, source="t", values=[
            *FIRST, value("NOPE", "2024-01", "1"), value("STP15", "2024-03", "1%")])
    assert table_counts() == before
    values_import(organisation=org, source="t", values=FIRST)  # the connection still works
    assert PeriodValue.objects.count() == len(FIRST)


def test_records_can_be_stored_as_read(org: Organisation, tmp_path: Path) -> None:
    records = read_period_data(NNC / "values.csv", _framework(org))
    report = values_import(organisation=org, source="values.csv", values=records)
    assert report.created == 288
    p3 = PeriodValue.objects.get(kpi__ref="STP31", sub_measure="P4", period="2024-02")
    assert (p3.text, p3.value, p3.numerator, p3.denominator) == (
        "91.67% (319 out of 348)", Decimal("91.67"), 319, 348)


def test_the_same_period_given_two_ways(org: Organisation) -> None:
    """Periods are told apart by what they are, not by which object holds them."""
    report = values_import(organisation=org, source="t", values=[
        value("STP15", "2024-02", "10%"), value("STP15", "Feb-24", "20%"),
        value("STP15", "February 2023/24", "30%")])
    assert (report.created, report.revised, report.unchanged) == (1, 0, 0)
    assert PeriodValue.objects.get().text == "30%"


def test_progress_in_steps(org: Organisation, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "BATCH", 2)
    monkeypatch.setattr(services, "STAGE_BATCH", 3)
    done: list[int] = []
    values_import(organisation=org, source="t", values=FIRST, progress=done.append)
    assert sum(done) == len(FIRST) and len(done) > 2
