"""The only way to reach a customer's record: staff may open any customer, a customer only themself."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import User


def customer_get_for_user(*, user: User, pk: int) -> User:
    if not user.is_authenticated:
        raise PermissionDenied
    if user.is_customer and user.pk != pk:
        raise Http404  # another customer's record does not exist for you
    if not (user.is_customer or user.is_bank_staff):
        raise PermissionDenied
    try:
        return User.objects.select_related("customer_profile").get(pk=pk, role=User.Role.CUSTOMER)
    except User.DoesNotExist as exc:
        raise Http404 from exc
