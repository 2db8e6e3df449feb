"""Writing an output file all or nothing: a full disk never leaves half a dump or export."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` (same folder, same suffix, so writers that choose a
    format by suffix still do) to write to. When the block ends without an error the file
    replaces ``path`` in one step; when it fails (a full disk, say) the temporary file is
    removed and ``path`` is left as it was."""
    partial = path.with_name(  # one per process and thread: two builds never share one
        f".{path.stem}.partial-{os.getpid()}-{threading.get_ident()}{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    except OSError as exc:  # say which file the user asked for, not the temporary one
        if exc.filename in (str(partial), partial):
            exc.filename = str(path)
        raise
    finally:
        partial.unlink(missing_ok=True)
