"""Framework files that strict YAML and the sense checks refuse, and KPI-set spreadsheets
whose targets make no sense: each message names the file and the line (or row and column).

Files with control characters or over the size limit are made once per session (MAKERS):
nothing binary or large is committed.
"""

from __future__ import annotations

from pathlib import Path

from kpiboard.imports.limits import ImportLimits
from tests.corpus.cases import F, K

_BASE = Path(__file__).resolve().parent.parent / "files" / "framework" / "negative_points.yaml"
TOO_BIG = (f"larger than {ImportLimits().yaml_bytes:,} bytes (the limit "
           "KPIBOARD_IMPORT_MAX_YAML_BYTES)")
CONTROL = "is not allowed in a framework file; delete it"
BIG_NUMBER = "is too large: kpiboard keeps numbers of at most 20 digits before the decimal point"
NOT_CHANGED = "the sub-measures are not changed by a target"


def _with(raw: bytes) -> bytes:
    """The negative_points file with ``raw`` in the name of its KPI (line 19)."""
    text = _BASE.read_bytes().replace(b"\r\n", b"\n")
    text = text.replace(b"tolerance: {points: -5}", b"tolerance: {points: 5}")
    return text.replace(b"name: Percentage of major", b"name: Percentage" + raw + b"of major")


MAKERS = {
    "framework/nul_byte.yaml": lambda p: p.write_bytes(_with(b" \x00 ")),
    "framework/del_character.yaml": lambda p: p.write_bytes(_with(b" \x7f ")),
    "framework/c1_control.yaml": lambda p: p.write_bytes(_with(" \x85 ".encode())),
    "framework/too_big.yaml": lambda p: p.write_bytes(
        _with(b" ") + b"# " + b"x" * ImportLimits().yaml_bytes + b"\n"),
}

CASES = [
    # -- strict YAML: every scalar as written; keys, depth, aliases, characters, size -----------
    F("two_spellings_of_a_year.yaml", "two_spellings_of_a_year.yaml:24: years.2023-24: "
      "'2023-24' is the same year as '2023/24' (line 16); give each year once"),
    F("targets_year_twice.yaml", "targets_year_twice.yaml:26: years.2023/24.kpis[0].targets."
      "2024-25: '2024-25' is the same year as '2024/25' (line 25)"),
    F("profile_period_twice.yaml", "profile_period_twice.yaml:25: years.2023/24.kpis[0].target."
      "profile.Jan-24: profile entry 'Jan-24' is the same period as '2024-01'"),
    F("duplicate_ref_key.yaml", "duplicate_ref_key.yaml:26: not valid YAML: duplicate key "
      "'notes' (first on line 24)"),
    F("key_is_a_list.yaml", "key_is_a_list.yaml:25: a key must be a word or text, found a list "
      "[TBC, TBD]; if it is text, quote it: '[TBC, TBD]'"),
    F("key_is_a_mapping.yaml", "key_is_a_mapping.yaml:24: a key must be a word or text, found "
      "a mapping {a: 1}"),
    F("deep_nesting.yaml", "deep_nesting.yaml:24: lists and mappings nest more than 40 deep "
      "(the limit KPIBOARD_IMPORT_MAX_YAML_DEPTH)"),
    F("billion_laughs.yaml", "billion_laughs.yaml:11: the aliases (*name) here expand to more "
      "than 1,000,000 values (the limit KPIBOARD_IMPORT_MAX_YAML_NODES)"),
    F("alias_loop.yaml", "alias_loop.yaml:24: an alias (*name) refers to a list or mapping "
      "that contains the alias itself"),
    F("nul_byte.yaml", "nul_byte.yaml:19: column 24: a control character U+0000 (NUL) " + CONTROL),
    F("del_character.yaml", "del_character.yaml:19: column 24: a control character U+007F (DEL)",
      CONTROL),
    F("c1_control.yaml", "c1_control.yaml:19: column 24: a control character U+0085 (NEL)",
      CONTROL),
    F("escaped_control.yaml", "escaped_control.yaml:24: a control character U+0007 (written as "
      "an escape) is not allowed in a framework file"),
    F("too_big.yaml", "too_big.yaml: the file is " + TOO_BIG),
    F("binary_tag.yaml", "binary_tag.yaml:24: the tag 'tag:yaml.org,2002:binary' is not used "
      "in framework files"),
    F("python_tag.yaml", "python_tag.yaml:24: the tag 'tag:yaml.org,2002:python/object/apply:"
      "os.system' is not used in framework files"),
    # -- number fields: exact, bounded ----------------------------------------------------------
    F("time_in_number.yaml", "time_in_number.yaml:23: years.2023/24.kpis[0].target.annual: "
      "expected a number, found '1:30.5'"),
    F("inf_tolerance.yaml", "inf_tolerance.yaml:24: years.2023/24.kpis[0].tolerance.points: "
      "tolerance points: expected a number, found '.inf'"),
    F("huge_exponent.yaml", "huge_exponent.yaml:23: years.2023/24.kpis[0].target.annual: "
      "1.0E+400 " + BIG_NUMBER),
    F("target_25_digits.yaml", "target_25_digits.yaml:23: years.2023/24.kpis[0].target: "
      "1234567890123456789012345 " + BIG_NUMBER),
    F("too_many_places.yaml", "too_many_places.yaml:23: years.2023/24.kpis[0].target.annual: "
      "97.12345678901 has 11 decimal places; kpiboard keeps at most 10"),
    F("benchmark_25_digits.yaml", "benchmark_25_digits.yaml:24: years.2023/24.kpis[0].benchmark"
      ": benchmark '1234567890123456789012345% (England aver': 1234567890123456789012345 "
      + BIG_NUMBER),
    F("not_true_or_false.yaml", "not_true_or_false.yaml:23: years.2023/24.kpis[0].target."
      "straight_line: expected true or false, found 'maybe'"),
    # -- what the database would refuse -----------------------------------------------------
    F("duplicate_sub_measure.yaml", "duplicate_sub_measure.yaml:24: years.2023/24.kpis[0]."
      "sub_measures[2].code: sub-measure 'P1' is listed twice (first on line 24)"),
    F("negative_decimals.yaml", "negative_decimals.yaml:24: years.2023/24.kpis[0].decimals: "
      "expected a whole number from 0 to 10, found -1"),
    F("decimals_not_whole.yaml", "decimals_not_whole.yaml:24: years.2023/24.kpis[0].decimals: "
      "expected a whole number, found '2.5'"),
    F("huge_arrears.yaml", "huge_arrears.yaml:24: years.2023/24.kpis[0].arrears_months: "
      "expected a whole number from 0 to 24, found 100000000000000000000"),
    F("arrears_power.yaml", "arrears_power.yaml:24: years.2023/24.kpis[0].arrears_months: "
      "expected a whole number, found '10^20'"),
    F("long_ref.yaml", "long_ref.yaml:18: years.2023/24.kpis[0].ref: 'STP15-XXXXXXXXXX",
      "is 66 characters long; kpiboard keeps at most 50 here"),
    F("long_organisation.yaml", "long_organisation.yaml:4: organisation.name: 'North "
      "Northamptonshire", "is 229 characters long; kpiboard keeps at most 200 here"),
    F("directorate_twice.yaml", "directorate_twice.yaml:17: directorates[1].name: directorate "
      "'Place & Economy' is listed twice"),
    F("key_commitment_twice.yaml", "key_commitment_twice.yaml:14: key_commitments[1]: key "
      "commitment 'Safe and thriving places' is listed twice"),
    F("kept_and_removed.yaml", "kept_and_removed.yaml:25: years.2023/24.removed[0].ref: STP15 "
      "is listed both in kpis (line 18) and in removed"),
    # -- schemes and targets make sense ---------------------------------------------------------
    F("unreachable_band.yaml", "unreachable_band.yaml:15: rating_schemes.bands.bands[2]: band 3 "
      "('red' from -5) can never be reached: band 2 ('amber' from -10) comes before it"),
    F("bands_without_catch_all.yaml", "bands_without_catch_all.yaml:15: rating_schemes.bands."
      "bands[2]: the bands leave gaps below the last band without a status"),
    F("band_both_bounds.yaml", "band_both_bounds.yaml:13: rating_schemes.bands.bands[0]."
      "at_least: give a band more_than or at_least, not both"),
    F("negative_same_within.yaml", "negative_same_within.yaml:12: direction_schemes.nnc."
      "same_within: same_within cannot be negative, found -2"),
    F("amber_above_green.yaml", "amber_above_green.yaml:24: years.2023/24.kpis[0].tolerance: "
      "the amber threshold (99.5) is above the green threshold (99), but higher is better"),
    F("amber_below_green_lower.yaml", "amber_below_green_lower.yaml:24: years.2023/24.kpis[0]."
      "tolerance: the amber threshold (4) is below the green threshold (5), but lower is "
      "better"),
    F("negative_points.yaml", "negative_points.yaml:24: years.2023/24.kpis[0].tolerance.points: "
      "a tolerance in points cannot be negative, found -5"),
    F("negative_relative.yaml", "negative_relative.yaml:24: years.2023/24.kpis[0].tolerance."
      "relative: a relative tolerance cannot be negative, found -10"),
    F("cumulative_profile_down.yaml", "cumulative_profile_down.yaml:23: years.2023/24.kpis[0]."
      "target: the cumulative profile goes down from 250 at 2023/24-Q2 to 200 at 2023/24-Q3"),
    F("cumulative_text_down.yaml", "cumulative_text_down.yaml:23: years.2023/24.kpis[0].target: "
      "the cumulative profile goes down from 3377 at 2023/24-Q2 to 3065 at 2023/24-Q3"),
    F("profile_not_annual.yaml", "profile_not_annual.yaml:23: years.2023/24.kpis[0].target: "
      "the profile adds up to 250, but the annual target is 240",
      "'profile_total: not the annual target'"),
    F("profile_other_year.yaml", "profile_other_year.yaml:23: years.2023/24.kpis[0].target: "
      "the profile's period 2022/23-Q3 is in 2022/23, not in 2023/24"),
    F("sub_measure_typo.yaml", "sub_measure_typo.yaml:23: years.2023/24.kpis[0].target: the "
      "target names sub-measure 'P9', which STP31 does not have (its sub-measures are P1, P2, "
      "P3, P4) and gives no target for P4", NOT_CHANGED),
    F("sub_measures_left_out.yaml", "sub_measures_left_out.yaml:23: years.2023/24.kpis[0]."
      "target: the target gives no target for P4"),
    # -- KPI set spreadsheets: the same target checks, at the row and column ---------------------
    K("sub_measure_typo.csv", "sub_measure_typo.csv, row 3, column 'Target for 2024-25': the "
      "target names sub-measure 'P9', which STP31 does not have (its sub-measures are P1, P2, "
      "P3, P4) and gives no target for P4", NOT_CHANGED),
    K("sub_measures_left_out.csv", "sub_measures_left_out.csv, row 3, column 'Target for "
      "2024-25': the target gives no target for P4"),
    K("target_25_digits.csv", "target_25_digits.csv, row 3, column 'Target for 2024-25': "
      "1234567890123456789012345 " + BIG_NUMBER),
    K("cumulative_profile_down.csv", "cumulative_profile_down.csv, row 3, column 'Target for "
      "2024-25': the cumulative profile goes down from 3377 at 2024/25-Q2 to 3065 at "
      "2024/25-Q3"),
    K("too_many_places.csv", "too_many_places.csv, row 3, column 'Target for 2024-25': "
      "90.12345678901 has 11 decimal places; kpiboard keeps at most 10"),
    K("huge_monthly_target.csv", "huge_monthly_target.csv, row 2, column 'Target for 2024-25': "
      "123456789012345678901 " + BIG_NUMBER),
    K("long_ref.csv", "long_ref.csv, row 3, column 'Ref': 'AFL9999",
      "is 63 characters long; kpiboard keeps at most 50 here"),
    K("long_team.csv", "long_team.csv, row 2, column 'Team': 'Housing Housing",
      "is 239 characters long; kpiboard keeps at most 200 here"),
]
