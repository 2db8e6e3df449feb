"""Every ``kpiboard …`` command in README.md and docs/ works as typed, in a shell.

Each command is taken from the fenced code blocks of the docs, run as a subprocess (the
installed ``kpiboard`` script, a fresh process, no pytest in it) in a folder of its own, on a
copy of a database holding the example council (made by ``kpiboard demo``, itself a
documented command). File arguments that name a user's own files (``my-council.yaml``,
``april.xlsx``...) are given the example's files under those names; every other path must
exist as typed. A usage synopsis (``kpiboard rate --framework FILE [--period P]``) is not run:
its command and every option it names must be accepted by ``kpiboard COMMAND --help``.

A documented command that fails, fails here; so does a command whose file argument is not
known below (add the example file it stands for).
"""

from __future__ import annotations

import csv
import itertools
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "nnc"
KPIBOARD = str(Path(sys.executable).parent / "kpiboard")
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")),
                       reason="runs the commands on SQLite files of its own (once per suite)"),
]

# What a user's own file in the docs stands for, in the example council.
FRAMEWORK = {"my-council.yaml", "framework.yaml"}
KPI_SET = {"kpis-2024-25.xlsx"}
VALUES = {"april.xlsx", "march.xlsx", "values.csv", "corrections.csv", "values-corrected.csv"}
DUMP = {"backup.json", "FILE.json"}
# Options whose value is a file the command writes (so it need not exist).
OUTPUTS = {"--out", "--reports"}
# A synopsis names placeholders in capitals, alternatives in braces or optional parts.
PLACEHOLDER = re.compile(r"(?<![\w-])(?:[A-Z][A-Z_.]*(?:\.\w+)?|\{[^}]*,[^}]*\}|\.\.\.)(?!\w)")


@dataclass(frozen=True)
class Documented:
    where: str  # file:line
    text: str  # the command as documented, continuations joined
    block: str  # file:line of its code block: a block's commands run in order, one database

    @property
    def synopsis(self) -> bool:
        words = re.sub(r"\[[^\]]*\]", "", self.text)  # optional parts may hold placeholders
        return bool(PLACEHOLDER.search(words))


def documented_commands() -> list[Documented]:
    found: list[Documented] = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in re.finditer(r"^```[^\n]*\n(.*?)^```", text, re.S | re.M):
            start = text.count("\n", 0, block.start(1)) + 1
            lines = block.group(1).split("\n")
            i = 0
            while i < len(lines):
                line, first = lines[i], i
                while line.rstrip().endswith("\\") and i + 1 < len(lines):
                    i += 1
                    line = line.rstrip()[:-1] + " " + lines[i].strip()
                i += 1
                m = re.match(r"^\s*(?:\$ )?(?:\.venv/bin/)?(kpiboard\s.*)$", line)
                if m:
                    command = re.sub(r"\s+#.*$", "", m.group(1)).strip()
                    found.append(Documented(f"{path.relative_to(ROOT)}:{start + first}",
                                            re.sub(r"\s+", " ", command),
                                            f"{path.relative_to(ROOT)}:{start - 1}"))
    return found


COMMANDS = documented_commands()
SYNOPSES = [c for c in COMMANDS if c.synopsis]
BLOCKS: dict[str, list[Documented]] = {}
for _c in COMMANDS:
    if not _c.synopsis:
        BLOCKS.setdefault(_c.block, []).append(_c)


def test_the_docs_document_commands() -> None:
    assert len([c for c in COMMANDS if not c.synopsis]) >= 30
    assert any(c.text.startswith("kpiboard report ") for c in COMMANDS)


# -- the example council, prepared once -------------------------------------------------------

def _csv_to_xlsx(source: Path, target: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    with source.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            sheet.append(row)
    book.save(target)


def run(args: list[str], *, cwd: Path, db: Path,
        timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env["DATABASE_URL"] = f"sqlite:///{db}"
    env["KPIBOARD_DATA_DIR"] = str(cwd / "var")
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the example council's database (``example.sqlite3``), an empty database
    (``empty.sqlite3``), a dump of the example, and the example's files under the names the
    docs give a user's own files."""
    base = tmp_path_factory.mktemp("documented")
    done = run([KPIBOARD, "demo", "--reports", ""], cwd=base, db=base / "example.sqlite3")
    assert done.returncode == 0, done.stderr
    done = run([KPIBOARD, "manage", "migrate"], cwd=base, db=base / "empty.sqlite3")
    assert done.returncode == 0, done.stderr
    files = base / "files"
    files.mkdir()
    # A council's own framework file: the example's, both years (as `kpiboard export` writes).
    done = run([KPIBOARD, "export", "framework", "--out", str(files / "framework.yaml")],
               cwd=base, db=base / "example.sqlite3")
    assert done.returncode == 0, done.stderr
    for name in FRAMEWORK - {"framework.yaml"}:
        shutil.copy(files / "framework.yaml", files / name)
    for name in KPI_SET:
        _csv_to_xlsx(EXAMPLE / "kpi_set_2024-25.csv", files / name)
    for name in VALUES:
        if name.endswith(".xlsx"):
            _csv_to_xlsx(EXAMPLE / "values.csv", files / name)
        else:
            shutil.copy(EXAMPLE / "values.csv", files / name)
    done = run([KPIBOARD, "dump", str(files / "backup.json")], cwd=base,
               db=base / "example.sqlite3")
    assert done.returncode == 0, done.stderr
    shutil.copy(files / "backup.json", files / "FILE.json")
    return base


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _serve(args: list[str], *, cwd: Path, db: Path) -> None:
    """A server command: it must start and answer, then it is stopped."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env["DATABASE_URL"] = f"sqlite:///{db}"
    proc = subprocess.Popen([*args, "--port", str(port), "--workers", "1"], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.communicate()[0]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200
                    assert "North Northamptonshire" in r.read().decode()
                    return
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer in 120 s"
                time.sleep(0.5)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _worker(args: list[str], *, cwd: Path, db: Path) -> None:
    """``kpiboard worker``: it must connect to the broker (the real Redis, database 15) and
    say it is ready, then it is stopped."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    env.update(DATABASE_URL=f"sqlite:///{db}", KPIBOARD_DATA_DIR=str(cwd / "var"),
               KPIBOARD_BROKER_URL="redis://127.0.0.1:6379/15")
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 180
        for line in proc.stdout:  # ends when the worker does
            seen.append(line)
            if re.search(r"kpiboard@\S+ ready\.", line):
                return
            assert time.monotonic() < deadline, "the worker was not ready in 180 s"
        pytest.fail("the worker stopped:\n" + "".join(seen))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def _arguments(command: Documented, files: Path) -> list[str]:
    """The command as typed, with the example's files in place of a user's own."""
    args = shlex.split(re.sub(r"\[[^\]]*\]", "", command.text))  # optional parts left out
    out = [KPIBOARD]
    for previous, arg in itertools.pairwise(args):
        if previous in OUTPUTS or arg.startswith("-"):
            out.append(arg)
        elif arg.startswith("examples/"):
            assert (ROOT / arg).exists(), f"{command.where}: {arg} does not exist"
            out.append(str(ROOT / arg))
        elif (files / arg).exists():
            out.append(str(files / arg))
        else:
            out.append(arg)  # a subcommand, period, year, reason... (or an unknown file: fails)
    return out


def _help_options(words: list[str]) -> str:
    done = subprocess.run([KPIBOARD, *words, "--help"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("command", SYNOPSES, ids=[f"{c.where} {c.text}" for c in SYNOPSES])
def test_documented_synopsis_is_accepted(command: Documented) -> None:
    words = [w for w in command.text.split()[1:3] if re.fullmatch(r"[a-z][a-z-]*", w)]
    text = _help_options(words[:1])
    if len(words) > 1 and f"{words[1]}" in text:
        text = _help_options(words)
    for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", command.text):
        assert option in text, f"{command.where}: {option} is not an option of " \
                               f"kpiboard {' '.join(words)}"


@pytest.mark.parametrize("block", list(BLOCKS), ids=[
    f"{b} " + " && ".join(c.text for c in cs) for b, cs in BLOCKS.items()])
def test_documented_commands_work(block: str, prepared: Path, tmp_path: Path) -> None:
    """The commands of one code block, in order, on one copy of the example's database
    (an empty one for a restore that is not --replace)."""
    db = tmp_path / "db.sqlite3"
    for command in BLOCKS[block]:
        args = _arguments(command, prepared / "files")
        if args[1] == "restore" and "--replace" not in args:
            shutil.copy(prepared / "empty.sqlite3", db)
        elif not db.exists() or args[1] == "restore":
            shutil.copy(prepared / "example.sqlite3", db)
            if (prepared / "var" / "reports").is_dir():  # the report files the demo built
                shutil.copytree(prepared / "var" / "reports", tmp_path / "var" / "reports",
                                dirs_exist_ok=True)
        if args[1] == "serve" or (args[1] == "demo" and "--serve" in args):
            _serve(args, cwd=tmp_path, db=db)
            continue
        if args[1] == "worker":
            _worker(args, cwd=tmp_path, db=db)
            continue
        done = run(args, cwd=tmp_path, db=db)
        assert done.returncode == 0, f"{command.where}: {command.text}\n{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
        for option in OUTPUTS & set(args):
            target = args[args.index(option) + 1]
            if target:
                assert (tmp_path / target).exists(), f"{command.where}: {target} not written"
