from __future__ import annotations

import datetime as dt

import pytest

from cases.models import Case, Team
from cases.services import case_open
from consultations.models import Channel, MiddleCategory
from customers.models import User

KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=KST)  # an ordinary banking Monday


def at(day: dt.date | dt.datetime, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=KST)


@pytest.fixture
def card_team(db) -> Team:
    return Team.objects.get(code="card")


@pytest.fixture
def contact_team(db) -> Team:
    return Team.objects.get(code="contact")


@pytest.fixture
def card_members(card_team) -> list[User]:
    return list(card_team.members.order_by("username"))


@pytest.fixture
def open_complaint(db, customer, agent, card_team, frozen_now):
    """Call to open a complaint by hnv2001 (contact center) for 카드팀 at `when`."""

    def make(when: dt.datetime = MONDAY_10, **fields) -> Case:
        frozen_now(when)
        middle = MiddleCategory.objects.get(code="0401")
        values = {
            "customer": customer,
            "kind": Case.Kind.COMPLAINT,
            "priority": Case.Priority.NORMAL,
            "title": "카드 연회비 이중 청구",
            "description": "연회비가 두 번 청구되었다고 전화로 항의",
            "team": card_team,
            "main_category": middle.main,
            "middle_category": middle,
            "channel": Channel.objects.get(code="call"),
            "by": agent,
            **fields,
        }
        return case_open(**values)

    return make
