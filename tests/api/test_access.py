"""Integrated systems and their keys are reached by managers only, asked of the access functions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from api.access import api_client_get_for_user, api_key_get_for_user
from api.keys import api_key_issue

MISSING = 2_000_000_000


@pytest.fixture
def issued_key(video_client):
    return api_key_issue(client=video_client)[0]


def test_a_manager_reaches_clients_and_keys(manager, video_client, issued_key):
    assert api_client_get_for_user(user=manager, pk=video_client.pk) == video_client
    assert api_key_get_for_user(user=manager, pk=issued_key.pk) == issued_key


def test_a_missing_client_or_key_is_a_404_for_a_manager(manager, db):
    with pytest.raises(Http404):
        api_client_get_for_user(user=manager, pk=MISSING)
    with pytest.raises(Http404):
        api_key_get_for_user(user=manager, pk=MISSING)


@pytest.mark.parametrize("role", ["anonymous", "customer", "other_customer", "teller", "agent"])
def test_everyone_else_is_refused_even_for_a_missing_id(request, video_client, issued_key, role):
    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    for get, pk in [
        (api_client_get_for_user, video_client.pk),
        (api_key_get_for_user, issued_key.pk),
        (api_client_get_for_user, MISSING),
        (api_key_get_for_user, MISSING),
    ]:
        with pytest.raises(PermissionDenied):
            get(user=user, pk=pk)
