"""Staff and manager analytics: Seoul-day bucketing, numbers equal to a brute-force count over the
raw rows, the trigger-kept day table staying right through every kind of write, and who sees what."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import day_counts
from consultations.counts import Period, counts_by, counts_over_time
from consultations.models import Channel, Consultation, ConsultationDay, MiddleCategory
from consultations.search import consultation_search
from core.bulk import insert_rows
from customers.models import User
from inquiries.analytics import response_stats
from inquiries.models import Inquiry

KST = dt.timezone(dt.timedelta(hours=9))


def day_table() -> dict[tuple, int]:
    return {
        (r.day, r.staff_id, r.channel_id, r.main_category_id): r.n
        for r in ConsultationDay.objects.all()
        if r.n
    }


def record(customer, staff, when: dt.datetime, channel="branch", middle="0101") -> Consultation:
    m = MiddleCategory.objects.get(code=middle)
    return Consultation.objects.create(
        customer=customer,
        staff=staff,
        channel=Channel.objects.get(code=channel),
        main_category=m.main,
        middle_category=m,
        title="분석 테스트",
        occurred_at=when,
    )


def test_half_past_midnight_in_seoul_counts_for_that_seoul_day(customer, teller):
    record(customer, teller, dt.datetime(2031, 3, 4, 0, 30, tzinfo=KST))  # 2031-03-03 15:30 UTC
    row = ConsultationDay.objects.get(day=dt.date(2031, 3, 4), staff=teller)
    assert row.n == 1
    assert not ConsultationDay.objects.filter(day=dt.date(2031, 3, 3), staff=teller, n__gt=0).exists()
    period = Period(dt.date(2031, 3, 3), dt.date(2031, 3, 4), "day")
    buckets, series = counts_over_time(ConsultationDay.objects.filter(staff=teller), period)
    assert buckets == [dt.date(2031, 3, 3), dt.date(2031, 3, 4)]
    assert series[0][1] == [0, 1]
    # the raw rows, bucketed by the database in Seoul time, agree
    _, raw = counts_over_time(Consultation.objects.filter(staff=teller), period)
    assert raw[0][1] == [0, 1]


def test_the_day_table_follows_every_kind_of_write(customer, teller, agent):
    c = record(customer, teller, dt.datetime(2031, 3, 4, 10, tzinfo=KST))
    c.staff = agent
    c.occurred_at = dt.datetime(2031, 3, 5, 23, 59, tzinfo=KST)
    c.save()
    Consultation.objects.filter(staff=agent, title="분석 테스트").update(
        channel=Channel.objects.get(code="call")
    )
    extra = record(customer, teller, dt.datetime(2031, 3, 6, 9, tzinfo=KST))
    extra.delete()
    m = MiddleCategory.objects.get(code="0202")
    when = dt.datetime(2031, 3, 7, 0, 5, tzinfo=KST)
    insert_rows(  # the COPY path of bulk loads
        "consultations_consultation",
        [
            "customer_id",
            "staff_id",
            "channel_id",
            "main_category_id",
            "middle_category_id",
            "title",
            "notes",
            "progress",
            "follow_up_needed",
            "occurred_at",
            "created_at",
            "updated_at",
        ],  # fmt: skip
        [(customer.pk, teller.pk, c.channel_id, m.main_id, m.pk, "copy", "", "done", False, when, when, when)]
        * 3,
    )
    kept = day_table()
    day_counts.rebuild()
    assert kept == day_table()
    assert kept[(dt.date(2031, 3, 7), teller.pk, c.channel_id, m.main_id)] == 3


@pytest.mark.parametrize("granularity", ["day", "week", "month", "quarter", "year"])
def test_numbers_equal_a_brute_force_count(db, granularity):
    first, last = dt.date(2024, 1, 1), timezone.localdate()
    if granularity == "day":
        first = last - dt.timedelta(days=120)
    period = Period(first, last, granularity)
    rows = list(Consultation.objects.values_list("occurred_at", "channel__name", "staff_id"))
    by_bucket: Counter = Counter()
    by_channel: Counter = Counter()
    for occurred, channel, _staff in rows:
        day = timezone.localtime(occurred).date()
        if first <= day <= last:
            by_bucket[period.label(_bucket(day, period))] += 1
            by_channel[channel] += 1
    assert sum(by_bucket.values()) > 20  # the demo bank has data in the period
    days = ConsultationDay.objects.filter(day__gte=first, day__lte=last)
    assert {r.label: r.n for r in counts_by(days, "channel")} == dict(by_channel)
    buckets, series = counts_over_time(days, period)
    got = {period.label(b): n for b, n in zip(buckets, series[0][1], strict=True) if n}
    assert got == dict(by_bucket)


def _bucket(day: dt.date, period: Period) -> dt.date:
    from consultations.counts import bucket_start

    return bucket_start(day, period.granularity)


def chart(client, name: str, **params) -> dict:
    response = client.get(reverse("staff:analytics_chart", args=[name]), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_staff_see_only_their_own_numbers(client, teller):
    mine = Counter(
        c.channel.name
        for c in Consultation.objects.filter(staff=teller).select_related("channel")
        if dt.date(2020, 1, 1) <= timezone.localtime(c.occurred_at).date()
    )
    client.force_login(teller)
    params = {"date_from": "2020-01-01", "granularity": "year"}
    data = chart(client, "channel", **params)
    assert dict(zip(data["labels"], data["datasets"][0]["data"], strict=True)) == dict(mine)
    other = User.objects.get(username="hnv2001")
    # a staff filter from a non-manager is ignored: still their own numbers
    assert (
        chart(client, "channel", staff=other.pk, **params)["datasets"][0]["data"]
        == data["datasets"][0]["data"]
    )
    for manager_only in ("staff", "branch", "messages"):
        assert client.get(reverse("staff:analytics_chart", args=[manager_only])).status_code == 404
        assert client.get(reverse("staff:analytics_csv", args=[manager_only])).status_code == 404


def test_managers_see_everyone_and_can_narrow_down(client, manager, teller):
    client.force_login(manager)
    params = {"date_from": "2020-01-01", "granularity": "year"}
    everyone = chart(client, "staff", **params)
    assert (
        sum(everyone["datasets"][0]["data"])
        == Consultation.objects.filter(
            occurred_at__gte=dt.datetime(2020, 1, 1, tzinfo=KST),
            occurred_at__lt=timezone.now() + dt.timedelta(days=1),
        ).count()
    )
    assert len(everyone["labels"]) > 3
    one = chart(client, "staff", staff=teller.pk, **params)
    assert one["labels"] == [teller.name]
    assert one["datasets"][0]["data"] == [Consultation.objects.filter(staff=teller).count()]
    assert one["links"][0].startswith("/staff/consultations/?") and f"staff={teller.pk}" in one["links"][0]
    branch = teller.staff_profile.branch
    narrowed = chart(client, "branch", branch=branch.pk, **params)
    assert narrowed["labels"] == [branch.name]


def test_drill_down_link_opens_the_same_consultations_in_the_search(client, manager):
    client.force_login(manager)
    data = chart(client, "channel", date_from="2020-01-01", granularity="year")
    link, n = data["links"][0], data["datasets"][0]["data"][0]
    page = client.get(link)
    form = page.context["form"]
    assert form.is_valid()
    assert consultation_search(form.filters()).count() == n
    assert page.context["rows"]  # the list opens on those consultations


def test_csv_export_matches_the_chart(client, manager):
    client.force_login(manager)
    params = {"date_from": "2024-01-01", "granularity": "quarter"}
    data = chart(client, "timeline", **params)
    response = client.get(reverse("staff:analytics_csv", args=["timeline"]), params)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "기간" and rows[0][-1] == "합계"
    assert [r[0] for r in rows[1:]] == data["labels"]
    per_label = [sum(ds["data"][i] for ds in data["datasets"]) for i in range(len(data["labels"]))]
    assert [int(r[-1]) for r in rows[1:]] == per_label


def test_bad_periods_are_refused_with_a_message(client, manager):
    client.force_login(manager)
    response = client.get(reverse("staff:analytics"), {"date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert "시작일이 종료일보다 늦습니다" in response.content.decode()


def test_a_long_period_by_day_is_drawn_by_a_coarser_unit_and_says_so(client, manager):
    """A year at the day unit would be ~365 spiky points: weeks are drawn instead, and the page says so."""
    client.force_login(manager)
    params = {"date_from": "2025-01-01", "date_to": "2025-12-31", "granularity": "day"}
    data = chart(client, "timeline", **params)
    assert 50 <= len(data["labels"]) <= 53 and all(
        label.endswith("~") or "(" in label for label in data["labels"]
    )
    page = client.get(reverse("staff:analytics"), params)
    assert page.context["current_granularity"] == "week"
    assert "기간이 길어 일 단위 대신 주 단위로 보여 드립니다." in page.content.decode()
    years = chart(client, "timeline", date_from="2020-01-01", granularity="day")
    assert len(years["labels"]) <= 92  # by month


def test_counts_are_straight_lines_with_the_running_period_marked(
    client, manager, customer, teller, frozen_now
):
    frozen_now(dt.datetime(2031, 3, 15, 12, tzinfo=KST))
    record(customer, teller, dt.datetime(2031, 2, 10, 10, tzinfo=KST))
    client.force_login(manager)
    data = chart(client, "timeline", date_from="2031-01-01", date_to="2031-03-15", granularity="month")
    assert data["labels"] == ["2031-01", "2031-02", "2031-03 (집계 중)"]
    assert data["partial"] == [2]
    assert data["datasets"] and all(ds["tension"] == 0 for ds in data["datasets"])
    cut = chart(client, "inquiries", date_from="2031-01-10", date_to="2031-02-28", granularity="month")
    assert cut["labels"] == ["2031-01 (일부 기간)", "2031-02"] and cut["partial"] == [0]


def test_channel_series_carry_the_channel_code_for_the_badge_colour(client, manager):
    client.force_login(manager)
    params = {"date_from": "2020-01-01", "granularity": "year"}
    codes = dict(Channel.objects.values_list("name", "code"))
    timeline = chart(client, "timeline", **params)
    assert timeline["channels"] == [codes[ds["label"]] for ds in timeline["datasets"]]
    doughnut = chart(client, "channel", **params)
    assert doughnut["channels"] == [codes[label] for label in doughnut["labels"]]
    staff = chart(client, "staff", **params)
    assert staff["horizontal"] is True  # every name stays readable on a phone
    page = client.get(reverse("staff:analytics"), params).content.decode()
    assert 'aria-describedby="summary-staff"' in page and "가장 많은 것은" in page


def test_first_response_median_p90_and_sla_hit_rate(db, customer, agent):
    m = MiddleCategory.objects.get(code="0101")
    base = dt.datetime(2031, 3, 10, 9, tzinfo=KST)
    waits = [1, 2, 3, 5, 8, 13, 30]
    made = []
    for hours in waits:
        inquiry = Inquiry.objects.create(
            customer=customer, title="t", main_category=m.main, middle_category=m, body="<p>x</p>",
            sla_due_at=base + dt.timedelta(hours=10), assignee=agent,
        )  # fmt: skip
        Inquiry.objects.filter(pk=inquiry.pk).update(
            created_at=base, first_response_at=base + dt.timedelta(hours=hours)
        )
        made.append(inquiry.pk)
    waiting = Inquiry.objects.create(
        customer=customer, title="w", main_category=m.main, middle_category=m, body="<p>x</p>",
        sla_due_at=base + dt.timedelta(hours=1),
    )  # fmt: skip
    Inquiry.objects.filter(pk=waiting.pk).update(created_at=base)
    stats = response_stats(
        Inquiry.objects.filter(pk__in=[*made, waiting.pk]), now=base + dt.timedelta(days=3)
    )
    expected = statistics.quantiles(waits, n=10, method="inclusive")
    assert stats.median_hours == statistics.median(waits)
    assert stats.p90_hours == round(expected[8], 1)
    assert (stats.within_sla, stats.missed_sla) == (5, 3)  # 13 h and 30 h late; one never answered
    assert stats.hit_rate == 62.5
