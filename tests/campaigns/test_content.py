"""The advertising frame the law asks for, banned words and personal data in a campaign's text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.content import check_content, content_problems, framed, strip_frame
from campaigns.forms import CampaignForm


def test_every_body_starts_with_the_ad_mark_and_ends_with_the_free_opt_out_line(settings):
    settings.MARKETING_OPT_OUT_NUMBER = "080-123-4567"
    text = framed("#{이름}님, 우대금리 안내", {"#{이름}": "박진우"})
    assert text.startswith("(광고)[하나은행] 박진우님")
    assert text.endswith("\n무료수신거부 080-123-4567")


def test_a_frame_typed_by_the_manager_is_not_doubled_and_cannot_be_left_out(settings):
    settings.MARKETING_OPT_OUT_NUMBER = "080-123-4567"
    body = strip_frame("(광고) 우대금리 안내\n무료수신거부 080-123-4567")
    assert body == "우대금리 안내"
    assert framed(body).count("(광고)") == 1
    assert framed(body).count("무료수신거부") == 1


@pytest.mark.django_db
def test_banned_words_from_the_managed_list_block_the_text_and_are_marked():
    problems = content_problems("원금보장 상품! 무조건 가입하세요")
    assert [(p.kind, p.text) for p in problems] == [("banned", "원금보장"), ("banned", "무조건")]
    with pytest.raises(ValidationError, match="원금보장"):
        check_content("원금보장 상품", "lms")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("주민번호 940322-1234567 확인", "rrn"),
        ("카드 9410-1234-5678-9012 결제", "card"),
        ("계좌 123-456789-01234 로 입금", "account"),
        ("담당자 010-1234-5678 연락", "phone"),
        ("담당자 01012345678 연락", "phone"),
    ],
)
def test_personal_data_in_the_body_is_found(text, kind):
    problems = content_problems(text, banned=[])
    assert [p.kind for p in problems] == [kind]


def test_numbers_an_advert_may_carry_are_not_mistaken_for_personal_data():
    text = "연 3.5% 우대, 2026-12-31까지, 문의 1588-1111, 최대 10,000,000원"
    assert content_problems(text, banned=[]) == []


def test_an_unknown_personalisation_tag_is_refused():
    assert [p.kind for p in content_problems("#{주소}님 안녕하세요", banned=[])] == ["tag"]


@pytest.mark.django_db
def test_an_sms_campaign_must_fit_90_bytes_with_the_frame():
    with pytest.raises(ValidationError, match="LMS"):
        check_content("가" * 40, "sms")
    check_content("가" * 40, "lms")


@pytest.mark.django_db
def test_the_form_refuses_personal_data_and_nothing_is_saved(segment):
    form = CampaignForm(
        {
            "name": "안내",
            "segment": segment.pk,
            "channel": "lms",
            "body": "고객님 계좌 123-456789-01234",
            "starts_at": "2026-12-02T10:00",
            "ends_at": "2026-12-03T10:00",
            "window_start": "09:00",
            "window_end": "20:00",
            "max_per_hour": "100",
        }
    )
    assert not form.is_valid()
    assert "계좌번호" in form.errors["body"][0]


@pytest.mark.django_db
def test_the_form_keeps_the_daily_window_inside_08_to_21(segment):
    form = CampaignForm(
        {
            "name": "안내",
            "segment": segment.pk,
            "channel": "lms",
            "body": "우대금리 안내",
            "starts_at": "2026-12-02T10:00",
            "ends_at": "2026-12-03T10:00",
            "window_start": "07:30",
            "window_end": "21:30",
            "max_per_hour": "100",
        }
    )
    assert not form.is_valid()
    assert "window_end" in form.errors


@pytest.mark.django_db
def test_the_form_refuses_a_sending_period_beyond_two_years(segment):
    today = timezone.localdate()
    soon, too_far = today.replace(day=1) + dt.timedelta(days=40), today.replace(year=today.year + 3)
    data = {
        "name": "안내",
        "segment": segment.pk,
        "channel": "lms",
        "body": "우대금리 안내",
        "starts_at": f"{soon:%Y-%m-%d}T10:00",
        "ends_at": f"{too_far:%Y-%m-%d}T10:00",
        "window_start": "09:00",
        "window_end": "20:00",
        "max_per_hour": "100",
    }
    form = CampaignForm(data)
    assert not form.is_valid()
    assert form.errors["ends_at"] == ["발송 기간은 오늘부터 2년 안에서 정해 주세요."]
    assert "starts_at" not in form.errors
    assert CampaignForm({**data, "ends_at": f"{soon + dt.timedelta(days=7):%Y-%m-%d}T10:00"}).is_valid()
