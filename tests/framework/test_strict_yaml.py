"""Strict YAML: every scalar as written, numbers exact and bounded, nothing YAML 1.1 guesses;
and the loader's limits (size, depth, alias expansion) hold without building anything big."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpiboard.framework import FrameworkError, load_framework, load_framework_text
from kpiboard.framework.fields import NumberError, number, truth
from kpiboard.framework.yamlio import YamlError, load_yaml

HEAD = """\
kpiboard: 1
organisation: {name: Example Borough Council}
rating_schemes: {corporate: {preset: nnc}}
direction_schemes: {corporate: {preset: nnc}}
defaults: {rating_scheme: corporate, direction_scheme: corporate}
"""


def one_kpi(fields: str, year: str = "2024/25") -> str:
    return HEAD + f"years:\n  {year}:\n    kpis:\n      - {{{fields}}}\n"


def problems(text: str) -> list[str]:
    with pytest.raises(FrameworkError) as exc:
        load_framework_text(text)
    return [str(p) for p in exc.value.problems]


@pytest.mark.parametrize(("written", "read"), [
    ("017", "017"), ("no", "no"), ("Yes", "Yes"), ("off", "off"), ("1:30.5", "1:30.5"),
    ("1.10", "1.10"), ("0x1F", "0x1F"), ("1e3", "1e3"), ("2024-04-01", "2024-04-01"),
    (".inf", ".inf"), ("'017'", "017"), ('"no"', "no"), ("~", None), ("", None),
    ("null", None)])
def test_every_scalar_is_text_as_written(written: str, read: str | None) -> None:
    assert load_yaml(f"a: {written}\n") == {"a": read}


@pytest.mark.parametrize("ref", ["017", "no", "1:30.5", "1.10", "0o17", "true", "2024-04-01"])
def test_refs_codes_and_names_stay_as_written(ref: str) -> None:
    fw = load_framework_text(one_kpi(f"ref: {ref}, name: {ref}, polarity: higher, "
                                     f"sub_measures: [{ref}]"))
    kpi = fw.years["2024/25"].kpis[ref]
    assert (kpi.ref, kpi.name, kpi.sub_measures[0].code) == (ref, ref, ref)


def test_octal_looking_ref_is_not_fifteen() -> None:
    fw = load_framework_text(one_kpi("ref: 017, name: Seventeen, polarity: higher"))
    assert list(fw.years["2024/25"].kpis) == ["017"]


def test_numbers_are_exact_decimals_in_number_fields() -> None:
    fw = load_framework_text(one_kpi(
        "ref: A1, name: a, polarity: higher, target: {annual: 84.999, per_month: 1_000}, "
        "tolerance: {points: 2.50}, decimals: 2, arrears_months: 3"))
    kpi = fw.years["2024/25"].kpis["A1"]
    target = kpi.targets["2024/25"]
    assert (target.annual, target.per_month) == (Decimal("84.999"), Decimal(1000))
    assert str(kpi.tolerance.amount) == "2.50"
    assert (kpi.decimals, kpi.arrears_months) == (2, 3)


def test_unquoted_yes_and_no_for_statutory_are_flags_and_quoted_ones_text() -> None:
    fw = load_framework_text(one_kpi("ref: A1, name: a, polarity: higher, statutory: yes")
                             + "      - {ref: A2, name: b, polarity: higher, statutory: 'No'}\n")
    a1, a2 = (fw.years["2024/25"].kpis[r] for r in ("A1", "A2"))
    assert (a1.statutory, a1.statutory_text) == (True, "")
    assert (a2.statutory, a2.statutory_text) == (False, "No")


@pytest.mark.parametrize(("text", "message"), [
    ("1:30.5", "expected a number, found '1:30.5'"),
    (".inf", "expected a number, found '.inf'"),
    ("NaN", "expected a number, found 'NaN'"),
    ("1.0e+400", "is too large"),
    ("12345678901234567890123", "is too large"),
    ("0.12345678901", "has 11 decimal places"),
    ("1,2345", "expected a number, found '1,2345'"),
    ("1e99999", "expected a number, found '1e99999'"),
])
def test_number_fields_refuse_what_cannot_be_stored(text: str, message: str) -> None:
    with pytest.raises(NumberError, match=message.replace(".", r"\.").replace("(", r"\(")):
        number(text)


@pytest.mark.parametrize(("text", "value"), [
    ("97.5", Decimal("97.5")), ("1,234.5", Decimal("1234.5")), ("95%", Decimal(95)),
    ("-2", Decimal(-2)), (".5", Decimal("0.5")), ("1E+3", Decimal(1000)), ("+7", Decimal(7))])
def test_number_fields_read_ordinary_numbers_exactly(text: str, value: Decimal) -> None:
    assert number(text) == value and str(number(text)) == str(Decimal(text.rstrip("%")
                                                                      .replace(",", "")))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_a_number_or_a_number_error(text: str) -> None:
    try:
        d = number(text)
    except NumberError as exc:
        assert str(exc)
    else:
        assert d.is_finite()


@pytest.mark.parametrize(("word", "flag"), [("true", True), ("No", False), ("ON", True),
                                           ("off", False), ("maybe", None), ("1", None)])
def test_flags(word: str, flag: bool | None) -> None:
    assert truth(word) is flag


def test_billion_laughs_is_refused_quickly_without_expanding() -> None:
    lol = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 12))
    started = time.perf_counter()
    with pytest.raises(YamlError, match="expand to more than 1,000,000 values"):
        load_yaml("l0: &l0 lol\n" + lol)
    assert time.perf_counter() - started < 2


def test_a_few_aliases_are_fine() -> None:
    data = load_yaml("a: &p {Q1: 1, Q2: 2}\nb: *p\nc: *p\n")
    assert data["b"] == data["c"] == {"Q1": "1", "Q2": "2"}


def test_alias_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_YAML_NODES", "10")
    with pytest.raises(YamlError, match="more than 10 values"):
        load_yaml("a: &x [1, 2, 3, 4]\nb: [*x, *x]\n")


def test_depth_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_yaml("a: " + "[" * 30 + "]" * 30) is not None
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_YAML_DEPTH", "5")
    with pytest.raises(YamlError, match="nest more than 5 deep"):
        load_yaml("a: [[[[[[1]]]]]]\n")


def test_deep_nesting_is_a_message_not_a_recursion_error() -> None:
    with pytest.raises(YamlError, match="nest more than 40 deep"):
        load_yaml("a: " + "[" * 3000 + "]" * 3000)
    with pytest.raises(YamlError, match="nest more than 40 deep"):
        load_yaml("a:\n" + "".join(" " * i + "- \n" for i in range(1, 200)))


def test_file_size_is_refused_before_reading_it_all(tmp_path: object,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "big.yaml"
    path.write_text(one_kpi("ref: A1, name: a, polarity: higher"), encoding="utf-8")
    monkeypatch.setenv("KPIBOARD_IMPORT_MAX_YAML_BYTES", "100")
    with pytest.raises(FrameworkError, match="larger than 100 bytes"):
        load_framework(path)
    with pytest.raises(FrameworkError, match="KPIBOARD_IMPORT_MAX_YAML_BYTES"):
        load_framework_text(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("ch", [chr(c) for c in (*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20),
                                                 0x7F, *range(0x80, 0xA0))])
def test_every_control_character_is_refused_at_its_line_and_column(ch: str) -> None:
    found = problems(one_kpi(f"ref: A1, name: 'a{ch}b', polarity: higher"))
    assert found[0].startswith(f"<framework>:9: column 27: a control character U+{ord(ch):04X}")


@pytest.mark.parametrize("escape", ["\\0", "\\a", "\\x7f", "\\x85", "\\u009F", "\\ud800"])
def test_control_characters_written_as_escapes_are_refused(escape: str) -> None:
    found = problems(one_kpi(f'ref: A1, name: "a{escape}b", polarity: higher'))
    assert "(written as an escape) is not allowed" in found[0]


@pytest.mark.parametrize(("key", "kind"), [("[TBC, TBD]", "a list"), ("{a: 1}", "a mapping"),
                                           ("? [a, b]", "a list")])
def test_unhashable_keys_are_messages(key: str, kind: str) -> None:
    text = f"{key}: x\n" if not key.startswith("?") else f"{key}\n: x\n"
    with pytest.raises(YamlError, match=f"a key must be a word or text, found {kind}"):
        load_yaml(text)


def test_duplicate_keys_name_both_lines_and_all_are_reported() -> None:
    with pytest.raises(YamlError) as exc:
        load_yaml("a: 1\nb: 2\na: 3\nb: 4\n")
    assert [(p.line, p.message[:51]) for p in exc.value.problems] == [
        (3, "not valid YAML: duplicate key 'a' (first on line 1)"),
        (4, "not valid YAML: duplicate key 'b' (first on line 2)")]


def test_two_spellings_of_one_year_are_an_error_not_a_lost_block() -> None:
    text = one_kpi("ref: A1, name: a, polarity: higher") + (
        "  2024-25:\n    kpis:\n      - {ref: A2, name: b, polarity: higher}\n")
    assert problems(text) == ["<framework>:10: years.2024-25: '2024-25' is the same year as "
                              "'2024/25' (line 7); give each year once, with all its KPIs"]


@pytest.mark.parametrize("tagged", ["!!binary aGk=", "!!set {a}", "!!python/name:os.system",
                                    "!custom x", "!!omap [a: 1]"])
def test_tags_other_than_text_lists_and_mappings_are_refused(tagged: str) -> None:
    with pytest.raises(YamlError, match="is not used in framework files"):
        load_yaml(f"a: {tagged}\n")


def test_explicit_number_tags_are_text_as_written() -> None:
    assert load_yaml("a: !!int 017\nb: !!float 1.10\n") == {"a": "017", "b": "1.10"}


def test_merge_keys_still_work() -> None:
    assert load_yaml("base: &b {x: 1}\nother: {<<: *b, y: 2}\n")["other"] == {"x": "1", "y": "2"}
