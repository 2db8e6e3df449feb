# kpiboard's container image: the web application under gunicorn (`kpiboard serve`), its static
# files collected, running as an unprivileged user. docs/deploy.md describes how to run it;
# compose.yaml runs it with PostgreSQL, Redis and the background worker.
#
#   docker build -t kpiboard .

# --- 1. The front end (GOV.UK Frontend, htmx), built as ./run does (tools/build_assets.py) ---
FROM node:20-bookworm-slim AS assets
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY frontend frontend
COPY tools/build_assets.py tools/build_assets.py
RUN mkdir -p src/kpiboard/web/static/web && python3 tools/build_assets.py

# --- 2. The application --------------------------------------------------------------------
FROM python:3.11-slim-bookworm

# Debian packages WeasyPrint needs for the PDF reports (Pango, HarfBuzz's subsetter, fonts):
# the runtime part of DEBS in ./run (poppler-utils and chromium are only for the tests).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-liberation2 shared-mime-info \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=kpiboard.settings \
    KPIBOARD_DATA_DIR=/srv/kpiboard/var \
    KPIBOARD_STATIC_ROOT=/app/static

WORKDIR /app
# Dependencies first (a layer that changes only when pyproject.toml does).
COPY pyproject.toml README.md LICENSE ./
RUN mkdir -p src/kpiboard && touch src/kpiboard/__init__.py \
 && pip install . && pip uninstall -y kpiboard && rm -rf src build
COPY src src
COPY examples examples
COPY deploy/healthcheck.py /usr/local/bin/kpiboard-healthcheck
COPY --from=assets /build/src/kpiboard/web/static/web/ src/kpiboard/web/static/web/
# Editable, so the package's static files and templates are used where they are.
RUN pip install --no-deps -e . \
 && kpiboard manage collectstatic --noinput -v 0 \
 && chmod 0755 /usr/local/bin/kpiboard-healthcheck

# An unprivileged user owns only the data folder (SQLite file when no DATABASE_URL, scratch).
RUN groupadd --system --gid 10001 kpiboard \
 && useradd --system --uid 10001 --gid kpiboard --home-dir /srv/kpiboard --no-create-home \
      --shell /usr/sbin/nologin kpiboard \
 && mkdir -p /srv/kpiboard/var && chown -R kpiboard:kpiboard /srv/kpiboard
USER kpiboard:kpiboard
# Files a command writes by a relative name (`kpiboard dump backup.json`) land in the volume.
WORKDIR /srv/kpiboard/var
VOLUME ["/srv/kpiboard/var"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["python", "/usr/local/bin/kpiboard-healthcheck"]

# kpiboard serve: gunicorn, errors with tracebacks and request ids to standard error, the
# access log to standard output. Add --workers N to change the number of worker processes.
CMD ["kpiboard", "serve", "--host", "0.0.0.0", "--port", "8000"]
