"""The only way views reach the integrated systems and their keys: managers, and nobody else.

Keys open the bank's consultation history to another system, so no other role may learn that a
client or key exists; a manager asking for one that is gone gets 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from customers.models import User

from .models import ApiClient, ApiKey


def _require_manager(user: User) -> None:
    if not user.is_authenticated or not user.is_active or not user.is_manager:
        raise PermissionDenied


def api_client_get_for_user(*, user: User, pk: int) -> ApiClient:
    _require_manager(user)
    try:
        return ApiClient.objects.select_related("channel").get(pk=pk)
    except ApiClient.DoesNotExist as exc:
        raise Http404 from exc


def api_key_get_for_user(*, user: User, pk: int) -> ApiKey:
    _require_manager(user)
    try:
        return ApiKey.objects.select_related("client").get(pk=pk)
    except ApiKey.DoesNotExist as exc:
        raise Http404 from exc
