"""Customers without a web login: registered by staff at the counter or on the phone."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from consultations.models import Booking, Channel, Consultation
from customers.models import CustomerProfile, User
from customers.services import CustomerExists
from desk.services import walk_in_register
from messaging.models import Message, Purpose
from tests.consultations.test_staff_work import at, note_data

TUESDAY = dt.date(2031, 3, 4)
WALK_IN = {
    "name": "최방문",
    "birth_date": "1961-07-15",
    "phone": "010-7777-1234",
    "gender": "F",
    "postcode": "",
    "address": "",
    "address_detail": "",
}


@pytest.fixture
def monday(frozen_now):
    frozen_now(at(dt.date(2031, 3, 3), 10))


def register(client, remote_addr="127.0.0.1", **overrides):
    return client.post(reverse("staff:customer_create"), {**WALK_IN, **overrides}, REMOTE_ADDR=remote_addr)


def test_a_search_that_finds_nobody_offers_to_register_the_customer(client, teller):
    client.force_login(teller)
    page = client.get(reverse("staff:customers"), {"q": "최방문"}).content.decode()
    assert "찾는 손님이 없습니다." in page and 'href="/staff/customers/new/?q=%EC%B5%9C' in page
    form = client.get(reverse("staff:customer_create"), {"q": "최방문"}).content.decode()
    assert 'value="최방문"' in form


def test_a_teller_registers_a_walk_in_and_lands_on_the_customer_page(client, teller):
    client.force_login(teller)
    response = register(client, remote_addr="10.9.8.7")
    customer = User.objects.get(name="최방문")
    profile = customer.customer_profile
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:customer_detail", args=[customer.pk])
    assert (customer.role, customer.has_web_login, customer.has_usable_password()) == (
        "customer",
        False,
        False,
    )
    assert (profile.phone, profile.birth_date, profile.phone_verified_at) == (
        "+821077771234",
        dt.date(1961, 7, 15),
        None,
    )
    assert profile.customer_no == f"C{profile.pk:08d}"
    entry = AuditEntry.objects.get(actor=teller, customer=customer, action=AuditEntry.Action.CREATE)
    assert (entry.ip, entry.detail) == ("10.9.8.7", {"customer_no": profile.customer_no})
    page = client.get(response["Location"]).content.decode()
    assert profile.customer_no in page and "웹 미가입" in page and "미인증" in page
    assert "님을 손님번호" in page  # the success message
    assert customer.username not in page  # the generated username is nobody's login id


def test_a_walk_in_cannot_sign_in(client, teller):
    client.force_login(teller)
    register(client)
    customer = User.objects.get(name="최방문")
    assert authenticate(username=customer.username, password="") is None
    assert authenticate(username=customer.username, password="!") is None


def test_staff_find_a_walk_in_by_name_phone_part_and_customer_number(client, teller):
    client.force_login(teller)
    register(client)
    customer_no = User.objects.get(name="최방문").customer_profile.customer_no
    for query in ["최방", "1234", customer_no, customer_no.lower()]:
        page = client.get(reverse("staff:customers"), {"q": query}).content.decode()
        assert customer_no in page and "최*문" in page and "웹 미가입" in page, query


def test_a_walk_in_gets_a_consultation_and_a_follow_up_booking_with_an_sms(client, teller, monday):
    client.force_login(teller)
    register(client)
    customer = User.objects.get(name="최방문")
    response = client.post(reverse("staff:consultation_create", args=[customer.pk]), note_data())
    assert response.status_code == 302
    origin = Consultation.objects.get(customer=customer)
    assert origin.follow_up_needed
    response = client.post(
        reverse("staff:booking_create", args=[customer.pk]),
        {
            "origin": origin.pk,
            "staff": teller.pk,
            "channel": Channel.objects.get(code="branch").pk,
            "main_category": origin.main_category_id,
            "slot": "2031-03-04T10:00:00+09:00",
        },
    )
    assert response.status_code == 302
    assert Booking.objects.get(customer=customer).starts_at == at(TUESDAY, 10)
    assert (
        Message.objects.get(customer=customer, purpose=Purpose.BOOKING_CONFIRMED).to_phone == "+821077771234"
    )
    page = client.get(reverse("staff:customer_detail", args=[customer.pk])).content.decode()
    assert "신용대출 한도 재상담" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": " "}, "name", "필수 항목"),
        ({"birth_date": "2999-01-01"}, "birth_date", "생년월일을 확인해 주세요."),
        ({"phone": "02-123-4567"}, "phone", "010으로 시작하는 11자리"),
        ({"address_detail": "101호"}, "address", "주소를 먼저 입력해 주세요."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_registered(client, teller, overrides, field, message):
    client.force_login(teller)
    before = User.objects.count()
    response = register(client, **overrides)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert (
        User.objects.count() == before and not AuditEntry.objects.filter(target="walk-in customer").exists()
    )


def test_a_known_mobile_number_links_to_the_existing_customer_instead_of_a_second_one(
    client, teller, customer
):
    client.force_login(teller)
    before = User.objects.count()
    response = register(client, phone="010-2345-6789")  # hanauser1's
    page = response.content.decode()
    assert "이 휴대폰 번호로 등록된 손님이 이미 있습니다." in page
    assert f'href="{reverse("staff:customer_detail", args=[customer.pk])}"' in page
    assert "박*우" in page and "박진우" not in page  # recognisable, not revealed
    assert User.objects.count() == before


def test_the_database_allows_one_customer_per_mobile_number(db, teller):
    data = {"name": "최방문", "birth_date": dt.date(1961, 7, 15), "phone": "+821077771234"}
    first = walk_in_register(data=data, by=teller, ip=None)
    with pytest.raises(CustomerExists) as exists:
        walk_in_register(data={**data, "name": "최다른"}, by=teller, ip=None)
    assert exists.value.customer == first
    assert CustomerProfile.objects.filter(phone="+821077771234").count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_registrations_of_one_number_make_one_customer():
    teller = User.objects.create(username="race_teller", name="경주", role=User.Role.TELLER)
    customers_before = User.objects.filter(role=User.Role.CUSTOMER).count()  # the demo bank may be there
    data = {"name": "최동시", "birth_date": dt.date(1970, 1, 2), "phone": "+821055550000"}
    barrier = threading.Barrier(20)
    outcomes: list[object] = []

    def race() -> None:
        barrier.wait()
        try:
            outcomes.append(walk_in_register(data=data, by=teller, ip=None).pk)
        except CustomerExists as exists:
            outcomes.append(("exists", exists.customer.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    profile = CustomerProfile.objects.get(phone="+821055550000")
    assert len(outcomes) == 20
    assert outcomes.count(profile.user_id) == 1
    assert outcomes.count(("exists", profile.user_id)) == 19
    assert User.objects.filter(role=User.Role.CUSTOMER).count() == customers_before + 1
    assert AuditEntry.objects.filter(target="walk-in customer").count() == 1
