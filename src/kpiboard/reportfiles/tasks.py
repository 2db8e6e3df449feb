"""Where background jobs run.

With ``KPIBOARD_BROKER_URL`` set (Redis, e.g. ``redis://127.0.0.1:6379/0``) a job is a Celery
task, run by ``kpiboard worker``. Without a broker it runs in this process: synchronously
(the command line: ``kpiboard demo``, ``period publish``, ``import values``... end with their
files built), or, in the web server, on one background thread, so a request never waits for
a build. A web request's own jobs (``background=True``) always go to the thread when there
is no broker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any

from django.conf import settings

log = logging.getLogger("kpiboard.reportfiles")
QUEUE = "kpiboard"

_mode = "thread"  # "sync" on the command line (see kpiboard.cli.common.setup)
_executor: ThreadPoolExecutor | None = None
_futures: list[Future[None]] = []
_lock = threading.Lock()
_app: Any = None


def run_in_process(mode: str) -> None:
    """``sync``: jobs run where they are asked for (the command line); ``thread``: on a
    background thread (the web server)."""
    global _mode
    if mode not in ("sync", "thread"):
        raise ValueError(mode)
    _mode = mode


def _jobs() -> dict[str, Callable[..., Any]]:
    from kpiboard.reportfiles.services import files_build

    return {"build": files_build}


def _run(name: str, kwargs: dict[str, Any]) -> None:
    """One job on the background thread, with the thread's database connections closed
    after it."""
    from django.db import connections

    try:
        _jobs()[name](**kwargs)
    except Exception:
        log.exception("background job %s failed", name)
    finally:
        connections.close_all()


def celery_app() -> Any:
    """The Celery application: its broker is ``KPIBOARD_BROKER_URL``; one job at a time per
    worker process, acknowledged when done (a worker that dies mid-build leaves it queued)."""
    global _app
    with _lock:
        if _app is None or _app.conf.broker_url != (settings.BROKER_URL or "memory://"):
            from celery import Celery

            app = Celery("kpiboard", set_as_current=False)
            app.conf.update(
                broker_url=settings.BROKER_URL or "memory://",
                broker_connection_retry_on_startup=True,
                task_default_queue=QUEUE,
                task_ignore_result=True,
                task_acks_late=True,
                task_reject_on_worker_lost=True,
                worker_prefetch_multiplier=1,
                task_serializer="json",
                accept_content=["json"],
                broker_transport_options={"visibility_timeout": 3600},
                timezone=settings.TIME_ZONE,
            )
            for name in _jobs():
                app.task(name=f"kpiboard.{name}", ignore_result=True)(
                    _celery_job(name))
            _app = app
        return _app


def _celery_job(name: str) -> Callable[..., None]:
    def job(**kwargs: Any) -> None:
        from django.db import close_old_connections

        close_old_connections()
        try:
            _jobs()[name](**kwargs)
        finally:
            close_old_connections()

    job.__name__ = f"kpiboard_{name}"
    return job


def dispatch(name: str, kwargs: dict[str, Any], *, background: bool = False) -> None:
    """Run job ``name`` with ``kwargs``: on the broker when there is one, else in this
    process (see the module's text). A broker that cannot be reached is logged, not raised:
    the rows stay queued and ``kpiboard reports build`` builds them later."""
    if settings.BROKER_URL:
        try:
            celery_app().send_task(f"kpiboard.{name}", kwargs=kwargs, queue=QUEUE)
        except Exception:
            log.exception("job %s could not be sent to the broker %s", name,
                          _safe(settings.BROKER_URL))
        return
    if _mode == "sync" and not background:
        try:
            _jobs()[name](**kwargs)
        except Exception:
            log.exception("job %s failed", name)
        return
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpiboard-jobs")
        _futures[:] = [f for f in _futures if not f.done()]
        _futures.append(_executor.submit(_run, name, kwargs))


def wait_idle(timeout: float = 600) -> bool:
    """Wait until the background thread has done every job sent so far (tests, and the
    demo before it serves). True if it has."""
    with _lock:
        pending = list(_futures)
    _done, not_done = wait_futures(pending, timeout=timeout)
    return not not_done


def _safe(url: str) -> str:
    """A broker address without its password, for a log line."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
