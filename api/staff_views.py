"""Managers' page for the integrated systems: clients, keys shown once, revocation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consultations.models import Channel
from customers.roles import AuthenticatedRequest, manager_required

from .access import api_client_get_for_user, api_key_get_for_user
from .keys import api_client_create, api_key_issue, api_key_revoke
from .models import ApiClient, ApiKey


@manager_required
def api_client_list_view(request: AuthenticatedRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            client = api_client_create(
                name=request.POST.get("name", ""), channel_code=request.POST.get("channel", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("연동 시스템 '%(name)s'을 등록했습니다. 키를 발급해 주세요.") % {"name": client.name},
            )
        return redirect("staff:api_clients")
    clients = (
        ApiClient.objects.select_related("channel")
        .prefetch_related(Prefetch("keys", queryset=ApiKey.objects.order_by("-created_at")))
        .order_by("name")
    )
    return render(request, "api/client_list.html", {"clients": clients, "channels": Channel.objects.active()})


@manager_required
@require_POST
def api_key_create_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client = api_client_get_for_user(user=request.user, pk=pk)
    key, raw = api_key_issue(client=client)
    return render(request, "api/key_created.html", {"client": client, "key": key, "raw": raw})


@manager_required
@require_POST
def api_key_revoke_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    key = api_key_get_for_user(user=request.user, pk=pk)
    api_key_revoke(key=key)
    messages.success(
        request,
        _("키 %(prefix)s…를 폐기했습니다. 이 키로 오는 요청은 이제 거절됩니다.") % {"prefix": key.prefix},
    )
    return redirect("staff:api_clients")
