"""The shape every `<entity>_get_for_user` of a customer's record shares.

Staff reach any row (one history is the point); a customer reaches only their own, and another
customer's row does not exist for them (404, not 403); any other role, or nobody signed in, is
refused. core imports no app: the user is read by its role flags.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def own_or_staff_get(queryset: QuerySet[M], *, user: Any, pk: int, owner: str = "customer") -> M:
    if not user.is_authenticated:
        raise PermissionDenied
    if user.is_customer:
        queryset = queryset.filter(**{owner: user})
    elif not user.is_bank_staff:
        raise PermissionDenied
    try:
        return queryset.get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
