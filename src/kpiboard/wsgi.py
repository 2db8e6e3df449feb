import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpiboard.settings")
application = get_wsgi_application()

# Without a broker (KPIBOARD_BROKER_URL), report files are built on a background thread of
# the web process, never on a request (docs/reports.md, "Report files").
from kpiboard.reportfiles.tasks import run_in_process  # noqa: E402

run_in_process("thread")
