"""``kpiboard serve``: the web application under gunicorn (several worker processes)."""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from kpiboard.wsgi import application

        return application


def serve(*, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None,
          threads: int = 4, quiet: bool = False) -> None:
    """Serve until interrupted. Static files come from WhiteNoise, so nothing else is
    needed in front for a demo or a small deployment."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpiboard.settings")
    _Server({
        "bind": f"{host}:{port}",
        "workers": workers or min(4, (os.cpu_count() or 1) + 1),
        "threads": threads,
        "accesslog": None if quiet else "-",
        "loglevel": "warning",
        "timeout": 60,
    }).run()
