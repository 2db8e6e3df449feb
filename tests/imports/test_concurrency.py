"""Two imports at once into one database take turns (the import lock, kpiboard.imports.lock).

Every test runs the real ``kpiboard`` command in separate processes against a database of its
own (a SQLite file, or a new PostgreSQL database when DATABASE_URL is PostgreSQL). To make
"at once" certain rather than a matter of timing, a helper process holds the import lock — as
an import in progress holds it — while the imports are started; they wait, and when it lets
go they race for the lock, which is the race that used to end in a duplicate-key traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.imports.scratch import NNC, Scratch, scratch_database

WAITING = "kpiboard: waiting up to 120 s for another import to finish ("
REFUSED = "kpiboard: another import is in progress ("


def _prepare(kind: str, db: Scratch, folder: Path) -> tuple[str, ...]:
    """Load what the import needs; the command's arguments."""
    if kind == "framework":
        return ("import", "framework", str(NNC / "framework.yaml"))
    if kind == "kpi-set":
        done = db.run("import", "framework", str(NNC / "framework.yaml"))
        assert done.returncode == 0, done.stderr
        return ("import", "kpi-set", str(NNC / "kpi_set_2024-25.csv"))
    db.load_example(values=kind == "restore")
    if kind == "values":
        return ("import", "values", str(NNC / "values.csv"))
    dumped = folder / "backup.json"
    dumped.write_text(db.dump(), encoding="utf-8")
    return ("restore", "--replace", str(dumped))


@pytest.mark.parametrize("kind", ["values", "framework", "kpi-set", "restore"])
def test_two_imports_at_once_both_succeed_one_after_the_other(kind: str,
                                                              tmp_path: Path) -> None:
    with scratch_database(tmp_path) as db:
        args = _prepare(kind, db, tmp_path)
        with db.holding():
            first, second = db.start(*args, wait=120), db.start(*args, wait=120)
            first.wait_for(WAITING)
            second.wait_for(WAITING)
        results = [first.finish(), second.finish()]
        for code, _out, err in results:
            assert code == 0, err
            assert "Traceback" not in err
        if kind == "values":  # the second found every value already stored
            outs = sorted(out for _, out, _ in results)
            assert any("0 new" in o for o in outs), outs
        after = db.dump()
        assert '"model": "kpis.organisation"' in after


def test_two_imports_started_together_both_succeed(tmp_path: Path) -> None:
    """No helper: the two simply start at the same moment, as two officers might."""
    with scratch_database(tmp_path) as db:
        db.load_example()
        args = ("import", "values", str(NNC / "values.csv"))
        runs = [db.start(*args, wait=120), db.start(*args, wait=120)]
        for code, _out, err in (r.finish() for r in runs):
            assert code == 0, err
            assert "Traceback" not in err


def _other_values(folder: Path) -> Path:
    """The example's values with one figure changed, in a file of another name."""
    lines = (NNC / "values.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("STP15,,2023/24-Q1,92.31%")
    lines[1] = lines[1].replace("92.31%", "91.00%", 1)
    other = folder / "other.csv"
    other.write_text("".join(lines), encoding="utf-8")
    return other


def test_an_import_that_waits_too_long_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as db:
        db.load_example(values=True)
        other = _other_values(tmp_path)
        before = db.dump()
        with db.holding("import values first.csv"):
            refused = db.run("import", "values", str(other), wait=0.5)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.startswith(REFUSED + "import values first.csv, started "), \
            refused.stderr
        assert " UTC" in refused.stderr
        assert "; try again when it has finished" in refused.stderr
        assert "KPIBOARD_IMPORT_WAIT_SECONDS" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert refused.stdout == ""
        assert db.dump() == before


def test_the_first_import_is_stored_and_the_refused_one_is_not(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as db:
        db.load_example()
        other = _other_values(tmp_path)
        with db.holding():
            first = db.start("import", "values", str(NNC / "values.csv"), wait=120)
            first.wait_for(WAITING)
            refused = db.run("import", "values", str(other), wait=0)
        code, _out, err = first.finish()
        assert code == 0, err
        assert refused.returncode == 2
        assert refused.stderr.startswith(REFUSED), refused.stderr
        stored = db.dump()
        assert '"source": "values.csv"' in stored
        assert "other.csv" not in stored
        # and when nothing else is running, the second import goes through at once
        again = db.run("import", "values", str(other), wait=0)
        assert again.returncode == 0, again.stderr
        assert "1 revised" in again.stdout
        assert "waiting" not in again.stderr


def test_the_wait_setting_must_be_a_number_of_seconds(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as db:
        done = db.run("import", "framework", str(NNC / "framework.yaml"),
                      env={"KPIBOARD_IMPORT_WAIT_SECONDS": "soon"})
        assert done.returncode == 2
        assert done.stderr == ("kpiboard: KPIBOARD_IMPORT_WAIT_SECONDS must be a number of "
                               "seconds from 0 to 86400, found 'soon'\n")


def test_opening_a_year_from_a_kpi_set_file_takes_its_turn_too(tmp_path: Path) -> None:
    with scratch_database(tmp_path) as db:
        done = db.run("import", "framework", str(NNC / "framework.yaml"))
        assert done.returncode == 0, done.stderr
        before = db.dump()
        args = ("year", "open", "--year", "2024/25", "--from-file",
                str(NNC / "kpi_set_2024-25.csv"))
        with db.holding():
            refused = db.run(*args, wait=0)
        assert refused.returncode == 2
        assert refused.stderr.startswith(REFUSED), refused.stderr
        assert db.dump() == before
        opened = db.run(*args, wait=0)
        assert opened.returncode == 0, opened.stderr
