"""Staff change only their own work: a booking's outcome, a consultation's record (issue 17 §5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from consultations.models import Booking, Channel, Consultation, MiddleCategory
from customers.models import User
from tests.consultations.test_staff_work import TUESDAY, at, note_data


@pytest.fixture
def booking(db, customer, teller) -> Booking:
    middle = MiddleCategory.objects.get(code="0202")
    return Booking.objects.create(
        customer=customer,
        staff=teller,
        branch=teller.staff_profile.branch,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        middle_category=middle,
        starts_at=at(TUESDAY, 10),
        ends_at=at(TUESDAY, 10, 30),
    )


@pytest.fixture
def after_the_booking(frozen_now):
    frozen_now(at(TUESDAY, 10, 40))


def colleague(teller: User, *, same_branch: bool) -> User:
    tellers = User.objects.filter(role=User.Role.TELLER).exclude(pk=teller.pk)
    branch = teller.staff_profile.branch
    found = (
        tellers.filter(staff_profile__branch=branch)
        if same_branch
        else tellers.exclude(staff_profile__branch=branch)
    ).first()
    assert found is not None
    return found


def test_an_agent_of_another_branch_may_not_mark_a_tellers_booking_no_show(
    client, agent, booking, after_the_booking
):
    client.force_login(agent)
    detail = client.get(reverse("staff:booking_detail", args=[booking.pk])).content.decode()
    assert "노쇼 처리" not in detail and "상담 완료 기록" not in detail
    assert client.post(reverse("staff:booking_no_show", args=[booking.pk])).status_code == 403
    finish = reverse("staff:consultation_create", args=[booking.customer_id]) + f"?booking={booking.pk}"
    assert client.get(finish).status_code == 403
    response = client.post(
        finish, {**note_data(occurred_at="2031-03-04T10:00"), "booking": booking.pk, "outcome": "completed"}
    )
    assert response.status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED
    assert not Consultation.objects.filter(title="신용대출 한도 재상담").exists()


def test_a_teller_of_another_branch_may_not_either(client, teller, booking, after_the_booking):
    client.force_login(colleague(teller, same_branch=False))
    assert client.post(reverse("staff:booking_no_show", args=[booking.pk])).status_code == 403
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED


@pytest.mark.parametrize("who", ["own", "same_branch_teller", "manager"])
def test_the_staff_member_a_teller_of_the_branch_or_a_manager_marks_it(
    client, teller, manager, booking, after_the_booking, who
):
    user = {"own": teller, "same_branch_teller": colleague(teller, same_branch=True), "manager": manager}[who]
    client.force_login(user)
    assert "노쇼 처리" in client.get(reverse("staff:booking_detail", args=[booking.pk])).content.decode()
    assert client.post(reverse("staff:booking_no_show", args=[booking.pk])).status_code == 302
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.NO_SHOW


@pytest.fixture
def tellers_note(db, customer, teller) -> Consultation:
    middle = MiddleCategory.objects.get(code="0201")
    return Consultation.objects.create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        middle_category=middle,
        title="신용대출 한도 상담",
        notes="재직증명서 확인",
        occurred_at=dt.datetime(2031, 3, 3, 9, 30, tzinfo=dt.UTC),
    )


def test_another_staff_member_reads_a_consultation_but_may_not_edit_it(
    client, agent, tellers_note, frozen_now
):
    frozen_now(at(dt.date(2031, 3, 3), 10))
    client.force_login(agent)
    url = reverse("staff:consultation_edit", args=[tellers_note.pk])
    page = client.get(url).content.decode()
    assert "신용대출 한도 상담" in page
    assert "작성한 직원이나 관리자만 수정할 수 있습니다" in page and ">저장</button>" not in page
    response = client.post(url, note_data(title="다른 직원이 고친 제목", notes="덮어쓴 내용"))
    assert response.status_code == 403
    tellers_note.refresh_from_db()
    assert (tellers_note.title, tellers_note.notes) == ("신용대출 한도 상담", "재직증명서 확인")


@pytest.mark.parametrize("who", ["author", "manager"])
def test_the_author_or_a_manager_edits_it(client, teller, manager, tellers_note, who, frozen_now):
    frozen_now(at(dt.date(2031, 3, 3), 10))
    client.force_login(teller if who == "author" else manager)
    url = reverse("staff:consultation_edit", args=[tellers_note.pk])
    assert ">저장</button>" in client.get(url).content.decode()
    assert client.post(url, note_data(title="고친 제목")).status_code == 302
    assert Consultation.objects.get(pk=tellers_note.pk).title == "고친 제목"


def test_another_staff_member_adds_a_note_shown_with_author_and_time_and_audited(
    client, agent, teller, tellers_note, frozen_now
):
    frozen_now(at(dt.date(2031, 3, 3), 10))
    client.force_login(agent)
    url = reverse("staff:consultation_note_add", args=[tellers_note.pk])
    response = client.post(url, {"body": "손님이 콜센터로 <b>재직증명서</b> 재발급을 문의함"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "손님이 콜센터로 &lt;b&gt;재직증명서&lt;/b&gt; 재발급을 문의함" in page
    assert f"<strong>{agent.name}</strong>" in page and "2031-03-03 10:00" in page
    tellers_note.refresh_from_db()  # the record itself is unchanged and still the teller's
    assert (tellers_note.title, tellers_note.notes, tellers_note.staff_id) == (
        "신용대출 한도 상담",
        "재직증명서 확인",
        teller.pk,
    )
    entry = AuditEntry.objects.filter(actor=agent, action=AuditEntry.Action.CREATE).latest("at")
    assert entry.target == f"consultation {tellers_note.pk}" and entry.customer_id == tellers_note.customer_id


def test_an_empty_note_is_refused_with_a_korean_error_and_adds_nothing(client, agent, tellers_note):
    client.force_login(agent)
    url = reverse("staff:consultation_note_add", args=[tellers_note.pk])
    response = client.post(url, {"body": "   "})
    assert response.status_code == 400 and "메모 내용을 입력해 주세요." in response.content.decode()
    too_long = client.post(url, {"body": "가" * 1001})
    assert too_long.status_code == 400 and "1000자까지" in too_long.content.decode()
    assert not tellers_note.added_notes.exists()


def test_a_note_cannot_be_added_to_a_consultation_the_staff_member_may_not_read(
    client, agent, tellers_note, customer
):
    client.force_login(customer)
    url = reverse("staff:consultation_note_add", args=[tellers_note.pk])
    assert client.post(url, {"body": "손님이 쓴 메모"}).status_code == 403
    assert not tellers_note.added_notes.exists()
