"""Alimtalk campaigns: an approved template's text, the customer's values as its variables,
KakaoTalk first and the same text as SMS/LMS for a customer KakaoTalk cannot reach."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import AlimtalkTemplate, Campaign
from campaigns.sending import campaign_pace
from campaigns.services import campaign_submit
from messaging.delivery import message_deliver
from messaging.models import Message
from tests.fakes.solapi import API_KEY, API_SECRET, FakeSolapi

from .conftest import MORNING

pytestmark = pytest.mark.django_db
TEXT = "#{이름}님(#{고객등급}), 이번 달 하나 예적금 혜택을 하나원큐에서 확인하세요."


@pytest.fixture
def fake_solapi(settings):
    with FakeSolapi() as server:
        settings.SMS_BACKEND = "solapi"
        settings.SOLAPI_API_BASE = server.url
        settings.SOLAPI_API_KEY = API_KEY
        settings.SOLAPI_API_SECRET = API_SECRET
        settings.SOLAPI_SENDER = "02-1588-1111"
        settings.SOLAPI_PF_ID = "KA01PF0000000000000000000000"
        settings.SMS_RETRY_BASE_SECONDS = 0
        yield server


@pytest.fixture
def template(db) -> AlimtalkTemplate:
    return AlimtalkTemplate.objects.create(code="TPL_CAMPAIGN_TEST", name="예적금 혜택", body=TEXT)


def form_data(segment, **fields):
    return {
        "name": "알림톡 예적금",
        "segment": segment.pk,
        "channel": "ata",
        "body": "",
        "starts_at": "2026-12-02T09:00",
        "ends_at": "2026-12-04T18:00",
        "window_start": "09:00",
        "window_end": "20:00",
        "max_per_hour": 1000,
        **fields,
    }


def test_an_alimtalk_campaign_takes_its_templates_text(client, manager, segment, template):
    client.force_login(manager)
    response = client.post(
        reverse("staff:campaign_create"),
        form_data(segment, alimtalk_template=template.pk, body="제가 쓴 다른 문구"),
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="알림톡 예적금")
    assert (campaign.channel, campaign.alimtalk_template, campaign.body) == ("ata", template, TEXT)
    detail = client.get(response["Location"]).content.decode()
    assert "TPL_CAMPAIGN_TEST" in detail


def test_an_alimtalk_campaign_needs_a_template(client, manager, segment, template):
    client.force_login(manager)
    response = client.post(reverse("staff:campaign_create"), form_data(segment))
    assert "알림톡 템플릿을 고르세요." in response.content.decode()
    assert not Campaign.objects.filter(name="알림톡 예적금").exists()


def test_an_alimtalk_whose_text_no_longer_matches_its_template_cannot_be_submitted(
    make_campaign, manager, template
):
    campaign = make_campaign(channel="ata", alimtalk_template=template, body=TEXT)
    AlimtalkTemplate.objects.filter(pk=template.pk).update(body="카카오가 다시 승인한 다른 문안")
    with pytest.raises(Exception, match="승인된 템플릿의 문안 그대로만"):
        campaign_submit(campaign=campaign, by=manager)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT


def test_alimtalk_first_then_the_same_text_as_sms_for_a_customer_kakaotalk_cannot_reach(
    targets,
    make_campaign,
    second_manager,
    template,
    fake_solapi,
    frozen_now,
    django_capture_on_commit_callbacks,
):
    campaign = make_campaign(
        channel="ata",
        alimtalk_template=template,
        body=TEXT,
        status=Campaign.Status.APPROVED,
        approver=second_manager,
    )
    first, second = targets[0], targets[1]
    unreachable = "0" + second.customer_profile.phone[3:]
    fake_solapi.state.control({"kakao_unreachable": [unreachable]})
    frozen_now(MORNING)
    with django_capture_on_commit_callbacks(execute=False):
        assert campaign_pace(MORNING) == 3
    rows = {
        m.customer_id: m
        for m in Message.objects.filter(idempotency_key__startswith=f"campaign:{campaign.pk}:")
    }
    mine = rows[first.pk]
    assert mine.kind == Message.Kind.ALIMTALK
    assert mine.alimtalk_template == "TPL_CAMPAIGN_TEST"
    assert mine.alimtalk_variables["#{이름}"] == first.name
    assert mine.body.startswith(f"(광고)[하나은행] {first.name}님(")
    assert message_deliver(mine.pk).outcome == "sent"
    theirs = rows[second.pk]
    assert message_deliver(theirs.pk).outcome == "fallback"
    assert message_deliver(theirs.pk).outcome == "sent"
    theirs.refresh_from_db()
    assert theirs.kind in (Message.Kind.SMS, Message.Kind.LMS)
    sent = fake_solapi.state.messages
    assert [m["type"] for m in sent] == ["ATA", sent[1]["type"]] and sent[1]["type"] in ("SMS", "LMS")
    assert sent[0]["kakaoOptions"]["templateId"] == "TPL_CAMPAIGN_TEST"
    assert sent[1]["text"] == theirs.body  # the same framed text, (광고) and opt-out line included
    assert sent[1]["text"].endswith("무료수신거부 080-000-0000")
