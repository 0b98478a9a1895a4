"""Finding a customer, their page with one timeline, the audit of every look, favourites."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consultations.models import Booking, Channel, MiddleCategory
from customers.models import User
from inquiries.models import Inquiry, Reply
from messaging.models import Message, Purpose

KST = dt.timezone(dt.timedelta(hours=9))


def table(page: str) -> str:
    """The result rows as shown: without forms (the search itself is echoed in their fields)."""
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    return re.sub(r"<form.*?</form>", "", body, flags=re.S)


@pytest.mark.parametrize(
    "query",
    [{"q": "박진"}, {"q": "hanauser1"}, {"q": "6789"}, {"q": "010-2345"}, {"birth_date": "1994-03-22"}],
)
def test_staff_find_a_customer_by_name_login_phone_part_or_birth_date(client, teller, query):
    client.force_login(teller)
    rows = table(client.get(reverse("staff:customers"), query).content.decode())
    assert "hanauser1" in rows
    assert "박*우" in rows and "010-****-6789" in rows and "1994-**-**" in rows
    assert "박진우" not in rows and "010-2345-6789" not in rows and "1994-03-22" not in rows


def test_an_empty_or_too_short_search_explains_itself(client, teller):
    client.force_login(teller)
    assert (
        "검색어나 생년월일을 입력해 주세요."
        in client.get(reverse("staff:customers"), {"q": ""}).content.decode()
    )
    assert "두 글자 이상" in client.get(reverse("staff:customers"), {"q": "박"}).content.decode()


def test_a_search_that_finds_nobody_says_so(client, teller):
    client.force_login(teller)
    assert (
        "찾는 손님이 없습니다." in client.get(reverse("staff:customers"), {"q": "없는사람"}).content.decode()
    )


def test_staff_are_not_found_as_customers(client, teller):
    client.force_login(teller)
    page = client.get(reverse("staff:customers"), {"q": "hnv2001"}).content.decode()
    assert "hnv2001" not in table(page) and "찾는 손님이 없습니다." in page


@pytest.fixture
def history(db, customer, agent, teller):
    """A consultation, a booking, an inquiry with a reply and an internal note, and a message."""
    inquiry = Inquiry.objects.create(
        customer=customer,
        title="대출 금리 문의",
        main_category=MiddleCategory.objects.get(code="0201").main,
        middle_category=MiddleCategory.objects.get(code="0201"),
        body="<p>금리가 궁금합니다</p>",
        sla_due_at=dt.datetime(2031, 1, 2, tzinfo=KST),
    )
    Reply.objects.create(inquiry=inquiry, author=agent, body="<p>연 4.1%입니다</p>")
    Reply.objects.create(inquiry=inquiry, author=agent, body="내부: VIP 손님", is_internal=True)
    Message.objects.create(
        idempotency_key="hist:1",
        purpose=Purpose.INQUIRY_ANSWERED,
        customer=customer,
        to_phone="+821023456789",
        body="답변이 등록되었습니다",
        status=Message.Status.SENT,
    )
    return inquiry


def test_the_customer_page_shows_a_masked_profile_and_one_timeline(
    client, teller, customer, history, django_assert_max_num_queries
):
    client.force_login(teller)
    with django_assert_max_num_queries(16):
        page = client.get(reverse("staff:customer_detail", args=[customer.pk])).content.decode()
    assert "박진우" in page and "010-****-6789" in page and "1994-**-**" in page
    assert "010-2345-6789" not in page and "1994-03-22" not in page  # full details only on 전체 보기
    for text in [
        "리틀빅정기예금 가입 상담, 가입",
        "대출 금리 문의",
        "연 4.1%입니다",
        "내부 메모",
        "답변이 등록되었습니다",
        "추가상담 예약",
    ]:
        assert text in page, text
    assert page.index("대출 금리 문의") < page.index("리틀빅정기예금 가입 상담, 가입")  # newest first


def test_the_timeline_filters_by_type_and_channel(client, teller, customer, history):
    client.force_login(teller)
    url = reverse("staff:customer_detail", args=[customer.pk])
    only_inquiries = client.get(url, {"type": "inquiry"}).content.decode()
    assert "대출 금리 문의" in only_inquiries and "리틀빅정기예금" not in only_inquiries
    remote = client.get(url, {"channel": "remote"}).content.decode()
    assert (
        "리틀빅정기예금" in remote
        and "대출 금리 문의" not in remote
        and "답변이 등록되었습니다" not in remote
    )


def test_every_open_of_a_customer_page_is_audited(client, teller, customer):
    client.force_login(teller)
    client.get(reverse("staff:customer_detail", args=[customer.pk]), REMOTE_ADDR="10.1.2.3")
    client.get(reverse("staff:customer_detail", args=[customer.pk]), REMOTE_ADDR="10.1.2.3")
    entries = AuditEntry.objects.filter(actor=teller, customer=customer, action=AuditEntry.Action.VIEW)
    assert entries.count() == 2
    assert entries.first().ip == "10.1.2.3"


def test_a_spoofed_forwarded_for_header_does_not_change_the_audited_address(client, teller, customer):
    client.force_login(teller)
    client.get(
        reverse("staff:customer_detail", args=[customer.pk]),
        REMOTE_ADDR="10.1.2.3",
        HTTP_X_FORWARDED_FOR="1.1.1.1",
    )
    assert AuditEntry.objects.get(actor=teller, customer=customer).ip == "10.1.2.3"


def test_staff_star_a_customer_and_see_them_on_the_today_page(client, teller, customer):
    client.force_login(teller)
    client.post(reverse("staff:favourite_toggle", args=[customer.pk]))
    today = client.get(reverse("staff:today")).content.decode()
    assert f'href="/staff/customers/{customer.pk}/"' in today and "즐겨찾는 손님" in today
    response = client.post(
        reverse("staff:favourite_toggle", args=[customer.pk]), HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"starred": False}


def test_a_staff_member_cannot_be_opened_as_a_customer(client, teller, agent):
    client.force_login(teller)
    assert client.get(reverse("staff:customer_detail", args=[agent.pk])).status_code == 404


def test_only_managers_read_the_audit_log_and_can_filter_it(client, teller, manager, customer):
    client.force_login(teller)
    client.get(reverse("staff:customer_detail", args=[customer.pk]))
    assert client.get(reverse("staff:audit")).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("staff:audit"), {"actor": "hnv2004", "action": "view"}).content.decode()
    assert "hnv2004" in page and "손님 상세 화면" in page and "customer page" not in page
    assert (
        "hnv2004"
        not in client.get(reverse("staff:audit"), {"actor": "hnv2001"}).content.decode().split("<tbody>")[-1]
    )


def test_the_admin_cannot_change_or_delete_audit_entries(client, manager, customer):
    entry = AuditEntry.objects.create(actor=manager, customer=customer, action=AuditEntry.Action.VIEW)
    client.force_login(manager)
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code in (200, 403)
    client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.fixture
def upcoming(db, customer, teller):
    middle = MiddleCategory.objects.get(code="0202")
    start = dt.datetime(2031, 3, 4, 10, tzinfo=KST)
    return Booking.objects.create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        middle_category=middle,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
    )


def test_the_customer_page_lists_upcoming_bookings_with_a_way_to_record_the_result(
    client, teller, customer, upcoming
):
    client.force_login(teller)
    page = client.get(reverse("staff:customer_detail", args=[customer.pk])).content.decode()
    assert f"?booking={upcoming.pk}" in page


def test_a_customer_only_ever_reaches_their_own_record(customer, other_customer):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from customers.access import customer_get_for_user

    assert customer_get_for_user(user=customer, pk=customer.pk) == customer
    with pytest.raises(Http404):
        customer_get_for_user(user=customer, pk=other_customer.pk)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        customer_get_for_user(user=AnonymousUser(), pk=customer.pk)
    assert User.objects.filter(pk=customer.pk).exists()


def test_a_customer_can_be_starred_from_the_search_results(client, teller, customer):
    client.force_login(teller)
    search = reverse("staff:customers") + "?q=hanauser1"
    response = client.post(reverse("staff:favourite_toggle", args=[customer.pk]), {"next": search})
    assert response["Location"] == search
    assert 'aria-pressed="true"' in client.get(search).content.decode().split("<tbody>")[1]
    response = client.post(
        reverse("staff:favourite_toggle", args=[customer.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("staff:customer_detail", args=[customer.pk])


def test_like_wildcards_in_a_customer_search_are_plain_characters(db):
    from customers.selectors import customer_search

    assert not customer_search(query="%").exists()
    assert not customer_search(query="_").exists()
    assert customer_search(query="박진").filter(username="hanauser1").exists()
    assert customer_search(query="hanaUSER1").filter(username="hanauser1").exists()


def test_full_details_only_after_an_audited_reveal_with_a_reason(client, teller, customer, frozen_now):
    client.force_login(teller)
    page_url = reverse("staff:customer_detail", args=[customer.pk])
    reveal = reverse("staff:customer_reveal", args=[customer.pk])
    assert "010-2345-6789" not in client.get(page_url).content.decode()
    # no reason, no details, no entry
    page = client.post(reveal, {"reason": "identity", "reason_text": ""}, follow=True).content.decode()
    assert "전체 보기 사유를 고르고 설명을 2자 이상 입력해 주세요." in page and "010-2345-6789" not in page
    assert not AuditEntry.objects.filter(actor=teller, target="customer full details").exists()
    assert client.get(reveal).status_code == 405
    page = client.post(reveal, {"reason": "identity", "reason_text": "전화 손님 본인 확인"}, follow=True)
    assert "010-2345-6789" in page.content.decode() and "1994-03-22" in page.content.decode()
    entry = AuditEntry.objects.get(actor=teller, customer=customer, target="customer full details")
    assert entry.detail == {"reason": "identity", "reason_text": "전화 손님 본인 확인"}
    # five minutes later the page is masked again
    frozen_now(timezone.now() + dt.timedelta(minutes=6))
    assert "010-2345-6789" not in client.get(page_url).content.decode()


def test_a_customer_cannot_reveal_anyones_details(client, customer):
    client.force_login(customer)
    reveal = reverse("staff:customer_reveal", args=[customer.pk])
    assert client.post(reveal, {"reason": "identity", "reason_text": "본인"}).status_code == 403


def test_a_customer_with_consultations_only_costs_no_query_of_the_other_sources(
    client, teller, customer, other_customer
):
    """One EXISTS probe tells the page which sources the customer has anything of; the others are
    not read (each is a query to build and plan: bench/staff_desk.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consultations.models import Consultation

    lone = other_customer
    for model in (Booking, Inquiry, Message):
        model.objects.filter(customer=lone).delete()
    assert Consultation.objects.filter(customer=lone).exists()
    client.force_login(teller)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("staff:customer_detail", args=[lone.pk])).content.decode()
    title = Consultation.objects.filter(customer=lone).order_by("-occurred_at").first().title
    assert title in page
    read = [q["sql"] for q in captured.captured_queries]
    for table in ("consultations_booking", "inquiries_inquiry", "cases_caseentry", "messaging_message"):
        assert not any(sql.startswith(f'SELECT "{table}".') for sql in read), table
    assert any(sql.startswith('SELECT "consultations_consultation".') for sql in read)


def test_a_consultation_shows_its_inquiry_also_when_only_consultations_are_listed(
    client, teller, customer, history
):
    from consultations.models import Consultation

    consultation = Consultation.objects.filter(customer=customer).first()
    history.consultations.add(consultation)
    client.force_login(teller)
    page = client.get(reverse("staff:customer_detail", args=[customer.pk]), {"type": "consultation"})
    text = page.content.decode()
    assert "이어진 문의" in text and "대출 금리 문의" in text


@pytest.fixture
def many_namesakes(db):
    """More customers with one surname than a search shows: 205 named 한가…, in shuffled order."""
    import random

    from customers.services import customer_create_without_login

    syllables = [chr(0xAC00 + n * 28) for n in range(205)]  # 가, 개, 갸, … : distinct, in 가나다 order
    random.Random(5).shuffle(syllables)
    made = {}
    for n, syllable in enumerate(syllables):
        made[syllable] = customer_create_without_login(
            name=f"한가{syllable}",
            birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=n),
            phone=f"+82107{n:03d}0000",
        )
    return made


def test_a_search_finding_more_than_it_shows_gives_the_first_in_name_order(client, teller, many_namesakes):
    from customers.selectors import SEARCH_CAP

    client.force_login(teller)
    first = client.get(reverse("staff:customers"), {"q": "한가"}).content.decode()
    assert f"{SEARCH_CAP}명보다 많아" in first
    in_order = sorted(many_namesakes)  # code-point order of the last syllable = 가나다 order
    shown = re.findall(r"<code>(C\d{8})</code>", table(first))
    assert shown == [many_namesakes[s].customer_profile.customer_no for s in in_order[:20]]
    last = client.get(reverse("staff:customers"), {"q": "한가", "page": SEARCH_CAP // 20}).content.decode()
    shown = re.findall(r"<code>(C\d{8})</code>", table(last))
    assert shown == [
        many_namesakes[s].customer_profile.customer_no for s in in_order[SEARCH_CAP - 20 : SEARCH_CAP]
    ]


def test_a_birth_date_narrows_a_common_name_before_the_cut(client, teller, many_namesakes):
    """The customer past the first 200 in name order is found with the birth date beside the name."""
    client.force_login(teller)
    latest = many_namesakes[max(many_namesakes)]
    born = latest.customer_profile.birth_date.isoformat()
    page = client.get(reverse("staff:customers"), {"q": "한가", "birth_date": born}).content.decode()
    assert "명보다 많아" not in page and "1명" in page
    assert re.findall(r"<code>(C\d{8})</code>", table(page)) == [latest.customer_profile.customer_no]
    digits = latest.customer_profile.phone[-8:]
    by_phone = client.get(reverse("staff:customers"), {"q": f"{digits[:4]}-{digits[4:]}"}).content.decode()
    assert re.findall(r"<code>(C\d{8})</code>", table(by_phone)) == [latest.customer_profile.customer_no]
