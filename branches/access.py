"""The only way views reach a branch: the public finder shows open branches to anyone; managers
edit every branch, closed ones included (reopening one is an edit)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from customers.models import User

from .models import Branch


def branch_get_for_user(*, user: User, pk: int, manage: bool = False) -> Branch:
    qs = Branch.objects.all()
    if manage:
        if not user.is_authenticated or not user.is_manager:
            raise PermissionDenied
    else:
        # A manager looking at the public page sees what customers see: closed branches are gone.
        qs = qs.filter(is_active=True)
    try:
        return qs.get(pk=pk)
    except Branch.DoesNotExist as exc:
        raise Http404 from exc
