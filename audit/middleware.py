"""Every Django admin request by a signed-in person leaves an audit entry, as staff pages do.

The admin is where an insider could read the most, so it is logged per request (who, which model
and object, looked or changed) rather than per action the admin itself chooses to log.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse

from core.request import client_ip

from .models import AuditEntry
from .services import audit_write

_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


class AdminAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if match is None or "admin" not in match.namespaces or user is None or not user.is_authenticated:
            return response
        view = match.url_name or ""
        object_id = str(match.kwargs.get("object_id", ""))[:40]
        app, model = match.kwargs.get("app_label", ""), ""
        parts = view.split("_")
        if len(parts) >= 3 and parts[-1] in {"changelist", "add", "change", "delete", "history"}:
            # "<app>_<model>_<view>"; app labels here have no underscore
            app, model = parts[0], "_".join(parts[1:-1])
        user_model = get_user_model()
        customer_id = None
        if (app, model) == (user_model._meta.app_label, user_model._meta.model_name) and (
            object_id.isascii() and object_id.isdecimal() and len(object_id) < 12
        ):
            customer_id = user_model.objects.filter(pk=int(object_id)).values_list("pk", flat=True).first()
        changing = request.method in _CHANGING
        audit_write(
            actor=user,
            ip=client_ip(request),
            customer_id=customer_id,
            action=AuditEntry.Action.UPDATE if changing else AuditEntry.Action.VIEW,
            target=f"admin {app}.{model}{':' + object_id if object_id else ''}" if model else f"admin {view}",
            detail={
                "admin_view": view,
                "method": request.method,
                "status": response.status_code,
                **({"query": request.GET.dict()} if request.GET else {}),
            },
        )
        return response
