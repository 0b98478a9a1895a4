"""A case's life through the public services: open, return, re-send, accept, answer, close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from cases.models import Case, CaseEntry, Team
from cases.services import (
    case_accept,
    case_answer,
    case_close,
    case_note,
    case_overdue_alarm,
    case_return,
    case_transfer,
)
from messaging.models import Message

from .conftest import KST, MONDAY_10, at


def codes(error: ValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def case_sms(case: Case) -> list[Message]:
    return list(Message.objects.filter(idempotency_key__startswith=f"case:{case.pk}:").order_by("id"))


def test_it_opens_a_complaint_for_the_team_and_tells_the_customer_its_number_and_deadline(
    open_complaint, card_team, contact_team, agent, django_capture_on_commit_callbacks, outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_complaint()
    assert (case.status, case.team, case.assignee, case.opened_team) == (
        Case.Status.RECEIVED,
        card_team,
        None,
        contact_team,
    )
    assert case.due_at == at(dt.date(2026, 11, 26), 10)
    (sms,) = case_sms(case)
    assert f"접수번호 20261123-{case.pk}" in sms.body and "처리기한 11/26 10:00" in sms.body
    assert sms.status == Message.Status.SENT
    assert [e.kind for e in case.entries.all()] == [CaseEntry.Kind.OPENED]
    assert AuditEntry.objects.filter(target=f"case:{case.pk}", action=AuditEntry.Action.CREATE).exists()


def test_a_returned_case_goes_back_to_its_sender_and_travels_again_to_resolution(
    open_complaint, agent, card_members, card_team, contact_team, frozen_now
):
    case = open_complaint()
    member = card_members[0]

    frozen_now(MONDAY_10 + dt.timedelta(hours=1))
    case_return(case=case, reason="카드 결제 내역이 아니라 대출 이자 건입니다", by=member)
    case.refresh_from_db()
    assert (case.status, case.team, case.assignee) == (Case.Status.RETURNED, contact_team, agent)

    case_transfer(case=case, team=card_team, note="결제 내역 캡처 확인, 카드 연회비 맞습니다", by=agent)
    case.refresh_from_db()
    assert (case.status, case.team, case.assignee) == (Case.Status.RECEIVED, card_team, None)

    case_accept(case=case, by=member)
    case_note(case=case, body="매출 전표 두 건 확인", by=member)
    case_answer(case=case, body="중복 청구된 연회비를 12월 결제일에 환급해 드립니다.", by=member)
    case.refresh_from_db()
    assert (case.status, case.assignee, case.answered_at) == (
        Case.Status.ANSWERED,
        member,
        MONDAY_10 + dt.timedelta(hours=1),
    )
    case_close(case=case, by=member)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    steps = [(e.kind, e.status_after, e.is_public) for e in case.entries.all()]
    assert steps == [
        ("opened", "received", False),
        ("returned", "returned", False),
        ("transferred", "received", False),
        ("accepted", "in_progress", False),
        ("note", "in_progress", False),
        ("answered", "answered", True),
        ("closed", "closed", False),
    ]
    assert case.entries.get(kind="returned").body == "카드 결제 내역이 아니라 대출 이자 건입니다"
    purposes = [m.purpose for m in case_sms(case)]
    assert purposes == ["case_opened", "case_answered", "case_closed"]


@pytest.mark.parametrize(
    ("step", "code"),
    [
        ("return_without_reason", "required"),
        ("transfer_to_same_team", "same_team"),
        ("close_unanswered", "unanswered"),
        ("outsider_accepts", "not_in_team"),
        ("outsider_answers", "not_in_team"),
    ],
)
def test_a_step_outside_the_rules_is_refused_and_changes_nothing(
    open_complaint, card_members, card_team, teller, step, code
):
    case = open_complaint()
    member = card_members[0]
    attempts = {
        "return_without_reason": lambda: case_return(case=case, reason="  ", by=member),
        "transfer_to_same_team": lambda: case_transfer(case=case, team=card_team, note="다시", by=member),
        "close_unanswered": lambda: case_close(case=case, by=member),
        "outsider_accepts": lambda: case_accept(case=case, by=teller),
        "outsider_answers": lambda: case_answer(case=case, body="답변", by=teller),
    }
    with pytest.raises(ValidationError) as err:
        attempts[step]()
    assert code in codes(err.value)
    case.refresh_from_db()
    assert (case.status, case.team, case.assignee) == (Case.Status.RECEIVED, card_team, None)
    assert case.entries.count() == 1


def test_a_closed_case_takes_no_more_answers(open_complaint, card_members):
    case = open_complaint()
    member = card_members[0]
    case_answer(case=case, body="처리했습니다", by=member)
    case_close(case=case, by=member)
    with pytest.raises(ValidationError) as err:
        case_answer(case=case, body="또", by=member)
    assert err.value.code == "closed"


def test_the_second_to_accept_is_told_who_has_it(open_complaint, card_members):
    case = open_complaint()
    first, second = card_members[:2]
    case_accept(case=case, by=first)
    with pytest.raises(ValidationError) as err:
        case_accept(case=case, by=second)
    assert err.value.code == "already_taken"
    assert first.name in err.value.messages[0]


def test_an_overdue_case_alarms_its_team_manager_once(open_complaint, card_team, mailoutbox, settings):
    settings.CASE_OVERDUE_NOTIFY = ["email"]
    manager = card_team.manager
    manager.email = "card-lead@omnihana.test"
    manager.save(update_fields=["email"])
    case = open_complaint()
    on_time = open_complaint(title="기한 안의 건")
    Case.objects.filter(pk=on_time.pk).update(due_at=dt.datetime(2030, 1, 2, 10, tzinfo=KST))
    later = dt.datetime(2026, 11, 26, 10, 1, tzinfo=KST)
    assert case_overdue_alarm(now=later) == 1
    assert case_overdue_alarm(now=later + dt.timedelta(minutes=5)) == 0
    (mail,) = mailoutbox
    assert mail.to == ["card-lead@omnihana.test"] and case.number in mail.subject
    case.refresh_from_db()
    assert case.overdue_alerted_at == later


def test_an_answered_case_is_not_overdue(open_complaint, card_members, mailoutbox):
    case = open_complaint()
    case_answer(case=case, body="처리했습니다", by=card_members[0])
    assert case_overdue_alarm(now=dt.datetime(2026, 12, 30, 10, tzinfo=KST)) == 0


def test_praise_closes_without_an_answer(open_complaint, card_members):
    case = open_complaint(kind=Case.Kind.PRAISE, title="친절한 상담 칭찬")
    case_close(case=case, by=card_members[0], note="감사 인사 전달")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert Team.objects.get(pk=case.team_id).code == "card"
