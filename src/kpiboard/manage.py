"""Run Django's management commands with kpiboard's settings."""

from __future__ import annotations

import os
import sys


def run(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpiboard.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    data_dir = settings.DATA_DIR
    data_dir.mkdir(parents=True, exist_ok=True)
    execute_from_command_line(["kpiboard manage", *argv])


if __name__ == "__main__":
    run(sys.argv[1:])
