"""The limits every importer works within, so that no file can exhaust the machine.

Each limit has a default that is generous for any real council's file and is configurable by
an environment variable (documented in docs/settings.md, under "Import limits"). A file that
goes beyond a limit is refused with a message naming the limit, the file and where in it, and
the variable that raises it. ``import_limits()`` reads the environment each time it is called,
so a test or a long-running server sees a changed variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """The limits, each with the environment variable that sets it (see ``VARIABLES``)."""

    file_bytes: int = 200 * MB  # the size of any imported file
    sheets: int = 50  # sheets in a workbook
    rows: int = 2_000_000  # rows of a table (CSV or sheet), header included
    columns: int = 200  # columns of a table
    cell_chars: int = 32_767  # characters in one cell (Excel's own limit)
    merged_ranges: int = 100_000  # merged ranges in a sheet
    zip_bytes: int = 1024 * MB  # a workbook's total size once unzipped
    zip_ratio: int = 200  # how many times larger than its compressed size a part may unzip
    yaml_bytes: int = 2 * MB  # a framework file (a 500-KPI council's is about 100 KB)
    yaml_depth: int = 40  # nesting of lists and mappings in a framework file
    yaml_nodes: int = 1_000_000  # YAML nodes once aliases are expanded


VARIABLES = {
    "file_bytes": "KPIBOARD_IMPORT_MAX_FILE_BYTES",
    "sheets": "KPIBOARD_IMPORT_MAX_SHEETS",
    "rows": "KPIBOARD_IMPORT_MAX_ROWS",
    "columns": "KPIBOARD_IMPORT_MAX_COLUMNS",
    "cell_chars": "KPIBOARD_IMPORT_MAX_CELL_CHARS",
    "merged_ranges": "KPIBOARD_IMPORT_MAX_MERGED_RANGES",
    "zip_bytes": "KPIBOARD_IMPORT_MAX_UNZIPPED_BYTES",
    "zip_ratio": "KPIBOARD_IMPORT_MAX_ZIP_RATIO",
    "yaml_bytes": "KPIBOARD_IMPORT_MAX_YAML_BYTES",
    "yaml_depth": "KPIBOARD_IMPORT_MAX_YAML_DEPTH",
    "yaml_nodes": "KPIBOARD_IMPORT_MAX_YAML_NODES",
}


class LimitsError(ValueError):
    """An import limit set to something that is not a positive whole number."""


def import_limits() -> ImportLimits:
    """The limits in force: the defaults, with any set by environment variables."""
    given: dict[str, int] = {}
    for f in fields(ImportLimits):
        name = VARIABLES[f.name]
        text = os.environ.get(name, "").strip().replace("_", "").replace(",", "")
        if not text:
            continue
        if not text.isdigit() or int(text) < 1:
            raise LimitsError(f"{name} must be a whole number of 1 or more, found {text!r}")
        given[f.name] = int(text)
    return ImportLimits(**given)


def variable(limit: str) -> str:
    """The environment variable that sets ``limit`` (a field of ``ImportLimits``)."""
    return VARIABLES[limit]
