"""``kpiboard worker``: the Celery worker that builds report files (kpiboard.reportfiles)."""

from __future__ import annotations

import argparse
import os

from kpiboard.cli.common import fail, setup


def worker(args: argparse.Namespace) -> int:
    setup()
    from django.conf import settings

    if not settings.BROKER_URL:
        return fail("KPIBOARD_BROKER_URL is not set, so there is no queue to work from: "
                    "without a broker, report files are built in-process (docs/settings.md)")
    from kpiboard.reportfiles.tasks import QUEUE, _safe, celery_app

    concurrency = args.concurrency or min(4, os.cpu_count() or 1)
    print(f"kpiboard worker: building report files from {_safe(settings.BROKER_URL)} "
          f"({concurrency} at once; Ctrl+C to stop)", flush=True)
    celery_app().worker_main(["worker", f"--loglevel={args.loglevel}", f"--queues={QUEUE}",
                              f"--concurrency={concurrency}", "--without-gossip",
                              "--without-mingle", "--hostname=kpiboard@%h"])
    return 0
