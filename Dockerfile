# One image for web, worker, beat and the migrate step (docker-compose.yml).
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint's PDF documents: Pango and HarfBuzz (with its font subsetter) lay out the text, and
# the Noto CJK fonts are embedded so Chinese renders on any reader's machine. pg_dump/pg_restore
# (the backup and restore commands) match the compose file's PostgreSQL 15. python-ldap (the
# LDAP sign-in) has no wheel: it is compiled against OpenLDAP's and SASL's headers with gcc.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk postgresql-client \
        gcc libc6-dev libldap2-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt


# Translations and static files are built here, so gettext stays out of the final image.
FROM base AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
        python manage.py compilemessages --ignore='staticfiles/*'; \
    fi
# collectstatic only reads settings; these placeholders never reach a running container.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY=collectstatic-only-placeholder \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput


FROM base
COPY --from=build /app /app
# Editable install: BASE_DIR stays /app, where templates/, static/ and locale/ live.
RUN pip install --no-deps -e . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin mubiao \
    && mkdir -p /app/media \
    && chown mubiao:mubiao /app/media
USER mubiao

ENV DJANGO_SETTINGS_MODULE=config.settings.production
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
