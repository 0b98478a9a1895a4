"""The main menu: one item lit for the page a person is on; the logged-out visitor finds the FAQ
and the branch finder."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

ACTIVE = re.compile(r'class="nav-link active"[^>]*>(?:<i [^>]*></i>)?\s*([^<]+)<')


NAME = re.compile(r'<span class="navbar-text me-2"><i [^>]*></i> ([^<]+)</span>')


def signed_in(html: str) -> str:
    match = NAME.search(html)
    return match.group(1).strip() if match else ""


def menu(html: str) -> str:
    return html[html.index("<nav") : html.index("</nav>")]


def lit(html: str) -> list[str]:
    return [label.strip() for label in ACTIVE.findall(html)]


@pytest.mark.parametrize(
    ("url", "item"),
    [
        ("me:home", "내 상담이력"),
        ("me:profile", "내 정보"),
        ("me:password", "내 정보"),
        ("me:bookings", "내 예약"),
        ("me:callbacks", "전화 요청"),
        ("me:cases", "민원/요청"),
        ("inquiries:list", "내 문의"),
    ],
)
def test_a_customer_page_lights_one_menu_item(client, customer, url, item):
    client.force_login(customer)
    assert lit(client.get(reverse(url)).content.decode()) == [item]


def test_a_logged_out_visitor_finds_the_faq_and_branch_finder(client, db):
    for url in ["home", "login", "branches:list"]:
        page = client.get(reverse(url)).content.decode()
        assert f'href="{reverse("inquiries:faq")}"' in page and f'href="{reverse("branches:list")}"' in page
    landing = client.get(reverse("home")).content.decode()
    assert "자주 묻는 질문" in landing and "영업점 찾기" in landing


def test_the_menu_kept_per_role_page_and_language_is_never_another_persons(client, teller, manager):
    """The menu is rendered once per role, page and language and reused (customers.templatetags.nav):
    a teller after a manager on the same page gets no 관리 menu, each page lights its own item, and
    the English menu is not the Korean one."""
    cases, customers = reverse("staff:cases"), reverse("staff:customers")
    client.force_login(manager)
    page = client.get(cases).content.decode()
    assert lit(menu(page)) == ["사건"] and reverse("staff:audit") in page and signed_in(page) == manager.name
    client.force_login(teller)
    page = client.get(cases).content.decode()
    assert lit(menu(page)) == ["사건"] and reverse("staff:audit") not in page and signed_in(page) == teller.name
    assert lit(menu(client.get(customers).content.decode())) == ["손님"]
    client.cookies["django_language"] = "en"
    english = client.get(customers).content.decode()
    assert "손님" not in lit(menu(english)) and len(lit(menu(english))) == 1
    client.cookies["django_language"] = "ko"
    assert lit(menu(client.get(cases).content.decode())) == ["사건"]
