from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from core.replica import replica_configured, replica_state

from .celery import app as celery_app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported as text
        return False, type(exc).__name__
    return True, connection.vendor


def _broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:  # noqa: BLE001
        return False, type(exc).__name__
    return True, str(transport)


def healthz_view(request: HttpRequest) -> JsonResponse:
    db_ok, db_info = _database_ok()
    broker_ok, broker_info = _broker_ok()
    ok = db_ok and broker_ok
    body = {
        "status": "ok" if ok else "degraded",
        "database": {"ok": db_ok, "info": db_info},
        "broker": {"ok": broker_ok, "info": broker_info},
    }
    if replica_configured() and settings.REPLICA_READS:
        # A standby that is down or behind does not make the site unhealthy: reads fall back.
        state = replica_state(fresh=True)
        body["replica"] = {"ok": state.ok, "lag_seconds": state.lag_seconds, "info": state.error}
    return JsonResponse(body, status=200 if ok else 503)
