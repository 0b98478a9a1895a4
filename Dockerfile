# Production image: gunicorn serves the app, WhiteNoise the static files.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production OMNIHANA_VAR_DIR=/var/lib/omnihana \
    WEB_CONCURRENCY=3
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir . && useradd --system --home /app omnihana && mkdir -p /var/lib/omnihana && chown omnihana /var/lib/omnihana
COPY . .
# collectstatic needs settings that load; these two values exist only for this build step.
RUN SECRET_KEY=build-only-build-only-build-only-build-only-build-only ALLOWED_HOSTS=build \
    python manage.py collectstatic --no-input -v 0 && mkdir -p /var/lib/omnihana/private-media \
    && chown -R omnihana /var/lib/omnihana
USER omnihana
EXPOSE 8000
# gunicorn takes its number of worker processes from WEB_CONCURRENCY (about 2 × cores).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "omnihana.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
