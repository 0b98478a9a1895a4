"""The only way views reach cases.

Unlike consultations (one history: any member of staff reads any row), a case is read by those
who have a part in it: the members and manager of the team that holds it, the team that opened it
(the contact center sees what it opened), whoever opened, sent, holds or wrote on it, and the
bank's managers. A teller of another branch with no part in it gets 404, as if it did not exist;
a customer reaches only their own cases; any other role is refused.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from customers.models import User

from .models import Case, CaseEntry, Team, TeamMember


def staff_case_condition(user: User) -> Q:
    """Cases this member of staff has a part in (managers: every case)."""
    if user.is_manager:
        return Q()
    my_teams = TeamMember.objects.filter(user=user).values("team_id")
    managed = Team.objects.filter(manager=user).values("pk")
    wrote = CaseEntry.objects.filter(case=OuterRef("pk"), author=user)
    return (
        Q(team_id__in=my_teams)
        | Q(team_id__in=managed)
        | Q(opened_team_id__in=my_teams)
        | Q(opened_by=user)
        | Q(assignee=user)
        | Q(sent_by=user)
        | Q(Exists(wrote))
    )


def case_queryset_for_user(*, user: User) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if user.is_customer:
        return Case.objects.filter(customer=user)
    if not user.is_bank_staff:
        raise PermissionDenied
    return Case.objects.filter(staff_case_condition(user))


def case_visible_to(*, case: Case, user: User) -> bool:
    """After a hand-off: may this member of staff still open the case?"""
    return Case.objects.filter(staff_case_condition(user), pk=case.pk).exists()


def case_get_for_user(*, user: User, pk: int) -> Case:
    qs = case_queryset_for_user(user=user).select_related(
        "customer",
        "team",
        "team__manager",
        "assignee",
        "opened_by",
        "opened_team",
        "sent_from_team",
        "sent_by",
        "main_category",
        "middle_category",
        "channel",
    )
    try:
        return qs.get(pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def team_get_for_user(*, user: User, pk: int) -> Team:
    """Teams are edited by the bank's managers only."""
    if not user.is_authenticated or not user.is_manager:
        raise PermissionDenied
    try:
        return Team.objects.get(pk=pk)
    except Team.DoesNotExist as exc:
        raise Http404 from exc
