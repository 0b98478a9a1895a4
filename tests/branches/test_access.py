"""Open branches are public; every branch, closed ones too, is a manager's to edit."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from branches.access import branch_get_for_user
from branches.models import Branch

ROLES = ["anonymous", "customer", "teller", "agent", "manager"]


def user_for(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


@pytest.fixture
def branches(db):
    open_branch = Branch.objects.filter(is_active=True).order_by("code").first()
    closed = Branch.objects.get(pk=open_branch.pk)
    closed.pk, closed.code, closed.name, closed.is_active = None, "9999", "폐점 지점", False
    closed.save()
    return {"open": open_branch, "closed": closed}


@pytest.mark.parametrize("role", ROLES)
def test_anyone_reads_an_open_branch_and_nobody_a_closed_one(request, branches, role):
    user = user_for(request, role)
    assert branch_get_for_user(user=user, pk=branches["open"].pk) == branches["open"]
    with pytest.raises(Http404):
        branch_get_for_user(user=user, pk=branches["closed"].pk)


def test_a_manager_edits_open_and_closed_branches(manager, branches):
    for branch in branches.values():
        assert branch_get_for_user(user=manager, pk=branch.pk, manage=True) == branch
    with pytest.raises(Http404):
        branch_get_for_user(user=manager, pk=2_000_000_000, manage=True)


@pytest.mark.parametrize("role", ["anonymous", "customer", "teller", "agent"])
def test_only_managers_edit_branches(request, branches, role):
    with pytest.raises(PermissionDenied):
        branch_get_for_user(user=user_for(request, role), pk=branches["open"].pk, manage=True)
