"""One login for everybody; each role lands on its own home and is kept out of the others'."""

from __future__ import annotations

import importlib

import pytest
from django.urls import reverse

from customers.models import User


@pytest.mark.parametrize(
    ("login", "home"),
    [("hanauser1", "/me/"), ("hnv2001", "/staff/"), ("hnv2004", "/staff/"), ("hnv9001", "/staff/")],
)
def test_each_role_lands_on_its_home(client, db, demo_password, login, home):
    response = client.post(reverse("login"), {"username": login, "password": demo_password})
    assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(home).status_code == 200


def test_a_wrong_password_is_refused_with_a_clear_message(client, db):
    response = client.post(reverse("login"), {"username": "hanauser1", "password": "wrong-password"})
    assert response.status_code == 200
    assert "아이디 또는 비밀번호가 올바르지 않습니다." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_in_a_sentence_how_many_tries_are_left(client, db, frozen_now):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    pages = []
    for i in range(5):
        frozen_now(now + dt.timedelta(minutes=i))  # a minute apart: past the growing delay
        pages.append(
            client.post(
                reverse("login"), {"username": "hanauser1", "password": "wrong-password"}
            ).content.decode()
        )
    first = pages[0]
    assert "아이디 또는 비밀번호가 올바르지 않습니다. 4번 더 틀리면 로그인이 15분 동안 잠깁니다." in first
    alert = first[first.index('id="login-error"') :].split("</div>")[0]
    assert "<li>" not in alert and "<ul" not in alert and "<p" in alert
    assert "1번 더 틀리면" in pages[3]
    assert "여러 번 틀려 로그인이 15분 동안 잠겼습니다" in pages[4]


def test_login_follows_a_safe_next_but_not_an_external_one(client, db, demo_password):
    response = client.post(
        reverse("login") + "?next=/staff/",
        {"username": "hnv2004", "password": demo_password, "next": "/staff/"},
    )
    assert response["Location"] == "/staff/"
    client.logout()
    response = client.post(
        reverse("login"), {"username": "hnv2004", "password": demo_password, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/staff/"


@pytest.mark.parametrize("url", ["/me/", "/staff/"])
def test_anonymous_visitors_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={url}")


def test_a_customer_gets_403_in_the_staff_area(client, customer):
    client.force_login(customer)
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "권한이 없습니다" in response.content.decode()


@pytest.mark.parametrize("login", ["hnv2001", "hnv2004", "hnv9001"])
def test_staff_get_403_on_the_customer_home(client, db, login):
    client.force_login(User.objects.get(username=login))
    assert client.get("/me/").status_code == 403


def test_a_signed_in_user_visiting_the_root_goes_home(client, teller, customer):
    client.force_login(teller)
    assert client.get("/")["Location"] == "/staff/"
    client.force_login(customer)
    assert client.get("/")["Location"] == "/me/"


def test_logout_ends_the_session(client, customer):
    client.force_login(customer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/me/").status_code == 302


def test_passwords_are_stored_with_argon2_in_the_product_settings(customer, demo_password):
    product_settings = importlib.import_module("omnihana.settings")
    assert product_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert customer.password.startswith(("argon2$", "md5$"))
    assert demo_password not in customer.password


def test_unknown_pages_get_the_korean_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "찾을 수 없습니다" in response.content.decode()


def test_english_is_available(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Customers and staff log in here alike." in page
    assert "Log in" in page
