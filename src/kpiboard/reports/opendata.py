"""Open data: a report's figures as CSV and JSON, one row per KPI (or sub-measure) per period.

Every figure the report shows becomes a row: each KPI and each of its sub-measures (straight
after their KPI), for each period it shows -- earlier years' outturns, year to date,
quarters, months -- and always the period the KPI is rated for (the report month, or a
quarterly, half-yearly or annual KPI's latest period), even where it has no value (the row
then says why through its status and explanation).  That row carries the KPI's status (an
override included), direction of travel and explanation; the other periods carry the status
rated for that period, where there is one, and no direction or explanation.

Columns (:data:`COLUMNS`):

``organisation, period, period_label``
    the council; the period key (``2024-02``, ``2023/24-Q1``, ``2023/24-YTD``) and its heading.
``ref, sub_measure, name, directorate, service, key_commitment``
    the KPI; a sub-measure's row has its code in ``sub_measure`` and repeats its KPI's
    directorate, service and key commitment, so that each row stands alone.
``value, value_text, unit``
    the number, written exactly as the model holds it (``46.43``; empty where there is
    none), the figure as the report shows it (``46.43%``, ``N/A (0 out of 0)``) and the unit.
``target``
    the target as shown.  The model holds this year's target only, so it is left empty on
    earlier years' outturns.
``status, status_override``
    the status label (``Red``) and whether it was set by hand (``yes``/``no``).
``direction, explanation``
    the direction-of-travel symbol (``↓R``) and the rating's explanation: report period only.
``revised``
    ``yes`` where the figure was revised after it was first given.
``note, computed``
    what a reader must know about the figure: that it is stale (a newer one is overdue), or
    that a published figure differs from the one worked out from the periods, which is then
    in ``computed`` (the figure in ``value`` is always the one published).

CSV (:func:`render_csv`) follows RFC 4180: a header row, commas, double quotes where needed,
CRLF line ends.  It is UTF-8 *without* a byte-order mark, as open-data publishing expects
(a BOM breaks many parsers); a download meant for Excel users may prepend ``"\\ufeff"``
itself.  Write the text with ``newline=""`` so that the CRLFs are kept as they are.
Values are not altered to guard against spreadsheet formula injection: open data must be
exact.

JSON (:func:`render_json`) is ``{"organisation", "title", "period", "generated", "rows"}``
with the same columns in every row.  ``value`` is a JSON number written from the decimal's
own text, so it is exact (``80.60`` stays ``80.60``; no binary floating point on the way;
read it with ``json.loads(text, parse_float=decimal.Decimal)`` to keep it exact); it is
``null`` where there is no value.  ``status_override`` and ``revised`` are JSON booleans;
every other field is a string, empty where the CSV cell is empty.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

from kpiboard.reports.model import KpiRow, Report, StatusView, ValueCell

__all__ = ["COLUMNS", "OpenDataRow", "open_data_rows", "render_csv", "render_json"]

COLUMNS: tuple[str, ...] = (
    "organisation", "period", "period_label", "ref", "sub_measure", "name", "directorate",
    "service", "key_commitment", "value", "value_text", "unit", "target", "status",
    "status_override", "direction", "explanation", "revised", "note", "computed",
)

Field = str | Decimal | bool | None


@dataclass(frozen=True, slots=True)
class OpenDataRow:
    """One KPI (or sub-measure) for one period, in :data:`COLUMNS` order."""

    organisation: str
    period: str
    period_label: str
    ref: str
    sub_measure: str
    name: str
    directorate: str
    service: str
    key_commitment: str
    value: Decimal | None
    value_text: str
    unit: str
    target: str
    status: str
    status_override: bool
    direction: str
    explanation: str
    revised: bool
    note: str = ""
    computed: str = ""

    def fields(self) -> tuple[Field, ...]:
        return tuple(getattr(self, c) for c in COLUMNS)


def open_data_rows(report: Report) -> list[OpenDataRow]:
    """Every KPI and sub-measure, for every period shown, in the report's order.

    A KPI listed under more than one heading is given once.
    """
    rows: list[OpenDataRow] = []
    seen: set[tuple[str, str]] = set()
    for kpi in report.rows:
        for row in (kpi, *kpi.children):
            if (row.ref, row.sub_measure) in seen:
                continue
            seen.add((row.ref, row.sub_measure))
            rows.extend(_kpi_rows(report, row, parent=kpi))
    return rows


def _kpi_rows(report: Report, row: KpiRow, parent: KpiRow) -> list[OpenDataRow]:
    """One row per period, in column order; ``current`` joins the cells of its period."""
    earlier = {c.period for c in row.previous_years}
    by_period: dict[str, list[ValueCell]] = {}
    for cell in (*row.previous_years, *([row.ytd] if row.ytd else []), *row.quarters,
                 *row.months):
        by_period.setdefault(cell.period, []).append(cell)
    if row.current is not None:  # the rated figure: first among the cells of its period
        by_period[row.current.period] = [row.current, *by_period.get(row.current.period, [])]
    if row.current is None:  # the report period, always, where nothing is rated
        by_period.setdefault(report.period, [])
    return [_row(report, row, parent, period, cells, period in earlier)
            for period, cells in by_period.items()]


def _row(report: Report, row: KpiRow, parent: KpiRow, period: str,
         cells: list[ValueCell], earlier_year: bool) -> OpenDataRow:
    cell = cells[0] if cells else None
    reported = period == (row.current.period if row.current is not None else report.period)
    status: StatusView | None = row.status if reported else cell.status if cell else None
    if status is None and cell is not None:
        status = cell.status
    return OpenDataRow(
        organisation=report.organisation,
        period=period,
        period_label=cell.heading if cell else report.period_label,
        ref=row.ref,
        sub_measure=row.sub_measure,
        name=row.name,
        directorate=row.directorate or parent.directorate,
        service=row.service or parent.service,
        key_commitment=row.key_commitment or parent.key_commitment,
        value=cell.value if cell else None,
        value_text=cell.text if cell else "",
        unit=(cell.unit if cell and cell.unit else row.unit or parent.unit),
        target="" if earlier_year else row.target,
        status=status.label if status else "",
        status_override=bool(status and status.override),
        direction=row.direction.symbol if reported and row.direction else "",
        explanation=row.explanation if reported else "",
        revised=any(c.revised for c in cells),
        note="; ".join(dict.fromkeys(c.note for c in cells if c.note)),
        computed=next((c.computed for c in cells if c.computed), ""),
    )


# --- CSV -------------------------------------------------------------------------------------

def _number(value: Decimal) -> str:
    """The decimal's own digits, never an exponent: ``46.43``, ``80.60``, ``1E+3`` -> ``1000``."""
    return format(value, "f")


def _csv_field(value: Field) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return _number(value) if value.is_finite() else ""
    return value


def render_csv(report: Report) -> str:
    """The report's figures as RFC 4180 CSV text (UTF-8 when encoded; no BOM)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in open_data_rows(report):
        writer.writerow([_csv_field(v) for v in row.fields()])
    return out.getvalue()


# --- JSON ------------------------------------------------------------------------------------

def _json_field(value: Field) -> str:
    if isinstance(value, Decimal):  # a JSON number, written from the decimal's text
        return _number(value) if value.is_finite() else "null"
    return json.dumps(value, ensure_ascii=False)


def render_json(report: Report) -> str:
    """The report's figures as JSON text, with exact numbers (see the module's notes)."""
    head = {"organisation": report.organisation, "title": report.title,
            "period": report.period, "generated": report.generated}
    lines = ["{"]
    lines += [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    rows = [
        "    {" + ", ".join(f"{json.dumps(k)}: {_json_field(v)}"
                           for k, v in zip(COLUMNS, row.fields(), strict=True)) + "}"
        for row in open_data_rows(report)
    ]
    lines.append('  "rows": [' + ("\n" + ",\n".join(rows) + "\n  ]" if rows else "]"))
    lines.append("}")
    return "\n".join(lines) + "\n"
