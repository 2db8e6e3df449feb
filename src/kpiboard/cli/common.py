"""What every command that uses the database shares: starting Django, failing with a
message, choosing the organisation."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def setup(*, migrate: bool = True) -> None:
    """Start Django and bring the database schema up to date (it is idempotent and quick)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpiboard.settings")
    import django
    from django.conf import settings

    django.setup()
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def fail(message: str) -> int:
    print(f"kpiboard: {message}", file=sys.stderr)
    return 2


def organisation(name: str | None) -> Any:
    """The organisation called ``name``, or the only one there is."""
    from kpiboard.kpis.models import Organisation

    orgs = Organisation.objects.all()
    if name:
        try:
            return orgs.get(name=name)
        except Organisation.DoesNotExist:
            names = ", ".join(o.name for o in orgs) or "none yet: import a framework first"
            raise LookupError(f"there is no organisation called {name!r} ({names})") from None
    if orgs.count() != 1:
        names = ", ".join(o.name for o in orgs) or "none yet: import a framework first"
        raise LookupError(f"say which organisation with --organisation ({names})")
    return orgs.get()
