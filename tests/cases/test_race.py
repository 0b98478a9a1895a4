"""Two agents accepting the same unassigned case at once: one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.models import Case, Team
from cases.services import case_accept

from .conftest import MONDAY_10


@pytest.mark.django_db(transaction=True)
def test_two_members_racing_to_accept_one_case_one_wins(frozen_now):
    from tests.conftest import seed_demo_bank

    seed_demo_bank()  # transactional tests start from empty tables
    from cases.services import case_open
    from consultations.models import MiddleCategory
    from customers.models import User

    frozen_now(MONDAY_10)
    team = Team.objects.get(code="card")
    middle = MiddleCategory.objects.get(code="0401")
    case = case_open(
        customer=User.objects.get(username="hanauser1"),
        kind=Case.Kind.COMPLAINT,
        priority=Case.Priority.NORMAL,
        title="분실 카드 재발급 지연",
        description="재발급이 2주째 안 됨",
        team=team,
        main_category=middle.main,
        middle_category=middle,
        by=User.objects.get(username="hnv2001"),
    )
    racers = list(team.members.order_by("username")[:2])
    assert len(racers) == 2
    barrier = threading.Barrier(len(racers))
    results: dict[str, str] = {}

    def race(member: User) -> None:
        barrier.wait()
        try:
            case_accept(case=case, by=member)
            results[member.username] = "accepted"
        except ValidationError as exc:
            results[member.username] = exc.code or ""
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(m,)) for m in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == ["accepted", "already_taken"]
    winner = next(login for login, outcome in results.items() if outcome == "accepted")
    case.refresh_from_db()
    assert (case.status, case.assignee.username) == (Case.Status.IN_PROGRESS, winner)
    assert case.entries.filter(kind="accepted").count() == 1
