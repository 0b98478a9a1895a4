"""Who reaches a case: those with a part in it, the bank's managers, and the customer it is about."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.access import case_get_for_user
from cases.selectors import CaseFilters, case_list_for_customer, case_page
from cases.services import case_answer, case_note
from customers.models import User


def test_team_members_the_opening_team_and_managers_see_the_case(
    open_complaint, card_members, manager, agent
):
    case = open_complaint()
    colleague = User.objects.filter(team_memberships__team__code="contact").exclude(pk=agent.pk).first()
    for person in (card_members[0], card_members[1], agent, colleague, manager):
        assert case_get_for_user(user=person, pk=case.pk) == case, person.username


def test_a_teller_with_no_part_and_another_team_see_nothing(open_complaint, teller):
    case = open_complaint()
    forex_member = User.objects.filter(team_memberships__team__code="forex").first()
    for outsider in (teller, forex_member):
        with pytest.raises(Http404):
            case_get_for_user(user=outsider, pk=case.pk)
        rows, _ = case_page(user=outsider, filters=CaseFilters(view="all"))
        assert case.pk not in [row.pk for row in rows]


def test_customers_reach_only_their_own_cases_and_only_public_entries(
    open_complaint, customer, other_customer, card_members
):
    case = open_complaint()
    case_note(case=case, body="내부 메모: 고객 성향 주의", by=card_members[0])
    case_answer(case=case, body="환급해 드립니다", by=card_members[0])
    assert case_get_for_user(user=customer, pk=case.pk) == case
    with pytest.raises(Http404):
        case_get_for_user(user=other_customer, pk=case.pk)
    (mine,) = case_list_for_customer(customer=customer)
    assert [e.body for e in mine.entries.all()] == ["환급해 드립니다"]


def test_anonymous_is_refused(open_complaint):
    from django.contrib.auth.models import AnonymousUser

    case = open_complaint()
    with pytest.raises(PermissionDenied):
        case_get_for_user(user=AnonymousUser(), pk=case.pk)
