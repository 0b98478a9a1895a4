"""Pages and approval: managers only, a second manager approves, an edit needs approval again,
and every step is in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from campaigns.models import Campaign, Segment
from messaging.models import Message, Purpose

TODAY = timezone.localdate()  # a sending period within the two-year horizon

pytestmark = pytest.mark.django_db


def action(client, campaign, name, **data):
    return client.post(reverse("staff:campaign_action", args=[campaign.pk, name]), data)


def steps(campaign) -> list[str]:
    entries = AuditEntry.objects.filter(target=f"campaign:{campaign.pk}").order_by("at", "id")
    return [e.detail["step"] for e in entries]


def test_the_list_shows_an_empty_state_when_there_is_no_campaign(client, manager):
    Campaign.objects.all().delete()
    client.force_login(manager)
    response = client.get(reverse("staff:campaigns"))
    assert "아직 캠페인이 없습니다" in response.content.decode()


@pytest.mark.parametrize("login", ["hnv2001", "hnv2004", "hanauser1"])
def test_nobody_but_a_manager_can_act_on_a_campaign(client, make_campaign, django_user_model, login):
    campaign = make_campaign(status=Campaign.Status.PENDING)
    client.force_login(django_user_model.objects.get(username=login))
    assert action(client, campaign, "approve").status_code == 403
    assert client.get(reverse("staff:segment_count")).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING


def test_the_live_count_applies_marketing_consent_always(client, manager, targets):
    client.force_login(manager)
    answer = client.get(reverse("staff:segment_count")).json()
    assert answer["count"] == 3
    answer = client.get(reverse("staff:segment_count"), {"gender": "F"}).json()
    assert answer["count"] == sum(1 for t in targets if t.customer_profile.gender == "F")
    bad = client.get(reverse("staff:segment_count"), {"consultation_within_days": "0"})
    assert bad.status_code == 400


def test_the_count_without_javascript_and_saving_a_segment(client, manager, targets):
    client.force_login(manager)
    page = client.post(reverse("staff:segment_create"), {"preview": "1"})
    assert "수신 동의 손님 3명" in page.content.decode()
    assert not Segment.objects.filter(name="전원").exists()
    saved = client.post(reverse("staff:segment_create"), {"name": "전원", "save": "1"})
    segment = Segment.objects.get(name="전원")
    assert saved["Location"].endswith(f"?segment={segment.pk}")


def test_written_submitted_then_the_author_cannot_approve_but_another_manager_can(
    client, manager, second_manager, segment
):
    client.force_login(manager)
    response = client.post(
        reverse("staff:campaign_create"),
        {
            "name": "연말 정기예금",
            "segment": segment.pk,
            "channel": "lms",
            "body": "#{이름}님, 연말 정기예금 우대금리 안내",
            "starts_at": f"{TODAY:%Y-%m-%d}T10:00",
            "ends_at": f"{TODAY + dt.timedelta(days=30):%Y-%m-%d}T10:00",
            "window_start": "09:00",
            "window_end": "20:00",
            "max_per_hour": "100",
        },
    )
    campaign = Campaign.objects.get(name="연말 정기예금")
    assert response["Location"] == reverse("staff:campaign_detail", args=[campaign.pk])
    assert campaign.status == Campaign.Status.DRAFT and campaign.author == manager
    detail = client.get(response["Location"]).content.decode()
    assert "(광고)[하나은행]" in detail and "무료수신거부" in detail

    action(client, campaign, "submit")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING

    refused = client.get(
        client.post(reverse("staff:campaign_action", args=[campaign.pk, "approve"]))["Location"]
    )
    assert "작성자는 자신의 캠페인을 승인하거나 반려할 수 없습니다" in refused.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING

    client.force_login(second_manager)
    action(client, campaign, "approve")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.APPROVED
    assert campaign.approver == second_manager
    assert steps(campaign) == ["create", "submit", "approve"]


def test_a_rejection_needs_a_reason(client, second_manager, make_campaign):
    campaign = make_campaign(status=Campaign.Status.PENDING)
    client.force_login(second_manager)
    action(client, campaign, "reject", reason="  ")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PENDING
    action(client, campaign, "reject", reason="금리 표기 확인 필요")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.REJECTED
    assert campaign.reason == "금리 표기 확인 필요"
    assert steps(campaign) == ["reject"]


def test_an_edit_after_approval_takes_it_back_to_draft(client, manager, second_manager, make_campaign):
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    client.force_login(manager)
    client.post(
        reverse("staff:campaign_edit", args=[campaign.pk]),
        {
            "name": campaign.name,
            "segment": campaign.segment_id,
            "channel": "lms",
            "body": "#{이름}님, 우대금리가 0.5%p로 올랐습니다",
            "starts_at": f"{TODAY:%Y-%m-%d}T10:00",
            "ends_at": f"{TODAY + dt.timedelta(days=30):%Y-%m-%d}T10:00",
            "window_start": "09:00",
            "window_end": "20:00",
            "max_per_hour": "100",
        },
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.approver is None
    assert campaign.body.endswith("0.5%p로 올랐습니다")
    assert steps(campaign) == ["edit"]


def test_a_new_banned_word_blocks_a_draft_at_submission(client, manager, make_campaign):
    campaign = make_campaign(body="원금보장 정기예금")
    client.force_login(manager)
    page = client.get(client.post(reverse("staff:campaign_action", args=[campaign.pk, "submit"]))["Location"])
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert '<mark title="금칙어">원금보장</mark>' in page.content.decode()


def test_a_test_send_goes_to_the_managers_phone_with_the_frame(
    client, manager, make_campaign, outbox, django_capture_on_commit_callbacks
):
    campaign = make_campaign()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        action(client, campaign, "test", phone="010-9876-5432")
    message = Message.objects.get(purpose=Purpose.CAMPAIGN_TEST)
    assert message.to_phone == "+821098765432"
    assert message.body.startswith(f"(광고)[하나은행] {manager.name}님")
    assert [m.to for m in outbox] == ["+821098765432"]
    assert steps(campaign) == ["test_send"]
