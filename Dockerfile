# syntax=docker/dockerfile:1
# Hromada Companion: `docker build -t hromada .`, then see compose.yaml and .env.example.

# -- build: dependencies in a virtualenv, the project installed editable, catalogues compiled --
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
WORKDIR /app
RUN python -m venv /opt/venv
COPY pyproject.toml README.md alembic.ini babel.cfg ./
COPY bot/ bot/
COPY handlers/ handlers/
COPY migrations/ migrations/
COPY locales/ locales/
# Editable on purpose: bot.migrate and bot.i18n find migrations/ and locales/ next to bot/, so
# the code must run from /app, not from a copy in site-packages.
RUN pip install --no-cache-dir -e . \
    && python -m bot.catalog compile \
    && python -m compileall -q bot handlers migrations

# -- runtime: the same paths, no build tools, a non-root user --
FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LISTEN_HOST=0.0.0.0 \
    LISTEN_PORT=8080 \
    LOG_FORMAT=json \
    DATABASE_URL=sqlite+aiosqlite:////data/hromada.sqlite3
RUN groupadd --system --gid 10001 hromada \
    && useradd --system --uid 10001 --gid hromada --home-dir /app --shell /usr/sbin/nologin hromada \
    && mkdir /data \
    && chown hromada:hromada /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8080
# Liveness only; use /readyz (database reachable, schema at head) for load balancer checks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('LISTEN_PORT', '8080'), timeout=4)"]
# The bot stops gracefully on SIGTERM: give it time (compose: stop_grace_period).
STOPSIGNAL SIGTERM
# `hromada run` applies pending migrations (one instance at a time) before it starts.
CMD ["hromada", "run"]
