"""A corpus of bad files, each imported with the real command into the example council.

For every file: `kpiboard import values|framework|kpi-set FILE` exits with 2, says on stderr
what is wrong and where (file; sheet, row, column or line; the offending text), and leaves the
database exactly as it was (every row of every kpiboard table compared).

The small text files are in ``files/``; the workbooks and the 200,000-row CSV are made once per
session by ``make_corpus.py``. A case with ``bug`` set is a kpiboard bug: it is expected to
fail (xfail) until the bug is fixed, and then fails to say the table needs updating.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kpiboard.cli import main
from kpiboard.kpis.models import Organisation
from tests.corpus.cases import Case, all_cases
from tests.corpus.conftest import FILES
from tests.corpus.make_corpus import GENERATED
from tests.store.conftest import NNC, database_fingerprint

pytestmark = pytest.mark.django_db


def corpus_path(case: Case, generated: Path) -> Path:
    return (generated if case.file in GENERATED else FILES) / case.file


CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_file_is_rejected_and_changes_nothing(
        case: Case, council: Organisation, generated: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = corpus_path(case, generated)
    assert path.is_file(), path
    if case.file == "values/big_200000_rows.csv":  # its council: 500 KPIs x 21 sub-measures
        assert main(["import", "framework", str(generated / "framework/big_council.yaml")]) == 0
    capsys.readouterr()
    before = database_fingerprint()

    try:
        code = main(["import", case.what, str(path), *case.args])
    except Exception as exc:
        assert database_fingerprint() == before
        if case.bug:
            pytest.xfail(f"{case.bug}: {type(exc).__name__}: {exc}")
        raise
    out, err = capsys.readouterr()

    assert database_fingerprint() == before
    missing = [e for e in case.expect if e not in err]
    if case.bug:
        if code != 2 or missing:
            pytest.xfail(f"{case.bug} (exit {code}; stdout {out.strip()!r})")
        pytest.fail(f"fixed? {case.bug}: update the case (drop `bug`, check the message)")
    assert code == 2, (out, err)
    assert err.startswith("kpiboard: "), err
    assert path.name in err
    assert not missing, f"not in stderr: {missing}\n--- stderr:\n{err}"


def test_every_corpus_file_has_a_case() -> None:
    committed = {p.relative_to(FILES).as_posix() for p in FILES.rglob("*")
                 if p.is_file() and p.name != ".gitattributes"}
    cased = {c.file for c in CASES}
    assert committed - cased == set(), "files without a case"
    assert cased - committed - GENERATED == set(), "cases without a file"
    assert GENERATED - cased == {"framework/big_council.yaml"}  # imported before its values
    assert len(CASES) >= 190, f"the corpus has {len(CASES)} cases"


# -- good files --------------------------------------------------------------------------------


def test_same_good_file_imported_twice_changes_nothing_the_second_time(
        council: Organisation, capsys: pytest.CaptureFixture[str]) -> None:
    values = str(NNC / "values.csv")
    assert main(["import", "values", values, "--reason", "first"]) == 0
    before = database_fingerprint()
    capsys.readouterr()

    assert main(["import", "values", values, "--reason", "second"]) == 0

    out = capsys.readouterr().out
    assert "0 new values, 0 revised (a new revision each, the old figure kept), 288 unchanged" \
        in out
    assert database_fingerprint() == before


def test_dry_run_of_a_changed_file_saves_nothing_but_reports_the_revisions(
        council: Organisation, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (NNC / "values.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    changes = {("STP15", "2024-02"): "95.00%", ("STP16", "2024-02"): "50.00%",
               ("AFL13", "2024-01"): "30"}
    seen = 0
    for row in rows[1:]:
        if (row[0], row[2]) in changes and not row[1]:
            row[3] = changes[(row[0], row[2])]
            seen += 1
    assert seen == 3
    changed = tmp_path / "values-revised.csv"
    with changed.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([*rows, ["STP15", "", "2024-03", "88.00%", "", "", ""]])
    before = database_fingerprint()
    capsys.readouterr()

    code = main(["import", "values", str(changed), "--dry-run", "--reason", "corrections"])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert ("Dry run: 1 new values, 3 revisions and 285 unchanged; 0 commentaries would be "
            "written. Nothing was saved.") in out
    assert "revised STP15 February 2023/24: '100.00%' → '95.00%'" in out
    assert out.count("  revised ") == 3
    assert database_fingerprint() == before

    assert main(["import", "values", str(changed), "--reason", "corrections"]) == 0
    assert "1 new values, 3 revised" in capsys.readouterr().out
    assert database_fingerprint() != before  # the same file, not dry run: it is saved


def test_same_kpi_set_imported_again_changes_nothing(
        council: Organisation, capsys: pytest.CaptureFixture[str]) -> None:
    before = database_fingerprint()
    code = main(["import", "kpi-set", str(NNC / "kpi_set_2024-25.csv")])
    assert (code, capsys.readouterr().err) == (0, "")
    assert database_fingerprint() == before
