"""The pacer: only approved campaigns, inside the window, at the pace, once per customer, and
nobody who withdrew consent gets anything."""

from __future__ import annotations

import datetime as dt

import pytest

from campaigns.models import Campaign, CampaignRecipient
from campaigns.sending import campaign_pace
from campaigns.services import campaign_move
from customers.models import CustomerProfile, User
from messaging.delivery import message_deliver
from messaging.models import Message, Purpose

from .conftest import MORNING

pytestmark = pytest.mark.django_db


def campaign_messages(campaign):
    return Message.objects.filter(idempotency_key__startswith=f"campaign:{campaign.pk}:")


@pytest.fixture
def run(frozen_now, django_capture_on_commit_callbacks):
    """One beat of the pacer at `moment` (the deliveries it hands out are left for the test)."""

    def beat(moment=MORNING):
        frozen_now(moment)
        with django_capture_on_commit_callbacks(execute=False):
            return campaign_pace(moment)

    return beat


@pytest.mark.parametrize(
    "status",
    [Campaign.Status.DRAFT, Campaign.Status.PENDING, Campaign.Status.REJECTED, Campaign.Status.PAUSED],
)
def test_a_campaign_that_is_not_approved_never_sends(targets, make_campaign, run, status):
    campaign = make_campaign(status=status)
    assert run() == 0
    assert not campaign_messages(campaign).exists()


def test_an_approved_campaign_queues_one_marketing_message_per_consenting_customer(
    targets, make_campaign, run, second_manager
):
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    assert run() == 3
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING
    rows = campaign_messages(campaign).order_by("customer_id")
    assert [m.customer for m in rows] == targets
    assert {m.purpose for m in rows} == {Purpose.MARKETING}
    first = rows[0]
    assert first.body.startswith(f"(광고)[하나은행] {targets[0].name}님, 12월 정기예금")
    assert first.body.endswith("무료수신거부 080-000-0000")


def test_a_rerun_of_the_sending_task_makes_no_duplicates(targets, make_campaign, run, second_manager):
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    run()
    run(MORNING + dt.timedelta(minutes=1))
    run(MORNING + dt.timedelta(minutes=2))
    assert campaign_messages(campaign).count() == 3
    assert CampaignRecipient.objects.filter(campaign=campaign).count() == 3
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE  # everyone reached


def test_the_pace_is_the_hours_budget_spread_over_the_runs(
    targets, make_campaign, run, second_manager, settings
):
    settings.CAMPAIGN_PACE_SECONDS = 60
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager, max_per_hour=2)
    assert run() == 1
    assert run(MORNING + dt.timedelta(minutes=1)) == 1
    assert run(MORNING + dt.timedelta(minutes=2)) == 0  # two this hour already
    assert run(MORNING + dt.timedelta(minutes=61)) == 1
    assert campaign_messages(campaign).count() == 3


def test_outside_the_daily_window_nothing_is_queued(targets, make_campaign, run, second_manager):
    make_campaign(
        status=Campaign.Status.APPROVED,
        approver=second_manager,
        window_start=dt.time(11),
        window_end=dt.time(12),
    )
    assert run() == 0
    assert run(MORNING + dt.timedelta(hours=1, minutes=5)) == 3


def test_end_time_reached_mid_run_stops_creating_messages(
    targets, make_campaign, run, second_manager, settings
):
    settings.CAMPAIGN_PACE_SECONDS = 60
    campaign = make_campaign(
        status=Campaign.Status.APPROVED,
        approver=second_manager,
        max_per_hour=60,
        ends_at=MORNING + dt.timedelta(minutes=1, seconds=30),
    )
    assert run() == 1
    assert run(MORNING + dt.timedelta(minutes=1)) == 1
    assert run(MORNING + dt.timedelta(minutes=2)) == 0
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE
    assert campaign_messages(campaign).count() == 2


def test_pause_holds_the_next_slices_and_resume_goes_on(
    targets, make_campaign, run, manager, second_manager, settings
):
    settings.CAMPAIGN_PACE_SECONDS = 60
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager, max_per_hour=60)
    assert run() == 1
    campaign_move(campaign=campaign, by=manager, step="pause")
    assert run(MORNING + dt.timedelta(minutes=1)) == 0
    assert run(MORNING + dt.timedelta(minutes=2)) == 0
    campaign_move(campaign=campaign, by=manager, step="resume")
    assert run(MORNING + dt.timedelta(minutes=3)) == 1
    assert campaign_messages(campaign).count() == 2


def test_stop_withdraws_the_messages_not_yet_sent(targets, make_campaign, run, manager, second_manager):
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    run()
    campaign_move(campaign=campaign, by=manager, step="stop")
    assert set(campaign_messages(campaign).values_list("status", flat=True)) == {Message.Status.CANCELLED}
    assert run(MORNING + dt.timedelta(minutes=1)) == 0


def test_consent_withdrawn_mid_run_gets_nothing(
    targets, make_campaign, run, second_manager, settings, outbox
):
    settings.CAMPAIGN_PACE_SECONDS = 60
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager, max_per_hour=120)
    first, second, third = targets
    assert run() == 2  # the first two are queued, the third waits for the next slice
    # The first withdraws before the worker reaches their message; the third before their slice.
    for person in (first, third):
        profile = person.customer_profile
        profile.marketing_consent = False
        profile.save()
    for message in campaign_messages(campaign):
        message_deliver(message.pk)
    assert run(MORNING + dt.timedelta(minutes=1)) == 0
    assert [sms.to for sms in outbox] == [second.customer_profile.phone]
    cancelled = campaign_messages(campaign).get(customer=first)
    assert cancelled.status == Message.Status.CANCELLED
    assert not campaign_messages(campaign).filter(customer=third).exists()


def test_a_slice_goes_to_the_bulk_lane_in_batch_tasks_not_one_task_per_recipient(
    targets,
    make_campaign,
    frozen_now,
    django_capture_on_commit_callbacks,
    second_manager,
    settings,
    monkeypatch,
):
    from messaging import tasks
    from messaging.lanes import queue_for

    settings.SMS_TASK_BATCH = 2
    batches: list[tuple[list[int], str]] = []
    singles: list[int] = []
    monkeypatch.setattr(
        tasks.message_send_batch_task,
        "apply_async",
        lambda args, queue=None: batches.append((args[0], queue)),
    )
    monkeypatch.setattr(tasks.message_send_task, "apply_async", lambda args, **kw: singles.append(args[0]))
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    frozen_now(MORNING)
    with django_capture_on_commit_callbacks(execute=True):
        assert campaign_pace(MORNING) == 3

    ids = sorted(campaign_messages(campaign).values_list("pk", flat=True))
    assert singles == []
    assert [len(batch) for batch, _ in batches] == [2, 1]
    assert sorted(pk for batch, _ in batches for pk in batch) == ids
    assert {queue for _, queue in batches} == {queue_for(Purpose.MARKETING)}
    # Each row expires with the campaign: a backlog or a retry cannot send it after the end.
    assert set(campaign_messages(campaign).values_list("valid_until", flat=True)) == {campaign.ends_at}


def test_a_slice_costs_the_same_statements_for_three_customers_as_for_thirty(
    targets, make_campaign, run, second_manager
):
    """The pacer writes a slice in one COPY of messages and one of recipients: a 200,000-customer
    campaign is scheduled in seconds, not hours (bench/campaigns.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    with CaptureQueriesContext(connection) as three:
        assert run() == 3
    small.status = Campaign.Status.DONE
    small.save()
    many = list(CustomerProfile.objects.order_by("pk").values_list("pk", flat=True)[:30])
    CustomerProfile.objects.filter(pk__in=many).update(marketing_consent=True)
    consenting = CustomerProfile.objects.filter(marketing_consent=True).count()
    assert consenting >= 30
    big = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    with CaptureQueriesContext(connection) as thirty:
        assert run() == consenting
    assert len(thirty.captured_queries) == len(three.captured_queries)
    assert (
        campaign_messages(big).count() == CampaignRecipient.objects.filter(campaign=big).count() == consenting
    )
    assert not CampaignRecipient.objects.filter(campaign=big, message__isnull=True).exists()


def test_adverts_are_held_to_the_law_when_written(targets, frozen_now):
    """The batch path refuses what message_enqueue refuses: no consent, no row; outside 08:00–21:00
    without the separate night consent the row waits for 08:00; with it, it is due now."""
    from messaging.outbox import Advert, message_enqueue_adverts

    first, second, third = targets
    CustomerProfile.objects.filter(user=second).update(marketing_consent=False)
    CustomerProfile.objects.filter(user=third).update(marketing_night_consent=True)
    night = MORNING.replace(hour=22)
    frozen_now(night)
    people = list(
        User.objects.filter(pk__in=[p.pk for p in targets]).select_related("customer_profile").order_by("pk")
    )
    written = message_enqueue_adverts(
        purpose=Purpose.MARKETING,
        items=[Advert.to(p, key=f"advert:{p.pk}", body="(광고) 혜택 안내") for p in people],
    )
    assert set(written) == {f"advert:{first.pk}", f"advert:{third.pk}"}
    rows = {m.customer_id: m for m in Message.objects.filter(pk__in=written.values())}
    assert rows[first.pk].not_before == (MORNING.replace(hour=8) + dt.timedelta(days=1))
    assert rows[third.pk].not_before is None
    again = message_enqueue_adverts(
        purpose=Purpose.MARKETING,
        items=[Advert.to(people[0], key=f"advert:{first.pk}", body="다른 글")],
    )
    assert again == {f"advert:{first.pk}": written[f"advert:{first.pk}"]}
    assert Message.objects.get(pk=written[f"advert:{first.pk}"]).body == "(광고) 혜택 안내"
    with pytest.raises(ValueError):
        message_enqueue_adverts(purpose=Purpose.BOOKING_CONFIRMED, items=[])


def test_an_advert_the_providers_would_refuse_is_left_out_and_the_rest_of_the_slice_written(
    targets, frozen_now, settings
):
    from messaging.outbox import Advert, message_enqueue_adverts

    settings.SMS_BACKEND = "solapi"  # speaks KakaoTalk: the alimtalk template goes with the row
    frozen_now(MORNING)
    first, second, third = (
        User.objects.filter(pk__in=[p.pk for p in targets]).select_related("customer_profile").order_by("pk")
    )
    third.customer_profile.phone = "0212345678"  # a landline: no SMS, no KakaoTalk
    until = MORNING + dt.timedelta(days=1)
    written = message_enqueue_adverts(
        purpose=Purpose.MARKETING,
        items=[
            Advert.to(
                first, key="a:1", body="(광고) 짧은 글", alimtalk=("HANA_AD_1", {"#{이름}": first.name})
            ),
            Advert.to(second, key="a:2", body="가" * 3000, valid_until=until),
            Advert.to(third, key="a:3", body="(광고) 짧은 글"),
            Advert.to(second, key="a:4", body="(광고) " + "나" * 100, valid_until=until),
        ],
    )
    assert set(written) == {"a:1", "a:4"}
    alimtalk, long_sms = Message.objects.get(pk=written["a:1"]), Message.objects.get(pk=written["a:4"])
    assert (alimtalk.kind, alimtalk.alimtalk_template, alimtalk.alimtalk_variables) == (
        Message.Kind.ALIMTALK,
        "HANA_AD_1",
        {"#{이름}": first.name},
    )
    assert (long_sms.kind, long_sms.alimtalk_template, long_sms.valid_until) == (Message.Kind.LMS, "", until)
    assert long_sms.to_phone == second.customer_profile.phone


def test_each_run_starts_after_the_last_customer_written_so_someone_who_consents_late_below_it_waits(
    targets, make_campaign, run, second_manager
):
    """The list goes out in customer-number order, a slice a run; a customer who consents after the
    pacer passed their number is for the next campaign (it does not walk back over the list)."""
    first, second, third = targets
    CustomerProfile.objects.filter(user=second).update(marketing_consent=False)
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager, max_per_hour=60)
    assert run() == 1  # one a minute: the first customer
    assert run(MORNING + dt.timedelta(minutes=1)) == 1  # the third: the second does not consent
    CustomerProfile.objects.filter(user=second).update(marketing_consent=True)  # passed already
    assert run(MORNING + dt.timedelta(minutes=2)) == 0
    assert sorted(campaign_messages(campaign).values_list("customer_id", flat=True)) == [first.pk, third.pk]
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE


@pytest.mark.parametrize("uploaded", [False, True])
def test_a_segment_after_a_number_is_the_segment_above_it(targets, manager, uploaded):
    from campaigns.models import Segment, SegmentMember
    from campaigns.selectors import segment_customers, segment_filters

    CustomerProfile.objects.update(marketing_consent=True)
    if uploaded:
        segment = Segment.objects.create(name="목록", created_by=manager, source=Segment.Source.UPLOAD)
        SegmentMember.objects.bulk_create(
            [
                SegmentMember(segment=segment, customer=c)
                for c in User.objects.filter(role=User.Role.CUSTOMER)[::2]
            ]
        )
    else:
        segment = Segment.objects.create(name="모두", created_by=manager)
    everyone = list(segment_customers(segment_filters(segment)).order_by("pk").values_list("pk", flat=True))
    assert len(everyone) >= 3
    middle = everyone[len(everyone) // 2]
    above = list(
        segment_customers(segment_filters(segment), after=middle).order_by("pk").values_list("pk", flat=True)
    )
    assert above == [pk for pk in everyone if pk > middle]


def test_an_advert_slice_with_a_key_written_before_keeps_that_row_and_writes_the_rest(targets, frozen_now):
    from messaging.outbox import Advert, message_enqueue_adverts

    frozen_now(MORNING)
    first, second, _ = User.objects.filter(pk__in=[p.pk for p in targets]).select_related("customer_profile")
    before = message_enqueue_adverts(
        purpose=Purpose.MARKETING, items=[Advert.to(first, key="again:1", body="(광고) 먼저 쓴 글")]
    )
    written = message_enqueue_adverts(
        purpose=Purpose.MARKETING,
        items=[
            Advert.to(first, key="again:1", body="(광고) 다시 쓴 글"),
            Advert.to(second, key="again:2", body="(광고) 새 글"),
        ],
    )
    assert written["again:1"] == before["again:1"]
    assert Message.objects.get(pk=written["again:1"]).body == "(광고) 먼저 쓴 글"
    assert Message.objects.get(pk=written["again:2"]).customer == second
    assert Message.objects.filter(idempotency_key__startswith="again:").count() == 2


def test_the_recipient_ledger_keeps_its_references_through_django(
    targets, make_campaign, run, second_manager
):
    """The recipient table has no database foreign keys (a slice's cost); Django still protects the
    customer and the message, and a deleted campaign takes its recipient rows with it."""
    from django.db.models import ProtectedError

    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    run()
    recipient = (
        CampaignRecipient.objects.filter(campaign=campaign).select_related("customer", "message").first()
    )
    with pytest.raises(ProtectedError):
        recipient.customer.delete()
    with pytest.raises(ProtectedError):
        recipient.message.delete()
    campaign.delete()
    assert not CampaignRecipient.objects.filter(pk=recipient.pk).exists()
