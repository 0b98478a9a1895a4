"""Sign-up with an SMS code, password reset by SMS, login throttling and the profile page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.phone import mask_korean_mobile, normalize_korean_mobile
from customers.models import CustomerProfile, PhoneVerification, User
from customers.otp import otp_consume, otp_send, otp_verify
from messaging.delivery import message_deliver
from messaging.models import Message, Purpose
from messaging.providers import memory

SIGNUP = PhoneVerification.Purpose.SIGNUP
NEW_PHONE = "+821055501234"
KST = dt.timezone(dt.timedelta(hours=9))


def last_code(phone: str) -> str:
    """The code as the customer reads it on the phone: the newest OTP row is delivered, and the code
    read from what the provider was sent (the row itself keeps only a mask)."""
    sms = Message.objects.filter(to_phone=phone, purpose=Purpose.OTP).latest("created_at")
    message_deliver(sms.pk)
    sent = [m for m in memory.outbox if m.message_id == sms.pk]
    assert sent, sms.body
    match = re.search(r"\d{6}", sent[-1].body)
    assert match, sent[-1].body
    return match.group()


def signup_data(**overrides) -> dict[str, str]:
    data = {
        "username": "newcustomer1",
        "password1": "Hana-bank#2026",
        "password2": "Hana-bank#2026",
        "name": "이새롬",
        "gender": "F",
        "birth_date": "1990-07-15",
        "phone": "010-5550-1234",
        "email": "saerom@example.com",
        "job": "회사원",
        "interest": "loan",
        "postcode": "04538",
        "address": "서울 중구 을지로 66",
        "address_detail": "10층",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return data


# --- the code itself -----------------------------------------------------------------------


def test_a_code_works_once_and_only_the_hash_is_stored(db):
    verification = otp_send(phone="010-5550-1234", purpose=SIGNUP, ip="10.0.0.1")
    code = last_code(NEW_PHONE)
    assert code not in verification.code_hash
    verified = otp_verify(phone="01055501234", purpose=SIGNUP, code=code)
    otp_consume(verified)
    with pytest.raises(ValidationError, match="먼저 인증번호를 받아 주세요"):
        otp_verify(phone=NEW_PHONE, purpose=SIGNUP, code=code)
    with pytest.raises(ValidationError, match="이미 사용한 인증번호"):
        otp_consume(verified)


def test_a_code_expires_after_three_minutes(db, frozen_now):
    start = timezone.now()
    otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)
    code = last_code(NEW_PHONE)
    frozen_now(start + dt.timedelta(minutes=2, seconds=59))
    otp_verify(phone=NEW_PHONE, purpose=SIGNUP, code=code)  # still fine
    frozen_now(start + dt.timedelta(minutes=3, seconds=1))
    with pytest.raises(ValidationError, match="유효시간\\(3분\\)이 지났습니다"):
        otp_verify(phone=NEW_PHONE, purpose=SIGNUP, code=code)


def test_five_wrong_tries_kill_the_code_even_for_the_right_one_after(db):
    otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)
    code = last_code(NEW_PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(ValidationError, match=f"남은 입력 횟수 {left}번"):
            otp_verify(phone=NEW_PHONE, purpose=SIGNUP, code=wrong)
    with pytest.raises(ValidationError, match="5번 잘못 입력"):
        otp_verify(phone=NEW_PHONE, purpose=SIGNUP, code=wrong)
    with pytest.raises(ValidationError, match="5번 잘못 입력"):
        otp_verify(phone=NEW_PHONE, purpose=SIGNUP, code=code)


def test_a_new_code_replaces_the_old_one(db):
    otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)
    first = last_code(NEW_PHONE)
    Message.objects.filter(to_phone=NEW_PHONE).update(created_at=timezone.now() - dt.timedelta(seconds=5))
    otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)
    second = last_code(NEW_PHONE)
    if first != second:
        with pytest.raises(ValidationError):
            otp_verify(phone=NEW_PHONE, purpose=SIGNUP, code=first)
    otp_verify(phone=NEW_PHONE, purpose=SIGNUP, code=second)


def test_three_sends_per_ten_minutes_per_number(db, frozen_now):
    start = timezone.now()
    for minute in (0, 1, 2):
        frozen_now(start + dt.timedelta(minutes=minute))
        otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)
    frozen_now(start + dt.timedelta(minutes=9))
    with pytest.raises(ValidationError, match="10분에 3번까지"):
        otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)
    assert Message.objects.filter(to_phone=NEW_PHONE, purpose=Purpose.OTP).count() == 3
    frozen_now(start + dt.timedelta(minutes=10, seconds=1))
    otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)


def test_ten_sends_per_korean_day_per_number(db, frozen_now):
    morning = dt.datetime(2031, 3, 4, 8, 0, tzinfo=KST)
    for n in range(10):
        frozen_now(morning + dt.timedelta(minutes=11 * n))
        otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)
    frozen_now(morning + dt.timedelta(hours=15, minutes=50))  # 23:50 KST, same day
    with pytest.raises(ValidationError, match="오늘은 이 번호로 인증번호를 10번"):
        otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)
    frozen_now(dt.datetime(2031, 3, 5, 0, 5, tzinfo=KST))  # a new day in Seoul
    otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)


def test_one_address_cannot_send_codes_to_endless_numbers(db, settings):
    settings.OTP_IP_HOURLY_LIMIT = 4
    for n in range(4):
        otp_send(phone=f"0105550{n:04d}", purpose=SIGNUP, ip="203.0.113.9")
    with pytest.raises(ValidationError, match="이 접속 위치에서 인증번호 요청이 너무 많습니다"):
        otp_send(phone="01055509999", purpose=SIGNUP, ip="203.0.113.9")
    otp_send(phone="01055509999", purpose=SIGNUP, ip="203.0.113.10")


def test_staff_screens_never_show_a_code(client, db, manager):
    otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip=None)
    code = last_code(NEW_PHONE)
    client.force_login(manager)
    listing = client.get(reverse("staff:messages")).content.decode()
    detail = client.get(
        reverse("staff:message_detail", args=[Message.objects.get(to_phone=NEW_PHONE).pk])
    ).content.decode()
    assert code not in listing and code not in detail
    assert "●●●●●●" in detail


# --- sign-up -------------------------------------------------------------------------------


def test_sign_up_with_the_code_from_the_sms(client, db):
    response = client.post(reverse("otp_send"), {"phone": "010-5550-1234", "purpose": "signup"})
    assert response.status_code == 200 and response.json()["ok"] is True
    response = client.post(reverse("signup"), signup_data(code=last_code(NEW_PHONE)))
    assert response.status_code == 302 and response["Location"] == reverse("me:home")
    user = User.objects.get(username="newcustomer1")
    assert user.role == User.Role.CUSTOMER and user.check_password("Hana-bank#2026")
    profile = user.customer_profile
    assert (profile.phone, profile.postcode, profile.interest) == (NEW_PHONE, "04538", "loan")
    assert profile.marketing_consent is False and profile.marketing_consent_at is None
    assert PhoneVerification.objects.get(phone=NEW_PHONE).used_at is not None
    assert client.get(reverse("me:home")).status_code == 200  # signed in


def test_marketing_consent_is_optional_and_timestamped(client, db):
    client.post(reverse("otp_send"), {"phone": NEW_PHONE, "purpose": "signup"})
    client.post(reverse("signup"), signup_data(code=last_code(NEW_PHONE), marketing_consent="on"))
    profile = CustomerProfile.objects.get(phone=NEW_PHONE)
    assert profile.marketing_consent and profile.marketing_consent_at is not None


def test_a_registered_phone_cannot_sign_up_again(client, customer):
    taken = customer.customer_profile.phone
    response = client.post(reverse("otp_send"), {"phone": taken, "purpose": "signup"})
    assert response.status_code == 400
    assert "이미 가입된 휴대폰 번호" in response.json()["error"]
    assert not Message.objects.filter(to_phone=taken, purpose=Purpose.OTP).exists()
    page = client.post(reverse("signup"), signup_data(phone=taken, code="123456")).content.decode()
    assert "이미 가입된 휴대폰 번호" in page
    assert not User.objects.filter(username="newcustomer1").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password2": "something-else1"}, "비밀번호가 서로 다릅니다"),
        ({"password1": "password", "password2": "password"}, "너무 흔히 사용되는 비밀번호"),
        ({"privacy_consent": ""}, "개인정보 수집·이용에 동의해야"),
        ({"username": "hanauser1"}, "이미 사용 중인 아이디"),
        ({"username": "1abc"}, "영문 소문자로 시작하는"),
        ({"birth_date": "2020-01-01"}, "만 14세 이상"),
        ({"postcode": "1234"}, "우편번호는 숫자 5자리"),
        ({"code": "000000x"}, "6"),
    ],
)
def test_bad_sign_up_input_is_explained_and_creates_nothing(client, db, overrides, message):
    client.post(reverse("otp_send"), {"phone": NEW_PHONE, "purpose": "signup"})
    data = signup_data(code=last_code(NEW_PHONE))
    data.update(overrides)
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CustomerProfile.objects.filter(phone=NEW_PHONE).exists()
    assert PhoneVerification.objects.get(phone=NEW_PHONE).used_at is None  # the code is still usable


def test_a_code_for_one_number_does_not_verify_another(client, db):
    client.post(reverse("otp_send"), {"phone": NEW_PHONE, "purpose": "signup"})
    page = client.post(
        reverse("signup"), signup_data(phone="010-5550-9876", code=last_code(NEW_PHONE))
    ).content.decode()
    assert "먼저 인증번호를 받아 주세요" in page
    assert not User.objects.filter(username="newcustomer1").exists()


def test_sign_up_works_without_javascript(client, db):
    page = client.post(reverse("signup"), signup_data(action="send_code")).content.decode()
    assert "인증번호를 보냈습니다" in page
    assert 'value="newcustomer1"' in page  # what was typed is kept
    response = client.post(reverse("signup"), signup_data(code=last_code(NEW_PHONE)))
    assert response.status_code == 302


def test_the_postcode_script_loads_only_when_switched_on(client, db, settings):
    assert "daumcdn" not in client.get(reverse("signup")).content.decode()
    settings.DAUM_POSTCODE_ENABLED = True
    page = client.get(reverse("signup")).content.decode()
    assert "t1.daumcdn.net/mapjsapi/bundle/postcode" in page and "data-postcode-search" in page


# --- login throttling ----------------------------------------------------------------------


def _login(client, password, ip="198.51.100.7", **headers):
    return client.post(
        reverse("login"), {"username": "hanauser1", "password": password}, REMOTE_ADDR=ip, **headers
    )


def test_five_failures_lock_the_login_from_that_address(client, customer, demo_password, frozen_now):
    start = timezone.now()
    frozen_now(start)
    for _ in range(5):
        assert "올바르지 않습니다" in _login(client, "wrong-password").content.decode()
    locked = _login(client, demo_password)
    assert locked.status_code == 200 and "로그인이 잠시 잠겼습니다" in locked.content.decode()
    # A spoofed X-Forwarded-For does not make a new address (no proxy of ours is configured).
    spoofed = _login(client, demo_password, HTTP_X_FORWARDED_FOR="192.0.2.44")
    assert "로그인이 잠시 잠겼습니다" in spoofed.content.decode()
    # The owner on another network is not locked out by someone else's guessing: after the
    # account's one-second delay (customers/throttle.py) the right password opens it.
    frozen_now(start + dt.timedelta(seconds=1))
    assert _login(client, demo_password, ip="198.51.100.99").status_code == 302
    client.logout()
    frozen_now(start + dt.timedelta(minutes=15, seconds=1))
    assert _login(client, demo_password).status_code == 302


def test_a_trusted_proxy_address_is_the_one_that_counts(client, customer, demo_password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        # An attacker rotating a forged left-hand entry; our proxy appends the real address.
        _login(client, "wrong-password", ip="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.5")
    locked = _login(client, demo_password, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5")
    assert "로그인이 잠시 잠겼습니다" in locked.content.decode()


# --- password reset by SMS -----------------------------------------------------------------


def test_password_reset_by_sms_code(client, customer, demo_password):
    phone = customer.customer_profile.phone
    for _ in range(5):
        _login(client, "wrong-password")
    response = client.post(reverse("password_reset"), {"username": "hanauser1", "phone": phone})
    assert response["Location"] == reverse("password_reset_confirm")
    response = client.post(
        reverse("password_reset_confirm"),
        {"code": last_code(phone), "new_password1": "New-hana#2027", "new_password2": "New-hana#2027"},
    )
    assert response["Location"] == reverse("login")
    customer.refresh_from_db()
    assert customer.check_password("New-hana#2027") and not customer.check_password(demo_password)
    assert _login(client, "New-hana#2027").status_code == 302  # the lock was lifted too


def test_password_reset_does_not_tell_who_is_a_customer(client, customer):
    right = client.post(
        reverse("password_reset"),
        {"username": "hanauser1", "phone": customer.customer_profile.phone},
        follow=True,
    ).content.decode()
    wrong = client.post(
        reverse("password_reset"), {"username": "hanauser1", "phone": NEW_PHONE}, follow=True
    ).content.decode()
    sentence = "입력하신 정보가 가입 정보와 같으면"
    assert sentence in right and sentence in wrong
    assert not Message.objects.filter(to_phone=NEW_PHONE).exists()
    page = client.post(
        reverse("password_reset_confirm"),
        {"code": "123456", "new_password1": "New-hana#2027", "new_password2": "New-hana#2027"},
    ).content.decode()
    assert "인증번호가 맞지 않습니다. (남은 입력 횟수 4번)" in page  # what a real wrong code says


def reset_answers(client, username: str, phone: str, times: int) -> list[str]:
    """What the reset page says to each of `times` requests, with the per-request token taken out."""
    answers = []
    typed = [
        username,
        phone,
        normalize_korean_mobile(phone),
        mask_korean_mobile(normalize_korean_mobile(phone)),
    ]
    for _ in range(times):
        page = client.post(reverse("password_reset"), {"username": username, "phone": phone}, follow=True)
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())
        text = text.split("<main", 1)[-1].split("</main>")[0]
        for value in typed:  # the page repeats what was typed; that is no answer
            text = text.replace(value, "…")
        answers.append(f"{page.redirect_chain} {text}")
    return answers


def test_the_reset_send_limit_answers_the_same_whether_or_not_the_pair_exists(client, customer, settings):
    settings.OTP_WINDOW_LIMIT = 2
    phone = customer.customer_profile.phone
    real = reset_answers(client, "hanauser1", phone, 3)
    client.cookies.clear()
    unknown = reset_answers(client, "nobody-here", "010-5550-4321", 3)
    assert real == unknown
    assert "인증번호는 10분에 2번까지 받을 수 있습니다." in real[-1]
    client.cookies.clear()
    # another login with the customer's own number: the limit the number reached answers for it too
    assert reset_answers(client, "nobody-here", phone, 1) == real[-1:]


def test_the_reset_request_does_the_same_database_work_whether_or_not_the_pair_exists(client, customer):
    """A timing probe must not tell who is a customer: the request runs the same statements on
    the same tables either way; the only extra is the real send's outbox row, and the SMS itself
    goes out from a worker after the answer."""

    def statements(username: str, phone: str) -> list[str]:
        PhoneVerification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            client.post(reverse("password_reset"), {"username": username, "phone": phone})
        shapes = []
        for query in captured.captured_queries:
            sql = query["sql"]
            if "messaging_" in sql or "SAVEPOINT" in sql:  # the send's outbox row and its savepoints
                continue
            # literals differ (number, login, times); the statement and its tables do not
            shapes.append(re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", sql))
        return shapes

    real = statements("hanauser1", customer.customer_profile.phone)
    client.cookies.clear()
    unknown = statements("nobody-here", "010-5550-4321")
    assert real == unknown
    assert any("customers_phoneverification" in sql and sql.startswith("INSERT") for sql in real)


def test_a_wrong_reset_code_changes_nothing(client, customer, demo_password):
    phone = customer.customer_profile.phone
    client.post(reverse("password_reset"), {"username": "hanauser1", "phone": phone})
    wrong = f"{(int(last_code(phone)) + 1) % 1_000_000:06d}"
    page = client.post(
        reverse("password_reset_confirm"),
        {"code": wrong, "new_password1": "New-hana#2027", "new_password2": "New-hana#2027"},
    ).content.decode()
    assert "인증번호가 맞지 않습니다" in page
    customer.refresh_from_db()
    assert customer.check_password(demo_password)


# --- profile -------------------------------------------------------------------------------


def profile_data(customer, **overrides) -> dict[str, str]:
    profile = customer.customer_profile
    data = {
        "email": "new-mail@example.com",
        "phone": profile.phone,
        "job": "교사",
        "interest": "pension",
        "postcode": "",
        "address": "",
        "address_detail": "",
        "current_password": "onehana2020!",
    }
    data.update(overrides)
    return data


def test_profile_changes_need_the_current_password(client, customer):
    client.force_login(customer)
    page = client.post(
        reverse("me:profile"), profile_data(customer, current_password="nope-nope")
    ).content.decode()
    assert "현재 비밀번호가 올바르지 않습니다" in page
    customer.refresh_from_db()
    assert customer.email != "new-mail@example.com"
    response = client.post(reverse("me:profile"), profile_data(customer))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.email == "new-mail@example.com" and customer.customer_profile.job == "교사"


def test_marketing_consent_on_and_off_records_when(client, customer, frozen_now):
    moment = dt.datetime(2031, 3, 4, 10, 0, tzinfo=KST)
    frozen_now(moment)
    client.force_login(customer)
    client.post(reverse("me:profile"), profile_data(customer, marketing_consent="on"))
    profile = CustomerProfile.objects.get(user=customer)
    assert profile.marketing_consent and profile.marketing_consent_at == moment
    frozen_now(moment + dt.timedelta(days=1))
    client.force_login(customer)  # a day idle: the session ended after 10 minutes
    client.post(reverse("me:profile"), profile_data(customer))
    profile.refresh_from_db()
    assert not profile.marketing_consent and profile.marketing_consent_at == moment + dt.timedelta(days=1)
    assert "2031-03-05 10:00에 변경" in client.get(reverse("me:profile")).content.decode()


def test_a_phone_change_is_verified_by_a_code_to_the_new_number(client, customer):
    client.force_login(customer)
    page = client.post(reverse("me:profile"), profile_data(customer, phone="010-5550-1234")).content.decode()
    assert "새 휴대폰 번호로 받은 인증번호를 입력해 주세요" in page
    assert client.post(reverse("otp_send"), {"phone": NEW_PHONE, "purpose": "phone_change"}).json()["ok"]
    response = client.post(
        reverse("me:profile"), profile_data(customer, phone="010-5550-1234", code=last_code(NEW_PHONE))
    )
    assert response.status_code == 302
    assert CustomerProfile.objects.get(user=customer).phone == NEW_PHONE


def test_a_phone_change_to_another_customers_number_is_refused(client, customer, other_customer):
    client.force_login(customer)
    taken = other_customer.customer_profile.phone
    response = client.post(reverse("otp_send"), {"phone": taken, "purpose": "phone_change"})
    assert response.status_code == 400
    page = client.post(
        reverse("me:profile"), profile_data(customer, phone=taken, code="123456")
    ).content.decode()
    assert "다른 계정에서 쓰고 있는 휴대폰 번호" in page
    assert CustomerProfile.objects.get(user=customer).phone != taken


def test_only_a_signed_in_customer_may_ask_for_a_phone_change_code(client, agent):
    assert (
        client.post(reverse("otp_send"), {"phone": NEW_PHONE, "purpose": "phone_change"}).status_code == 403
    )
    client.force_login(agent)
    assert (
        client.post(reverse("otp_send"), {"phone": NEW_PHONE, "purpose": "phone_change"}).status_code == 403
    )
    assert client.post(reverse("otp_send"), {"phone": NEW_PHONE, "purpose": "nonsense"}).status_code == 400
    assert not Message.objects.filter(to_phone=NEW_PHONE).exists()


def test_the_admin_login_is_throttled_too(client, manager, demo_password):
    for _ in range(5):
        client.post("/admin/login/", {"username": "hnv9001", "password": "wrong", "next": "/admin/"})
    page = client.post("/admin/login/", {"username": "hnv9001", "password": demo_password, "next": "/admin/"})
    assert page.status_code == 200 and "로그인이 잠시 잠겼습니다" in page.content.decode()


def test_a_refused_sign_up_lists_every_error_at_the_top_and_marks_the_fields(client, db):
    """Without JavaScript: a summary at the top linking to each field, the wrong code among them,
    phone and code marked invalid, and the cleared passwords explained."""
    otp_send(phone=NEW_PHONE, purpose=SIGNUP, ip="127.0.0.1")
    page = client.post(reverse("signup"), signup_data(code="000000")).content.decode()
    summary = page[page.index('id="error-summary"') :].split("</div>")[0]
    assert "입력 내용을 확인해 주세요." in summary
    assert 'href="#id_code"' in summary and "인증번호" in summary
    assert "두 칸 모두 다시 입력해 주세요" in summary and 'id="password-cleared"' in page
    code_input = re.search(r"<input[^>]*id=\"id_code\"[^>]*>", page)
    assert code_input and 'aria-invalid="true"' in code_input.group() and "is-invalid" in code_input.group()
    assert 'aria-describedby="id_code_error"' in code_input.group() and 'id="id_code_error"' in page
    missing = client.post(reverse("signup"), signup_data(phone="0101234", name="")).content.decode()
    phone_input = re.search(r"<input[^>]*id=\"id_phone\"[^>]*>", missing)
    assert phone_input and 'aria-invalid="true"' in phone_input.group()
    assert 'href="#id_phone"' in missing and 'href="#id_name"' in missing
    # a filled field carries no error of its own
    assert 'href="#id_email"' not in missing
