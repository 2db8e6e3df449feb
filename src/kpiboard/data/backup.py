"""``kpiboard dump`` / ``kpiboard restore``: a whole database through one JSON file.

The file is Django's serialisation of every kpiboard table and the users they refer to, in
primary-key order, so dump → restore → dump gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from kpiboard.data.dumpcheck import dump_problems
from kpiboard.data.files import atomic_output
from kpiboard.data.history import history_rewrite

APPS = ("auth.group", "auth.user", "kpis", "data", "accounts", "workflow", "audit",
        "sitepages")


class RestoreError(ValueError):
    pass


def _models() -> list[type]:
    out: list[type] = []
    for label in APPS:
        if "." in label:
            out.append(apps.get_model(label))
        else:
            out.extend(apps.get_app_config(label).get_models())
    return out


def database_dump(path: Path) -> int:
    """Write every record to ``path``; returns how many."""
    objects = []
    for model in _models():
        objects.extend(model._default_manager.order_by("pk"))  # type: ignore[attr-defined]
    text = serializers.serialize("json", objects, indent=1, ensure_ascii=False)
    with atomic_output(path) as partial:  # a full disk leaves no half-written dump
        partial.write_text(text + "\n", encoding="utf-8")
    return len(objects)


def database_restore(path: Path, *, replace: bool = False) -> int:
    """Load a dump into the database. The kpiboard tables must be empty unless ``replace``,
    which deletes what is there first — in the same transaction, so a bad file changes
    nothing. Replacing is the one place where value revisions and audit events are deleted
    (``history_rewrite``: the PostgreSQL triggers allow it in this transaction only)."""
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RestoreError(f"{path}: not a kpiboard dump ({exc})") from exc
    except RecursionError as exc:  # brackets nested thousands deep: no dump is like that
        raise RestoreError(f"{path}: not a kpiboard dump (nested too deeply)") from exc
    if not isinstance(records, list):
        raise RestoreError(f"{path}: not a kpiboard dump (expected a list of records)")
    count = len(records)
    models = _models()
    labels = {m._meta.label_lower: m for m in models}  # type: ignore[attr-defined]
    problems = dump_problems(records, labels)
    if problems:
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise RestoreError(f"{path}: {len(problems)} record{'s' if len(problems) != 1 else ''} "
                           "cannot be restored (nothing was written):\n"
                           + "\n".join(f"  - {p}" for p in problems[:20]) + more)
    with history_rewrite():
        occupied = [m._meta.label for m in models  # type: ignore[attr-defined]
                    if m._default_manager.exists()]  # type: ignore[attr-defined]
        if occupied and not replace:
            raise RestoreError(f"the database already holds data ({', '.join(occupied)}); "
                               "restore into an empty database, or pass --replace")
        for model in reversed(models):
            model._default_manager.all().delete()  # type: ignore[attr-defined]
        try:
            call_command("loaddata", str(path), format="json", verbosity=0)
        except Exception as exc:  # loaddata raises many kinds
            raise RestoreError(f"{path}: {exc}") from exc
    return count
