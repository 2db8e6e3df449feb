"""The first corpus: values, framework and KPI-set files that are wrong in the ordinary ways."""

from __future__ import annotations

from tests.corpus.cases import F, K, V
from tests.corpus.make_corpus import BIG_BAD_ROW, BIG_BAD_TEXT, BIG_COUNCIL

PERIOD_HINT = "expected a period such as '2024-02', 'Jan-24', '2023/24-Q1' or '2023/24'"
NOT_UTF8 = "cannot be read; save it as 'CSV UTF-8 (Comma delimited)' and import it again"
TARGET_HINT = "expected a number (90%, 252, >99), a monthly figure (252 (21 per month))"


CASES = [
    # -- period values: columns ----------------------------------------------------------------
    V("wrong_columns.csv", "wrong_columns.csv, row 1: missing required columns: 'ref' or 'kpi' "
      "or 'reference' or 'ref no.'; 'period'; 'value' or 'actual'; the columns found are: "
      "'Indicator', 'Month', 'Figure'"),
    V("missing_value_column.csv", "missing_value_column.csv, row 1: missing required column: "
      "'value' or 'actual'; the columns found are: 'ref', 'period', 'commentary'"),
    V("two_value_columns.csv", "two_value_columns.csv, row 1, column 'Actual': this column and "
      "'value' are the same column (value)"),
    # -- period values: refs and sub-measures --------------------------------------------------
    V("unknown_ref.csv", "unknown_ref.csv, row 3, column 'ref': 'STP51' is not a KPI in the "
      "2023/24 set; did you mean 'STP31'?"),
    V("empty_ref.csv", "empty_ref.csv, row 2, column 'ref': empty: expected the reference of a "
      "KPI in the framework"),
    V("unknown_sub_measure.csv", "unknown_sub_measure.csv, row 3, column 'sub_measure': 'P5' is "
      "not a sub-measure of STP29 in 2023/24; expected one of: P1, P2, P3, P4"),
    V("sub_measure_on_plain_kpi.csv", "sub_measure_on_plain_kpi.csv, row 2, column "
      "'sub_measure': STP15 has no sub-measures in 2023/24, found 'P1'; expected an empty cell"),
    # -- period values: numbers ----------------------------------------------------------------
    V("text_in_value.csv", "text_in_value.csv, row 3, column 'value': cannot read value 'lots': "
      "not a number or a known non-value", "expected a count such as '1,197'"),
    V("text_in_numerator.csv", "text_in_numerator.csv, row 2, column 'numerator': expected a "
      "number (such as 1,197 or 408.4) or an empty cell, found 'twelve'"),
    V("percent_for_a_count.csv", "percent_for_a_count.csv, row 2, column 'value': cannot read "
      "value '45%': the text gives percent but count was expected"),
    V("numerator_above_denominator.csv", "numerator_above_denominator.csv, row 2, column "
      "'numerator': the numerator (14) is greater than the denominator (13); STP15 is a "
      "percentage, so expected at most 13"),
    V("negative_denominator.csv", "negative_denominator.csv, row 2, column 'denominator': the "
      "denominator must not be negative, found -13"),
    V("value_disagrees.csv", "value_disagrees.csv, row 2, column 'value': '80%' does not agree "
      "with the numerator and denominator: 12 out of 13 is 92.31%"),
    # -- period values: periods ----------------------------------------------------------------
    V("period_month_13.csv", "period_month_13.csv, row 2, column 'period': cannot read period "
      "'2024-13'", "month must be 1 to 12", PERIOD_HINT),
    V("period_quarter_5.csv", "period_quarter_5.csv, row 2, column 'period': cannot read period "
      "'Quarter 5 23-24': quarter must be 1 to 4", PERIOD_HINT),
    V("period_smarch.csv", "period_smarch.csv, row 2, column 'period': cannot read period "
      "'Smarch 2024': unknown month name 'smarch'", PERIOD_HINT),
    V("period_without_kpi_set.csv", "period_without_kpi_set.csv, row 2, column 'period': "
      "'2019-05' is in 2019/20, but the framework has no KPI set for 2019/20"),
    V("duplicate_period_two_ways.csv", "duplicate_period_two_ways.csv, row 4, column 'period': "
      "STP15 2024-02 is already given on row 2; expected one row per ref, sub-measure and "
      "period"),
    # -- period values: the file itself --------------------------------------------------------
    V("empty.csv", "empty.csv: the file is empty"),
    V("blank_rows_only.csv", "blank_rows_only.csv: the file is empty"),
    V("header_only.csv", "header_only.csv: the table has a header row but no values under it"),
    V("cp1252.csv", "cp1252.csv: the file is not UTF-8 text: byte 0xA3 at byte offset 96 "
      "(line 2)", NOT_UTF8),
    V("formula.csv", "formula.csv, row 3, column 'value': a formula, not a value: =SUM(D2:D2); "
      "paste values instead"),
    V("values.txt", "values.txt: expected a .csv or .xlsx file, found .txt"),
    V("values.pdf", "values.pdf: expected a .csv or .xlsx file, found .pdf"),
    V("many_problems.csv", "5 problems importing the file",
      "many_problems.csv, row 2, column 'ref': 'STP99'",
      "many_problems.csv, row 3, column 'period': cannot read period '2024-13'",
      "many_problems.csv, row 4, column 'value': cannot read value 'lots'",
      "many_problems.csv, row 5, column 'denominator': the denominator must not be negative",
      "many_problems.csv, row 6, column 'sub_measure': 'P9' is not a sub-measure of STP29"),
    V("unknown_organisation.csv", "unknown_organisation.csv", "North Northants Council",
      "there is no organisation called 'North Northants Council' (North Northamptonshire "
      "Council)", args=("--organisation", "North Northants Council")),
    # -- period values: workbooks (made by make_corpus.py) --------------------------------------
    V("formula.xlsx", "formula.xlsx, sheet 'Values', row 3, column 'value': a formula with no "
      "saved result (=SUM(A1:A2)): open the file in Excel and save it, or paste values"),
    V("merged_header.xlsx", "merged_header.xlsx, sheet 'Values', row 1: header cells E1:F1 are "
      "merged; unmerge them so each column has its name"),
    V("header_only.xlsx", "header_only.xlsx, sheet 'Values': the table has a header row but no "
      "values under it"),
    V("empty_sheet.xlsx", "empty_sheet.xlsx, sheet 'Values': the sheet is empty"),
    V("no_header.xlsx", "no_header.xlsx, sheet 'Values', row 1: missing required columns",
      "the columns found are: 'STP15', '2024-01', '71.43%'"),
    V("bad_cell_on_second_sheet.xlsx", "bad_cell_on_second_sheet.xlsx, sheet 'March 2024', "
      "row 5, column 'value': cannot read value 'about 80%'"),
    V("bad_cell_on_second_sheet.xlsx", "bad_cell_on_second_sheet.xlsx, sheet 'April': no such "
      "sheet; the sheets are 'Notes', 'March 2024'", args=("--sheet", "April")),
    V("not_a_zip.xlsx", "not_a_zip.xlsx: not a valid .xlsx file (it is not a zip archive: "
      "corrupt, or another format renamed)"),
    V("zip_not_a_workbook.xlsx", "zip_not_a_workbook.xlsx: the file is a zip archive but not "
      "an Excel workbook (it has no part 'xl/workbook.xml'); save the table from Excel as "
      ".xlsx"),
    V("big_200000_rows.csv", "1 problem importing the file",
      f"big_200000_rows.csv, row {BIG_BAD_ROW}, column 'value': cannot read value "
      f"'{BIG_BAD_TEXT}': not a well-formed number", args=("--organisation", BIG_COUNCIL)),
    # -- framework files (line numbers count the comment on line 1) ----------------------------
    F("invalid_yaml.yaml", "invalid_yaml.yaml:22: not valid YAML: expected <block end>, but "
      "found '<block mapping start>'"),
    F("unknown_field.yaml", "unknown_field.yaml:23: years.2023/24.kpis[0].polarty: unknown "
      "field 'polarty'; did you mean 'polarity'?"),
    F("bad_polarity.yaml", "bad_polarity.yaml:31: years.2023/24.kpis[1].polarity: polarity "
      "'Smaller is nicer' is not one of higher, lower, target, none"),
    F("unreadable_target.yaml", "unreadable_target.yaml:24: years.2023/24.kpis[0].target: "
      "cannot read target 'ninety-ish percent'", TARGET_HINT),
    F("unreadable_tolerance.yaml", "unreadable_tolerance.yaml:25: "
      "years.2023/24.kpis[0].tolerance: cannot read tolerance 'a bit either side'"),
    F("duplicate_ref.yaml", "duplicate_ref.yaml:26: years.2023/24.kpis[1].ref: KPI 'STP15' "
      "appears twice in 2023/24"),
    F("duplicate_key.yaml", "duplicate_key.yaml:25: not valid YAML: duplicate key 'target'"),
    F("unknown_scheme.yaml", "unknown_scheme.yaml:34: years.2023/24.kpis[1].rating_scheme: "
      "'ofsted' is not a declared scheme (nnc)"),
    F("unknown_preset.yaml", "unknown_preset.yaml:11: direction_schemes.nnc.preset: 'nnx' is "
      "not one of childrens_trust, nnc, two_percent, two_percent_annual (did you mean 'nnc'?)"),
    F("wrong_version.yaml", "wrong_version.yaml:2: kpiboard: this kpiboard reads framework "
      "format 1, not 7"),
    F("bad_year.yaml", "bad_year.yaml:16: years.2023/25: cannot read financial year '2023/25': "
      "the end year must be the year after the start year"),
    F("cp1252.yaml", "cp1252.yaml:25: not UTF-8 text: byte 0xA3 at byte offset 523 (line 25); "
      "save the file as UTF-8"),
    F("empty.yaml", "empty.yaml: a framework file is a mapping with organisation, "
      "rating_schemes, direction_schemes, defaults, years"),
    F("a_list.yaml", "a_list.yaml: a framework file is a mapping with organisation"),
    F("targets_a_list.yaml", "targets_a_list.yaml:24: years.2023/24.kpis[0].targets: targets "
      "must map years to targets, e.g. {2024/25: 95%}"),
    F("infinite_target.yaml", "infinite_target.yaml:24", "cannot read target '.inf'"),
    # -- KPI set spreadsheets ------------------------------------------------------------------
    K("missing_ref_column.csv", "missing_ref_column.csv, row 1: missing required column: 'ref' "
      "or 'reference' or 'kpi ref' or 'kpi reference'; the columns found are: 'Key "
      "Commitment'"),
    K("duplicate_ref.csv", "duplicate_ref.csv, row 4, column 'Ref': Ref 'AFL13' is also on "
      "row 2"),
    K("unreadable_target.csv", "unreadable_target.csv, row 3, column 'Target for 2024-25': "
      "cannot read target 'about the same as last year'", TARGET_HINT),
    K("no_target_column.csv", "no_target_column.csv, row 1: no target column: expected a "
      "header such as 'Target for 2024-25'"),
    K("row_without_ref.csv", "row_without_ref.csv, row 3, column 'Ref': no Ref: every KPI "
      "needs a reference such as 'STP15'"),
    K("bad_status.csv", "bad_status.csv, row 3, column 'New or Existing': expected New or "
      "Existing, found 'Maybe'"),
    K("formula.csv", "formula.csv, row 3, column 'Target for 2024-25': a formula, not a value: "
      "=SUM(J2:J3); paste values instead"),
    K("cp1252.csv", "cp1252.csv: the file is not UTF-8 text: byte 0xA3 at byte offset 811 "
      "(line 3)", NOT_UTF8),
    K("empty.csv", "empty.csv: the file is empty"),
    K("new_kpi_without_polarity.csv", "new_kpi_without_polarity.csv, row 3, column 'Ref': "
      "AFL30 has no previous KPI, so its polarity is not known: give it in a 'Polarity' "
      "column (higher, lower, target or none)"),
    K("merged_header.xlsx", "merged_header.xlsx, sheet 'Appendix B', row 1: header cells H1:I1 "
      "are merged; unmerge them so each column has its name"),
    K("formula.xlsx", "formula.xlsx, sheet 'Appendix B', row 3, column 'Target for 2024-25': "
      "a formula with no saved result (=J3*1.1): open the file in Excel and save it, or paste "
      "values"),
]

