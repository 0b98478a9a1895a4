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
    customers = User.objects.select_related("customer_profile").filter(role=User.Role.CUSTOMER)
    try:
        customer = customers.get(pk=pk)
        # A merged record answers with the one it was merged into, so old links (and forms
        # opened before the merge) reach the kept customer; merges can chain, a few hops at most.
        for _ in range(5):
            if not user.is_bank_staff or not customer.customer_profile.merged_into_id:
                break
            customer = customers.get(pk=customer.customer_profile.merged_into_id)
        return customer
    except User.DoesNotExist as exc:
        raise Http404 from exc
