"""An alimtalk template's buttons, as Kakao approved them: saved with the template code, checked
against Kakao's rules (type, a name of at most 14 characters, http(s) web links, at most five) with
a Korean error that names the button, and shown again in the editor."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from messaging.models import MessageTemplate
from messaging.template_edits import message_template_save

BODY = "[하나은행] {{ name }}님, 상담 예약이 확정되었습니다."


@pytest.fixture
def edit(client, manager):
    client.force_login(manager)
    url = reverse("staff:message_template_edit", args=["booking_confirmed"])

    def post(buttons: str, code: str = "HANA_BOOKING_01"):
        return client.post(url, {"body": BODY, "alimtalk_template": code, "alimtalk_buttons": buttons})

    post.url = url  # type: ignore[attr-defined]
    return post


def test_buttons_are_saved_with_the_template_and_shown_again(edit, client):
    response = edit(
        "WL | 예약 확인하기 | https://m.hanabank.com/booking | https://www.hanabank.com/booking\nAC | 채널 추가"
    )
    assert response.status_code == 302
    template = MessageTemplate.objects.get(purpose="booking_confirmed")
    assert template.alimtalk_buttons == [
        {
            "type": "WL",
            "name": "예약 확인하기",
            "url_mobile": "https://m.hanabank.com/booking",
            "url_pc": "https://www.hanabank.com/booking",
        },
        {"type": "AC", "name": "채널 추가"},
    ]
    page = client.get(edit.url).content.decode()
    assert "WL | 예약 확인하기 | https://m.hanabank.com/booking | https://www.hanabank.com/booking" in page


@pytest.mark.parametrize(
    ("buttons", "error"),
    [
        (
            "WL | 지금 바로 예약 내용을 확인하기 | https://m.hanabank.com",
            "1번째 버튼: 이름은 14자까지입니다 (지금 17자).",
        ),
        (
            "WL | 예약 확인 | javascript:alert(1)",
            "1번째 버튼: 웹 링크는 http:// 또는 https:// 주소여야 합니다.",
        ),
        ("AC | 채널 추가\nWL | 예약 확인", "2번째 버튼: 모바일 링크가 필요합니다."),
        (
            "XX | 예약 확인 | https://m.hanabank.com",
            "1번째 버튼: 종류는 WL, AL, DS, BK, MD, AC 중 하나여야 합니다.",
        ),
        ("\n".join(f"BK | 키워드{n}" for n in range(6)), "버튼은 5개까지 둘 수 있습니다."),
    ],
)
def test_a_button_kakao_would_refuse_is_refused_in_korean_and_nothing_is_saved(edit, buttons, error):
    response = edit(buttons)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_buttons_without_a_template_code_are_refused(edit):
    response = edit("AC | 채널 추가", code="")
    assert "버튼은 알림톡 템플릿 코드와 함께 저장합니다." in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_the_service_checks_buttons_for_every_caller(manager, db):
    with pytest.raises(ValidationError):
        message_template_save(
            purpose="booking_confirmed",
            body=BODY,
            by=manager,
            alimtalk_template="HANA_BOOKING_01",
            alimtalk_buttons=[{"type": "WL", "name": "확인", "url_mobile": "ftp://x"}],
        )
    assert not MessageTemplate.objects.exists()
