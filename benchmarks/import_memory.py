"""Peak memory and time of importing small hostile files: every file under 1 MB.

    .venv/bin/python benchmarks/import_memory.py [--timeout 300] [--only TEXT]

Imports, one by one, each file of the bad-file corpus (``tests/corpus``: the committed files
and the ones ``make_corpus.py`` generates, those under 1 MB) and a set of adversarial files
made here — a workbook whose only far cell is A1048576, a workbook claiming the whole sheet as
its used range, a zip bomb of about 100 KB, a "billion laughs" YAML, YAML and JSON nested
100,000 deep, a CSV with one 900 KB cell, CSVs and workbooks with thousands of columns, a
1 MB CSV of valid rows, the example council's own files and its dump — with the real command
(``kpiboard import values|kpi-set|framework FILE --dry-run``, ``kpiboard restore --replace``)
in a child process, into the example council (a SQLite database in a temporary folder, or
the database DATABASE_URL names: the example council is imported into it first). For each it
prints the exit status, the child's peak resident memory (``ru_maxrss``) and the wall time,
and then the largest of each (a child that reaches ``--cap`` of address space fails, with
exit status 1 and about that peak). It asserts nothing: the goal (issue 10) is under 200 MB for
any file under 1 MB; the command alone (Python, Django, openpyxl) takes about the first
figure printed, for an empty CSV.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NNC = ROOT / "examples" / "nnc"
MAIN = "import sys; from kpiboard.cli import main; sys.exit(main(sys.argv[1:]))"
LIMIT = 1024 * 1024  # files under 1 MB
HEADER = "ref,sub_measure,period,value,numerator,denominator,commentary\n"


# -- the adversarial files ---------------------------------------------------------------------

def _workbook(rows: list[list[object]], far: dict[str, object] | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    for ref, value in (far or {}).items():
        ws[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _with_part(xlsx: bytes, name: str, body: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for item in src.namelist():
            z.writestr(item, body if item == name else src.read(item))
    return out.getvalue()


VALUE_ROWS: list[list[object]] = [
    ["ref", "sub_measure", "period", "value"], ["STP15", "", "2024-01", "71.43%"]]


def far_cell() -> bytes:
    return _workbook(VALUE_ROWS, {"A1048576": "x"})


def whole_sheet_dimension() -> bytes:
    xlsx = _workbook(VALUE_ROWS)
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:D2"/>', b'<dimension ref="A1:XFD1048576"/>')
    return _with_part(xlsx, "xl/worksheets/sheet1.xml", sheet)


def zip_bomb() -> bytes:
    """A workbook of about 100 KB whose sheet unzips to about 100 MB of empty rows."""
    xlsx = _workbook(VALUE_ROWS)
    sheet = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")
    head, tail = sheet.split(b"</sheetData>")
    body = head + b"<row/>" * 17_000_000 + b"</sheetData>" + tail
    return _with_part(xlsx, "xl/worksheets/sheet1.xml", body)


def billion_laughs() -> bytes:
    lines = ['lol0: &l0 ["' + "lol" * 2000 + '"]']
    for i in range(1, 10):
        lines.append(f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    lines.append("kpiboard: 1\norganisation: {name: *l9}")
    return ("\n".join(lines) + "\n").encode()


def deep_yaml() -> bytes:
    return b"kpiboard: 1\norganisation: " + b"[" * 100_000 + b"]" * 100_000 + b"\n"


def deep_json() -> bytes:
    return b"[" * 100_000 + b"]" * 100_000


def huge_cell() -> bytes:
    return (HEADER + 'STP15,,2024-01,71.43%,,,"' + "x" * 900_000 + '"\n').encode()


def many_columns_csv() -> bytes:
    cols = 16_384
    head = HEADER.rstrip("\n") + "," + ",".join(f"c{i}" for i in range(cols)) + "\n"
    row = "STP15,,2024-01,71.43%,,,," + "," * (cols - 1) + "\n"
    return (head + row * 5).encode()


def many_columns_xlsx() -> bytes:
    head: list[object] = [*VALUE_ROWS[0], *(f"c{i}" for i in range(16_000))]
    return _workbook([head, VALUE_ROWS[1]])


def valid_rows() -> bytes:
    lines = (NNC / "values.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    body = "".join(lines[1:])
    text = lines[0] + body * max(1, (LIMIT - 1000) // len(body.encode()))
    return text.encode()[:LIMIT - 1].rsplit(b"\n", 1)[0] + b"\n"


MADE: dict[str, tuple[str, Callable[[], bytes]]] = {
    "far_cell_A1048576.xlsx": ("values", far_cell),
    "dimension_A1_XFD1048576.xlsx": ("values", whole_sheet_dimension),
    "zip_bomb.xlsx": ("values", zip_bomb),
    "billion_laughs.yaml": ("framework", billion_laughs),
    "nested_100000.yaml": ("framework", deep_yaml),
    "nested_100000.json": ("restore", deep_json),
    "one_900KB_cell.csv": ("values", huge_cell),
    "16384_columns.csv": ("values", many_columns_csv),
    "16000_columns.xlsx": ("values", many_columns_xlsx),
    "1MB_of_valid_rows.csv": ("values", valid_rows),
}


# -- running them ------------------------------------------------------------------------------

def corpus(into: Path) -> list[tuple[str, Path]]:
    """(what, file) for every corpus file under 1 MB."""
    sys.path.insert(0, str(ROOT))
    from tests.corpus.make_corpus import make_corpus

    generated = make_corpus(into / "generated")
    found = []
    for folder in (ROOT / "tests" / "corpus" / "files", generated):
        for path in sorted(folder.rglob("*")):
            what = {"values": "values", "kpiset": "kpi-set", "framework": "framework"}.get(
                path.parent.name)
            if path.is_file() and what and path.stat().st_size < LIMIT \
                    and path.name != ".gitattributes":
                found.append((what, path))
    return found


def command(what: str, path: Path) -> list[str]:
    if what == "restore":
        return ["restore", "--replace", str(path)]
    return ["import", what, str(path), "--dry-run"]


def run(env: dict[str, str], args: list[str], timeout: float,
        cap_mb: int) -> tuple[str, float, float]:
    """(exit status, peak memory in MB, seconds) of the command in a child process."""

    def capped() -> None:  # so that a file that would take all the memory cannot
        cap = cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", MAIN, *args], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=capped if cap_mb else None)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return "timeout", usage.ru_maxrss / 1024, time.perf_counter() - start
        time.sleep(0.02)
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    return str(code), usage.ru_maxrss / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds before a child is stopped (default 300)")
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--cap", type=int, default=4096, metavar="MB",
                        help="the address space a child may take (RLIMIT_AS), so that a file "
                        "that would exhaust the machine cannot; 0 for none (default 4096)")
    opts = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kpiboard-memory-"))
    try:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'kpiboard.sqlite3'}")
        env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
        for what, name in (("framework", "framework.yaml"), ("kpi-set", "kpi_set_2024-25.csv"),
                           ("values", "values.csv")):
            done = subprocess.run([sys.executable, "-c", MAIN, "import", what, str(NNC / name)],
                                  env=env, capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"loading the example council failed: {done.stderr}")
        dump = folder / "example_dump.json"
        subprocess.run([sys.executable, "-c", MAIN, "dump", str(dump)], env=env, check=True,
                       capture_output=True)
        made = folder / "made"
        made.mkdir()
        (made / "empty.csv").write_text(HEADER, encoding="utf-8")
        files: list[tuple[str, Path]] = [("values", made / "empty.csv")]
        for name, (what, make) in MADE.items():
            (made / name).write_bytes(make())
            files.append((what, made / name))
        files += [("framework", NNC / "framework.yaml"), ("kpi-set", NNC / "kpi_set_2024-25.csv"),
                  ("values", NNC / "values.csv"), ("restore", dump)]
        files += corpus(folder)
        files = [(w, p) for w, p in files if opts.only in p.name]

        print(f"{'file':<44} {'command':<10} {'KB':>6} {'exit':>7} {'peak MB':>8} "
              f"{'seconds':>8}")
        worst_mb, worst_s = (0.0, ""), (0.0, "")
        for what, path in files:
            code, mb, seconds = run(env, command(what, path), opts.timeout, opts.cap)
            name = path.name if len(path.name) <= 44 else path.name[:41] + "..."
            print(f"{name:<44} {what:<10} {path.stat().st_size / 1024:>6.0f} {code:>7} "
                  f"{mb:>8.0f} {seconds:>8.2f}", flush=True)
            worst_mb = max(worst_mb, (mb, path.name))
            worst_s = max(worst_s, (seconds, path.name))
        print(f"\n{len(files)} files; largest peak {worst_mb[0]:.0f} MB ({worst_mb[1]}); "
              f"longest {worst_s[0]:.2f} s ({worst_s[1]})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
