"""A web sign-up with a walk-in's verified number and birth date claims that customer's history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations.models import Booking
from customers.models import PhoneVerification, User
from customers.otp import otp_send, otp_verify
from customers.services import customer_register
from tests.customers.test_signup import last_code, signup_data

PHONE = "+821077771234"
KST = dt.timezone(dt.timedelta(hours=9))


def sign_up(client, **overrides):
    client.post(reverse("otp_send"), {"phone": PHONE, "purpose": "signup"})
    data = signup_data(phone="010-7777-1234", name="최방문", birth_date="1961-07-15", code=last_code(PHONE))
    return client.post(reverse("signup"), {**data, **overrides})


def test_the_right_number_and_birth_date_claim_the_walk_in_and_its_whole_history(client, walk_in):
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == reverse("me:home")
    claimed = User.objects.get(username="newcustomer1")
    assert claimed.pk == walk_in.pk  # the same customer row: every record is already linked to it
    assert claimed.has_web_login and claimed.check_password("Hana-bank#2026")
    assert claimed.customer_profile.phone_verified_at is not None
    assert claimed.customer_profile.postcode == "04538"  # gaps filled from the form
    assert User.objects.filter(customer_profile__phone=PHONE).count() == 1
    home = client.get(reverse("me:home")).content.decode()
    assert "창구 주택담보대출 상담" in home
    assert "리틀빅정기예금" not in home  # nobody else's history
    booking = Booking.objects.get(customer=claimed)
    bookings = client.get(reverse("me:bookings")).content.decode()
    assert reverse("me:booking_detail", args=[booking.pk]) in bookings, bookings[-3000:]


def test_staff_see_the_claimed_customer_with_its_login_and_one_record(client, walk_in, teller):
    sign_up(client)
    client.force_login(teller)
    page = client.get(reverse("staff:customers"), {"q": "최방"}).content.decode()
    assert "newcustomer1" in page and "웹 미가입" not in page


def test_a_wrong_birth_date_claims_nothing_and_reveals_nothing(client, walk_in):
    response = sign_up(client, birth_date="1962-07-15")
    page = response.content.decode()
    assert response.status_code == 200
    assert "가까운 영업점을 방문하시거나" in page
    assert "최방문" not in page.replace('value="최방문"', "")  # only what the person typed
    assert "1961" not in page and "창구 주택담보대출" not in page
    walk_in.refresh_from_db()
    assert not walk_in.has_web_login and not walk_in.has_usable_password()
    assert not User.objects.filter(username="newcustomer1").exists()
    # The code is used up: another birth date needs another SMS (sends are limited per number).
    assert PhoneVerification.objects.get(phone=PHONE).used_at is not None
    again = client.post(
        reverse("signup"),
        signup_data(phone="010-7777-1234", birth_date="1961-07-15", code=last_code(PHONE)),
    ).content.decode()
    assert "먼저 인증번호를 받아 주세요" in again
    assert not User.objects.filter(username="newcustomer1").exists()


def test_a_number_with_a_login_keeps_the_already_registered_answer(client, walk_in):
    sign_up(client)
    client.logout()
    response = client.post(reverse("otp_send"), {"phone": PHONE, "purpose": "signup"})
    assert response.status_code == 400 and "이미 가입된 휴대폰 번호" in response.json()["error"]


def test_a_claim_racing_another_is_refused_once_the_first_holds_the_login(walk_in):
    """Two codes verified before either claim lands: the second finds the number taken."""
    now = timezone.now()
    codes = [
        PhoneVerification.objects.create(
            phone=PHONE,
            purpose="signup",
            code_hash="x",
            expires_at=now + dt.timedelta(minutes=3),
            verified_at=now,
        )
        for _ in range(2)
    ]
    data = {
        **signup_data(birth_date="", phone=""),
        "birth_date": dt.date(1961, 7, 15),
        "phone": PHONE,
        "marketing_consent": False,
    }
    customer_register(data=data, verification=codes[0])
    with pytest.raises(ValidationError) as refused:
        customer_register(data={**data, "username": "someoneelse"}, verification=codes[1])
    assert refused.value.code == "phone_taken"
    assert User.objects.get(pk=walk_in.pk).username == "newcustomer1"


def test_an_expired_code_claims_nothing(client, walk_in, frozen_now):
    start = timezone.now()
    client.post(reverse("otp_send"), {"phone": PHONE, "purpose": "signup"})
    code = last_code(PHONE)
    frozen_now(start + dt.timedelta(minutes=3, seconds=1))
    page = client.post(
        reverse("signup"), signup_data(phone="010-7777-1234", birth_date="1961-07-15", code=code)
    ).content.decode()
    assert "유효시간(3분)이 지났습니다" in page
    walk_in.refresh_from_db()
    assert not walk_in.has_web_login


def test_a_reused_code_claims_nothing(client, walk_in):
    client.post(reverse("otp_send"), {"phone": PHONE, "purpose": "signup"})
    verification = otp_verify(phone=PHONE, purpose="signup", code=last_code(PHONE))
    data = {
        **signup_data(),
        "birth_date": dt.date(1961, 7, 15),
        "phone": PHONE,
        "marketing_consent": False,
    }
    customer_register(data=data, verification=verification)
    with pytest.raises(ValidationError) as reused:
        customer_register(data={**data, "username": "thief1"}, verification=verification)
    assert reused.value.code == "otp_used"
    assert User.objects.get(pk=walk_in.pk).username == "newcustomer1"


def test_a_new_number_still_signs_up_as_a_new_customer(client, db):
    otp_send(phone="010-5550-1234", purpose="signup", ip=None)
    response = client.post(reverse("signup"), signup_data(code=last_code("+821055501234")))
    assert response.status_code == 302
    assert User.objects.get(username="newcustomer1").customer_profile.phone_verified_at is not None
