"""Property tests: whatever a file holds, an import succeeds or gives a kpiboard error that
says where — never another exception — and stays within a memory cap.

Every importer is fed the example council's own files (``examples/nnc``), mutated the way
real files go wrong — a byte flipped, the file cut short, a control character, a number made
huge (``1E+308``, 400 nines, ``NaN``), a line duplicated or dropped, brackets nested thousands
deep, a cell of 200,000 characters, a cell written at A1048576 — and plain random bytes:

- values, CSV and XLSX: ``read_period_data`` and then the real store path (``values_import``,
  a dry run: everything is written and then rolled back);
- KPI sets, CSV and XLSX: ``kpi_set_import`` (a dry run);
- framework files: ``load_framework_text`` and, when it loads, ``framework_save`` (a dry run);
- restore: ``database_restore`` inside a transaction that is rolled back.

"Success or a kpiboard error" means: no exception, or one of the errors the command turns
into a `kpiboard:` message with exit status 2 (``TableImportError``, ``FrameworkError``,
``RolloverError``, ``RestoreError``), whose message names the file. Each import runs under a
memory cap — ``CAP_BYTES`` (400 MB) more address space than the test process had before it,
set with ``RLIMIT_AS``, so that an allocation beyond it fails — and a time cap of ``SECONDS``
(20 s). The whole process's peak memory for files up to 1 MB is measured by
``benchmarks/import_memory.py``.

**Budget**: ``EXAMPLES`` examples per test — 350 in all over 11 tests (60 mutated values
CSVs, 30 workbooks, 30 KPI set CSVs, 20 workbooks, 60 framework files, 15 dumps; 40, 15, 25,
40 and 15 of random bytes as values CSV, workbook, KPI set, framework and dump), each of 1
to 4 mutations — no deadline, at most 20 s and 400 MB each, no shrinking (set
KPIBOARD_PROPERTY_SHRINK=1 to shrink a failure); about 70 s for the file on SQLite here (two
shared cores), under 90 s on one CI core. With ``CI=true`` the examples are
derandomized (the same every run, so CI is repeatable); elsewhere hypothesis draws new ones
each run. ``KPIBOARD_PROPERTY_EXAMPLES=N`` multiplies every budget by N for a long hunt.

Each failure found so far is kept as a reproducer in ``property_cases/`` (run as an
``@example``): a CSV cell over 128 KiB, a workbook with one cell at A1048576, a control
character in a framework file, lists nested 3,000 deep.
"""

from __future__ import annotations

import csv
import io
import os
import re
import resource
import signal
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from kpiboard.data.backup import RestoreError
from kpiboard.framework import FrameworkError
from kpiboard.imports.tabular import TableImportError
from kpiboard.kpis.rollover import RolloverError
from tests.store.conftest import NNC

pytestmark = pytest.mark.django_db

ACCEPTED = (TableImportError, FrameworkError, RolloverError, RestoreError)
MB = 1024 * 1024
CAP_BYTES = 400 * MB
SECONDS = 20
CASES = Path(__file__).resolve().parent / "property_cases"
SCALE = int(os.environ.get("KPIBOARD_PROPERTY_EXAMPLES", "1") or 1)
EXAMPLES = {"values_csv": 60, "values_xlsx": 30, "kpiset_csv": 30, "kpiset_xlsx": 20,
            "framework": 60, "restore": 15, "any_values": 40, "any_kpiset": 25,
            "any_framework": 40, "any_xlsx": 15, "any_restore": 15}

settings.register_profile(
    "kpiboard-properties", deadline=None, database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate,
            *([Phase.shrink] if os.environ.get("KPIBOARD_PROPERTY_SHRINK") else [])],
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example])


def budget(name: str) -> Any:
    return settings(settings.get_profile("kpiboard-properties"),
                    max_examples=EXAMPLES[name] * SCALE)


# -- the seeds: the example council's files, a little shortened --------------------------------

def _lines(path: Path, count: int) -> bytes:
    return b"".join((path.read_bytes().splitlines(keepends=True))[:count])


VALUES_CSV = _lines(NNC / "values.csv", 40)
KPISET_CSV = _lines(NNC / "kpi_set_2024-25.csv", 12)
FRAMEWORK = (NNC / "framework.yaml").read_bytes()


def _xlsx(csv_bytes: bytes) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


VALUES_XLSX = _xlsx(VALUES_CSV)
KPISET_XLSX = _xlsx(KPISET_CSV)


# -- the mutations -----------------------------------------------------------------------------

CONTROL = [b"\x00", b"\x01", b"\x08", b"\x0b", b"\x0c", b"\x1b", b"\x7f", b"\r", b"\r\n",
           b"\xc2\x85", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe2\x80\xa8", b"\xed\xa0\x80",
           b"\xff", b"\t"]
HUGE = [b"1E+308", b"1e400", b"-1E+308", b"9" * 25, b"9" * 400, b"0." + b"0" * 40 + b"1",
        b"NaN", b"Infinity", b"-inf", b"-0", b"1_000", b"0x1F", b"017", b"1:30.5", b"10^20",
        b"\xef\xbc\x91\xef\xbc\x92", b"1,000,000,000,000,000,000,000", b"-5", b"1e-400",
        b"2024-03-01", b"Mar-24", b"=1/0", b"#DIV/0!"]
TOKENS = [b",", b'"', b"\n", b":", b"- ", b"{", b"}", b"[", b"]", b"*a", b"&a ", b"!!binary ",
          b"|", b">", b"#", b"%", b"'", b"=", b"@", b"? ", b"<<: ", b"---\n", b"...\n",
          b"!!python/object/apply:os.system ['true']", b"2023-24:", b"2023/24:", b"~", b"null",
          b"yes", b"no", b"on", b"[TBC, TBD]: x\n", b"&x [*x, *x, *x, *x]", b"\\"]
NUMBER = re.compile(rb"-?\d+(?:\.\d+)?%?")


@st.composite
def _position(draw: Any, data: bytes) -> int:
    return int(draw(st.integers(0, len(data))))


def _flip(draw: Any, data: bytes) -> bytes:
    if not data:
        return data
    i = draw(st.integers(0, len(data) - 1))
    new = draw(st.one_of(st.integers(0, 255),
                         st.sampled_from([1, 2, 4, 8, 16, 32, 64, 128]).map(
                             lambda bit: data[i] ^ bit)))
    return data[:i] + bytes([new]) + data[i + 1:]


def _truncate(draw: Any, data: bytes) -> bytes:
    return data[:draw(_position(data))]


def _insert(draw: Any, data: bytes) -> bytes:
    what = draw(st.one_of(st.sampled_from(CONTROL), st.sampled_from(TOKENS),
                          st.binary(min_size=1, max_size=16)))
    i = draw(_position(data))
    return data[:i] + what + data[i:]


def _huge_number(draw: Any, data: bytes) -> bytes:
    found = list(NUMBER.finditer(data))
    if not found:
        return data
    m = draw(st.sampled_from(found))
    return data[:m.start()] + draw(st.sampled_from(HUGE)) + data[m.end():]


def _lines_of(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _duplicate_line(draw: Any, data: bytes) -> bytes:
    lines = _lines_of(data)
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines)))
    lines.insert(j, lines[i])
    return b"".join(lines)


def _drop_line(draw: Any, data: bytes) -> bytes:
    lines = _lines_of(data)
    del lines[draw(st.integers(0, len(lines) - 1))]
    return b"".join(lines)


def _nest(draw: Any, data: bytes) -> bytes:
    depth = draw(st.sampled_from([50, 1000, 5000]))
    opener, closer = draw(st.sampled_from([(b"[", b"]"), (b"{", b"}"), (b"- ", b"")]))
    i = draw(_position(data))
    return data[:i] + opener * depth + b"x" + closer * depth + data[i:]


def _long_cell(draw: Any, data: bytes) -> bytes:
    size = draw(st.sampled_from([140_000, 200_000]))
    i = draw(_position(data))
    return data[:i] + b"x" * size + data[i:]


MUTATIONS: list[Callable[[Any, bytes], bytes]] = [
    _flip, _flip, _truncate, _insert, _insert, _huge_number, _huge_number, _duplicate_line,
    _drop_line, _nest, _long_cell]


@st.composite
def mutated(draw: Any, seed: bytes, most: int = 4) -> bytes:
    """``seed`` with 1 to ``most`` mutations."""
    data = seed
    for _ in range(draw(st.integers(1, most))):
        data = draw(st.sampled_from(MUTATIONS))(draw, data)
    return data


XML_PARTS = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
             "[Content_Types].xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels")


@st.composite
def mutated_xlsx(draw: Any, seed: bytes) -> bytes:
    """A workbook with one of its XML parts mutated, a cell set to something awkward, or
    (less often) its zipped bytes mutated."""
    how = draw(st.sampled_from(["part", "part", "cell", "cell", "bytes"]))
    if how == "bytes":
        return bytes(draw(mutated(seed, most=2)))
    if how == "cell":
        return _with_cell(draw, seed)
    with zipfile.ZipFile(io.BytesIO(seed)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    name = draw(st.sampled_from([p for p in XML_PARTS if p in parts]))
    parts[name] = draw(mutated(parts[name], most=3))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, body in parts.items():
            z.writestr(n, body)
    return out.getvalue()


def _with_cell(draw: Any, seed: bytes) -> bytes:
    from datetime import datetime

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(seed))
    ws = wb.active
    assert ws is not None
    row = draw(st.one_of(st.integers(1, ws.max_row + 1), st.sampled_from([1_048_576, 65_537])))
    col = draw(st.one_of(st.integers(1, ws.max_column + 1), st.sampled_from([16_384, 702])))
    value = draw(st.one_of(
        st.floats(allow_nan=False), st.sampled_from([1e308, -1e308, 1e-308, 10**25, -5]),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
                max_size=30).map(lambda t: re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "?", t)),
        st.sampled_from(["=1/0", "=A1", "#N/A", "Mar-24", "x" * 40_000, True]),
        st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1))))
    ws.cell(row=row, column=col, value=value)
    if draw(st.booleans()):
        ws.cell(row=row, column=col).number_format = draw(st.sampled_from(
            ["0.00%", "mmm-yy", "@", "#,##0", "General"]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def far_cell(xlsx: bytes) -> bytes:
    """``xlsx`` with one more cell, at A1048576 (the last row Excel has)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx))
    ws = wb.active
    assert ws is not None
    ws["A1048576"] = "x"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def case(name: str) -> bytes:
    """A reproducer kept in ``property_cases/``."""
    return (CASES / name).read_bytes()


# -- the check ---------------------------------------------------------------------------------

class TooSlow(Exception):
    pass


def _too_slow(signum: int, frame: object) -> None:
    raise TooSlow(f"one import took more than {SECONDS} s")


def _address_space() -> int | None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmSize:\s+(\d+) kB", status)
    return int(found.group(1)) * 1024 if found else None


def imports_cleanly(run: Callable[[], object], file: Path) -> None:
    """``run`` succeeds, or raises a kpiboard error naming ``file``; within the memory cap
    (at most ``CAP_BYTES`` more address space: ``RLIMIT_AS``, so an allocation beyond it
    fails) and ``SECONDS`` of time."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    in_use = _address_space()
    if in_use is not None:
        resource.setrlimit(resource.RLIMIT_AS, (in_use + CAP_BYTES, hard))
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    try:
        run()
    except ACCEPTED as exc:
        assert file.name in str(exc), f"no location in: {exc}"
    except MemoryError as exc:
        raise AssertionError(f"over the memory cap of {CAP_BYTES // MB} MB") from exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture
def council(db: None) -> Any:
    from kpiboard.example import demo_load
    from kpiboard.kpis.models import Organisation

    demo_load(NNC)
    return Organisation.objects.get()


def _values(council: Any, path: Path) -> Callable[[], object]:
    def run() -> None:
        from kpiboard.data.services import values_import
        from kpiboard.imports.values import read_period_data
        from kpiboard.kpis.selectors import framework_get

        records = read_period_data(path, framework_get(organisation=council))
        values_import(organisation=council, values=records, source=path.name, dry_run=True)
    return run


def _kpi_set(council: Any, path: Path) -> Callable[[], object]:
    def run() -> None:
        from kpiboard.kpis.rollover import kpi_set_import

        kpi_set_import(organisation=council, path=str(path), dry_run=True)
    return run


def _framework(path: Path) -> Callable[[], object]:
    def run() -> None:
        from kpiboard.framework import load_framework
        from kpiboard.kpis.services import framework_save

        framework_save(framework=load_framework(path), dry_run=True)
    return run


class _RolledBack(Exception):
    pass


def _restore(path: Path) -> Callable[[], object]:
    def run() -> None:
        from django.db import transaction

        from kpiboard.data.backup import database_restore

        try:
            with transaction.atomic():
                database_restore(path, replace=True)
                raise _RolledBack
        except _RolledBack:
            pass
    return run


# -- the seeds themselves import ---------------------------------------------------------------

def test_the_seeds_import(council: Any, tmp_path: Path) -> None:
    for name, body, make in (("v.csv", VALUES_CSV, _values), ("v.xlsx", VALUES_XLSX, _values),
                             ("k.csv", KPISET_CSV, _kpi_set), ("k.xlsx", KPISET_XLSX, _kpi_set)):
        path = tmp_path / name
        path.write_bytes(body)
        make(council, path)()
    path = tmp_path / "f.yaml"
    path.write_bytes(FRAMEWORK)
    _framework(path)()


# -- values ------------------------------------------------------------------------------------

@budget("values_csv")
@given(data=mutated(VALUES_CSV))
@example(data=case("values_cell_over_128KiB.csv"))
def test_mutated_values_csv(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(data)
    imports_cleanly(_values(council, path), path)


@budget("values_xlsx")
@given(data=mutated_xlsx(VALUES_XLSX))
@example(data=far_cell(VALUES_XLSX))
def test_mutated_values_xlsx(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "values.xlsx"
    path.write_bytes(data)
    imports_cleanly(_values(council, path), path)


@budget("any_values")
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_values_csv(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(data)
    imports_cleanly(_values(council, path), path)


@budget("any_xlsx")
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_a_workbook(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "values.xlsx"
    path.write_bytes(data)
    imports_cleanly(_values(council, path), path)


# -- KPI sets ----------------------------------------------------------------------------------

@budget("kpiset_csv")
@given(data=mutated(KPISET_CSV))
@example(data=case("kpi_set_cell_over_128KiB.csv"))
def test_mutated_kpi_set_csv(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "kpi_set.csv"
    path.write_bytes(data)
    imports_cleanly(_kpi_set(council, path), path)


@budget("kpiset_xlsx")
@given(data=mutated_xlsx(KPISET_XLSX))
@example(data=far_cell(KPISET_XLSX))
def test_mutated_kpi_set_xlsx(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "kpi_set.xlsx"
    path.write_bytes(data)
    imports_cleanly(_kpi_set(council, path), path)


@budget("any_kpiset")
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_a_kpi_set(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "kpi_set.csv"
    path.write_bytes(data)
    imports_cleanly(_kpi_set(council, path), path)


# -- framework files ---------------------------------------------------------------------------

@budget("framework")
@given(data=mutated(FRAMEWORK))
@example(data=case("framework_control_character.yaml"))
@example(data=case("framework_nested_3000.yaml"))
def test_mutated_framework(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "framework.yaml"
    path.write_bytes(data)
    imports_cleanly(_framework(path), path)


@budget("any_framework")
@given(data=st.binary(max_size=2000))
@example(data=case("framework_control_character.yaml"))
def test_any_bytes_as_a_framework(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "framework.yaml"
    path.write_bytes(data)
    imports_cleanly(_framework(path), path)


# -- restore -----------------------------------------------------------------------------------

@pytest.fixture
def dumped(council: Any, tmp_path: Path) -> bytes:
    from kpiboard.data.backup import database_dump

    path = tmp_path / "seed.json"
    database_dump(path)
    return path.read_bytes()


@budget("restore")
@given(data=st.data())
def test_mutated_restore(dumped: bytes, tmp_path: Path, data: st.DataObject) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(data.draw(mutated(dumped)))
    imports_cleanly(_restore(path), path)


@budget("any_restore")
@given(data=st.binary(max_size=2000))
@example(data=b"[" * 100_000 + b"]" * 100_000)  # was a RecursionError (data/backup.py)
def test_any_bytes_as_a_restore(council: Any, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "backup.json"
    path.write_bytes(data)
    imports_cleanly(_restore(path), path)
