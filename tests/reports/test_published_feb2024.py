"""The February 2024 monthly report, built from the database, against the one the council
published (seed 000, transcribed as examples/nnc/published_report_2024-02.csv).

Every value, year to date, quarter, month, target, statutory flag and arrow of every row must
be the published one, except the arrows where the published report breaks its own key
(``kpiboard check-published`` lists them, with the reason). Run with ``-s`` to see the counts.

The published report shows status only as a cell colour, which the text transcription does
not keep; the test checks instead that every row's status is one of its scheme's and names
the period it was rated for.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import pytest

from kpiboard.data.selectors import value_rows_get
from kpiboard.engine.periods import Period
from kpiboard.engine.values import ValueParseError, parse_value
from kpiboard.example import demo_load
from kpiboard.framework.published import check, normalise
from kpiboard.kpis.models import Organisation
from kpiboard.kpis.selectors import framework_get
from kpiboard.reports.build import build_report
from kpiboard.reports.model import KpiRow, ValueCell
from tests.store.conftest import NNC

pytestmark = pytest.mark.django_db
FEB = Period.parse("2024-02")
PUBLISHED = NNC / "published_report_2024-02.csv"
_LEADING = re.compile(r"\s*[<>]?£?-?[\d,]*\.?\d+\s*%?")


@dataclass
class Tally:
    rows: int = 0
    fields: int = 0
    agree: int = 0


def figure(text: str) -> tuple[object, ...]:
    """What a figure says, however it is written: value, state and any terms."""
    text = " ".join(text.split())
    try:
        p = parse_value(text)
        return (p.value, p.state, p.numerator, p.denominator)
    except ValueParseError:  # "28.92% (YTD) 103.29% achieved of the target ...": its figure
        match = _LEADING.match(text)
        assert match, text
        p = parse_value(match.group(0).strip())
        return (p.value, p.state, None, None)


def same_figure(published: str, shown: str) -> bool:
    if not published.strip():
        return not shown.strip()
    a, b = figure(published), figure(shown)
    if a[2] is None or a[3] is None:  # the published text gives no terms: the figure only
        return a[:2] == b[:2]
    return a == b


def cell_text(cell: ValueCell | None) -> str:
    return "" if cell is None else cell.text


def test_february_2024_report_reproduces_the_published_one(capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    demo_load(NNC)
    org = Organisation.objects.get()
    report = build_report(organisation=org, period=FEB, layout="monthly", kpi_set="all")
    fw = framework_get(organisation=org)
    breaks = {(r.ref, r.sub_measure): r for r in check(
        fw, value_rows_get(organisation=org, years=["2022/23", "2023/24"]), PUBLISHED, FEB)
        if r.verdict == "differs"}
    ours: dict[tuple[str, str], KpiRow] = {}
    for row in report.rows:
        ours[(row.ref, "")] = row
        for child in row.children:
            ours[(row.ref, child.sub_measure)] = child
    tally, differences, flagged, broken = Tally(), [], [], []
    with PUBLISHED.open(encoding="utf-8-sig") as f:
        for line in csv.DictReader(f):
            if line["continuation"].strip():
                continue  # the terms of the row above, which carries its figures
            ref = line["ref"].strip()
            kpi = fw.kpi(ref, "2023/24")
            assert kpi is not None, ref
            name = line["sub_measure"].strip()
            sub = kpi.sub_measure(name).code if name else ""  # type: ignore[union-attr]
            row = ours[(ref, sub)]
            tally.rows += 1
            months = {"jan": row.months[0], "feb": row.months[1]}
            checks = {
                "ytd": same_figure(line["ytd"], cell_text(row.ytd)),
                **{q: same_figure(line[q], cell_text(c))
                   for q, c in zip(("q1", "q2", "q3"), row.quarters, strict=True)},
                **{m: same_figure(line[m], c.text) for m, c in months.items()},
            }
            if line["target"].strip():
                checks["target"] = row.target.startswith(line["target"].strip())
            if not sub:
                checks["statutory"] = row.statutory == line["statutory"].strip()
            dot, _variant = normalise(line["dot"])
            assert row.direction is not None
            key_broken = breaks.get((ref, sub))
            if key_broken is not None:
                broken.append(f"{ref}{'/' + sub if sub else ''}: published {line['dot']!r}, "
                              f"report {row.direction.display!r}: {key_broken.reason}")
                if "does not publish" in key_broken.reason:  # the report must say why
                    assert row.direction.note.endswith("not published"), row.direction
            else:
                checks["arrow"] = dot == row.direction.symbol or (
                    line["dot"].strip() == "Data unavailable" and row.direction.symbol == "n/a")
            for field, ok in checks.items():
                tally.fields += 1
                tally.agree += ok
                if not ok:
                    differences.append(f"{ref}{'/' + sub if sub else ''} {field}: published "
                                       f"{line.get(field, line['dot'])!r}")
            for cell in (row.ytd, *row.quarters):
                if cell is not None and cell.flag == "differs":
                    flagged.append(f"{ref}{'/' + sub if sub else ''} {cell.heading}: "
                                   f"{cell.text} published, {cell.computed} worked out")
            # every status is one of the scheme's, and names its period when not February
            assert row.status is not None and row.status.label
            assert (row.status.period == "") == (row.reported_period == FEB.label)
    with capsys.disabled():
        print(f"\nFebruary 2024 against seed 000: {tally.rows} rows, {tally.fields} figures "
              f"compared, {tally.agree} agree; {len(broken)} arrows break the report's own "
              f"key:")
        for b in broken:
            print("  " + b)
        print(f"{len(flagged)} published figures shown as given, flagged where the figure "
              "worked out from the periods differs:")
        for f_ in flagged:
            print("  " + f_)
    assert not differences, "\n".join(differences)
    assert tally.rows == 58 and len(broken) == 6
