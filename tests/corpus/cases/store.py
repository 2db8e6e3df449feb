"""What reaches the database: numbers beyond the bounded number type (20 digits before the
point, 10 after) in every cell that holds one, CSV and XLSX, and negative figures for KPIs
that do not allow them; framework and KPI-set numbers the store's backstop refuses; explicit
removals that cannot be read. (Restores are tested in tests/store/test_restore_refuses.py;
files that now import, and nothing deleted by omission, in tests/store.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

from tests.corpus.cases import F, K, V

TOO_LARGE = "is too large: kpiboard keeps numbers of at most 20 digits before the decimal point"
NEGATIVE = "does not allow negatives (a KPI that can go below zero, such as a balance or a " \
    "change, says 'negative: allowed' in the framework)"
HEADER = ["ref", "sub_measure", "period", "value", "numerator", "denominator", "commentary"]


def _book(rows: list[list[Any]]) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        book = openpyxl.Workbook()
        ws = book.active
        assert ws is not None
        ws.title = "Values"
        for row in [HEADER, *rows]:
            ws.append(row)
        book.save(path)

    return make


MAKERS = {
    "values/store_1e308_number_cell.xlsx": _book([["AFL13", "", "2024-01", 1e308]]),
    "values/store_1e_minus_12_number_cell.xlsx": _book([["AFL13", "", "2024-01", 1e-12]]),
    "values/store_25_digit_number_cell.xlsx": _book([["AFL13", "", "2024-01", 10**24]]),
    "values/store_negative_number_cell.xlsx": _book([["AFL14", "", "2024-01", -25]]),
    "values/store_huge_numerator_cell.xlsx": _book([["STP15", "", "2024-01", None, 1e25, 2e25]]),
    "values/store_tiny_denominator_cell.xlsx": _book([["STP15", "", "2024-01", None, 1,
                                                       1e-11]]),
}

CASES = [
    # -- values: too large, too precise (CSV) --------------------------------------------------
    V("store_value_25_digits.csv", "store_value_25_digits.csv, row 2, column 'value': the "
      f"value 1234567890123456789012345 {TOO_LARGE}"),
    V("store_value_21_digits.csv", "row 2, column 'value': the value 100000000000000000000 "
      f"{TOO_LARGE}"),
    V("store_value_with_commas_too_large.csv", "row 2, column 'value': the value "
      f"1234567890123456789012 {TOO_LARGE}"),
    V("store_value_11_places.csv", "row 2, column 'value': the value 71.43000000001 has 11 "
      "decimal places; kpiboard keeps at most 10"),
    V("store_value_1e_minus_12_text.csv", "row 2, column 'value': the value 0.000000000001 "
      "has 12 decimal places; kpiboard keeps at most 10"),
    V("store_value_1e308_text.csv", "row 2, column 'value': cannot read value '1E+308'"),
    V("store_numerator_25_digits.csv", "row 2, column 'numerator': the numerator "
      f"1234567890123456789012345 {TOO_LARGE}", "row 2, column 'denominator': the denominator "
      f"1234567890123456789012346 {TOO_LARGE}"),
    V("store_denominator_25_digits.csv", "row 2, column 'denominator': the denominator "
      f"1234567890123456789012345 {TOO_LARGE}"),
    V("store_numerator_12_places.csv", "row 2, column 'numerator': the numerator "
      "0.000000000001 has 12 decimal places"),
    V("store_terms_in_text_too_large.csv", "row 2, column 'value': the numerator "
      f"123456789012345678901234 {TOO_LARGE}", "the denominator 246913578024691357802468"),
    V("store_ytd_too_large.csv", "row 2, column 'ytd': the year to date "
      f"123456789012345678901234 {TOO_LARGE}"),
    V("store_many_bounds_problems.csv", "4 problems importing the file",
      "row 2, column 'value': the value must not be negative, found -5",
      f"row 3, column 'value': the value 123456789012345678901 {TOO_LARGE}",
      "row 4, column 'denominator': the denominator 0.00000000001 has 11 decimal places",
      "row 5, column 'value': the value 7.00000000001 has 11 decimal places"),
    # -- values: negative figures for KPIs that do not allow them ------------------------------
    V("store_negative_count.csv", "store_negative_count.csv, row 2, column 'value': the value "
      f"must not be negative, found -5: AFL13 is measured in count and {NEGATIVE}"),
    V("store_negative_count_thousands.csv", "row 2, column 'value': the value must not be "
      "negative, found -1197"),
    V("store_negative_sub_measure.csv", "row 2, column 'value': the value must not be "
      "negative, found -3: STP29 is measured in count"),
    V("store_negative_percent.csv", "row 2, column 'value': the value must not be negative, "
      "found -5: STP15 is measured in percent"),
    V("store_negative_numerator_count.csv", "row 2, column 'numerator': the numerator must "
      "not be negative, found -3: AFL13 is measured in count"),
    # -- values: the same in workbooks' number cells -------------------------------------------
    V("store_1e308_number_cell.xlsx", "store_1e308_number_cell.xlsx, sheet 'Values', row 2, "
      "column 'value': the value 10000000000000000000", TOO_LARGE),
    V("store_1e_minus_12_number_cell.xlsx", "sheet 'Values', row 2, column 'value': the value "
      "0.000000000001 has 12 decimal places"),
    V("store_25_digit_number_cell.xlsx", "sheet 'Values', row 2, column 'value': the value "
      f"1000000000000000000000000 {TOO_LARGE}"),
    V("store_negative_number_cell.xlsx", "sheet 'Values', row 2, column 'value': the value "
      "must not be negative, found -25: AFL14 is measured in count"),
    V("store_huge_numerator_cell.xlsx", "sheet 'Values', row 2, column 'numerator': the "
      "numerator 1000000000000000000", TOO_LARGE, "row 2, column 'denominator': the "
      "denominator 2000000000000000000"),
    V("store_tiny_denominator_cell.xlsx", "sheet 'Values', row 2, column 'denominator': the "
      "denominator 0.00000000001 has 11 decimal places"),
    # -- framework and KPI set: numbers the store cannot keep; removals ------------------------
    F("store_target_too_large.yaml", "store_target_too_large.yaml", TOO_LARGE),
    F("store_benchmark_12_places.yaml", "store_benchmark_12_places.yaml",
      "has 12 decimal places; kpiboard keeps at most 10"),
    F("store_remove_misspelt.yaml",
      "store_remove_misspelt.yaml:26: years.2023/24.kpis[0].remove: ",
      "cannot remove 'sub_measure.P4': expected sub_measures.CODE, targets.YEAR"),
    F("store_remove_bad_year.yaml",
      "store_remove_bad_year.yaml:26: years.2023/24.kpis[0].remove: ",
      "'2024/26' is not a financial year such as 2024/25"),
    F("store_negative_maybe.yaml", "store_negative_maybe.yaml:", "negative",
      "'maybe' is not one of allowed, refused"),
    K("store_target_too_large.csv", "store_target_too_large.csv, row 2, column 'Target for "
      "2024-25'", TOO_LARGE),
    K("store_target_12_places.csv", "store_target_12_places.csv, row 3, column 'Target for "
      "2024-25'",
      "has 12 decimal places; kpiboard keeps at most 10"),
]
