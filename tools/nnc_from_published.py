"""Build the example council's framework file and values from the transcribed report.

The transcription (``examples/nnc/published_report_2024-02.csv``) keeps every cell of the
published February 2024 report as printed. This script turns it into
``examples/nnc/framework.yaml`` (the 2023/24 KPI set) and ``examples/nnc/values.csv``
(quarters, January and February). Run it again after correcting the transcription:

    python tools/nnc_from_published.py
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from kpiboard.engine.values import ValueParseError, parse_value

HERE = Path(__file__).resolve().parent.parent / "examples" / "nnc"
SOURCE = HERE / "published_report_2024-02.csv"
PERIODS = {"q1": "2023/24-Q1", "q2": "2023/24-Q2", "q3": "2023/24-Q3", "q4": "2023/24-Q4",
           "jan": "2024-01", "feb": "2024-02"}
TRUST = "Children's Trust (This data is for the whole of Northamptonshire)"
# Facts the report states in words rather than in columns.
CUMULATIVE = {"AFL07": "increment", "MPS04": "percent_of_target", "MPS05": "percent_of_target",
              "STP38": "value"}  # STP38: "a cumulative rent collected as a percentage"
MPS_PROFILE = {"2023/24-Q1": 28, "2023/24-Q2": 56, "2023/24-Q3": 84, "2024-01": 94,
               "2024-02": 96, "2024-03": 98}


def sub_code(text: str) -> str:
    m = re.match(r"(P\d)\b", text)
    if m:
        return m.group(1)
    m = re.search(r"-\s*(\w+) Area", text)
    return m.group(1) if m else text


def mps_value(text: str) -> str:
    m = re.match(r"([\d.]+%)", text)
    return m.group(1) if m else text


def cell_value(ref: str, text: str) -> str:
    return mps_value(text) if ref.startswith("MPS") else text


def numbers(row: dict[str, str]) -> list[Decimal]:
    out = []
    for col in ("q1", "q2", "q3", "jan", "feb"):
        try:
            v = parse_value(cell_value(row["ref"], row[col]))
        except ValueParseError:
            continue
        if v.value is not None:
            out.append(v.value)
    return out


def basis_of(row: dict[str, str]) -> str:
    ref = row["ref"]
    if ref in CUMULATIVE:
        return "cumulative"
    try:
        ytd = parse_value(row["ytd"])
    except ValueParseError:
        ytd = None
    if "%" in row["feb"] + row["jan"] + row["q1"] or "out of" in row["jan"]:
        return "ratio"
    if "per month" in row["target"] or (ytd is not None and ytd.note and "Apr" in ytd.note):
        return "in_period"  # a monthly target, or a year to date "(Apr - Jan)" that adds up
    figures = numbers(row)
    if ytd is not None and ytd.value is not None and figures and sum(figures) == ytd.value \
            and ytd.value != figures[-1]:
        return "in_period"
    return "snapshot"


def unit_of(row: dict[str, str]) -> str:
    text = row["jan"] + row["feb"] + row["q1"] + row["q3"]
    if "%" in text:
        return "percent"
    if "days" in text:
        return "days"
    if "per 100,000" in row["description"]:
        return "rate"
    return "count"


def main() -> None:
    rows = list(csv.DictReader(SOURCE.open(encoding="utf-8")))
    kpis: list[dict[str, Any]] = []
    values: list[dict[str, str]] = []
    directorates: dict[str, list[str]] = {}
    commitments: list[str] = []
    by_ref: dict[str, dict[str, Any]] = {}
    for row in rows:
        ref = row["ref"]
        if row["continuation"]:
            for col, period in PERIODS.items():
                m = re.match(r"([\d.]+) out of ([\d.]+)", row[col])
                if m:
                    for v in values:
                        if v["ref"] == ref and v["period"] == period and not v["sub_measure"]:
                            v["numerator"], v["denominator"] = m.group(1), m.group(2)
            continue
        if row["sub_measure"]:
            code = sub_code(row["sub_measure"])
            sub: dict[str, Any] = {"code": code, "name": row["sub_measure"]}
            by_ref[ref].setdefault("sub_measures", []).append(sub)
        else:
            code = ""
            services = directorates.setdefault(row["directorate"], [])
            if row["service"] and row["service"] not in services:
                services.append(row["service"])
            kc = row["key_commitment"].strip()
            if kc and kc.lower() not in [c.lower() for c in commitments]:
                commitments.append(kc)
            kpi: dict[str, Any] = {
                "ref": ref, "name": row["description"],
                "key_commitment": next(c for c in commitments if c.lower() == kc.lower()),
                "directorate": row["directorate"], "service": row["service"],
                "statutory": row["statutory"],
                "frequency": "monthly" if row["jan"] or row["feb"] else "quarterly",
                "unit": unit_of(row), "basis": basis_of(row), "polarity": row["polarity"],
                "target": row["target"] or "No target set",
            }
            if "arrears" in row["feb"].lower():
                kpi["arrears_months"] = 1
            if row["tolerance"]:
                kpi["tolerance"] = row["tolerance"]
            if row["benchmark"] and row["benchmark"].lower() not in ("n/a", "tbd"):
                kpi["benchmark"] = row["benchmark"]
            if CUMULATIVE.get(ref, "value") != "value":
                kpi["travel_basis"] = CUMULATIVE[ref]
            if ref.startswith("MPS"):
                kpi["target"] = {"annual": 98, "cumulative": True, "profile": MPS_PROFILE,
                                 "text": row["target"]}
            if ref == "STP36":
                kpi["sub_measures"] = []
            kpis.append(kpi)
            by_ref[ref] = kpi
        latest = None
        for col, period in PERIODS.items():
            text = cell_value(ref, row[col])
            if text:
                latest = {"ref": ref, "sub_measure": code, "period": period, "value": text,
                          "numerator": "", "denominator": "", "commentary": ""}
                values.append(latest)
        if latest is not None and not code and row["comments"]:
            latest["commentary"] = row["comments"]  # the report's comment, as published
    for kpi in kpis:
        if kpi["polarity"] in ("N/A", "N/A - Tracking", "No polarity"):
            kpi["polarity"] = "none"
    framework = {
        "kpiboard": 1,
        "organisation": {"name": "North Northamptonshire Council", "short_name": "NNC"},
        "terminology": {
            "TBC": "To be confirmed", "TBD": "To be determined", "n/a": "Not applicable",
            "Actual": "The actual data (number/percentage) achieved during the reporting period",
            "Benchmark": "A comparator used to compare the Council's performance against.",
        },
        "rating_schemes": {"nnc": {"preset": "nnc"},
                           "childrens_trust": {"preset": "childrens_trust"}},
        "direction_schemes": {"nnc": {"preset": "nnc"},
                              "childrens_trust": {"preset": "childrens_trust"}},
        "defaults": {"rating_scheme": "nnc", "direction_scheme": "nnc"},
        "key_commitments": commitments,
        "directorates": [
            {"name": d, "services": [
                {"name": s, "rating_scheme": "childrens_trust",
                 "direction_scheme": "childrens_trust"} if s == TRUST else s
                for s in services]}
            for d, services in directorates.items()
        ],
        "years": {"2023/24": {"kpis": kpis}},
    }
    header = (
        "# North Northamptonshire Council: the 2023/24 KPI set as published in its February\n"
        "# 2024 performance report. Generated by tools/nnc_from_published.py from\n"
        "# published_report_2024-02.csv; targets and tolerances keep the published text.\n"
    )
    text = yaml.safe_dump(framework, sort_keys=False, allow_unicode=True, width=100)
    (HERE / "framework.yaml").write_text(header + text, encoding="utf-8")
    with (HERE / "values.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["ref", "sub_measure", "period", "value", "numerator",
                                          "denominator", "commentary"], lineterminator="\n")
        w.writeheader()
        w.writerows(values)
    print(f"{len(kpis)} KPIs, {sum(len(k.get('sub_measures', [])) for k in kpis)} sub-measures,"
          f" {len(values)} values")


if __name__ == "__main__":
    main()
