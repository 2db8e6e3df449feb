"""Values in the database: revisions, idempotence, all-or-nothing, and judging from storage."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kpiboard.data.backup import RestoreError, database_dump, database_restore
from kpiboard.data.models import Commentary, PeriodValue, StatusOverride, ValueRevision
from kpiboard.data.selectors import period_assess
from kpiboard.data.services import UnknownKpi, ValueInput, override_set, sanitise, values_import
from kpiboard.engine.periods import Period
from kpiboard.engine.types import ValueState
from kpiboard.engine.values import parse_value
from kpiboard.framework.model import Framework
from kpiboard.kpis.models import Kpi, Organisation
from kpiboard.kpis.services import framework_save
from tests.store.conftest import database_fingerprint, table_counts

pytestmark = pytest.mark.django_db


def value(ref: str, period: str, text: str, sub: str = "", commentary: str = "") -> ValueInput:
    parsed = parse_value(text)
    return ValueInput(ref, Period.parse(period), text, parsed.value, parsed.state, sub,
                      parsed.numerator, parsed.denominator, commentary)


@pytest.fixture
def org(nnc_framework: Framework) -> Organisation:
    framework_save(framework=nnc_framework)
    return Organisation.objects.get()


def test_new_values_and_their_first_revision(org: Organisation) -> None:
    report = values_import(organisation=org, source="test", values=[
        value("STP15", "2024-01", "71.43%"), value("STP15", "2024-02", "100.00%"),
        value("STP31", "2024-02", "91.32% (979 out of 1072)", sub="P3")])
    assert (report.created, report.revised, report.unchanged) == (3, 0, 0)
    p3 = PeriodValue.objects.get(kpi__ref="STP31", sub_measure="P3")
    assert (p3.value, p3.numerator, p3.denominator) == (Decimal("91.32"), 979, 1072)
    assert ValueRevision.objects.count() == 3


def test_reimport_changes_nothing_and_a_change_is_a_revision(org: Organisation) -> None:
    values_import(organisation=org, source="a.csv", values=[value("BBF18b", "2024-01", "15.9%")])
    before = database_fingerprint()
    report = values_import(organisation=org, source="a.csv",
                           values=[value("BBF18b", "2024-01", "15.9%")])
    assert (report.created, report.revised, report.unchanged) == (0, 0, 1)
    assert database_fingerprint() == before
    report = values_import(organisation=org, source="b.csv", reason="January was revised up",
                           values=[value("BBF18b", "2024-01", "16.3%")])
    assert report.revised == 1
    pv = PeriodValue.objects.get(kpi__ref="BBF18b")
    assert (pv.text, pv.revision) == ("16.3%", 2)
    revs = list(pv.revisions.order_by("revision").values_list("old_text", "new_text", "reason"))
    assert revs == [("", "15.9%", "first value"), ("15.9%", "16.3%", "January was revised up")]


def test_non_values_are_states_never_zero(org: Organisation) -> None:
    values_import(organisation=org, source="t", values=[
        value("AFL04", "2024-02", "N/A Reporting one month in arrears"),
        value("STP39", "2024-02", "Data unavailable")])
    states = dict(PeriodValue.objects.values_list("kpi__ref", "state"))
    assert states == {"AFL04": ValueState.IN_ARREARS.value, "STP39": ValueState.MISSING.value}
    assert not PeriodValue.objects.filter(value__isnull=False).exists()


def test_unknown_kpi_rolls_back_everything(org: Organisation) -> None:
    before = table_counts()
    with pytest.raises(UnknownKpi):
        values_import(organisation=org, source="t", values=[
            value("STP15", "2024-01", "71.43%"), value("NOPE", "2024-01", "1")])
    assert table_counts() == before


def test_dry_run_keeps_nothing(org: Organisation) -> None:
    before = database_fingerprint()
    report = values_import(organisation=org, source="t", dry_run=True,
                           values=[value("STP15", "2024-01", "71.43%")])
    assert report.created == 1 and "Nothing was saved" in report.summary()
    assert database_fingerprint() == before


def test_commentary_is_sanitised(org: Organisation) -> None:
    values_import(organisation=org, source="t", values=[value(
        "STP15", "2024-02", "100%", commentary="<p>Good</p><script>alert(1)</script>"
        "<a href='javascript:x' onclick='y'>link</a>")])
    html = Commentary.objects.get().html
    assert "<script" not in html and "onclick" not in html and "javascript:" not in html
    assert html.startswith("<p>Good</p>")
    assert sanitise("Two\n\nparagraphs") == "<p>Two</p><p>paragraphs</p>"


def test_statuses_from_stored_data_with_override(org: Organisation) -> None:
    values_import(organisation=org, source="t", values=[
        value("STP16", "2024-01", "78.13%"), value("STP16", "2024-02", "46.43%")])
    kpi = Kpi.objects.get(ref="STP16")
    rows = {r.ref: r for r in period_assess(organisation=org, period=Period.parse("2024-02"))}
    assert rows["STP16"].assessment.rating.status.label == "Red"
    assert rows["STP16"].assessment.travel.symbol == "↓R"
    override_set(kpi=kpi, period=Period.parse("2024-02"), status="amber",
                 reason="backlog clearance agreed by Executive")
    rows = {r.ref: r for r in period_assess(organisation=org, period=Period.parse("2024-02"))}
    assert rows["STP16"].as_dict()["status"] == "Amber (override)"
    with pytest.raises(ValueError, match="needs a reason"):
        override_set(kpi=kpi, period=Period.parse("2024-02"), status="green", reason=" ")
    assert StatusOverride.objects.count() == 1


def test_dump_and_restore_round_trip_exactly(org: Organisation, tmp_path: Path) -> None:
    values_import(organisation=org, source="t", values=[
        value("STP15", "2024-01", "71.43%", commentary="<p>Backlog</p>"),
        value("STP31", "2024-02", "91.32% (979 out of 1072)", sub="P3")])
    first = tmp_path / "one.json"
    database_dump(first)
    with pytest.raises(RestoreError, match="already holds data"):
        database_restore(first)
    database_restore(first, replace=True)
    second = tmp_path / "two.json"
    database_dump(second)
    assert first.read_bytes() == second.read_bytes()


def test_restore_of_a_bad_file_changes_nothing(org: Organisation, tmp_path: Path) -> None:
    before = database_fingerprint()
    bad = tmp_path / "bad.json"
    bad.write_text('[{"model": "kpis.kpi", "pk": 1, "fields": {"ref": null}}]')
    with pytest.raises(RestoreError):
        database_restore(bad, replace=True)
    assert database_fingerprint() == before
