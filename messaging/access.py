"""Who may reach which part of messaging: bank staff read the outbox, managers retry and edit.

messaging is the floor below customers, so it cannot import the user model or customers.roles.
It reads the role through the two flags every user of AUTH_USER_MODEL carries (is_bank_staff,
is_manager) and keeps the house rule of customers.roles: anonymous to the login page, anyone else
of the wrong role a 403 (the door is core.roles.entry_required).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.roles import entry_required

from .models import Message
from .selectors import message_get


class BankUser(Protocol):
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_bank_staff(self) -> bool: ...
    @property
    def is_manager(self) -> bool: ...


def _may_read(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_bank_staff)


def _may_retry(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_manager)


staff_only = entry_required(_may_read)
manager_only = entry_required(_may_retry)


def message_get_for_user(*, user: BankUser, pk: int, to_retry: bool = False) -> Message:
    """A message as bank staff see it; `to_retry` asks for a manager. The wrong role is refused
    before the row is looked up, so nobody learns from a 404 which ids exist."""
    if not (_may_retry(user) if to_retry else _may_read(user)):
        raise PermissionDenied
    try:
        return message_get(pk)
    except Message.DoesNotExist as exc:
        raise Http404 from exc
